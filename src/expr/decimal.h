// A decimal number as .NET's System.Decimal has it (what Azure expressions
// use): 96-bit integer mantissa, a sign and a scale 0..28. No exponent, no NaN.
// Exact: "0.1" is one tenth, so nothing ever prints 0.30000000000000004.
//
// Thread-safety: a plain value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace slipway::expr {

class Decimal {
 public:
  // How parse() reads text.
  //  - literal: an expression literal: [sign] digits [. digits], at least one
  //    digit ("-12.50", "+3", ".5", "5."). No spaces, no exponent, no hex.
  //  - lenient: Azure's string-to-number cast (.NET Decimal.TryParse with
  //    AllowLeadingWhite|AllowTrailingWhite|AllowLeadingSign|AllowDecimalPoint|
  //    AllowThousands): like literal plus surrounding white space and ','
  //    thousands separators in the integer part ("  1,000.5 ").
  enum class ParseStyle { literal, lenient };

  Decimal() = default;  // 0
  static Decimal from_int(long long value);
  // nullopt when not a decimal in the given style, or beyond ±79228162514264337593543950335.
  // More than 28 decimals round to nearest (as .NET does).
  static std::optional<Decimal> parse(std::string_view text, ParseStyle style = ParseStyle::literal);

  // Formatted as .NET's "0.#######": at most 7 decimals (rounded half away
  // from zero), no trailing zeros, no exponent, "-" for negatives: 1.50 → "1.5".
  std::string to_string() const;
  // <0, 0, >0; 1.5 and 1.50 compare equal.
  int compare(const Decimal& other) const;
  bool operator==(const Decimal& other) const { return compare(other) == 0; }
  bool is_zero() const;
  bool is_negative() const { return m_negative && !is_zero(); }
  // The value when it is a whole number that fits a long long; nullopt otherwise.
  std::optional<long long> to_integer() const;
  // Exact sum; nullopt on overflow of the 96-bit range.
  std::optional<Decimal> add(const Decimal& other) const;

 private:
  __extension__ typedef unsigned __int128 Uint128;
  Decimal(Uint128 mantissa, int scale, bool negative)
      : m_low(static_cast<unsigned long long>(mantissa)),
        m_high(static_cast<unsigned>(mantissa >> 64)),
        m_scale(static_cast<unsigned char>(scale)),
        m_negative(negative) {}
  Uint128 mantissa() const { return (static_cast<Uint128>(m_high) << 64) | m_low; }

  // value = (-1)^negative * (high:low) / 10^scale; the mantissa is < 2^96 and
  // the scale 0..28. Stored in 16 bytes so Values stay small.
  unsigned long long m_low = 0;
  unsigned m_high = 0;
  unsigned char m_scale = 0;
  bool m_negative = false;
};

}  // namespace slipway::expr
