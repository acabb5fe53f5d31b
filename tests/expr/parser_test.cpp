// Literals, named values, accessors, case rules, syntax errors and limits.
#include <gtest/gtest.h>

#include "expr/expr_test_support.h"

namespace slipway::expr {
namespace {

using testing::run;

struct Case {
  const char* expression;
  const char* expected;
};

void check(const std::vector<Case>& cases) {
  for (const Case& c : cases) EXPECT_EQ(run(c.expression), c.expected) << c.expression;
}

TEST(Parser, ReadsLiterals) {
  check({
      {"true", "True"},
      {"True", "True"},
      {"TRUE", "True"},
      {"false", "False"},
      {"fAlSe", "False"},
      {"null", "null"},
      {"NULL", "null"},
      {"1", "n:1"},
      {"-1.2", "n:-1.2"},
      {"+1", "error: p.yml:3:10: Unexpected symbol: '+'. Located at column 1 in expression '+1'."},
      {".5", "n:0.5"},
      {"-.5", "n:-0.5"},
      {"1.50", "n:1.5"},
      {"007", "n:7"},
      {"0.1", "n:0.1"},
      {"79228162514264337593543950335", "n:79228162514264337593543950335"},
      {"'a b c'", "'a b c'"},
      {"''", "''"},
      {"'It''s OK'", "'It's OK'"},
      {"''''", "'''"},
      {"'with \"double\" quotes'", "'with \"double\" quotes'"},
      {"1.2.3", "v:1.2.3"},
      {"1.2.3.4", "v:1.2.3.4"},
      {"1.02.3", "v:1.2.3"},
      {"  'spaced'  ", "'spaced'"},
      {"\n\teq(1,\n 1)\n", "True"},
  });
}

TEST(Parser, RejectsMalformedLiterals) {
  check({
      {"1e5", "error: p.yml:3:10: Unrecognized value: '1e5'. Located at column 1 in expression '1e5'."},
      {"0x10", "error: p.yml:3:10: Unrecognized value: '0x10'. Located at column 1 in expression '0x10'."},
      {"1.2.3.4.5",
       "error: p.yml:3:10: Unrecognized value: '1.2.3.4.5'. Located at column 1 in expression '1.2.3.4.5'."},
      {"lt(0.9.o.9,1.0.0)",
       "error: p.yml:3:13: Unrecognized value: '0.9.o.9'. Located at column 4 in expression "
       "'lt(0.9.o.9,1.0.0)'."},
      {"-", "error: p.yml:3:10: Unrecognized value: '-'. Located at column 1 in expression '-'."},
      {"79228162514264337593543950336",
       "error: p.yml:3:10: Unrecognized value: '79228162514264337593543950336'. Located at column 1 in "
       "expression '79228162514264337593543950336'."},
      {"'open", "error: p.yml:3:10: Unterminated string: 'open has no closing quote. Located at column 1 in "
                "expression ''open'."},
      {"\"double\"", "error: p.yml:3:10: Unexpected symbol: '\"'. Located at column 1 in expression '\"double\"'."},
  });
}

TEST(Parser, ResolvesNamedValuesAndMembersIgnoringCase) {
  check({
      {"parameters.os", "'linux'"},
      {"PARAMETERS.OS", "'linux'"},
      {"parameters['os']", "'linux'"},
      {"parameters['OS']", "'linux'"},
      {"parameters.obj.nested.DEEP", "'y'"},
      {"parameters['obj']['Nested'].deep", "'y'"},
      {"parameters.list[0]", "'a'"},
      {"parameters.list[2]", "'c'"},
      {"parameters.list['1']", "'b'"},
      {"parameters.list[1.0]", "'b'"},
      {"parameters.list[3]", "null"},
      {"parameters.list[-1]", "null"},
      {"parameters.list[0.5]", "null"},
      {"parameters.list['x']", "null"},
      {"parameters.obj.missing", "null"},
      {"parameters.obj.missing.deeper", "null"},
      {"parameters.os.length", "null"},
      {"parameters.nothing.x", "null"},
      {"parameters.map[true]", "n:0"},   // boolean index → 'True' → key 'true'
      {"parameters.map[gt(1, 2)]", "n:1"},
      {"parameters.map[1]", "'one'"},
      {"parameters.map[ge(1.0.0,0.9.9.9)]", "n:0"},
      {"variables['Build.SourceBranch']", "'refs/heads/main'"},
      {"variables.noSuch", "null"},  // only parameters are strict in the sample context
      {"dependencies.A.outputs['x.y']", "'z'"},
      {"dependencies.a.RESULT", "'Succeeded'"},
      {"parameters[format('{0}', 'os')]", "'linux'"},
      {"parameters.obj.true", "null"},  // a member name, not the literal
  });
}

TEST(Parser, FiltersArraysWithWildcards) {
  check({
      {"parameters.items.*.id", "[n:1, n:2, n:3]"},
      {"parameters.items.*.name", "['a', 'b']"},  // items without the member are left out
      {"parameters.items[*].id", "[n:1, n:2, n:3]"},
      {"parameters.list.*", "['a', 'b', 'c']"},
      {"parameters.obj.*", "['x', {deep: 'y'}]"},
      {"parameters.obj.*.deep", "['y']"},
      {"parameters.os.*", "[]"},
      {"length(parameters.items.*.name)", "n:2"},
      {"join(',', parameters.items.*.id)", "'1,2,3'"},
      {"containsValue(parameters.items.*.name, 'B')", "True"},
      {"parameters.items.*.id[0]", "[]"},  // the index applies to each id (a number): nothing found
  });
}

TEST(Parser, FunctionNamesIgnoreCase) {
  check({
      {"EQ(1, 1)", "True"},
      {"StartsWith('abc', 'A')", "True"},
      {"CONVERTTOJSON(1)", "'1'"},
      {"containsvalue(parameters.list, 'a')", "True"},
      {"eq (1, 1)", "True"},
  });
}

TEST(Parser, ReportsSyntaxErrorsWithColumnAndFilePosition) {
  check({
      {"eq(a, )", "error: p.yml:3:16: Unexpected symbol: ')'. Located at column 7 in expression 'eq(a, )'."},
      {"3 + 4", "error: p.yml:3:12: Unexpected symbol: '+'. Located at column 3 in expression '3 + 4'."},
      {"replace h(coalesce(parameters.y, parameters.y), '''', '''''')",
       "error: p.yml:3:18: Unexpected symbol: 'h'. Located at column 9 in expression "
       "'replace h(coalesce(parameters.y, parameters.y), '''', '''''')'."},
      {"parameters.param-minus",
       "error: p.yml:3:26: Unrecognized value: '-minus'. Located at column 17 in expression "
       "'parameters.param-minus'."},
      {"eq(1, 2", "error: p.yml:3:17: Unexpected end of expression. Located at column 8 in expression 'eq(1, 2'."},
      {"", "error: p.yml:3:10: Unexpected end of expression. Located at column 1 in expression ''."},
      {"   ", "error: p.yml:3:13: Unexpected end of expression. Located at column 1 in expression ''."},
      {"eq(1,,2)", "error: p.yml:3:15: Unexpected symbol: ','. Located at column 6 in expression 'eq(1,,2)'."},
      {"a.", "error: p.yml:3:12: Unexpected end of expression. Located at column 3 in expression 'a.'."},
      {"a.[0]", "error: p.yml:3:12: Unexpected symbol: '['. Located at column 3 in expression 'a.[0]'."},
      {"a[0", "error: p.yml:3:13: Unexpected end of expression. Located at column 4 in expression 'a[0'."},
      {"a[]", "error: p.yml:3:12: Unexpected symbol: ']'. Located at column 3 in expression 'a[]'."},
      {"1 2", "error: p.yml:3:12: Unexpected symbol: '2'. Located at column 3 in expression '1 2'."},
      {"(1)", "error: p.yml:3:10: Unexpected symbol: '('. Located at column 1 in expression '(1)'."},
      {"eq(1, 1) == true",
       "error: p.yml:3:19: Unexpected symbol: '='. Located at column 10 in expression 'eq(1, 1) == true'."},
      {"'é' é", "error: p.yml:3:14: Unexpected symbol: 'é'. Located at column 5 in expression ''é' é'."},
      {"  eq(a, )  ",  // columns count from the trimmed text, the file column from the raw one
       "error: p.yml:3:18: Unexpected symbol: ')'. Located at column 7 in expression 'eq(a, )'."},
  });
}

TEST(Parser, ReportsUnknownFunctionsAndArgumentCountsWhenParsing) {
  check({
      {"nothing()", "error: p.yml:3:10: Unrecognized function: 'nothing'. Located at column 1 in expression 'nothing()'."},
      {"and(true, nothing(1))",
       "error: p.yml:3:20: Unrecognized function: 'nothing'. Located at column 11 in expression "
       "'and(true, nothing(1))'."},
      {"eq(1)", "error: p.yml:3:10: Too few parameters supplied: 'eq'. Located at column 1 in expression 'eq(1)'."},
      {"not(1, 2)", "error: p.yml:3:10: Too many parameters supplied: 'not'. Located at column 1 in expression 'not(1, 2)'."},
      {"and(true)", "error: p.yml:3:10: Too few parameters supplied: 'and'. Located at column 1 in expression 'and(true)'."},
      {"iif(true, 1)", "error: p.yml:3:10: Too few parameters supplied: 'iif'. Located at column 1 in expression 'iif(true, 1)'."},
      {"format()", "error: p.yml:3:10: Too few parameters supplied: 'format'. Located at column 1 in expression 'format()'."},
      {"coalesce(1)", "error: p.yml:3:10: Too few parameters supplied: 'coalesce'. Located at column 1 in expression 'coalesce(1)'."},
      {"replace('a', 'b')", "error: p.yml:3:10: Too few parameters supplied: 'replace'. Located at column 1 in expression 'replace('a', 'b')'."},
      {"length()", "error: p.yml:3:10: Too few parameters supplied: 'length'. Located at column 1 in expression 'length()'."},
      {"xor(1, 2, 3)", "error: p.yml:3:10: Too many parameters supplied: 'xor'. Located at column 1 in expression 'xor(1, 2, 3)'."},
  });
}

TEST(Parser, ReportsUnknownNamedValuesWhenEvaluating) {
  check({
      {"nothing", "error: p.yml:3:10: Unrecognized named-value: 'nothing'. Located at column 1 in expression 'nothing'."},
      {"eq(parammeters.x, 1)",
       "error: p.yml:3:13: Unrecognized named-value: 'parammeters'. Located at column 4 in expression "
       "'eq(parammeters.x, 1)'."},
      {"parameters[format('{0}', 'test6')]",
       "error: p.yml:3:21: Unrecognized parameter: 'test6'. Located at column 12 in expression "
       "'parameters[format('{0}', 'test6')]'."},
  });
  // The same text parses fine: names are the evaluator's business.
  EXPECT_TRUE(Expression::parse("nothing.test", {}, Phase::compile_time).has_value());
}

TEST(Parser, ChecksNamedValuesWhenParsingIfGivenTheNames) {
  Result<Expression> unknown = Expression::parse("and(succeeded(), error)", Position{"c.yml", 2, 3}, Phase::run_time,
                                                 Expression::run_time_named_values());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().to_string(),
            "c.yml:2:20: Unrecognized named-value: 'error'. Located at column 18 in expression "
            "'and(succeeded(), error)'.");
  EXPECT_TRUE(Expression::parse("and(succeeded(), ne(Dependencies.A.outputs['x.y'], VARIABLES.b))", {},
                                Phase::run_time, Expression::run_time_named_values())
                  .has_value());
  // Syntax errors still come first.
  Result<Expression> syntax = Expression::parse("eq(nope, )", {}, Phase::run_time, {"variables"});
  ASSERT_FALSE(syntax.has_value());
  EXPECT_EQ(syntax.error().message, "Unexpected symbol: ')'. Located at column 10 in expression 'eq(nope, )'.");
}

TEST(Parser, EnforcesAzureLimits) {
  std::string deep;
  for (int i = 0; i < 49; ++i) deep += "not(";
  deep += "true";
  for (int i = 0; i < 49; ++i) deep += ")";
  EXPECT_EQ(run(deep), "False");  // 50 levels: allowed
  std::string too_deep = "not(" + deep + ")";
  EXPECT_EQ(run(too_deep).substr(0, 71), "error: p.yml:3:210: Exceeded max expression depth 50. Located at column");

  std::string chain = "variables";
  for (int i = 0; i < 49; ++i) chain += ".x";
  EXPECT_EQ(run(chain), "null");  // 50 levels: allowed
  EXPECT_EQ(run(chain + ".x").substr(0, 55), "error: p.yml:3:10: Exceeded max expression depth 50. Lo");

  std::string long_text = "'" + std::string(20998, 'a') + "'";
  EXPECT_EQ(run(long_text).size(), 20998u + 2u);  // 21000 characters: allowed
  std::string too_long = run(long_text + " ");
  EXPECT_TRUE(too_long.starts_with(
      "error: p.yml:3:10: Exceeded max expression length 21000. Located at column 1 in expression ''aaa"));
  EXPECT_TRUE(too_long.ends_with("aaa...'."));  // long texts are shortened to 200 characters
  EXPECT_LT(too_long.size(), 320u);
  // Pathological nesting fails cleanly, without exhausting the stack.
  EXPECT_EQ(run(std::string(20000, '[')).substr(0, 20), "error: p.yml:3:10: U");
  std::string brackets = "a";
  for (int i = 0; i < 5000; ++i) brackets += "[a";
  EXPECT_EQ(run(brackets).substr(0, 52), "error: p.yml:3:110: Exceeded max expression depth 50");
}

TEST(Parser, KeepsTheExpressionTextAndPosition) {
  Result<Expression> expression = Expression::parse(" eq(1, 1) ", Position{"x.yml", 7, 4}, Phase::run_time);
  ASSERT_TRUE(expression.has_value());
  EXPECT_EQ(expression->text(), " eq(1, 1) ");
  EXPECT_EQ(expression->quoted_text(), "eq(1, 1)");
  EXPECT_EQ(expression->where().to_string(), "x.yml:7:4");
  Result<Value> value = expression->evaluate(Context{});
  ASSERT_TRUE(value.has_value());
  EXPECT_TRUE(value->as_boolean());
}

TEST(Parser, FilePositionStaysAtTheStartWhenALineBreakPrecedesTheError) {
  Result<Expression> expression = Expression::parse("and(true,\n  foo(1))", Position{"x.yml", 7, 4}, Phase::compile_time);
  ASSERT_FALSE(expression.has_value());
  EXPECT_EQ(expression.error().to_string(),
            "x.yml:7:4: Unrecognized function: 'foo'. Located at column 13 in expression 'and(true,\n  foo(1))'.");
  Result<Expression> unknown = Expression::parse("eq(a, )", Position{}, Phase::compile_time);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().to_string(), "Unexpected symbol: ')'. Located at column 7 in expression 'eq(a, )'.");
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_input);
}

TEST(Parser, EvaluatesConcurrentlyWithoutSharingState) {
  Result<Expression> expression = Expression::parse("format('{0}-{1}', parameters.os, length(parameters.list))",
                                                    Position{}, Phase::compile_time);
  ASSERT_TRUE(expression.has_value());
  for (int i = 0; i < 3; ++i) {
    Result<Value> value = expression->evaluate(testing::sample_context());
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(value->as_string(), "linux-3");
  }
}

}  // namespace
}  // namespace slipway::expr
