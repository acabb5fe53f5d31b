#include "expr/expr_test_support.h"

namespace slipway::expr::testing {

namespace {

Value str(const char* s) { return Value::string(s); }
Value num(const char* s) { return Value::number(*Decimal::parse(s)); }

Context make_context() {
  Context context;
  Value items = Value::array({
      Value::object({{"id", num("1")}, {"name", str("a")}}),
      Value::object({{"id", num("2")}, {"name", str("b")}}),
      Value::object({{"id", num("3")}}),
  });
  Value parameters = Value::object({
      {"os", str("linux")},
      {"count", num("3")},
      {"ratio", num("1.50")},
      {"enabled", Value::boolean(true)},
      {"disabled", Value::boolean(false)},
      {"list", Value::array({str("a"), str("b"), str("c")})},
      {"numbers", Value::array({num("1"), num("2"), num("10")})},
      {"empty", str("")},
      {"nothing", Value()},
      {"falseText", str("False")},
      {"obj", Value::object({{"Name", str("x")}, {"Nested", Value::object({{"deep", str("y")}})}})},
      {"items", items},
      {"versionText", str("1.2.3")},
      {"ver", Value::version("1.2.3")},
      {"emptyList", Value::array({})},
      {"emptyObject", Value::object({})},
      {"spaced", str("  padded text \t")},
      {"unicode", str("h\xC3\xA9llo \xF0\x9F\x98\x80")},  // "héllo 😀"
      {"map", Value::object({{"true", num("0")}, {"false", num("1")}, {"1", str("one")}})},
  });
  context.named_values = {
      {"parameters", parameters},
      {"variables", Value::object({{"Build.SourceBranch", str("refs/heads/main")},
                                   {"Build.Reason", str("Manual")},
                                   {"major", str("1")},
                                   {"environments", str("prod1,prod2")}})},
      {"pipeline", Value::object({{"startTime", str("2026-03-04T05:06:07.0891234Z")}})},
      {"dependencies", Value::object({{"A", Value::object({{"result", str("Succeeded")},
                                                          {"outputs", Value::object({{"x.y", str("z")}})}})}})},
  };
  context.strict_members = {"parameters"};
  return context;
}

}  // namespace

const Context& sample_context() {
  static const Context context = make_context();
  return context;
}

std::string render(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::null: return "null";
    case Value::Kind::boolean: return value.to_string();
    case Value::Kind::number: return "n:" + value.to_string();
    case Value::Kind::string: return "'" + value.as_string() + "'";
    case Value::Kind::version: return "v:" + value.as_string();
    case Value::Kind::array: {
      std::string out = "[";
      for (const Value& item : value.as_array()) out += (out.size() > 1 ? ", " : "") + render(item);
      return out + "]";
    }
    case Value::Kind::object: {
      std::string out = "{";
      for (const auto& [key, item] : value.as_object())
        out += (out.size() > 1 ? ", " : "") + key + ": " + render(item);
      return out + "}";
    }
  }
  return "?";
}

std::string run(std::string_view text, const Context& context, Phase phase) {
  Result<Expression> expression = Expression::parse(text, Position{"p.yml", 3, 10}, phase);
  if (!expression) return "error: " + expression.error().to_string();
  Result<Value> value = expression->evaluate(context);
  if (!value) return "error: " + value.error().to_string();
  return render(*value);
}

}  // namespace slipway::expr::testing
