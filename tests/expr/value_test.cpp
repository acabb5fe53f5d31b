// Azure's type casting tables, one row per rule, and the JSON form.
#include "expr/value.h"

#include <gtest/gtest.h>

namespace slipway::expr {
namespace {

Value num(const char* text) { return Value::number(*Decimal::parse(text)); }
Value str(const char* text) { return Value::string(text); }

TEST(ValueCasts, ToBoolean) {
  struct Case { Value value; bool expected; const char* rule; };
  const Case cases[] = {
      {Value(), false, "null → False"},
      {Value::boolean(true), true, "True"},
      {Value::boolean(false), false, "False"},
      {num("0"), false, "0 → False"},
      {num("0.000"), false, "0.000 → False"},
      {num("-0.1"), true, "other numbers → True"},
      {str(""), false, "'' → False"},
      {str("False"), true, "'False' is a non-empty string"},
      {str("0"), true, "'0' is a non-empty string"},
      {Value::version("0.0.0"), true, "versions → True"},
      {Value::array({}), true, "arrays → True, even empty"},
      {Value::object({}), true, "objects → True, even empty"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.value.to_boolean(), c.expected) << c.rule;
}

TEST(ValueCasts, ToString) {
  struct Case { Value value; const char* expected; };
  const Case cases[] = {
      {Value(), ""},
      {Value::boolean(true), "True"},
      {Value::boolean(false), "False"},
      {num("1.50"), "1.5"},
      {num("-0.00000004"), "0"},
      {num("1234567.1234567"), "1234567.1234567"},
      {num("1000000"), "1000000"},  // no thousands separator
      {str("text"), "text"},
      {Value::version("1.2.3"), "1.2.3"},
      {Value::array({str("a")}), ""},
      {Value::object({}), ""},
  };
  for (const Case& c : cases) EXPECT_EQ(c.value.to_string(), c.expected) << c.expected;
  EXPECT_FALSE(Value::array({}).try_to_string().has_value());
  EXPECT_FALSE(Value::object({}).try_to_string().has_value());
  EXPECT_EQ(Value().try_to_string(), "");
}

TEST(ValueCasts, ToNumber) {
  struct Case { Value value; const char* expected; };  // "-" = not convertible
  const Case cases[] = {
      {Value(), "0"},
      {Value::boolean(true), "1"},
      {Value::boolean(false), "0"},
      {num("2.5"), "2.5"},
      {str(""), "0"},
      {str("1.50"), "1.5"},
      {str(" 42 "), "42"},
      {str("-3"), "-3"},
      {str("1,000"), "1000"},
      {str("abc"), "-"},
      {str("1e3"), "-"},
      {str("0x1F"), "-"},
      {str("1.2.3"), "-"},
      {Value::version("1.2.3"), "-"},
      {Value::array({}), "-"},
      {Value::object({}), "-"},
  };
  for (const Case& c : cases) {
    std::optional<Decimal> number = c.value.to_number();
    EXPECT_EQ(number ? number->to_string() : "-", c.expected) << c.value.to_string();
  }
}

TEST(ValueCasts, VersionsNormalizeLikeDotNet) {
  EXPECT_EQ(normalize_version("1.2"), "1.2");
  EXPECT_EQ(normalize_version("1.02.003.4"), "1.2.3.4");
  EXPECT_EQ(normalize_version("1"), std::nullopt);
  EXPECT_EQ(normalize_version("1.2.3.4.5"), std::nullopt);
  EXPECT_EQ(normalize_version("1..2"), std::nullopt);
  EXPECT_EQ(normalize_version("1.-2"), std::nullopt);
  EXPECT_EQ(normalize_version("1.2.x"), std::nullopt);
  EXPECT_EQ(normalize_version("2147483648.0"), std::nullopt);  // beyond Int32
  EXPECT_EQ(normalize_version("2147483647.0"), "2147483647.0");
}

TEST(ValueCasts, EqualityAndOrderFollowTheLeftOperand) {
  Value list = Value::array({str("a")});
  Value copy = list;  // shares the items: the same array
  EXPECT_TRUE(equals(list, copy));
  EXPECT_FALSE(equals(list, Value::array({str("a")})));  // equal items, another array
  EXPECT_TRUE(equals(Value::version("1.2"), num("1.2")));
  EXPECT_FALSE(equals(Value::version("1.2"), num("1")));  // 1 has no fraction: no version
  EXPECT_FALSE(equals(Value::version("1.2"), num("-1.2")));
  EXPECT_TRUE(equals(num("1"), Value::boolean(true)));
  EXPECT_FALSE(equals(num("1"), Value::version("1.0")));
  EXPECT_EQ(*compare(str("abc"), str("ABD")), -1);
  EXPECT_EQ(*compare(Value::version("1.2"), Value::version("1.2.0")), -1);  // absent < 0, as .NET
  EXPECT_EQ(*compare(Value::version("1.10"), str("1.9")), 1);
  EXPECT_EQ(compare(num("1"), str("x")).error().message, "Unable to convert from String to Number. Value: 'x'");
  EXPECT_EQ(compare(Value::object({}), Value::object({})).error().message,
            "Unable to compare values of type Object");
  EXPECT_EQ(compare_ignore_case("a_", "aA"), 1);
  EXPECT_EQ(compare_ignore_case("ab", "ABC"), -1);
  EXPECT_EQ(compare_ignore_case("Straße", "STRAßE"), 0);
}

TEST(ValueCasts, ObjectsLookUpMembersIgnoringCaseInInsertionOrder) {
  Value object = Value::object({{"Zeta", num("1")}, {"alpha", num("2")}});
  ASSERT_NE(object.member("ZETA"), nullptr);
  EXPECT_EQ(object.member("zeta")->to_string(), "1");
  EXPECT_EQ(object.member("beta"), nullptr);
  EXPECT_EQ(str("x").member("x"), nullptr);
  EXPECT_EQ(object.as_object()[0].first, "Zeta");
  EXPECT_TRUE(str("x").as_array().empty());
  EXPECT_STREQ(Value::kind_name(Value::Kind::version), "Version");
}

TEST(ValueCasts, JsonIsIndentedLikeAzure) {
  Value value = Value::object({
      {"this_is", Value::object({{"a_complex", str("object")},
                                  {"with", Value::array({str("one"), str("two")})}})},
      {"n", num("1.50")},
      {"flag", Value::boolean(false)},
      {"none", Value()},
      {"v", Value::version("1.2.3")},
      {"esc", str("tab\there \"q\" \\ é")},
  });
  EXPECT_EQ(to_json(value),
            "{\n"
            "  \"this_is\": {\n"
            "    \"a_complex\": \"object\",\n"
            "    \"with\": [\n"
            "      \"one\",\n"
            "      \"two\"\n"
            "    ]\n"
            "  },\n"
            "  \"n\": 1.5,\n"
            "  \"flag\": false,\n"
            "  \"none\": null,\n"
            "  \"v\": \"1.2.3\",\n"
            "  \"esc\": \"tab\\there \\\"q\\\" \\\\ é\"\n"
            "}");
}

}  // namespace
}  // namespace slipway::expr

namespace slipway::expr {
namespace {

TEST(ValueCasts, VersionValuesAreStoredNormalized) {
  EXPECT_EQ(Value::version("1.02.3").as_string(), "1.2.3");
  EXPECT_TRUE(equals(Value::version("1.02.3"), Value::string("1.2.3")));
  // A broken precondition does not crash.
  EXPECT_EQ(Value::version("oops").as_string(), "oops");
  EXPECT_TRUE(compare(Value::version("oops"), Value::version("1.0")).has_value());
}

}  // namespace
}  // namespace slipway::expr
