// Content hashing (SHA-256 via libsodium): artifact digests, config digests;
// and random hex for ids, keys and tokens.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace slipway {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// `bytes` random bytes from the system's generator (libsodium), as lower-case
// hex: ids, keys and tokens.
std::string random_hex(size_t bytes);

// Bytes as lower-case hex, and back (nullopt when `hex` is not hex).
std::string hex_of(std::string_view bytes);
std::optional<std::string> bytes_of_hex(std::string_view hex);

// Streams the file; not_found/io errors name the path.
Result<std::string> sha256_file_hex(const std::filesystem::path& path);

// Incremental hashing for large or composite inputs.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::string finish_hex();  // may be called once

 private:
  alignas(64) unsigned char m_state[128];
};

}  // namespace slipway
