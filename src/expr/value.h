// The values of Azure Pipelines expressions.
//
// Kinds follow Azure: null, boolean, number (a .NET-style decimal, never a
// double: 0.1 and 0.2 stay exact), string, version, array, object. Objects
// keep insertion order and look keys up ignoring case, as Azure does.
// Conversions (to_boolean, to_string, to_number...) implement Azure's
// documented casting rules; they live here so the expander and the runtime
// condition evaluator share them.
//
// Dates: there is no date kind. A date (pipeline.startTime) is a string in
// ISO 8601 form, "2026-11-25T10:26:28.1234567Z" or with "+hh:mm" (see
// date_string); format() applies date specifiers such as {0:yyyyMMdd} to such
// strings, and everything else treats them as the strings they are.
//
// Arrays and objects are immutable once built and shared between copies
// (copying a Value never copies their items), so equality of arrays and
// objects is identity, as in Azure.
//
// Thread-safety: Values are immutable value types; distinct Values may be
// used from different threads, shared arrays/objects are never mutated.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.h"
#include "expr/decimal.h"

namespace slipway::expr {

class Value {
 public:
  enum class Kind { null, boolean, number, string, version, array, object };
  using Array = std::vector<Value>;
  using Object = std::vector<std::pair<std::string, Value>>;

  Value() = default;  // null
  static Value boolean(bool b);
  static Value number(Decimal d);
  static Value string(std::string s);
  // A version such as "1.2.3" (see normalize_version); stored normalized. Text
  // that is not a version is a caller bug: it is kept, and compares as 0.0.
  static Value version(std::string s);
  static Value array(Array items);
  static Value object(Object members);

  Kind kind() const { return static_cast<Kind>(m_data.index()); }
  bool is_null() const { return kind() == Kind::null; }
  // "Null", "Boolean", "Number", "String", "Version", "Array", "Object" (Azure's words).
  static const char* kind_name(Kind kind);

  bool as_boolean() const;             // only for Kind::boolean
  const Decimal& as_number() const;     // only for Kind::number
  const std::string& as_string() const; // for Kind::string and Kind::version
  const Array& as_array() const;        // empty for other kinds
  const Object& as_object() const;      // empty for other kinds
  // Object member by name, ignoring case; nullptr when absent or not an object.
  const Value* member(std::string_view name) const;
  // True when both are the same array or the same object (shared storage).
  bool same_container(const Value& other) const;

  // Azure's casting rules.
  bool to_boolean() const;          // truthiness: null/false/0/'' → false; 'False' and versions → true
  std::string to_string() const;    // True/False, numbers as 0.#######, null and arrays/objects → ""
  // null → 0, False/True → 0/1, '' → 0, strings as .NET parses them ("1,000.5", " 7 "),
  // nullopt for other strings, versions, arrays and objects.
  std::optional<Decimal> to_number() const;
  // Strict string cast: nullopt for arrays and objects (not convertible).
  std::optional<std::string> try_to_string() const;

 private:
  struct VersionText {
    std::string text;
  };
  // Alternatives in the order of Kind, so kind() is the index (40 bytes in all).
  std::variant<std::monostate, bool, Decimal, std::string, VersionText, std::shared_ptr<const Array>,
               std::shared_ptr<const Object>>
      m_data;
};

// A UTC time as the date string format() understands:
// "2026-11-25T10:26:28.1234567Z" (100 ns precision, like .NET's "o" format).
std::string date_string(std::chrono::system_clock::time_point utc);

// "1.2.3" → "1.2.3": 2 to 4 dot-separated non-negative 32-bit integers,
// normalized as .NET prints a Version ("1.02.3" → "1.2.3"); nullopt otherwise.
std::optional<std::string> normalize_version(std::string_view text);

// Azure's eq(): the right operand is converted to the left's kind; false when
// it cannot be. Strings compare ordinally ignoring case; arrays and objects are
// equal only to themselves.
bool equals(const Value& left, const Value& right);

// Azure's ordering for gt/ge/lt/le: <0, 0, >0 after converting the right
// operand to the left's kind. Error (invalid_input, message only, no position)
// when the conversion fails or the kind has no order (arrays, objects):
// "Unable to convert from String to Number. Value: 'abc'".
Result<int> compare(const Value& left, const Value& right);

// convertToJson's text: indented by two spaces like Azure's output; numbers
// as 0.#######, versions as strings; bytes that are not UTF-8 become U+FFFD.
std::string to_json(const Value& value);

// Ordinal comparison ignoring case, as .NET's OrdinalIgnoreCase (ASCII
// letters fold to upper case; other bytes compare as they are).
int compare_ignore_case(std::string_view a, std::string_view b);
// The same test for equality, fast: no locale, lengths compared first.
bool equals_ignore_case(std::string_view a, std::string_view b);

}  // namespace slipway::expr
