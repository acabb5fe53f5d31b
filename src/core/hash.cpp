#include "core/hash.h"

#include <sodium.h>

#include <fstream>

namespace slipway {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "state buffer too small");

static crypto_hash_sha256_state* state_of(unsigned char* buffer) {
  return reinterpret_cast<crypto_hash_sha256_state*>(buffer);
}

static std::string to_hex(const unsigned char* bytes, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

Sha256::Sha256() { crypto_hash_sha256_init(state_of(m_state)); }

void Sha256::update(std::string_view bytes) {
  crypto_hash_sha256_update(state_of(m_state), reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

std::string Sha256::finish_hex() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(state_of(m_state), digest);
  return to_hex(digest, sizeof digest);
}

std::string random_hex(size_t bytes) {
  static const int k_ready = sodium_init();  // once; it picks the generator
  (void)k_ready;
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string hex_of(std::string_view bytes) {
  return to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::optional<std::string> bytes_of_hex(std::string_view hex) {
  std::string bytes(hex.size() / 2, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(), hex.size(), nullptr,
                     &length, &end) != 0 ||
      end != hex.data() + hex.size())
    return std::nullopt;
  bytes.resize(length);
  return bytes;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.finish_hex();
}

Result<std::string> sha256_file_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::not_found, "cannot read " + path.string());
  Sha256 hash;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    hash.update(std::string_view(buffer, static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return fail(ErrorCode::io, "error reading " + path.string());
  return hash.finish_hex();
}

}  // namespace slipway
