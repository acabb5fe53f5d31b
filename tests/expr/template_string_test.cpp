// Text with embedded ${{ }} expressions and run-time $(macros).
#include <gtest/gtest.h>

#include "expr/expression.h"

namespace slipway::expr {
namespace {

std::string describe(const std::vector<Segment>& segments) {
  std::string out;
  for (const Segment& s : segments) {
    if (!out.empty()) out += " | ";
    out += s.is_expression ? "expr[" + s.expression + "]" : "text[" + s.literal + "]";
    out += "@" + s.where.to_string();
  }
  return out;
}

std::string split(std::string_view text, Position where = {"f.yml", 2, 5}) {
  Result<std::vector<Segment>> segments = split_template_string(text, where);
  if (!segments) return "error: " + segments.error().to_string();
  return describe(*segments);
}

TEST(TemplateString, SplitsTextAndExpressionsWithPositions) {
  EXPECT_EQ(split("build-${{ parameters.os }}"), "text[build-]@f.yml:2:5 | expr[ parameters.os ]@f.yml:2:14");
  EXPECT_EQ(split("${{ a }}${{b}}"), "expr[ a ]@f.yml:2:8 | expr[b]@f.yml:2:16");
  EXPECT_EQ(split("plain text"), "text[plain text]@f.yml:2:5");
  EXPECT_EQ(split(""), "");
  EXPECT_EQ(split("a\nb ${{ x }} c"), "text[a\nb ]@f.yml:2:5 | expr[ x ]@f.yml:3:6 | text[ c]@f.yml:3:11");
  EXPECT_EQ(split("$(macro) ${ { not } } $[ runtime ]"), "text[$(macro) ${ { not } } $[ runtime ]]@f.yml:2:5");
  EXPECT_EQ(split("é${{x}}"), "text[é]@f.yml:2:5 | expr[x]@f.yml:2:9");  // columns count characters
  EXPECT_EQ(split("x ${{ y }}", Position{}), "text[x ]@ | expr[ y ]@");
}

TEST(TemplateString, ClosingBracesInsideStringsDoNotEndTheExpression) {
  EXPECT_EQ(split("${{ format('}}{0}', 'x') }}!"), "expr[ format('}}{0}', 'x') ]@f.yml:2:8 | text[!]@f.yml:2:32");
  EXPECT_EQ(split("${{ 'it''s' }}"), "expr[ 'it''s' ]@f.yml:2:8");
}

TEST(TemplateString, ReportsUnterminatedExpressions) {
  EXPECT_EQ(split("echo ${{ parameters.x"),
            "error: f.yml:2:10: Unterminated expression: '${{' without a matching '}}'.");
  EXPECT_EQ(split("${{ ' }}"), "error: f.yml:2:5: Unterminated expression: '${{' without a matching '}}'.");
  EXPECT_EQ(split("ok ${{ a }} then ${{"),
            "error: f.yml:2:22: Unterminated expression: '${{' without a matching '}}'.");
}

TEST(Macros, ListsNamesInOrder) {
  EXPECT_EQ(macro_names("echo $(Build.SourceBranch) $(my-var) $(a_b) $(Build.SourceBranch)"),
            (std::vector<std::string>{"Build.SourceBranch", "my-var", "a_b", "Build.SourceBranch"}));
  EXPECT_EQ(macro_names("$() $(has space) $(unclosed $[ x ] ${{ y }}"), std::vector<std::string>{});
  EXPECT_EQ(macro_names("$$(x)"), std::vector<std::string>{"x"});
}

TEST(Macros, ExpandsKnownNamesAndLeavesUnknownOnesAsWritten) {
  auto lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "known") return std::string("value");
    if (name == "self") return std::string("$(self)");
    if (name == "empty") return std::string();
    return std::nullopt;
  };
  EXPECT_EQ(expand_macros("a $(known) b $(unknown) c", lookup), "a value b $(unknown) c");
  EXPECT_EQ(expand_macros("$(self)$(known)", lookup), "$(self)value");  // no recursive expansion
  EXPECT_EQ(expand_macros("[$(empty)]", lookup), "[]");
  EXPECT_EQ(expand_macros("$(bad name) $( $(known", lookup), "$(bad name) $( $(known");
  EXPECT_EQ(expand_macros("", lookup), "");
  EXPECT_EQ(expand_macros("no macros", lookup), "no macros");
}

}  // namespace
}  // namespace slipway::expr

namespace slipway::expr {
namespace {

TEST(RuntimeExpression, RecognizesWholeValuesOnly) {
  std::optional<RuntimeExpression> found = runtime_expression("  $[ eq(variables.a, 'b') ] ", {"v.yml", 4, 8});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->text, " eq(variables.a, 'b') ");
  EXPECT_EQ(found->where.to_string(), "v.yml:4:12");
  EXPECT_EQ(runtime_expression("$[]", {})->text, "");
  EXPECT_FALSE(runtime_expression("x $[ a ]", {}).has_value());
  EXPECT_FALSE(runtime_expression("$[ a ] x", {}).has_value());
  EXPECT_FALSE(runtime_expression("${{ a }}", {}).has_value());
  EXPECT_FALSE(runtime_expression("$(a)", {}).has_value());
  // The inside parses as a run-time expression, where counter is allowed.
  std::optional<RuntimeExpression> counter = runtime_expression("$[counter(variables['major'], 100)]", {});
  ASSERT_TRUE(counter.has_value());
  EXPECT_TRUE(Expression::parse(counter->text, counter->where, Phase::run_time).has_value());
}

TEST(DateString, FormatsUtcTimesForFormat) {
  using namespace std::chrono_literals;
  std::chrono::system_clock::time_point t =
      std::chrono::sys_days{std::chrono::year{2026} / 3 / 4} + 5h + 6min + 7s + 89123400ns;
  EXPECT_EQ(date_string(t), "2026-03-04T05:06:07.0891234Z");
  Context context;
  context.named_values = {{"pipeline", Value::object({{"startTime", Value::string(date_string(t))}})}};
  Result<Expression> e = Expression::parse("format('{0:yyyyMMdd.HHmmss}', pipeline.startTime)", {}, Phase::run_time);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->evaluate(context)->as_string(), "20260304.050607");
}

TEST(Expression, DefaultConstructedFailsCleanly) {
  Expression never_parsed;
  Result<Value> value = never_parsed.evaluate(Context{});
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().code, ErrorCode::internal);
}

}  // namespace
}  // namespace slipway::expr
