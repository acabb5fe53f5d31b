#include "expr/decimal.h"

#include <gtest/gtest.h>

namespace slipway::expr {
namespace {

std::string format(std::string_view text, Decimal::ParseStyle style = Decimal::ParseStyle::literal) {
  std::optional<Decimal> d = Decimal::parse(text, style);
  return d ? d->to_string() : "<none>";
}

TEST(Decimal, FormatsLikeDotNetZeroPointSevenHashes) {
  struct Case { const char* in; const char* out; };
  const Case cases[] = {
      {"0", "0"}, {"1.50", "1.5"}, {"-1.2", "-1.2"}, {".5", "0.5"}, {"5.", "5"}, {"+3", "3"},
      {"0.12345678", "0.1234568"}, {"0.12345675", "0.1234568"}, {"0.12345674", "0.1234567"},
      {"-0.00000001", "0"}, {"1.00000000", "1"}, {"007", "7"}, {"-0", "0"},
      {"45700000000000000000000000000", "45700000000000000000000000000"},
      {"79228162514264337593543950335", "79228162514264337593543950335"},
      {"0.0000000000000000000000000001", "0"}, {"123456789.987654321", "123456789.9876543"},
  };
  for (const Case& c : cases) EXPECT_EQ(format(c.in), c.out) << c.in;
}

TEST(Decimal, RejectsWhatIsNotADecimalLiteral) {
  for (const char* text : {"", "-", ".", "1e5", "0x10", "1.2.3", " 1", "1 ", "1,000", "abc", "--1",
                           "79228162514264337593543950336"})
    EXPECT_EQ(format(text), "<none>") << text;
}

TEST(Decimal, LenientStyleAllowsSpacesAndThousands) {
  EXPECT_EQ(format("  1,000.5 ", Decimal::ParseStyle::lenient), "1000.5");
  EXPECT_EQ(format("-7", Decimal::ParseStyle::lenient), "-7");
  EXPECT_EQ(format("1.5e3", Decimal::ParseStyle::lenient), "<none>");
  EXPECT_EQ(format(",1", Decimal::ParseStyle::lenient), "<none>");
}

TEST(Decimal, ComparesAcrossScales) {
  auto d = [](const char* text) { return *Decimal::parse(text); };
  EXPECT_EQ(d("1.5").compare(d("1.50")), 0);
  EXPECT_LT(d("1.49").compare(d("1.5")), 0);
  EXPECT_GT(d("-1").compare(d("-2")), 0);
  EXPECT_LT(d("-0.1").compare(d("0")), 0);
  EXPECT_EQ(d("-0").compare(d("0")), 0);
  EXPECT_GT(d("79228162514264337593543950335").compare(d("0.0000000000000000000000000001")), 0);
  EXPECT_LT(d("0.0000000000000000000000000001").compare(d("0.0000000000000000000000000002")), 0);
}

TEST(Decimal, AddsExactly) {
  auto d = [](const char* text) { return *Decimal::parse(text); };
  EXPECT_EQ(d("0.1").add(d("0.2"))->to_string(), "0.3");
  EXPECT_EQ(d("1.5").add(d("-2.25"))->to_string(), "-0.75");
  EXPECT_FALSE(d("79228162514264337593543950335").add(d("1")).has_value());
  EXPECT_EQ(Decimal::from_int(-42).to_string(), "-42");
}

TEST(Decimal, ConvertsWholeNumbersToIntegers) {
  EXPECT_EQ(Decimal::parse("3.00")->to_integer(), 3);
  EXPECT_FALSE(Decimal::parse("3.5")->to_integer().has_value());
  EXPECT_EQ(Decimal::parse("-2")->to_integer(), -2);
}

}  // namespace
}  // namespace slipway::expr
