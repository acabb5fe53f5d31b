#include "deploy/secrets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/test_support.h"

namespace slipway::deploy {
namespace {

using test::TempDir;

model::ResolvedSecret generated(const std::string& name, int length, const std::string& charset) {
  model::ResolvedSecret s;
  s.spec.name = name;
  s.spec.length = length;
  s.spec.charset = charset;
  s.block = "core";
  return s;
}

model::ResolvedSecret from_env(const std::string& name, const std::string& var) {
  model::ResolvedSecret s;
  s.spec.name = name;
  s.spec.kind = model::SecretSpec::Kind::from_env;
  s.spec.env_var = var;
  s.block = "core";
  return s;
}

std::optional<std::string> fake_env(const std::string& name) {
  if (name == "TOKEN") return std::string("from-the-environment");
  return std::nullopt;
}

TEST(MasterKey, KeyFileIsCreatedWithMode0600AndReusedAfterRestart) {
  TempDir dir;
  std::filesystem::path file = dir / "master.key";
  Result<MasterKey> first = load_master_key(file, std::nullopt);
  ASSERT_TRUE(first) << first.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  Result<MasterKey> second = load_master_key(file, std::nullopt);
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
}

TEST(MasterKey, KeyFileReadableByOthersIsRefused) {
  TempDir dir;
  std::filesystem::path file = dir / "master.key";
  ASSERT_TRUE(load_master_key(file, std::nullopt));
  ::chmod(file.c_str(), 0644);
  Result<MasterKey> key = load_master_key(file, std::nullopt);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().message, "key file " + file.string() + " has mode 0644; it must be 0600 (chmod 600 " +
                                     file.string() + ")");
}

TEST(MasterKey, EnvironmentKeyMustBe64HexCharacters) {
  TempDir dir;
  Result<MasterKey> bad = load_master_key(dir / "master.key", std::string("abc"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "SLIPWAY_MASTER_KEY must be 64 hexadecimal characters");
  Result<MasterKey> good = load_master_key(dir / "master.key", std::string(64, 'a'));
  ASSERT_TRUE(good);
  EXPECT_FALSE(std::filesystem::exists(dir / "master.key"));
}

TEST(Seal, RoundTripsAndRefusesAnotherKey) {
  MasterKey key{};
  key.fill(7);
  std::string sealed = seal(key, "hunter22");
  EXPECT_EQ(sealed.find("hunter22"), std::string::npos);
  EXPECT_NE(seal(key, "hunter22"), sealed);  // a fresh nonce every time
  EXPECT_EQ(unseal(key, sealed, "pw").value(), "hunter22");
  MasterKey other{};
  Result<std::string> wrong = unseal(other, sealed, "pw");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "secret pw cannot be decrypted (wrong master key?)");
}

TEST(GenerateValue, HonoursLengthAndCharset) {
  model::SecretSpec spec;
  spec.name = "x";
  spec.length = 40;
  spec.charset = "hex";
  std::string value = generate_value(spec).value();
  EXPECT_EQ(value.size(), 40u);
  EXPECT_EQ(value.find_first_not_of("0123456789abcdef"), std::string::npos);
  spec.charset = "emoji";
  EXPECT_EQ(generate_value(spec).error().message,
            "secret x: unknown charset 'emoji' (alphanumeric, hex, base64 or ascii)");
}

TEST(Masker, HidesEveryOccurrenceLongestFirst) {
  Masker masker;
  masker.add("abcdef");
  masker.add("abcdefgh");
  masker.add("ab");  // too short to mask
  EXPECT_EQ(masker.mask("x=abcdefgh y=abcdef z=ab"), "x=*** y=*** z=ab");
}

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key.fill(3);
    reopen();
  }
  void reopen() {
    store.reset();
    store = std::move(store::open_store((dir / "state.db").string()).value());
  }
  TempDir dir;
  MasterKey key{};
  std::unique_ptr<store::Store> store;
  std::vector<model::ResolvedSecret> declared{generated("api_key", 24, "alphanumeric"), from_env("token", "TOKEN")};
};

TEST_F(VaultTest, SecretsAreGeneratedOnceAndSurviveRestarts) {
  SecretVault vault(*store, key, fake_env);
  EXPECT_EQ(vault.ensure("dev", declared, "alice").value(), (std::vector<std::string>{"api_key", "token"}));
  std::map<std::string, std::string> first = vault.values("dev").value();
  EXPECT_EQ(first.at("api_key").size(), 24u);
  EXPECT_EQ(first.at("token"), "from-the-environment");
  reopen();
  SecretVault again(*store, key, fake_env);
  EXPECT_TRUE(again.ensure("dev", declared, "alice").value().empty());
  EXPECT_EQ(again.values("dev").value(), first);
}

TEST_F(VaultTest, EnvironmentsGetDifferentValues) {
  SecretVault vault(*store, key, fake_env);
  ASSERT_TRUE(vault.ensure("dev", declared, "alice"));
  ASSERT_TRUE(vault.ensure("staging", declared, "alice"));
  EXPECT_NE(vault.values("dev").value().at("api_key"), vault.values("staging").value().at("api_key"));
}

TEST_F(VaultTest, StoreHoldsNoPlaintext) {
  SecretVault vault(*store, key, fake_env);
  ASSERT_TRUE(vault.ensure("dev", declared, "alice"));
  std::string value = vault.values("dev").value().at("api_key");
  // Keep the Result alive: a range-for over a temporary's value() dangles.
  Result<std::vector<store::SecretRecord>> records = store->deploys().secrets("dev");
  ASSERT_TRUE(records);
  for (const store::SecretRecord& r : *records)
    EXPECT_EQ(r.sealed.find(value), std::string::npos);
}

TEST_F(VaultTest, RotateChangesOnlyTheNamedSecretAndIsRecorded) {
  SecretVault vault(*store, key, fake_env);
  ASSERT_TRUE(vault.ensure("dev", declared, "alice"));
  std::map<std::string, std::string> before = vault.values("dev").value();
  ASSERT_TRUE(vault.rotate("dev", "api_key", declared, "alice"));
  std::map<std::string, std::string> after = vault.values("dev").value();
  EXPECT_NE(after.at("api_key"), before.at("api_key"));
  EXPECT_EQ(after.at("token"), before.at("token"));
  std::vector<SecretInfo> infos = list_secrets(*store, "dev", declared).value();
  EXPECT_EQ(infos[0].generation, 2);
  EXPECT_EQ(infos[1].generation, 1);
  EXPECT_EQ(store->events().list({.kind = "secret.rotated"}).value().size(), 1u);
  EXPECT_EQ(vault.rotate("dev", "nope", declared, "alice").error().message,
            "unknown secret 'nope' in environment 'dev'");
}

TEST_F(VaultTest, MissingEnvironmentVariableIsAnError) {
  SecretVault vault(*store, key, fake_env);
  std::vector<model::ResolvedSecret> bad{from_env("db", "NOT_SET_ANYWHERE")};
  EXPECT_EQ(vault.ensure("dev", bad, "alice").error().message,
            "secret db: environment variable NOT_SET_ANYWHERE is not set");
  EXPECT_TRUE(store->deploys().secrets("dev").value().empty());
}

TEST_F(VaultTest, RevealIsRecordedAndNeedsAGeneratedSecret) {
  SecretVault vault(*store, key, fake_env);
  EXPECT_EQ(vault.reveal("dev", "api_key", "root").error().message,
            "secret 'api_key' of environment 'dev' was not generated yet (apply first)");
  ASSERT_TRUE(vault.ensure("dev", declared, "alice"));
  EXPECT_EQ(vault.reveal("dev", "token", "root").value(), "from-the-environment");
  std::vector<store::Event> events = store->events().list({.kind = "secret.revealed"}).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "root");
}

}  // namespace
}  // namespace slipway::deploy
