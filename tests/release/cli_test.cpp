// The release commands through the real binary, on a state file prepared
// with the library and the FakeApplier double (fake_applier.h): refusals
// print their exact message and exit 1; reads print JSON.
#include <nlohmann/json.hpp>

#include "release_fixture.h"

namespace slipway::release::test {
namespace {

class ReleaseCliTest : public ReleaseTest {
 protected:
  slipway::test::CommandResult slipway(std::vector<std::string> args, const std::string& user = "erin") {
    std::string ws = (slipway::test::source_dir() / "examples" / "acme").string();
    args.insert(args.begin(), {"-C", ws, "--state", state_path});
    return slipway::test::run_slipway(args, {}, {"SLIPWAY_USER=" + user});
  }
};

TEST_F(ReleaseCliTest, PromoteRefusalsAndReadsThroughTheBinary) {
  build_everything();
  Result<Release> r = service->create_from_environment({.from = "dev"}, "erin");
  ASSERT_TRUE(r);
  ASSERT_TRUE(service->promote(r->id, "staging", "alice", applier));
  store.reset();  // the binary opens the file itself

  auto refused = slipway({"promote", r->id, "--to", "prod-cloud"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_EQ(refused.err, "slipway: error: cannot promote " + r->id +
                             " to prod-cloud: needs 1 approval by role qa on prod-cloud; has 0\n");
  auto wrong = slipway({"approve", r->id, "--env", "prod-cloud"}, "alice");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_EQ(wrong.err, "slipway: error: alice may not approve for prod-cloud: needs role qa\n");
  auto ok = slipway({"approve", r->id, "--env", "prod-cloud", "--as", "carol"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "carol approved " + r->id + " for prod-cloud\n");

  auto status = slipway({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json s = nlohmann::json::parse(status.out);
  EXPECT_EQ(s[1]["environment"], "staging");
  EXPECT_EQ(s[1]["release"], r->id);

  auto d = slipway({"diff", "staging", "prod-acme", "--json"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(nlohmann::json::parse(d.out)["components"][0]["key"], "acme-bridge");

  auto h = slipway({"history", "prod-cloud", "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  nlohmann::json history = nlohmann::json::parse(h.out);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["what"], "refused");
  EXPECT_EQ(history[1]["what"], "approved");

  auto show = slipway({"release", "show", r->id, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(nlohmann::json::parse(show.out)["components"].size(), 5u);
  auto pin = slipway({"release", "create", "--from", "dev", "--pin", "orders=9.9.9"});
  EXPECT_EQ(pin.exit_code, 2);
  EXPECT_EQ(pin.err, "slipway: error: component orders has no build of version 9.9.9\n");
}

}  // namespace
}  // namespace slipway::release::test
