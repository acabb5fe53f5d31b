// Generate-once secrets, encrypted at rest.
//
// A secret is declared by a block (model::SecretSpec: `generate` with a length
// and charset, or `from_env: VAR`). The first apply to an environment creates
// it (create_secret_if_absent: two applies racing keep the first value);
// afterwards it is never regenerated unless rotated. Values are sealed with
// libsodium's secretbox (XSalsa20-Poly1305, random nonce per seal) under the
// master key; the store holds only base64(nonce || box).
//
// The master key: SLIPWAY_MASTER_KEY (64 hex characters) when set; otherwise a
// key file beside the state database ("master.key"), created with 32 random
// bytes and mode 0600 on first use, refused when its mode lets anyone but the
// owner read it.
//
// Thread-safety: functions are thread-safe; a SecretVault is used from one
// thread (it holds a Store&).
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "model/resolve.h"
#include "store/store.h"

namespace slipway::deploy {

using MasterKey = std::array<unsigned char, 32>;

// The key from `env_value` (SLIPWAY_MASTER_KEY) when given, else from `key_file`
// (created 0600 when absent). Errors: invalid_input "SLIPWAY_MASTER_KEY must be
// 64 hexadecimal characters"; denied "key file PATH has mode 0644; it must be
// 0600 (chmod 600 PATH)"; corrupt "key file PATH does not hold a 32-byte key".
Result<MasterKey> load_master_key(const std::filesystem::path& key_file,
                                  const std::optional<std::string>& env_value);

// base64(nonce || secretbox(plaintext)).
std::string seal(const MasterKey& key, std::string_view plaintext);
// The plaintext; corrupt "secret NAME cannot be decrypted (wrong master key?)".
Result<std::string> unseal(const MasterKey& key, const std::string& sealed, std::string_view name);

// A fresh value for a `generate` spec. invalid_input for an unknown charset or
// a length outside 1..4096.
Result<std::string> generate_value(const model::SecretSpec& spec);

// Replaces every occurrence of each registered value with "***". Values shorter
// than 4 characters are not masked (they would mask ordinary text).
class Masker {
 public:
  void add(const std::string& value);
  std::string mask(std::string_view text) const;
  bool empty() const { return m_values.empty(); }

 private:
  std::vector<std::string> m_values;  // longest first
};

struct SecretInfo {
  std::string name;
  std::string block;
  bool exists = false;
  int generation = 0;
  TimePoint created;
  TimePoint rotated;
};

// Reads the environment variable `name`; nullopt when unset. A seam for tests.
using EnvLookup = std::optional<std::string> (*)(const std::string& name);
std::optional<std::string> process_env(const std::string& name);

// Declared secrets with their state, in declaration order (no value is read).
Result<std::vector<SecretInfo>> list_secrets(store::Store& store, const std::string& environment,
                                             const std::vector<model::ResolvedSecret>& declared);

class SecretVault {
 public:
  SecretVault(store::Store& store, const MasterKey& key, EnvLookup env = process_env)
      : m_store(store), m_key(key), m_env(env) {}

  // Creates every declared secret that does not exist yet in `environment`;
  // returns the names created (recorded as "secret.created" events).
  // from_env with the variable unset: invalid_input "secret NAME: environment
  // variable VAR is not set".
  Result<std::vector<std::string>> ensure(const std::string& environment,
                                          const std::vector<model::ResolvedSecret>& declared,
                                          const std::string& actor);
  // Every secret of the environment, decrypted (name -> value); only for drivers.
  Result<std::map<std::string, std::string>> values(const std::string& environment);
  // A new value (regenerated or re-read from the variable); event "secret.rotated".
  // not_found "unknown secret 'x' in environment 'e'" when not declared.
  Status rotate(const std::string& environment, const std::string& name,
                const std::vector<model::ResolvedSecret>& declared, const std::string& actor);
  // The plaintext, recorded as a "secret.revealed" event (the caller checks the role).
  // not_found "secret 'x' of environment 'e' was not generated yet (apply first)".
  Result<std::string> reveal(const std::string& environment, const std::string& name,
                             const std::string& actor);

 private:
  Result<std::string> fresh_value(const model::SecretSpec& spec);

  store::Store& m_store;
  MasterKey m_key;
  EnvLookup m_env;
};

// A keyed fingerprint of a secret's value (BLAKE2b keyed with the master key,
// hex): equal values give equal fingerprints under one key; without the key it
// tells nothing about the value. For comparing secrets (`slipway diff`)
// without showing them.
std::string secret_fingerprint(const MasterKey& key, std::string_view value);
// name -> fingerprint of every secret generated in `environment` (absent: not
// generated yet). Errors: those of unsealing (wrong master key).
Result<std::map<std::string, std::string>> secret_fingerprints(store::Store& store, const MasterKey& key,
                                                               const std::string& environment);

// Re-encrypts every secret of every environment from key `from` to key `to`
// in one transaction; returns how many. corrupt when one does not unseal.
Result<int> reseal_all(store::Store& store, const MasterKey& from, const MasterKey& to);

}  // namespace slipway::deploy
