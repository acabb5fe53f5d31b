// Values and Azure's type casting tables.
//
// Comparisons convert the right operand to the left operand's kind:
//   to null:    only null and '' convert
//   to boolean: always (truthiness)
//   to number:  null → 0, booleans → 0/1, strings as .NET's Decimal.TryParse
//   to string:  everything but arrays and objects
//   to version: versions, strings that parse as versions, numbers like 1.2
//   arrays and objects: only the very same container
#include "expr/value.h"

#include <array>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "core/json_text.h"


namespace slipway::expr {

namespace {

const Value::Array k_empty_array;
const Value::Object k_empty_object;

unsigned char fold(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u >= 'a' && u <= 'z' ? static_cast<unsigned char>(u - ('a' - 'A')) : u;
}

// Version components; -1 marks an absent component (1.2 < 1.2.0, as .NET).
using VersionParts = std::array<long long, 4>;

std::optional<VersionParts> parse_version(std::string_view text) {
  VersionParts parts{-1, -1, -1, -1};
  size_t count = 0;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    std::string_view piece = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (piece.empty() || count == 4) return std::nullopt;
    long long value = 0;
    for (char c : piece) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
      if (value > 2147483647LL) return std::nullopt;
    }
    parts[count++] = value;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (count < 2) return std::nullopt;
  return parts;
}

// The parts of a version value; an unvalidated text (a broken precondition)
// compares as all-absent parts rather than failing.
VersionParts parts_of_version(const Value& version) {
  return parse_version(version.as_string()).value_or(VersionParts{-1, -1, -1, -1});
}

std::optional<VersionParts> convert_to_version(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::version: return parts_of_version(value);
    case Value::Kind::string: return parse_version(value.as_string());
    case Value::Kind::number: {
      // Azure: a number converts when it has a non-zero fraction, e.g. 1.2.
      std::string text = value.as_number().to_string();
      if (text.find('.') == std::string::npos || value.as_number().is_negative()) return std::nullopt;
      return parse_version(text);
    }
    default: return std::nullopt;
  }
}

Error conversion_error(const Value& from, Value::Kind to) {
  std::string message = std::string("Unable to convert from ") + Value::kind_name(from.kind()) + " to " +
                        Value::kind_name(to);
  if (from.kind() != Value::Kind::array && from.kind() != Value::Kind::object)
    message += ". Value: '" + from.to_string() + "'";
  return Error{ErrorCode::invalid_input, std::move(message), {}};
}

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

void write_json(const Value& value, int indent, std::string& out) {
  auto newline = [&](int level) {
    out.push_back('\n');
    out.append(static_cast<size_t>(level) * 2, ' ');
  };
  switch (value.kind()) {
    case Value::Kind::null: out += "null"; return;
    case Value::Kind::boolean: out += value.as_boolean() ? "true" : "false"; return;
    case Value::Kind::number: out += value.as_number().to_string(); return;
    case Value::Kind::string:
    case Value::Kind::version: out += json_text(nlohmann::json(value.as_string())); return;
    case Value::Kind::array: {
      const Value::Array& items = value.as_array();
      if (items.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out.push_back(',');
        newline(indent + 1);
        write_json(items[i], indent + 1, out);
      }
      newline(indent);
      out.push_back(']');
      return;
    }
    case Value::Kind::object: {
      const Value::Object& members = value.as_object();
      if (members.empty()) {
        out += "{}";
        return;
      }
      out.push_back('{');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i) out.push_back(',');
        newline(indent + 1);
        out += json_text(nlohmann::json(members[i].first));
        out += ": ";
        write_json(members[i].second, indent + 1, out);
      }
      newline(indent);
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

Value Value::boolean(bool b) {
  Value v;
  v.m_data = b;
  return v;
}

Value Value::number(Decimal d) {
  Value v;
  v.m_data = d;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.m_data.emplace<std::string>(std::move(s));
  return v;
}

Value Value::version(std::string s) {
  Value v;
  if (std::optional<std::string> normalized = normalize_version(s)) s = std::move(*normalized);
  v.m_data.emplace<VersionText>(VersionText{std::move(s)});
  return v;
}

Value Value::array(Array items) {
  Value v;
  v.m_data = std::make_shared<const Array>(std::move(items));
  return v;
}

Value Value::object(Object members) {
  Value v;
  v.m_data = std::make_shared<const Object>(std::move(members));
  return v;
}

const char* Value::kind_name(Kind kind) {
  switch (kind) {
    case Kind::null: return "Null";
    case Kind::boolean: return "Boolean";
    case Kind::number: return "Number";
    case Kind::string: return "String";
    case Kind::version: return "Version";
    case Kind::array: return "Array";
    case Kind::object: return "Object";
  }
  return "Null";
}

namespace {
const Decimal k_zero;
const std::string k_empty_string;
}  // namespace

bool Value::as_boolean() const {
  const bool* b = std::get_if<bool>(&m_data);
  return b && *b;
}

const Decimal& Value::as_number() const {
  const Decimal* d = std::get_if<Decimal>(&m_data);
  return d ? *d : k_zero;
}

const std::string& Value::as_string() const {
  if (const std::string* s = std::get_if<std::string>(&m_data)) return *s;
  if (const VersionText* v = std::get_if<VersionText>(&m_data)) return v->text;
  return k_empty_string;
}

const Value::Array& Value::as_array() const {
  const auto* a = std::get_if<std::shared_ptr<const Array>>(&m_data);
  return a ? **a : k_empty_array;
}

const Value::Object& Value::as_object() const {
  const auto* o = std::get_if<std::shared_ptr<const Object>>(&m_data);
  return o ? **o : k_empty_object;
}

const Value* Value::member(std::string_view name) const {
  const auto* o = std::get_if<std::shared_ptr<const Object>>(&m_data);
  if (!o) return nullptr;
  for (const auto& [key, value] : **o)
    if (equals_ignore_case(key, name)) return &value;
  return nullptr;
}

bool Value::same_container(const Value& other) const {
  if (m_data.index() != other.m_data.index()) return false;
  if (const auto* a = std::get_if<std::shared_ptr<const Array>>(&m_data))
    return *a == std::get<std::shared_ptr<const Array>>(other.m_data);
  if (const auto* o = std::get_if<std::shared_ptr<const Object>>(&m_data))
    return *o == std::get<std::shared_ptr<const Object>>(other.m_data);
  return false;
}

bool Value::to_boolean() const {
  switch (kind()) {
    case Kind::null: return false;
    case Kind::boolean: return as_boolean();
    case Kind::number: return !as_number().is_zero();
    case Kind::string: return !as_string().empty();
    case Kind::version:
    case Kind::array:
    case Kind::object: return true;
  }
  return false;
}

std::string Value::to_string() const {
  switch (kind()) {
    case Kind::null: return "";
    case Kind::boolean: return as_boolean() ? "True" : "False";
    case Kind::number: return as_number().to_string();
    case Kind::string:
    case Kind::version: return as_string();
    case Kind::array:
    case Kind::object: return "";
  }
  return "";
}

std::optional<std::string> Value::try_to_string() const {
  if (kind() == Kind::array || kind() == Kind::object) return std::nullopt;
  return to_string();
}

std::optional<Decimal> Value::to_number() const {
  switch (kind()) {
    case Kind::null: return Decimal();
    case Kind::boolean: return Decimal::from_int(as_boolean() ? 1 : 0);
    case Kind::number: return as_number();
    case Kind::string:
      if (as_string().empty()) return Decimal();
      return Decimal::parse(as_string(), Decimal::ParseStyle::lenient);
    default: return std::nullopt;
  }
}

std::optional<std::string> normalize_version(std::string_view text) {
  std::optional<VersionParts> parts = parse_version(text);
  if (!parts) return std::nullopt;
  std::string out;
  for (long long part : *parts) {
    if (part < 0) break;
    if (!out.empty()) out.push_back('.');
    out += std::to_string(part);
  }
  return out;
}

int compare_ignore_case(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = fold(a[i]);
    unsigned char y = fold(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return three_way(a.size(), b.size());
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && fold(a[i]) != fold(b[i])) return false;
  return true;
}

bool equals(const Value& left, const Value& right) {
  switch (left.kind()) {
    case Value::Kind::null:
      return right.is_null() || (right.kind() == Value::Kind::string && right.as_string().empty());
    case Value::Kind::boolean: return left.as_boolean() == right.to_boolean();
    case Value::Kind::number: {
      if (right.kind() == Value::Kind::number) return left.as_number() == right.as_number();
      std::optional<Decimal> number = right.to_number();
      return number && left.as_number() == *number;
    }
    case Value::Kind::string: {
      if (right.kind() == Value::Kind::string)
        return equals_ignore_case(left.as_string(), right.as_string());
      std::optional<std::string> text = right.try_to_string();
      return text && equals_ignore_case(left.as_string(), *text);
    }
    case Value::Kind::version: {
      std::optional<VersionParts> version = convert_to_version(right);
      return version && parts_of_version(left) == *version;
    }
    case Value::Kind::array:
    case Value::Kind::object: return left.same_container(right);
  }
  return false;
}

Result<int> compare(const Value& left, const Value& right) {
  switch (left.kind()) {
    case Value::Kind::null:
      if (equals(left, right)) return 0;
      return std::unexpected(conversion_error(right, Value::Kind::null));
    case Value::Kind::boolean: return three_way(left.as_boolean(), right.to_boolean());
    case Value::Kind::number: {
      std::optional<Decimal> number = right.to_number();
      if (!number) return std::unexpected(conversion_error(right, Value::Kind::number));
      return left.as_number().compare(*number);
    }
    case Value::Kind::string: {
      std::optional<std::string> text = right.try_to_string();
      if (!text) return std::unexpected(conversion_error(right, Value::Kind::string));
      return compare_ignore_case(left.as_string(), *text);
    }
    case Value::Kind::version: {
      std::optional<VersionParts> version = convert_to_version(right);
      if (!version) return std::unexpected(conversion_error(right, Value::Kind::version));
      return three_way(parts_of_version(left), *version);
    }
    case Value::Kind::array:
    case Value::Kind::object:
      return fail(ErrorCode::invalid_input,
                  std::string("Unable to compare values of type ") + Value::kind_name(left.kind()));
  }
  return 0;
}

std::string to_json(const Value& value) {
  std::string out;
  write_json(value, 0, out);
  return out;
}

}  // namespace slipway::expr
