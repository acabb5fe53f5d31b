// status, diff and history over the acme flow (FakeApplier double: see fake_applier.h).
#include "release_fixture.h"

#include "release/views.h"

namespace slipway::release::test {
namespace {

class ViewsTest : public ReleaseTest {
 protected:
  std::string to_production() {
    build_everything();
    Result<Release> r = service->create_from_environment({.from = "dev"}, "erin");
    EXPECT_TRUE(r);
    EXPECT_TRUE(service->promote(r->id, "staging", "alice", applier));
    EXPECT_TRUE(service->approve(r->id, "prod-acme", "carol"));
    EXPECT_TRUE(service->promote(r->id, "prod-acme", "erin", applier));
    return r->id;
  }

  static const Change* find(const std::vector<Change>& changes, const std::string& key) {
    for (const Change& c : changes)
      if (c.key == key) return &c;
    return nullptr;
  }
};

TEST_F(ViewsTest, DiffOfStagingAndProdAcmeShowsTheBridgeAndTheValues) {
  to_production();
  Result<Diff> d = diff(*store, workspace, *service, "staging", "prod-acme");
  ASSERT_TRUE(d) << d.error().to_string();
  ASSERT_EQ(d->components.size(), 1u);
  EXPECT_EQ(d->components[0].key, "acme-bridge");
  EXPECT_EQ(d->components[0].change, "added");
  EXPECT_EQ(d->components[0].to, "1.0.0");
  const Change* currency = find(d->values, "billing.currency");
  ASSERT_TRUE(currency);
  EXPECT_EQ(currency->change, "changed");
  EXPECT_EQ(currency->from, "EUR");
  EXPECT_EQ(currency->to, "USD");
  const Change* erp = find(d->values, "acme.erp_url");
  ASSERT_TRUE(erp);
  EXPECT_EQ(erp->change, "added");
  EXPECT_FALSE(find(d->values, "metrics.enabled"));  // the same in both: not listed
  const Change* offset = find(d->platform, "port_offset");
  ASSERT_TRUE(offset);
  EXPECT_EQ(offset->from, "100");
  EXPECT_EQ(offset->to, "300");
  const Change* secret = find(d->secrets, "billing_api_key");
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->change, "not generated yet");  // no fingerprints given: nothing to compare
  EXPECT_EQ(to_json(*d)["components"][0]["key"], "acme-bridge");
}

TEST_F(ViewsTest, DiffComparesSecretsByFingerprintNeverByValue) {
  to_production();
  std::map<std::string, std::map<std::string, std::string>> prints = {
      {"staging", {{"billing_api_key", "f1"}}}, {"prod-acme", {{"billing_api_key", "f1"}}}, {"prod-cloud", {}}};
  SecretFingerprints fingerprints = [&](const std::string& env) -> Result<std::map<std::string, std::string>> {
    return prints[env];
  };
  auto secret_change = [&](const std::string& a, const std::string& b) {
    Result<Diff> d = diff(*store, workspace, *service, a, b, fingerprints);
    EXPECT_TRUE(d) << d.error().to_string();
    const Change* secret = d ? find(d->secrets, "billing_api_key") : nullptr;
    return secret ? secret->change + "|" + secret->from + "|" + secret->to : std::string("none");
  };
  EXPECT_EQ(secret_change("staging", "prod-acme"), "unchanged||");
  prints["prod-acme"]["billing_api_key"] = "f2";
  EXPECT_EQ(secret_change("staging", "prod-acme"), "changed||");
  EXPECT_EQ(secret_change("staging", "prod-cloud"), "not generated yet|generated|");
  SecretFingerprints broken = [](const std::string&) -> Result<std::map<std::string, std::string>> {
    return fail(ErrorCode::corrupt, "secret billing_api_key cannot be decrypted (wrong master key?)");
  };
  EXPECT_EQ(diff(*store, workspace, *service, "staging", "prod-acme", broken).error().message,
            "secret billing_api_key cannot be decrypted (wrong master key?)");
}

TEST_F(ViewsTest, DiffOfTwoReleasesGivesTheDirection) {
  build_everything();
  std::string old_release = dev_release();
  build("billing", "1.1.0");
  build("web", "0.9.0");  // a lower version arriving later
  Result<Diff> d = diff(*store, workspace, *service, old_release, dev_release());
  ASSERT_TRUE(d) << d.error().to_string();
  ASSERT_EQ(d->components.size(), 3u);
  EXPECT_EQ(d->components[0].key, "acme-bridge");  // built after the old release: the product's latest
  EXPECT_EQ(d->components[0].change, "added");
  EXPECT_EQ(d->components[1].key, "billing");
  EXPECT_EQ(d->components[1].change, "upgraded");
  EXPECT_EQ(d->components[1].from, "1.0.0");
  EXPECT_EQ(d->components[2].key, "web");
  EXPECT_EQ(d->components[2].change, "downgraded");
  EXPECT_EQ(d->config, "same");
  Result<Diff> unknown = diff(*store, workspace, *service, "stagin", dev_release());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown environment or release 'stagin'");
}

TEST_F(ViewsTest, StatusShowsVersionsDifferencesAndPendingApprovals) {
  std::string id = to_production();
  build("orders", "1.1.0");
  Result<std::vector<EnvironmentStatus>> s = status(*store, workspace, *service);
  ASSERT_TRUE(s) << s.error().to_string();
  ASSERT_EQ(s->size(), 4u);
  const EnvironmentStatus& staging = (*s)[1];
  EXPECT_EQ(staging.name, "staging");
  EXPECT_EQ(staging.release, id);
  EXPECT_EQ(staging.differs_from_upstream, std::vector<std::string>{"orders"});
  const EnvironmentStatus& cloud = (*s)[2].name == "prod-cloud" ? (*s)[2] : (*s)[3];
  EXPECT_EQ(cloud.release, "");
  ASSERT_EQ(cloud.pending.size(), 1u);
  EXPECT_EQ(cloud.pending[0], id + ": needs 1 approval by role qa on prod-cloud; has 0");
  nlohmann::json json = to_json(*s);
  EXPECT_EQ(json[1]["components"]["orders"], "1.0.0");
}

TEST_F(ViewsTest, HistoryListsAppliedApprovedAndForcedButNotRefusals) {
  std::string id = to_production();
  ASSERT_FALSE(service->promote(id, "prod-cloud", "erin", applier));  // a refusal changes nothing
  ASSERT_TRUE(service->promote(id, "prod-cloud", "frank", applier, {.force = true}));
  Result<std::vector<HistoryEntry>> h = history(*store, workspace, "prod-cloud");
  ASSERT_TRUE(h) << h.error().to_string();
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].what, "applied");
  EXPECT_EQ((*h)[0].actor, "frank");
  EXPECT_EQ((*h)[0].message, "applied 5 components; forced");
  Result<std::vector<HistoryEntry>> acme = history(*store, workspace, "prod-acme");
  ASSERT_TRUE(acme);
  ASSERT_EQ(acme->size(), 2u);
  EXPECT_EQ((*acme)[0].what, "approved");
  EXPECT_EQ((*acme)[1].reason, "promote");
}

}  // namespace
}  // namespace slipway::release::test
