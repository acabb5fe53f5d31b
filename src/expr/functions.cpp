// Azure Pipelines' expression functions.
//
// Arities are checked by the parser from the table below; here each function
// evaluates its arguments itself, so and/or/in/coalesce can stop early. iif
// evaluates all three arguments, as Azure does (an error in the branch not
// taken still fails). String functions cast with Azure's rules and refuse
// arrays and objects ("Unable to convert from Array to String."); string
// matching is ordinal ignoring case; replace() is case-sensitive like .NET's
// String.Replace. substring() is not in Microsoft's function list but Azure
// accepts it (the third-party conformance suite uses it), so it is here too.
#include <array>

#include "core/strings.h"
#include "expr/node.h"

namespace slipway::expr {

namespace {

constexpr int N = k_unbounded;

constexpr std::array k_functions = {
    FunctionInfo{"and", FunctionId::and_, 2, N, false},
    FunctionInfo{"or", FunctionId::or_, 2, N, false},
    FunctionInfo{"not", FunctionId::not_, 1, 1, false},
    FunctionInfo{"xor", FunctionId::xor_, 2, 2, false},
    FunctionInfo{"eq", FunctionId::eq, 2, 2, false},
    FunctionInfo{"ne", FunctionId::ne, 2, 2, false},
    FunctionInfo{"gt", FunctionId::gt, 2, 2, false},
    FunctionInfo{"ge", FunctionId::ge, 2, 2, false},
    FunctionInfo{"lt", FunctionId::lt, 2, 2, false},
    FunctionInfo{"le", FunctionId::le, 2, 2, false},
    FunctionInfo{"in", FunctionId::in, 1, N, false},
    FunctionInfo{"notIn", FunctionId::not_in, 1, N, false},
    FunctionInfo{"contains", FunctionId::contains, 2, 2, false},
    FunctionInfo{"containsValue", FunctionId::contains_value, 2, 2, false},
    FunctionInfo{"startsWith", FunctionId::starts_with, 2, 2, false},
    FunctionInfo{"endsWith", FunctionId::ends_with, 2, 2, false},
    FunctionInfo{"format", FunctionId::format, 1, N, false},
    FunctionInfo{"join", FunctionId::join, 2, 2, false},
    FunctionInfo{"split", FunctionId::split, 2, 2, false},
    FunctionInfo{"replace", FunctionId::replace, 3, 3, false},
    FunctionInfo{"substring", FunctionId::substring, 2, 3, false},
    FunctionInfo{"lower", FunctionId::lower, 1, 1, false},
    FunctionInfo{"upper", FunctionId::upper, 1, 1, false},
    FunctionInfo{"trim", FunctionId::trim, 1, 1, false},
    FunctionInfo{"coalesce", FunctionId::coalesce, 2, N, false},
    FunctionInfo{"convertToJson", FunctionId::convert_to_json, 1, 1, false},
    FunctionInfo{"length", FunctionId::length, 1, 1, false},
    FunctionInfo{"iif", FunctionId::iif, 3, 3, false},
    FunctionInfo{"counter", FunctionId::counter, 2, 2, true},
    FunctionInfo{"always", FunctionId::always, 0, 0, true},
    FunctionInfo{"canceled", FunctionId::canceled, 0, 0, true},
    FunctionInfo{"failed", FunctionId::failed, 0, N, true},
    FunctionInfo{"succeeded", FunctionId::succeeded, 0, N, true},
    FunctionInfo{"succeededOrFailed", FunctionId::succeeded_or_failed, 0, N, true},
};

Ref boolean(bool b) { return Ref::own(Value::boolean(b)); }
Ref string(std::string s) { return Ref::own(Value::string(std::move(s))); }

bool is_empty_string(const Value& value) {
  return value.kind() == Value::Kind::string && value.as_string().empty();
}

// Length in UTF-16 code units, as .NET counts string length.
long long utf16_length(std::string_view text) {
  long long length = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;
    length += c >= 0xF0 ? 2 : 1;
  }
  return length;
}

// ASCII and Latin-1 letters (U+00C0..U+00FE, UTF-8 "\xC3\x80".."\xC3\xBE")
// change case like .NET's invariant culture; other characters stay as they are.
std::string change_case(std::string text, bool upper) {
  for (size_t i = 0; i < text.size(); ++i) {
    char& c = text[i];
    if (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z')) {
      c = static_cast<char>(upper ? c - ('a' - 'A') : c + ('a' - 'A'));
    } else if (static_cast<unsigned char>(c) == 0xC3 && i + 1 < text.size()) {
      unsigned char next = static_cast<unsigned char>(text[i + 1]);
      bool is_upper = next >= 0x80 && next <= 0x9E && next != 0x97;  // not ×
      bool is_lower = next >= 0xA0 && next <= 0xBE && next != 0xB7;  // not ÷
      if (upper && is_lower) text[i + 1] = static_cast<char>(next - 0x20);
      if (!upper && is_upper) text[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
  return text;
}

// Byte offset of `needle` in `haystack` ignoring ASCII case, or npos.
size_t find_ignore_case(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return std::string_view::npos;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (compare_ignore_case(haystack.substr(i, needle.size()), needle) == 0) return i;
  return std::string_view::npos;
}

class Call {
 public:
  Call(const Node& node, Evaluator& evaluator) : m_node(node), m_evaluator(evaluator) {}

  size_t count() const { return m_node.children.size(); }
  Result<Ref> arg(size_t i) { return m_evaluator.evaluate(m_node.children[i]); }

  Result<std::string> string_arg(size_t i) {
    Result<Ref> value = arg(i);
    if (!value) return std::unexpected(std::move(value.error()));
    return as_string(value->get(), i);
  }

  Result<std::string> as_string(const Value& value, size_t i) {
    std::optional<std::string> text = value.try_to_string();
    if (!text)
      return std::unexpected(error_at(i, std::string("Unable to convert from ") +
                                             Value::kind_name(value.kind()) + " to String."));
    return std::move(*text);
  }

  Result<bool> boolean_arg(size_t i) {
    Result<Ref> value = arg(i);
    if (!value) return std::unexpected(std::move(value.error()));
    return value->get().to_boolean();
  }

  Error error_at(size_t i, std::string sentence) const {
    return m_evaluator.error(m_node.children[i].column, std::move(sentence));
  }
  Error error(std::string sentence) const { return m_evaluator.error(m_node.column, std::move(sentence)); }
  const Context& context() const { return m_evaluator.context(); }
  const Node& node() const { return m_node; }

 private:
  const Node& m_node;
  Evaluator& m_evaluator;
};

#define TRY(var, expr)                                                  \
  auto var##_result = (expr);                                           \
  if (!var##_result) return std::unexpected(std::move(var##_result.error())); \
  auto& var = *var##_result

Result<Ref> logical(Call& call, bool stop_on) {
  // and: stops at the first false; or: at the first true.
  for (size_t i = 0; i < call.count(); ++i) {
    TRY(value, call.boolean_arg(i));
    if (value == stop_on) return boolean(stop_on);
  }
  return boolean(!stop_on);
}

Result<Ref> ordering(Call& call, FunctionId id) {
  TRY(left, call.arg(0));
  TRY(right, call.arg(1));
  Result<int> order = compare(left.get(), right.get());
  if (!order) return std::unexpected(call.error_at(1, order.error().message + "."));
  switch (id) {
    case FunctionId::gt: return boolean(*order > 0);
    case FunctionId::ge: return boolean(*order >= 0);
    case FunctionId::lt: return boolean(*order < 0);
    default: return boolean(*order <= 0);
  }
}

Result<Ref> in_list(Call& call, bool negate) {
  TRY(left, call.arg(0));
  for (size_t i = 1; i < call.count(); ++i) {
    TRY(right, call.arg(i));
    if (equals(left.get(), right.get())) return boolean(!negate);
  }
  return boolean(negate);
}

Result<Ref> contains_value(Call& call) {
  TRY(collection, call.arg(0));
  TRY(needle, call.arg(1));
  const Value& c = collection.get();
  // Each item converts to the needle's kind: equals(needle, item).
  if (c.kind() == Value::Kind::array) {
    for (const Value& item : c.as_array())
      if (equals(needle.get(), item)) return boolean(true);
  } else if (c.kind() == Value::Kind::object) {
    for (const auto& member : c.as_object())
      if (equals(needle.get(), member.second)) return boolean(true);
  }
  return boolean(false);
}

Result<Ref> affix(Call& call, FunctionId id) {
  TRY(text, call.string_arg(0));
  TRY(part, call.string_arg(1));
  if (part.size() > text.size()) return boolean(false);
  std::string_view view(text);
  std::string_view piece =
      id == FunctionId::starts_with ? view.substr(0, part.size()) : view.substr(view.size() - part.size());
  return boolean(compare_ignore_case(piece, part) == 0);
}

Result<Ref> format(Call& call) {
  TRY(pattern, call.string_arg(0));
  std::vector<Value> args;
  args.reserve(call.count() - 1);
  for (size_t i = 1; i < call.count(); ++i) {
    TRY(value, call.arg(i));
    if (value.get().kind() == Value::Kind::array || value.get().kind() == Value::Kind::object)
      return std::unexpected(call.error_at(i, std::string("Unable to convert from ") +
                                                  Value::kind_name(value.get().kind()) + " to String."));
    args.push_back(std::move(value).take());
  }
  std::expected<std::string, std::string> text = format_string(pattern, args);
  if (!text) return std::unexpected(call.error(text.error()));
  return string(std::move(*text));
}

Result<Ref> join(Call& call) {
  TRY(separator, call.string_arg(0));
  TRY(collection, call.arg(1));
  const Value& c = collection.get();
  if (c.kind() != Value::Kind::array) return string(c.to_string());
  std::string out;
  bool first = true;
  for (const Value& item : c.as_array()) {
    if (!first) out += separator;
    first = false;
    out += item.to_string();  // arrays and objects join as ''
  }
  return string(std::move(out));
}

Result<Ref> split(Call& call) {
  TRY(text, call.string_arg(0));
  TRY(delimiter, call.string_arg(1));
  Value::Array parts;
  if (delimiter.empty()) {
    parts.push_back(Value::string(text));
  } else {
    size_t start = 0;
    while (true) {
      size_t found = text.find(delimiter, start);
      if (found == std::string::npos) break;
      parts.push_back(Value::string(text.substr(start, found - start)));
      start = found + delimiter.size();
    }
    parts.push_back(Value::string(text.substr(start)));
  }
  return Ref::own(Value::array(std::move(parts)));
}

Result<Ref> replace(Call& call) {
  TRY(text, call.string_arg(0));
  TRY(old_text, call.string_arg(1));
  TRY(new_text, call.string_arg(2));
  if (old_text.empty()) return string(std::move(text));
  std::string out;
  size_t start = 0;
  while (true) {
    size_t found = text.find(old_text, start);
    if (found == std::string::npos) break;
    out.append(text, start, found - start);
    out += new_text;
    start = found + old_text.size();
  }
  out.append(text, start);
  return string(std::move(out));
}

// Byte offset of the `index`-th character (UTF-8 code point) of text, or npos.
size_t offset_of_character(std::string_view text, long long index) {
  size_t offset = 0;
  for (long long i = 0; i < index; ++i) {
    if (offset >= text.size()) return std::string_view::npos;
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
  }
  return offset;
}

// substring(text, start[, length]): .NET's String.Substring on characters; a
// range outside the text is an error, as in .NET.
Result<Ref> substring(Call& call) {
  TRY(text, call.string_arg(0));
  long long bounds[2] = {0, -1};
  for (size_t i = 1; i < call.count(); ++i) {
    TRY(value, call.arg(i));
    std::optional<Decimal> number = value.get().to_number();
    std::optional<long long> whole = number ? number->to_integer() : std::nullopt;
    if (!whole || *whole < 0)
      return std::unexpected(call.error_at(i, "substring() needs a whole non-negative number; got '" +
                                                  value.get().to_string() + "'."));
    bounds[i - 1] = *whole;
  }
  size_t begin = offset_of_character(text, bounds[0]);
  size_t end = bounds[1] < 0 ? text.size() : (begin == std::string::npos ? begin : offset_of_character(
                                                                                    std::string_view(text).substr(begin), bounds[1]));
  if (begin == std::string::npos || end == std::string::npos)
    return std::unexpected(call.error("substring() range is outside the text '" + text + "'."));
  if (bounds[1] >= 0) end += begin;
  return string(text.substr(begin, end - begin));
}

Result<Ref> coalesce(Call& call) {
  for (size_t i = 0; i < call.count(); ++i) {
    TRY(value, call.arg(i));
    if (!value.get().is_null() && !is_empty_string(value.get())) return std::move(value);
  }
  return Ref::own(Value());
}

Result<Ref> length(Call& call) {
  TRY(value, call.arg(0));
  const Value& v = value.get();
  long long n = 0;
  switch (v.kind()) {
    case Value::Kind::null: n = 0; break;
    case Value::Kind::array: n = static_cast<long long>(v.as_array().size()); break;
    case Value::Kind::object: n = static_cast<long long>(v.as_object().size()); break;
    default: n = utf16_length(v.to_string()); break;
  }
  return Ref::own(Value::number(Decimal::from_int(n)));
}

Result<Ref> iif(Call& call) {
  TRY(condition, call.boolean_arg(0));
  TRY(when_true, call.arg(1));
  TRY(when_false, call.arg(2));
  return condition ? std::move(when_true) : std::move(when_false);
}

Result<Ref> counter(Call& call) {
  TRY(prefix, call.string_arg(0));
  TRY(seed_value, call.arg(1));
  std::optional<Decimal> seed = seed_value.get().to_number();
  if (!seed)
    return std::unexpected(call.error_at(1, std::string("Unable to convert from ") +
                                                Value::kind_name(seed_value.get().kind()) + " to Number."));
  if (!call.context().counter)
    return std::unexpected(call.error("Function 'counter' needs a run in progress to count."));
  Result<Value> value = call.context().counter(prefix, *seed);
  if (!value) return std::unexpected(call.error(value.error().message + "."));
  return Ref::own(std::move(*value));
}

Result<Ref> status(Call& call) {
  std::vector<std::string> jobs;
  for (size_t i = 0; i < call.count(); ++i) {
    TRY(job, call.string_arg(i));
    jobs.push_back(std::move(job));
  }
  std::string_view name = call.node().function->name;
  if (!call.context().status)
    return std::unexpected(call.error("Function '" + std::string(name) + "' needs a run in progress."));
  Result<bool> value = call.context().status(name, jobs);
  if (!value) return std::unexpected(call.error(value.error().message + "."));
  return boolean(*value);
}

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  for (const FunctionInfo& info : k_functions)
    if (equals_ignore_case(info.name, name)) return &info;
  return nullptr;
}

Result<Ref> call_function(const Node& node, Evaluator& evaluator) {
  Call call(node, evaluator);
  switch (node.function->id) {
    case FunctionId::and_: return logical(call, false);
    case FunctionId::or_: return logical(call, true);
    case FunctionId::not_: {
      TRY(value, call.boolean_arg(0));
      return boolean(!value);
    }
    case FunctionId::xor_: {
      TRY(left, call.boolean_arg(0));
      TRY(right, call.boolean_arg(1));
      return boolean(left != right);
    }
    case FunctionId::eq:
    case FunctionId::ne: {
      TRY(left, call.arg(0));
      TRY(right, call.arg(1));
      bool same = equals(left.get(), right.get());
      return boolean(node.function->id == FunctionId::eq ? same : !same);
    }
    case FunctionId::gt:
    case FunctionId::ge:
    case FunctionId::lt:
    case FunctionId::le: return ordering(call, node.function->id);
    case FunctionId::in: return in_list(call, false);
    case FunctionId::not_in: return in_list(call, true);
    case FunctionId::contains: {
      TRY(text, call.string_arg(0));
      TRY(part, call.string_arg(1));
      return boolean(find_ignore_case(text, part) != std::string_view::npos);
    }
    case FunctionId::contains_value: return contains_value(call);
    case FunctionId::starts_with:
    case FunctionId::ends_with: return affix(call, node.function->id);
    case FunctionId::format: return format(call);
    case FunctionId::join: return join(call);
    case FunctionId::split: return split(call);
    case FunctionId::replace: return replace(call);
    case FunctionId::substring: return substring(call);
    case FunctionId::lower: {
      TRY(text, call.string_arg(0));
      return string(change_case(std::move(text), false));
    }
    case FunctionId::upper: {
      TRY(text, call.string_arg(0));
      return string(change_case(std::move(text), true));
    }
    case FunctionId::trim: {
      TRY(text, call.string_arg(0));
      return string(std::string(slipway::trim(text)));
    }
    case FunctionId::coalesce: return coalesce(call);
    case FunctionId::convert_to_json: {
      TRY(value, call.arg(0));
      return string(to_json(value.get()));
    }
    case FunctionId::length: return length(call);
    case FunctionId::iif: return iif(call);
    case FunctionId::counter: return counter(call);
    case FunctionId::always:
    case FunctionId::canceled:
    case FunctionId::failed:
    case FunctionId::succeeded:
    case FunctionId::succeeded_or_failed: return status(call);
  }
  return std::unexpected(call.error("Internal error: unknown function."));
}

}  // namespace slipway::expr
