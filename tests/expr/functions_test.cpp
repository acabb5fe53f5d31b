// Every function of the expression language, table-driven: expression text →
// rendered result (see expr_test_support.h) or exact error text.
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

TEST(Functions, LogicalFunctionsCastToBoolean) {
  check({
      {"and(true, true)", "True"},
      {"and(true, false)", "False"},
      {"and(1, 'x', 1.2.3, parameters.list)", "True"},
      {"and(true, true, 0)", "False"},
      {"and(parameters.enabled, parameters.falseText)", "True"},  // 'False' is a non-empty string
      {"or(false, false)", "False"},
      {"or(false, '', null, 0, 'a')", "True"},
      {"or(parameters.disabled, parameters.empty)", "False"},
      {"not(true)", "False"},
      {"not('')", "True"},
      {"not(parameters.nothing)", "True"},
      {"not(0.0)", "True"},
      {"not(parameters.emptyList)", "False"},
      {"xor(true, false)", "True"},
      {"xor(false, true)", "True"},
      {"xor(true, true)", "False"},
      {"xor(false, false)", "False"},
      {"XOR(1, '')", "True"},
  });
}

TEST(Functions, AndAndOrShortCircuit) {
  // The second argument would fail (unknown parameter) if it were evaluated.
  check({
      {"and(false, parameters.missing)", "False"},
      {"or(true, parameters.missing)", "True"},
      {"coalesce('first', parameters.missing)", "'first'"},
      {"in('a', 'a', parameters.missing)", "True"},
      {"and(true, parameters.missing)",
       "error: p.yml:3:31: Unrecognized parameter: 'missing'. Located at column 22 in expression "
       "'and(true, parameters.missing)'."},
  });
}

TEST(Functions, EqualityConvertsRightToLeftKind) {
  check({
      {"eq(1, 1)", "True"},
      {"eq(1, '1')", "True"},
      {"eq('1', 1)", "True"},
      {"eq(1.0, '1.00')", "True"},
      {"eq(1, ' 1 ')", "True"},
      {"eq(1000, '1,000')", "True"},
      {"eq(1, 'one')", "False"},
      {"eq('abc', 'ABC')", "True"},
      {"eq('abc', 'abd')", "False"},
      {"eq(true, 'False')", "True"},  // 'False' casts to True
      {"eq(true, 1)", "True"},
      {"eq(false, 0)", "True"},
      {"eq(false, '')", "True"},
      {"eq('True', true)", "True"},
      {"eq('true', true)", "True"},  // ignore case
      {"eq(null, null)", "True"},
      {"eq(null, '')", "True"},
      {"eq(null, 0)", "False"},
      {"eq('', null)", "True"},
      {"eq(0, null)", "True"},
      {"eq(parameters.nothing, '')", "True"},
      {"eq(1.2.3, '1.2.3')", "True"},
      {"eq('1.2.3', 1.2.3)", "True"},
      {"eq(1.2.3, 1.2.3.0)", "False"},  // .NET Version: 1.2.3 != 1.2.3.0
      {"eq(1.2.0, parameters.versionText)", "False"},
      {"eq(parameters.ver, parameters.versionText)", "True"},
      {"eq(parameters.list, parameters.list)", "True"},  // the same array
      {"eq(parameters.list, 'a')", "False"},
      {"eq('', parameters.list)", "False"},
      {"eq(parameters.obj, parameters.obj)", "True"},
      {"eq(parameters.count, 3)", "True"},
      {"eq(parameters.ratio, 1.5)", "True"},
      {"ne(1, 2)", "True"},
      {"ne('a', 'A')", "False"},
      {"ne(1, 'x')", "True"},  // conversion fails: not equal
      {"Eq(variables['build.sourcebranch'], 'refs/heads/main')", "True"},
  });
}

TEST(Functions, OrderingConvertsRightToLeftKindAndFailsWhenItCannot) {
  check({
      {"gt(5, 2)", "True"},
      {"gt(2, 5)", "False"},
      {"ge(5, 5)", "True"},
      {"lt(2, 5)", "True"},
      {"le(2, 2)", "True"},
      {"lt(-1.5, -1.25)", "True"},
      {"gt('10', 9)", "False"},  // strings compare as strings: '10' < '9'
      {"gt(10, '9')", "True"},
      {"gt('b', 'A')", "True"},
      {"lt('a', 'B')", "True"},
      {"lt('a_', 'aa')", "False"},  // ordinal ignore-case folds to upper case: '_' > 'A'
      {"gt(true, false)", "True"},
      {"ge(false, 0)", "True"},
      {"ge(1.0.0, 0.9.9.9)", "True"},
      {"gt(1.0.0, 0.9.9.9)", "True"},
      {"le(0.9.9.9, 1.0.0)", "True"},
      {"lt(0.9.9.9, 1.0.0)", "True"},
      {"lt(1.2, 1.2.0)",  // 1.2 is a number: a version cannot become a number
       "error: p.yml:3:18: Unable to convert from Version to Number. Value: '1.2.0'. Located at column 9 in "
       "expression 'lt(1.2, 1.2.0)'."},
      {"lt(1.2.0, 1.10.0)", "True"},
      {"gt(1.2.3, '1.2')", "True"},
      {"gt(1.2.3, 1.2)", "True"},  // the number 1.2 becomes version 1.2
      {"ge(null, '')", "True"},
      {"gt(1, 'abc')",
       "error: p.yml:3:16: Unable to convert from String to Number. Value: 'abc'. Located at column 7 in "
       "expression 'gt(1, 'abc')'."},
      {"lt(1.2.3, 'x')",
       "error: p.yml:3:20: Unable to convert from String to Version. Value: 'x'. Located at column 11 in "
       "expression 'lt(1.2.3, 'x')'."},
      {"gt(parameters.list, 1)",
       "error: p.yml:3:30: Unable to compare values of type Array. Located at column 21 in expression "
       "'gt(parameters.list, 1)'."},
      {"gt('a', parameters.list)",
       "error: p.yml:3:18: Unable to convert from Array to String. Located at column 9 in "
       "expression 'gt('a', parameters.list)'."},
      {"gt(null, 1)",
       "error: p.yml:3:19: Unable to convert from Number to Null. Value: '1'. Located at column 10 in "
       "expression 'gt(null, 1)'."},
  });
}

TEST(Functions, InAndNotIn) {
  check({
      {"in('B', 'A', 'B', 'C')", "True"},
      {"in('b', 'A', 'B')", "True"},
      {"in('D', 'A', 'B', 'C')", "False"},
      {"in('x')", "False"},
      {"in(2, '1', '2')", "True"},
      {"in(parameters.os, 'windows', 'LINUX')", "True"},
      {"notIn('D', 'A', 'B', 'C')", "True"},
      {"notin('B', 'A', 'B')", "False"},
      {"notIn(1, 'x')", "True"},
  });
}

TEST(Functions, StringMatching) {
  check({
      {"contains('ABCDE', 'BCD')", "True"},
      {"contains('ABCDE', 'bcd')", "True"},
      {"contains('ABCDE', 'XYZ')", "False"},
      {"contains('abc', '')", "True"},
      {"contains(12345, 234)", "True"},
      {"contains(true, 'ru')", "True"},
      {"contains(parameters.nothing, '')", "True"},
      {"contains(parameters.list, 'a')",
       "error: p.yml:3:19: Unable to convert from Array to String. Located at column 10 in "
       "expression 'contains(parameters.list, 'a')'."},
      {"startsWith('ABCDE', 'ab')", "True"},
      {"startsWith('ABCDE', 'BC')", "False"},
      {"startsWith('AB', 'ABC')", "False"},
      {"startsWith(variables['Build.SourceBranch'], 'refs/heads/')", "True"},
      {"endsWith('ABCDE', 'de')", "True"},
      {"endsWith('ABCDE', 'CD')", "False"},
      {"endsWith('', '')", "True"},
      {"endsWith(1.5, '.5')", "True"},
  });
}

TEST(Functions, ContainsValueConvertsItemsToTheNeedleKind) {
  check({
      {"containsValue(parameters.list, 'B')", "True"},
      {"containsValue(parameters.list, 'd')", "False"},
      {"containsValue(parameters.numbers, 10)", "True"},
      {"containsValue(parameters.numbers, '10')", "True"},
      {"containsValue(parameters.numbers, '10.0')", "False"},  // items become strings: '10' != '10.0'
      {"containsValue(parameters.obj, 'X')", "True"},
      {"containsValue(parameters.obj, 'Name')", "False"},  // values, not keys
      {"containsValue('abc', 'abc')", "False"},
      {"containsValue(parameters.emptyList, '')", "False"},
  });
}

TEST(Functions, Format) {
  check({
      {"format('Hello {0} {1}', 'John', 'Doe')", "'Hello John Doe'"},
      {"format('{1}{0}{1}', 'a', 'b')", "'bab'"},
      {"format('literal left brace {{ and literal right brace }}')",
       "'literal left brace { and literal right brace }'"},
      {"format('{{0}}', 'x')", "'{0}'"},
      {"format('{0}', true)", "'True'"},
      {"format(True)", "'True'"},
      {"format('{0}', 1.50)", "'1.5'"},
      {"format('{0}', 0.12345678)", "'0.1234568'"},
      {"format('{0}|{1}', null, parameters.nothing)", "'|'"},
      {"format('{0}', 1.2.4.05)", "'1.2.4.5'"},
      {"format(45700000000000000000000000000)", "'45700000000000000000000000000'"},
      {"format('no args')", "'no args'"},
      {"format('{0:yyyyMMdd}', pipeline.startTime)", "'20260304'"},
      {"format('{0:yyyy-MM-dd HH:mm:ss}', pipeline.startTime)", "'2026-03-04 05:06:07'"},
      {"format('{0:yy.M.d H:m:s}', pipeline.startTime)", "'26.3.4 5:6:7'"},
      {"format('{0:f|ff|fff|ffff|fffffff}', pipeline.startTime)", "'0|08|089|0891|0891234'"},
      {"format('{0:HHmmK}', pipeline.startTime)", "'0506Z'"},
      {"format('{0:hh}', '2026-03-04T15:00:00+02:00')", "'03'"},
      {"format('{0:K}', '2026-03-04T15:00:00+02:00')", "'+02:00'"},
      {"format('{0:yyyy}', '2026-03-04')", "'2026'"},
      {"format('{0')",
       "error: p.yml:3:10: The following format string is invalid: '{0'. Located at column 1 in expression "
       "'format('{0')'."},
      {"format('a}b')",
       "error: p.yml:3:10: The following format string is invalid: 'a}b'. Located at column 1 in expression "
       "'format('a}b')'."},
      {"format('{x}', 1)",
       "error: p.yml:3:10: The following format string is invalid: '{x}'. Located at column 1 in expression "
       "'format('{x}', 1)'."},
      {"format('{0} {1}', 'a')",
       "error: p.yml:3:10: The following format string references more arguments than were supplied: '{0} "
       "{1}'. Located at column 1 in expression 'format('{0} {1}', 'a')'."},
      {"format('{0:yyyy}', 'not a date')",
       "error: p.yml:3:10: The format specifiers 'yyyy' are not valid for objects of type 'String'. Located "
       "at column 1 in expression 'format('{0:yyyy}', 'not a date')'."},
      {"format('{0:yyyy}', 5)",
       "error: p.yml:3:10: The format specifiers 'yyyy' are not valid for objects of type 'Number'. Located "
       "at column 1 in expression 'format('{0:yyyy}', 5)'."},
      {"format('{0:dddd}', pipeline.startTime)",
       "error: p.yml:3:10: The format specifiers 'dddd' are not valid for objects of type 'DateTime'. "
       "Located at column 1 in expression 'format('{0:dddd}', pipeline.startTime)'."},
      {"format('{0}', parameters.list)",
       "error: p.yml:3:24: Unable to convert from Array to String. Located at column 15 in expression "
       "'format('{0}', parameters.list)'."},
  });
}

TEST(Functions, JoinSplitReplace) {
  check({
      {"join(';', parameters.list)", "'a;b;c'"},
      {"join('', parameters.numbers)", "'1210'"},
      {"join(', ', parameters.emptyList)", "''"},
      {"join(';', 'single')", "'single'"},
      {"join(';', parameters.obj)", "''"},
      {"join('-', parameters.items)", "'--'"},  // objects join as ''
      {"split('a,b,,c,', ',')", "['a', 'b', '', 'c', '']"},
      {"split(variables.environments, ',')", "['prod1', 'prod2']"},
      {"split('a--b', '--')", "['a', 'b']"},
      {"split('abc', '')", "['abc']"},
      {"split('', ',')", "['']"},
      {"split('/s/m/r', '/')[2]", "'m'"},
      {"length(split('a b c', ' '))", "n:3"},
      {"replace('a-b-c', '-', '_')", "'a_b_c'"},
      {"replace('aAa', 'a', 'x')", "'xAx'"},  // case-sensitive like .NET
      {"replace('abc', '', 'x')", "'abc'"},
      {"replace('abc', 'b', '')", "'ac'"},
      {"replace('aaa', 'aa', 'b')", "'ba'"},
      {"replace(split('/s/r/p/kubernetes-internal', '/')[4], '-', '_')", "'kubernetes_internal'"},
  });
}

TEST(Functions, Substring) {
  check({
      {"substring('Hello small World', 6, 5)", "'small'"},
      {"substring('abcdef1234567890', 0, 7)", "'abcdef1'"},
      {"substring('abc', 1)", "'bc'"},
      {"substring('abc', 3)", "''"},
      {"substring('abc', 1, 0)", "''"},
      {"substring('h\xC3\xA9llo', 1, 2)", "'\xC3\xA9l'"},
      {"substring(12345, '1', 2.0)", "'23'"},
      {"substring('abc', 2, 5)",
       "error: p.yml:3:10: substring() range is outside the text 'abc'. Located at column 1 in expression "
       "'substring('abc', 2, 5)'."},
      {"substring('abc', 4)",
       "error: p.yml:3:10: substring() range is outside the text 'abc'. Located at column 1 in expression "
       "'substring('abc', 4)'."},
      {"substring('abc', -1)",
       "error: p.yml:3:27: substring() needs a whole non-negative number; got '-1'. Located at column 18 in "
       "expression 'substring('abc', -1)'."},
      {"substring('abc')",
       "error: p.yml:3:10: Too few parameters supplied: 'substring'. Located at column 1 in expression "
       "'substring('abc')'."},
  });
}

TEST(Functions, CaseTrimLength) {
  check({
      {"lower('ABC def')", "'abc def'"},
      {"upper('abc DEF')", "'ABC DEF'"},
      {"upper(true)", "'TRUE'"},
      {"lower(parameters.nothing)", "''"},
      {"upper('straße été ÷')", "'STRAßE ÉTÉ ÷'"},
      {"lower('ÉTÉ × €')", "'été × €'"},
      {"trim(parameters.spaced)", "'padded text'"},
      {"trim('nothing')", "'nothing'"},
      {"trim('   ')", "''"},
      {"length('success')", "n:7"},
      {"length('')", "n:0"},
      {"length(parameters.list)", "n:3"},
      {"length(parameters.obj)", "n:2"},
      {"length(parameters.emptyObject)", "n:0"},
      {"length(parameters.nothing)", "n:0"},
      {"length(parameters.unicode)", "n:8"},  // UTF-16 units: é is 1, the emoji 2
      {"length(12.5)", "n:4"},
  });
}

TEST(Functions, CoalesceIifAndJson) {
  check({
      {"coalesce(parameters.nothing, parameters.empty, 'x')", "'x'"},
      {"coalesce(parameters.nothing, '')", "null"},
      {"coalesce(0, 'x')", "n:0"},
      {"coalesce(false, 'x')", "False"},
      {"coalesce(variables.noSuch, parameters.list)", "['a', 'b', 'c']"},
      {"iif(true, 'yes', 'no')", "'yes'"},
      {"iif(0, 'yes', 'no')", "'no'"},
      {"iif('False', 'yes', 'no')", "'yes'"},
      {"iif(eq(variables['Build.Reason'], 'PullRequest'), parameters.list, parameters.obj).Name", "'x'"},
      {"iif(true, parameters.items, 1)[1].name", "'b'"},
      // iif does not short-circuit: an error in the branch not taken fails.
      {"iif(true, 'yes', parameters.missing)",
       "error: p.yml:3:38: Unrecognized parameter: 'missing'. Located at column 29 in expression "
       "'iif(true, 'yes', parameters.missing)'."},
      {"convertToJson(parameters.obj)",
       "'{\n  \"Name\": \"x\",\n  \"Nested\": {\n    \"deep\": \"y\"\n  }\n}'"},
      {"convertToJson(parameters.list)", "'[\n  \"a\",\n  \"b\",\n  \"c\"\n]'"},
      {"convertToJson(parameters.emptyList)", "'[]'"},
      {"convertToJson(parameters.emptyObject)", "'{}'"},
      {"convertToJson(parameters.items[0])", "'{\n  \"id\": 1,\n  \"name\": \"a\"\n}'"},
      {"convertToJson('say \"hi\"')", "'\"say \\\"hi\\\"\"'"},
      {"convertToJson(null)", "'null'"},
      {"convertToJson(true)", "'true'"},
      {"convertToJson(1.50)", "'1.5'"},
  });
}

// Found by tests/fuzz/expression_fuzz: a byte that is not UTF-8 made
// nlohmann::json throw type_error.316 out of evaluate().
TEST(Functions, ConvertToJsonReplacesBytesThatAreNotUtf8) {
  check({
      {"convertToJson('say \"h\x97\"')", "'\"say \\\"h\xEF\xBF\xBD\\\"\"'"},
      {"convertToJson(split('a\xff,b', ','))", "'[\n  \"a\xEF\xBF\xBD\",\n  \"b\"\n]'"},
  });
}

TEST(Functions, RunTimeOnlyFunctionsAreRefusedAtCompileTime) {
  EXPECT_EQ(run("counter('a', 1)"),
            "error: p.yml:3:10: Function 'counter' is only available in run-time expressions. Located at column 1 "
            "in expression 'counter('a', 1)'.");
  EXPECT_EQ(run("and(succeeded(), true)"),
            "error: p.yml:3:14: Function 'succeeded' is only available in run-time expressions. Located at "
            "column 5 in expression 'and(succeeded(), true)'.");
}

TEST(Functions, StatusFunctionsAskTheContext) {
  Context context = testing::sample_context();
  std::vector<std::string> asked;
  context.status = [&asked](std::string_view function, const std::vector<std::string>& jobs) -> Result<bool> {
    std::string call(function);
    for (const std::string& job : jobs) call += " " + job;
    asked.push_back(call);
    return function == "succeeded" || function == "always";
  };
  EXPECT_EQ(run("succeeded()", context, Phase::run_time), "True");
  EXPECT_EQ(run("SUCCEEDED('A', 'B')", context, Phase::run_time), "True");
  EXPECT_EQ(run("failed()", context, Phase::run_time), "False");
  EXPECT_EQ(run("and(always(), not(canceled()))", context, Phase::run_time), "True");
  EXPECT_EQ(run("succeededOrFailed('build')", context, Phase::run_time), "False");
  EXPECT_EQ(asked, (std::vector<std::string>{"succeeded", "succeeded A B", "failed", "always", "canceled",
                                             "succeededOrFailed build"}));
  EXPECT_EQ(run("always(1)", context, Phase::run_time),
            "error: p.yml:3:10: Too many parameters supplied: 'always'. Located at column 1 in expression "
            "'always(1)'.");
  EXPECT_EQ(run("succeeded()", testing::sample_context(), Phase::run_time),
            "error: p.yml:3:10: Function 'succeeded' needs a run in progress. Located at column 1 in expression "
            "'succeeded()'.");
}

TEST(Functions, CounterAsksTheContextWithPrefixAndSeed) {
  Context context = testing::sample_context();
  context.counter = [](std::string_view prefix, const Decimal& seed) -> Result<Value> {
    if (prefix == "bad") return fail(ErrorCode::conflict, "counter store unavailable");
    return Value::string(std::string(prefix) + "@" + seed.to_string());
  };
  EXPECT_EQ(run("counter(variables['major'], 100)", context, Phase::run_time), "'1@100'");
  EXPECT_EQ(run("counter(format('{0:yyyyMMdd}', pipeline.startTime), '7')", context, Phase::run_time),
            "'20260304@7'");
  EXPECT_EQ(run("counter('bad', 0)", context, Phase::run_time),
            "error: p.yml:3:10: counter store unavailable. Located at column 1 in expression 'counter('bad', 0)'.");
  EXPECT_EQ(run("counter('a', 'x')", context, Phase::run_time),
            "error: p.yml:3:23: Unable to convert from String to Number. Located at column 14 in expression "
            "'counter('a', 'x')'.");
  EXPECT_EQ(run("counter('a')", context, Phase::run_time),
            "error: p.yml:3:10: Too few parameters supplied: 'counter'. Located at column 1 in expression "
            "'counter('a')'.");
}

}  // namespace
}  // namespace slipway::expr
