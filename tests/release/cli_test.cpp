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
  ASSERT_EQ(history.size(), 1u);  // the refusal changed nothing
  EXPECT_EQ(history[0]["what"], "approved");

  auto show = slipway({"release", "show", r->id, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(nlohmann::json::parse(show.out)["components"].size(), 5u);
  auto pin = slipway({"release", "create", "--from", "dev", "--pin", "orders=9.9.9"});
  EXPECT_EQ(pin.exit_code, 2);
  EXPECT_EQ(pin.err, "slipway: error: component orders has no build of version 9.9.9\n");
}

// The reported crash (exit 139 in `release create --file` on a used state
// file): builds, a promotion and a rollback first, then files good and bad.
TEST_F(ReleaseCliTest, ReleaseFromAFileOnAUsedStateFile) {
  build_everything();
  Result<Release> first = service->create_from_environment({.from = "dev"}, "erin");
  ASSERT_TRUE(first);
  ASSERT_TRUE(service->promote(first->id, "staging", "alice", applier));
  build("orders", "1.1.0");
  ASSERT_TRUE(service->rollback("dev", std::nullopt, "alice", applier));
  store.reset();

  std::string file = (dir / "RELEASE.yaml").string();
  slipway::test::write_file(file, "components:\n  billing: 1.0.0\n  orders: \"1.1.0\"\n");
  auto made = slipway({"release", "create", "--file", file, "--json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  nlohmann::json release = nlohmann::json::parse(made.out);
  EXPECT_EQ(release["components"].size(), 2u);
  EXPECT_EQ(release["components"][1]["version"], "1.1.0");
  EXPECT_EQ(release["source"], "file:" + file);
  auto again = slipway({"release", "create", "--file", file});
  EXPECT_EQ(again.exit_code, 0) << again.err;

  slipway::test::write_file(file, "components: {}\n");
  auto empty = slipway({"release", "create", "--file", file});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_EQ(empty.err, "slipway: error: " + file + ": a release needs at least one component\n");
  slipway::test::write_file(file, "components:\n  billing: \"\"\n");
  auto blank = slipway({"release", "create", "--file", file});
  EXPECT_EQ(blank.err, "slipway: error: " + file + ":2:12: version of billing: expected a version\n");
  slipway::test::write_file(file, "components:\n  biling: 1.0.0\n");
  auto unknown = slipway({"release", "create", "--file", file});
  EXPECT_EQ(unknown.err, "slipway: error: " + file + ":2:3: unknown component 'biling' (did you mean 'billing'?)\n");
  auto list = slipway({"release", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 8u);  // 5 dev builds, 1 from dev, 1 build, 2 from the file - rollback adds none
}

// Identity: --as > SLIPWAY_USER > `user:` of the user config file; none is an error.
TEST_F(ReleaseCliTest, TheActingIdentityComesFromAsThenSlipwayUserThenTheConfigFile) {
  build_everything();
  Result<Release> r = service->create_from_environment({.from = "dev"}, "erin");
  ASSERT_TRUE(r);
  ASSERT_TRUE(service->promote(r->id, "staging", "erin", applier));
  store.reset();
  std::string ws = (slipway::test::source_dir() / "examples" / "acme").string();
  std::string config = (dir / "xdg" / "slipway" / "config.yaml").string();
  auto approve = [&](std::vector<std::string> extra, std::vector<std::string> env) {
    std::vector<std::string> args{"-C", ws, "--state", state_path, "approve", r->id, "--env", "prod-cloud"};
    args.insert(args.end(), extra.begin(), extra.end());
    env.push_back("XDG_CONFIG_HOME=" + (dir / "xdg").string());
    return slipway::test::run_slipway(args, {}, env);
  };

  auto none = approve({}, {"SLIPWAY_USER="});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err, "slipway: error: no identity: give --as NAME, set SLIPWAY_USER, or write 'user: NAME' in " +
                          config + "\n");
  slipway::test::write_file(config, "# who I am\nuser: carol\n");
  auto from_file = approve({}, {"SLIPWAY_USER="});
  EXPECT_EQ(from_file.out, "carol approved " + r->id + " for prod-cloud\n") << from_file.err;
  auto from_env = approve({}, {"SLIPWAY_USER=dave"});
  EXPECT_EQ(from_env.out, "dave approved " + r->id + " for prod-cloud\n") << from_env.err;
  auto from_as = approve({"--as", "alice"}, {"SLIPWAY_USER=dave"});
  EXPECT_EQ(from_as.err, "slipway: error: alice may not approve for prod-cloud: needs role qa\n");

  slipway::test::write_file(config, "user: [carol]\n");
  auto bad = approve({}, {"SLIPWAY_USER="});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "slipway: error: " + config + ":1:7: user: expected a name\n");
  auto explicit_path = approve({}, {"SLIPWAY_USER=", "SLIPWAY_CONFIG=" + (dir / "none.yaml").string()});
  EXPECT_NE(explicit_path.err.find("write 'user: NAME' in " + (dir / "none.yaml").string()), std::string::npos)
      << explicit_path.err;
}

}  // namespace
}  // namespace slipway::release::test
