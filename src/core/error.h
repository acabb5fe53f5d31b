// Errors are values: every fallible function returns Result<T>.
//
// An Error carries a code (what kind of failure, used by front ends to pick an
// exit code or an HTTP status), a message in the form "context: detail", and,
// for input errors, the position in a file. Exceptions are for bugs only and
// are caught once per front end.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slipway {

enum class ErrorCode { invalid_input, not_found, conflict, io, corrupt, denied, unsupported, internal };

// A place in a text file; line and column start at 1. An empty file means "no
// position" (the error names an object instead).
struct Position {
  std::string file;
  int line = 0;
  int column = 0;

  bool known() const { return !file.empty(); }
  std::string to_string() const;  // "file:line:col", or "file" when the line is unknown
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  Position where;

  // "file:line:col: message", or just the message when there is no position.
  std::string to_string() const;
};

template <class T>
using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message, Position where = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(where)});
}

// Collects every error of a pass that reports all problems at once (validate).
class Diagnostics {
 public:
  void add(Error error) { m_errors.push_back(std::move(error)); }
  void add(ErrorCode code, std::string message, Position where) {
    m_errors.push_back(Error{code, std::move(message), std::move(where)});
  }
  bool empty() const { return m_errors.empty(); }
  size_t size() const { return m_errors.size(); }
  const std::vector<Error>& errors() const { return m_errors; }
  // Orders errors by file, line and column, so output is stable.
  void sort();

 private:
  std::vector<Error> m_errors;
};

const char* error_code_name(ErrorCode code);
// The inverse of error_code_name; internal for a name it does not know.
ErrorCode error_code_from_name(std::string_view name);

}  // namespace slipway
