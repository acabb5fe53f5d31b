// libFuzzer harness: the expression language (src/expr). The input is the
// text of an expression; it is parsed and evaluated in both phases (with
// parameters, variables and dependencies to read, status functions and a
// counter), then read as a template string and as run-time macros.
// Errors are values: only a crash, hang or leak is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "expr/expression.h"

namespace {

using slipway::Result;
using slipway::expr::Context;
using slipway::expr::Expression;
using slipway::expr::Phase;
using slipway::expr::Value;

// Named values shaped like the expander's and the run's: strings, numbers,
// booleans, arrays and nested objects, so accessors and casts have work.
Context make_context(Phase phase) {
  Value::Object parameters = {
      {"os", Value::string("linux")},
      {"count", Value::number(slipway::expr::Decimal::from_int(3))},
      {"enabled", Value::boolean(true)},
      {"list", Value::array({Value::string("a"), Value::string("b,c"), Value()})},
      {"config", Value::object({{"name", Value::string("x")},
                                {"items", Value::array({Value::object({{"id", Value::string("1")}})})}})},
  };
  Context context;
  context.named_values = {
      {"parameters", Value::object(parameters)},
      {"variables", Value::object({{"Build.SourceBranch", Value::string("refs/heads/main")},
                                   {"version", Value::version("1.2.3")}})},
      {"dependencies", Value::object({{"build", Value::object({{"result", Value::string("Succeeded")}})}})},
  };
  context.phase = phase;
  context.status = [](std::string_view, const std::vector<std::string>&) -> Result<bool> { return true; };
  context.counter = [](std::string_view, const slipway::expr::Decimal& seed) -> Result<Value> {
    return Value::number(seed);
  };
  return context;
}

void parse_and_evaluate(std::string_view text, Phase phase) {
  static const Context compile_time = make_context(Phase::compile_time);
  static const Context run_time = make_context(Phase::run_time);
  Result<Expression> expression = Expression::parse(text, {"fuzz.yml", 1, 1}, phase);
  if (!expression) return;
  Result<Value> value = expression->evaluate(phase == Phase::compile_time ? compile_time : run_time);
  (void)expression->quoted_text();
  (void)value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  parse_and_evaluate(text, Phase::compile_time);
  parse_and_evaluate(text, Phase::run_time);
  if (auto segments = slipway::expr::split_template_string(text, {"fuzz.yml", 1, 1})) {
    for (const slipway::expr::Segment& segment : *segments)
      if (segment.is_expression) parse_and_evaluate(segment.expression, Phase::compile_time);
  }
  (void)slipway::expr::runtime_expression(text, {"fuzz.yml", 1, 1});
  (void)slipway::expr::expand_macros(text, [](std::string_view name) -> std::optional<std::string> {
    if (name.size() % 2 == 0) return std::string(name) + "$(" + std::string(name) + ")";
    return std::nullopt;
  });
  return 0;
}
