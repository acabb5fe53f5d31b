// The values of Azure Pipelines expressions.
//
// Kinds follow Azure: null, boolean, number (a .NET-style decimal, never a
// double: 0.1 + 0.2 must print 0.3), string, version, array, object. Objects
// keep insertion order and look keys up ignoring case, as Azure does.
// Conversions (to_boolean, to_string, to_number...) implement Azure's
// documented casting rules; they live here so the expander and the runtime
// condition evaluator share them.
//
// Thread-safety: Values are immutable-ish value types; copies are cheap for
// scalars and share nothing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  static Value version(std::string s);  // already validated "1.2.3"
  static Value array(Array items);
  static Value object(Object members);

  Kind kind() const { return m_kind; }
  bool is_null() const { return m_kind == Kind::null; }

  bool as_boolean() const;             // only for Kind::boolean
  const Decimal& as_number() const;     // only for Kind::number
  const std::string& as_string() const; // for Kind::string and Kind::version
  const Array& as_array() const;
  const Object& as_object() const;
  // Object member by name, ignoring case; nullptr when absent or not an object.
  const Value* member(std::string_view name) const;

  // Azure's casting rules.
  bool to_boolean() const;          // truthiness: null/false/0/''/ → false; 'False' → true
  std::string to_string() const;    // True/False, numbers as 0.#######, arrays/objects → ""
  std::optional<Decimal> to_number() const;  // NaN → nullopt

 private:
  Kind m_kind = Kind::null;
  bool m_boolean = false;
  Decimal m_number;
  std::string m_string;
  std::shared_ptr<const Array> m_array;
  std::shared_ptr<const Object> m_object;
};

}  // namespace slipway::expr
