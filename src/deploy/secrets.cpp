#include "deploy/secrets.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "core/files.h"
#include "core/hash.h"
#include "core/strings.h"

namespace slipway::deploy {

namespace fs = std::filesystem;

namespace {

void ensure_sodium() {
  static const int k_ready = sodium_init();
  (void)k_ready;  // 0 or 1 (already); -1 cannot be recovered from, and randombytes aborts then
}

Result<MasterKey> from_hex(const std::string& text) {
  MasterKey key{};
  size_t length = 0;
  if (text.size() != 64 ||
      sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr, &length, nullptr) != 0 ||
      length != key.size())
    return fail(ErrorCode::invalid_input, "SLIPWAY_MASTER_KEY must be 64 hexadecimal characters");
  return key;
}

std::string to_base64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string mode_text(unsigned mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", mode & 07777);
  return buffer;
}

}  // namespace

Result<MasterKey> load_master_key(const fs::path& key_file, const std::optional<std::string>& env_value) {
  ensure_sodium();
  if (env_value && !env_value->empty()) return from_hex(*env_value);
  std::error_code ec;
  if (!fs::exists(key_file, ec)) {
    fs::create_directories(key_file.parent_path(), ec);
    const std::string hex = random_hex(MasterKey{}.size());
    // Created with 0600 from the start (O_EXCL: a concurrent creator wins and we read its key).
    fs::path temp = key_file;
    temp += ".tmp" + std::to_string(::getpid());
    FILE* file = std::fopen(temp.c_str(), "wx");
    if (!file) return fail(ErrorCode::io, "cannot create key file " + key_file.string());
    ::fchmod(fileno(file), 0600);
    bool ok = std::fputs((hex + "\n").c_str(), file) >= 0;
    ok = (std::fflush(file) == 0) && ok;
    ok = (::fsync(fileno(file)) == 0) && ok;
    std::fclose(file);
    if (!ok) return fail(ErrorCode::io, "cannot write key file " + key_file.string());
    if (::link(temp.c_str(), key_file.c_str()) != 0 && errno != EEXIST) {
      fs::remove(temp, ec);
      return fail(ErrorCode::io, "cannot create key file " + key_file.string());
    }
    fs::remove(temp, ec);
  }
  struct stat info {};
  if (::stat(key_file.c_str(), &info) != 0) return fail(ErrorCode::io, "cannot read key file " + key_file.string());
  if ((info.st_mode & 077) != 0)
    return fail(ErrorCode::denied, "key file " + key_file.string() + " has mode " + mode_text(info.st_mode) +
                                       "; it must be 0600 (chmod 600 " + key_file.string() + ")");
  Result<std::string> text = read_text_file(key_file);
  if (!text) return std::unexpected(text.error());
  std::string hex(trim(*text));
  Result<MasterKey> key = from_hex(hex);
  if (!key) return fail(ErrorCode::corrupt, "key file " + key_file.string() + " does not hold a 32-byte key");
  return key;
}

std::string seal(const MasterKey& key, std::string_view plaintext) {
  ensure_sodium();
  std::string bytes(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(bytes.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), out, key.data());
  std::string encoded = to_base64(out, bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return encoded;
}

Result<std::string> unseal(const MasterKey& key, const std::string& sealed, std::string_view name) {
  ensure_sodium();
  auto broken = [&] {
    return fail(ErrorCode::corrupt, "secret " + std::string(name) + " cannot be decrypted (wrong master key?)");
  };
  std::string bytes(sealed.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), sealed.data(), sealed.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return broken();
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::string plain(length - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), in + crypto_secretbox_NONCEBYTES,
                                 length - crypto_secretbox_NONCEBYTES, in, key.data()) != 0)
    return broken();
  return plain;
}

Result<std::string> generate_value(const model::SecretSpec& spec) {
  ensure_sodium();
  if (spec.length < 1 || spec.length > 4096)
    return fail(ErrorCode::invalid_input,
                "secret " + spec.name + ": length " + std::to_string(spec.length) + " is outside 1..4096");
  std::string alphabet;
  if (spec.charset == "alphanumeric") {
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  } else if (spec.charset == "hex") {
    alphabet = "0123456789abcdef";
  } else if (spec.charset == "base64") {
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  } else if (spec.charset == "ascii") {
    for (char c = '!'; c <= '~'; ++c) alphabet += c;
  } else {
    return fail(ErrorCode::invalid_input, "secret " + spec.name + ": unknown charset '" + spec.charset +
                                              "' (alphanumeric, hex, base64 or ascii)");
  }
  std::string value(static_cast<size_t>(spec.length), '\0');
  for (char& c : value) c = alphabet[randombytes_uniform(static_cast<uint32_t>(alphabet.size()))];
  return value;
}

void Masker::add(const std::string& value) {
  if (value.size() < 4 || std::find(m_values.begin(), m_values.end(), value) != m_values.end()) return;
  m_values.push_back(value);
  std::sort(m_values.begin(), m_values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Masker::mask(std::string_view text) const {
  std::string out(text);
  for (const std::string& value : m_values) {
    for (size_t at = out.find(value); at != std::string::npos; at = out.find(value, at + 3))
      out.replace(at, value.size(), "***");
  }
  return out;
}

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

Result<std::string> SecretVault::fresh_value(const model::SecretSpec& spec) {
  if (spec.kind == model::SecretSpec::Kind::generate) return generate_value(spec);
  std::optional<std::string> value = m_env(spec.env_var);
  if (!value)
    return fail(ErrorCode::invalid_input,
                "secret " + spec.name + ": environment variable " + spec.env_var + " is not set");
  return *value;
}

Result<std::vector<std::string>> SecretVault::ensure(const std::string& environment,
                                                     const std::vector<model::ResolvedSecret>& declared,
                                                     const std::string& actor) {
  std::vector<std::string> created;
  for (const model::ResolvedSecret& secret : declared) {
    Result<std::optional<store::SecretRecord>> existing = m_store.deploys().secret(environment, secret.spec.name);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) continue;
    Result<std::string> value = fresh_value(secret.spec);
    if (!value) return std::unexpected(value.error());
    Status status = m_store.transaction([&]() -> Status {
      Result<bool> made =
          m_store.deploys().create_secret_if_absent(environment, secret.spec.name, seal(m_key, *value));
      if (!made) return std::unexpected(made.error());
      if (!*made) return {};
      created.push_back(secret.spec.name);
      Result<std::int64_t> event = m_store.events().append(
          {actor, "secret.created", "env:" + environment, {{"name", secret.spec.name}, {"block", secret.block}}});
      if (!event) return std::unexpected(event.error());
      return {};
    });
    if (!status) return std::unexpected(status.error());
  }
  return created;
}

Result<std::map<std::string, std::string>> SecretVault::values(const std::string& environment) {
  Result<std::vector<store::SecretRecord>> records = m_store.deploys().secrets(environment);
  if (!records) return std::unexpected(records.error());
  std::map<std::string, std::string> out;
  for (const store::SecretRecord& record : *records) {
    Result<std::string> plain = unseal(m_key, record.sealed, record.name);
    if (!plain) return std::unexpected(plain.error());
    out.emplace(record.name, std::move(*plain));
  }
  return out;
}

Result<std::vector<SecretInfo>> list_secrets(store::Store& store, const std::string& environment,
                                             const std::vector<model::ResolvedSecret>& declared) {
  std::vector<SecretInfo> out;
  for (const model::ResolvedSecret& secret : declared) {
    SecretInfo info{secret.spec.name, secret.block, false, 0, {}, {}};
    Result<std::optional<store::SecretRecord>> record = store.deploys().secret(environment, secret.spec.name);
    if (!record) return std::unexpected(record.error());
    if (*record) {
      info.exists = true;
      info.generation = (*record)->generation;
      info.created = (*record)->created;
      info.rotated = (*record)->rotated;
    }
    out.push_back(std::move(info));
  }
  return out;
}

Status SecretVault::rotate(const std::string& environment, const std::string& name,
                           const std::vector<model::ResolvedSecret>& declared, const std::string& actor) {
  auto it = std::find_if(declared.begin(), declared.end(),
                         [&](const model::ResolvedSecret& s) { return s.spec.name == name; });
  if (it == declared.end())
    return fail(ErrorCode::not_found, "unknown secret '" + name + "' in environment '" + environment + "'");
  Result<std::string> value = fresh_value(it->spec);
  if (!value) return std::unexpected(value.error());
  return m_store.transaction([&]() -> Status {
    std::string sealed = seal(m_key, *value);
    Result<bool> made = m_store.deploys().create_secret_if_absent(environment, name, sealed);
    if (!made) return std::unexpected(made.error());
    if (!*made) {
      if (Status s = m_store.deploys().rotate_secret(environment, name, sealed); !s) return s;
    }
    Result<std::int64_t> event =
        m_store.events().append({actor, "secret.rotated", "env:" + environment, {{"name", name}}});
    if (!event) return std::unexpected(event.error());
    return {};
  });
}

Result<std::string> SecretVault::reveal(const std::string& environment, const std::string& name,
                                        const std::string& actor) {
  Result<std::optional<store::SecretRecord>> record = m_store.deploys().secret(environment, name);
  if (!record) return std::unexpected(record.error());
  if (!*record)
    return fail(ErrorCode::not_found,
                "secret '" + name + "' of environment '" + environment + "' was not generated yet (apply first)");
  Result<std::string> plain = unseal(m_key, (*record)->sealed, name);
  if (!plain) return std::unexpected(plain.error());
  Result<std::int64_t> event =
      m_store.events().append({actor, "secret.revealed", "env:" + environment, {{"name", name}}});
  if (!event) return std::unexpected(event.error());
  return plain;
}

std::string secret_fingerprint(const MasterKey& key, std::string_view value) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(value.data()), value.size(), key.data(),
                     key.size());
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : out) {
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

Result<std::map<std::string, std::string>> secret_fingerprints(store::Store& store, const MasterKey& key,
                                                               const std::string& environment) {
  SecretVault vault(store, key);
  Result<std::map<std::string, std::string>> values = vault.values(environment);
  if (!values) return std::unexpected(values.error());
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : *values) out[name] = secret_fingerprint(key, value);
  return out;
}

Result<int> reseal_all(store::Store& store, const MasterKey& from, const MasterKey& to) {
  int count = 0;
  Status done = store.transaction([&]() -> Status {
    Result<std::vector<std::string>> environments = store.deploys().secret_environments();
    if (!environments) return std::unexpected(environments.error());
    for (const std::string& env : *environments) {
      Result<std::vector<store::SecretRecord>> secrets = store.deploys().secrets(env);
      if (!secrets) return std::unexpected(secrets.error());
      for (const store::SecretRecord& secret : *secrets) {
        Result<std::string> value = unseal(from, secret.sealed, secret.name);
        if (!value) return std::unexpected(value.error());
        if (Status s = store.deploys().reseal_secret(env, secret.name, seal(to, *value)); !s) return s;
        ++count;
      }
    }
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return count;
}

}  // namespace slipway::deploy
