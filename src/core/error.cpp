#include "core/error.h"

#include <algorithm>
#include <tuple>

namespace slipway {

std::string Position::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Error::to_string() const {
  if (!where.known()) return message;
  return where.to_string() + ": " + message;
}

void Diagnostics::sort() {
  std::stable_sort(m_errors.begin(), m_errors.end(), [](const Error& a, const Error& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
}

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input: return "invalid_input";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::io: return "io";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::denied: return "denied";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

ErrorCode error_code_from_name(std::string_view name) {
  for (ErrorCode code : {ErrorCode::invalid_input, ErrorCode::not_found, ErrorCode::conflict, ErrorCode::io,
                         ErrorCode::corrupt, ErrorCode::denied, ErrorCode::unsupported})
    if (name == error_code_name(code)) return code;
  return ErrorCode::internal;
}

}  // namespace slipway
