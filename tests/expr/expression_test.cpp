#include "expr/expression.h"

#include <gtest/gtest.h>

namespace slipway::expr {
namespace {

Value object(Value::Object members) { return Value::object(std::move(members)); }

// Evaluates `text` against a small context and prints the result as Azure
// would put it in a string, or the error text.
std::string eval(std::string_view text, const Context& context) {
  Result<Expression> expression = Expression::parse(text, Position{"p.yml", 3, 10}, Phase::compile_time);
  if (!expression) return "error: " + expression.error().to_string();
  Result<Value> value = expression->evaluate(context);
  if (!value) return "error: " + value.error().to_string();
  return value->to_string();
}

TEST(Expression, EvaluatesLiteralsAndFunctions) {
  Context context;
  context.named_values = {{"parameters", object({{"os", Value::string("linux")}})}};
  EXPECT_EQ(eval("eq(parameters.OS, 'Linux')", context), "True");
  EXPECT_EQ(eval("format('{0}-{1}', parameters.os, 1.50)", context), "linux-1.5");
  EXPECT_EQ(eval("eq(a, )", context),
            "error: p.yml:3:16: Unexpected symbol: ')'. Located at column 7 in expression 'eq(a, )'.");
}

}  // namespace
}  // namespace slipway::expr
