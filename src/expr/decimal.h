// A decimal number as .NET's System.Decimal has it (what Azure expressions
// use): 96-bit integer mantissa, a sign and a scale 0..28. No exponent, no NaN.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace slipway::expr {

class Decimal {
 public:
  Decimal() = default;  // 0
  static Decimal from_int(long long value);
  // Parses "-12.50", "+3", ".5"; nullopt when not a decimal literal.
  static std::optional<Decimal> parse(std::string_view text);

  // Formatted as .NET's "0.#######": at most 7 decimals, no trailing zeros.
  std::string to_string() const;
  int compare(const Decimal& other) const;
  bool is_zero() const;

  // (implementation-defined representation; owned by the expr module)
 private:
  unsigned __int128 m_mantissa = 0;
  int m_scale = 0;
  bool m_negative = false;
};

}  // namespace slipway::expr
