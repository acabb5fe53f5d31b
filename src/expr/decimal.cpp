// Decimal: a 96-bit mantissa with a power-of-ten scale. Every operation
// widens the mantissa to a 128-bit integer, so all arithmetic is exact integer
// arithmetic. Comparisons split each value into its integer part and its
// fraction scaled to 28 digits, which both fit 128 bits, so no alignment step
// can overflow.
#include "expr/decimal.h"

#include <algorithm>
#include <cctype>

namespace slipway::expr {

namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr int k_max_scale = 28;
const Uint128 k_limit = Uint128(1) << 96;  // mantissas stay below this

Uint128 pow10(int n) {
  Uint128 value = 1;
  for (int i = 0; i < n; ++i) value *= 10;
  return value;
}

std::string digits_of(Uint128 value) {
  if (value == 0) return "0";
  std::string out;
  while (value > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Divides by 10 rounding half away from zero (one digit dropped).
Uint128 drop_digit(Uint128 value) {
  Uint128 rest = value % 10;
  return value / 10 + (rest >= 5 ? 1 : 0);
}

}  // namespace

Decimal Decimal::from_int(long long value) {
  // Negate in unsigned arithmetic so LLONG_MIN works.
  unsigned long long magnitude =
      value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  return Decimal(magnitude, 0, value < 0);
}

std::optional<Decimal> Decimal::parse(std::string_view text, ParseStyle style) {
  size_t i = 0;
  size_t end = text.size();
  if (style == ParseStyle::lenient) {
    while (i < end && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    while (end > i && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  }
  bool negative = false;
  if (i < end && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  Uint128 mantissa = 0;
  int scale = 0;
  bool any_digit = false;
  bool in_fraction = false;
  bool truncated = false;  // digits beyond precision were dropped (fraction only)
  bool round_up = false;
  for (; i < end; ++i) {
    char c = text[i];
    if (c == '.') {
      if (in_fraction) return std::nullopt;
      in_fraction = true;
      continue;
    }
    if (c == ',' && style == ParseStyle::lenient && !in_fraction && any_digit) continue;
    if (c < '0' || c > '9') return std::nullopt;
    any_digit = true;
    int digit = c - '0';
    if (truncated) continue;
    Uint128 next = mantissa * 10 + static_cast<unsigned>(digit);
    if ((in_fraction && scale == k_max_scale) || next >= k_limit) {
      if (!in_fraction) return std::nullopt;  // integer part too large
      truncated = true;
      round_up = digit >= 5;
      continue;
    }
    mantissa = next;
    if (in_fraction) ++scale;
  }
  if (!any_digit) return std::nullopt;
  if (round_up) {
    mantissa += 1;
    if (mantissa >= k_limit) {
      mantissa /= 10;
      --scale;
    }
  }
  return Decimal(mantissa, scale, negative);
}

std::string Decimal::to_string() const {
  constexpr int k_shown = 7;
  Uint128 value = mantissa();
  int scale = m_scale;
  if (scale > k_shown) {
    Uint128 divisor = pow10(scale - k_shown);
    Uint128 rest = value % divisor;
    value /= divisor;
    if (rest * 2 >= divisor) value += 1;  // half away from zero
    scale = k_shown;
  }
  while (scale > 0 && value % 10 == 0) {
    value /= 10;
    --scale;
  }
  std::string digits = digits_of(value);
  std::string out;
  if (m_negative && value != 0) out.push_back('-');
  if (scale == 0) return out + digits;
  if (static_cast<int>(digits.size()) <= scale)
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  out.append(digits, 0, digits.size() - static_cast<size_t>(scale));
  out.push_back('.');
  out.append(digits, digits.size() - static_cast<size_t>(scale));
  return out;
}

int Decimal::compare(const Decimal& other) const {
  bool a_negative = is_negative();
  bool b_negative = other.is_negative();
  if (a_negative != b_negative) return a_negative ? -1 : 1;
  Uint128 a = mantissa();
  Uint128 b = other.mantissa();
  int magnitude = 0;
  if (m_scale == other.m_scale) {
    magnitude = a < b ? -1 : (a > b ? 1 : 0);
  } else {
    Uint128 a_scale = pow10(m_scale);
    Uint128 b_scale = pow10(other.m_scale);
    Uint128 a_int = a / a_scale;
    Uint128 b_int = b / b_scale;
    if (a_int != b_int) {
      magnitude = a_int < b_int ? -1 : 1;
    } else {
      Uint128 a_frac = (a % a_scale) * pow10(k_max_scale - m_scale);
      Uint128 b_frac = (b % b_scale) * pow10(k_max_scale - other.m_scale);
      if (a_frac != b_frac) magnitude = a_frac < b_frac ? -1 : 1;
    }
  }
  return a_negative ? -magnitude : magnitude;
}

bool Decimal::is_zero() const { return m_low == 0 && m_high == 0; }

std::optional<long long> Decimal::to_integer() const {
  Uint128 scale = pow10(m_scale);
  Uint128 value = mantissa();
  if (value % scale != 0) return std::nullopt;
  Uint128 whole = value / scale;
  if (whole > static_cast<Uint128>(9223372036854775807LL)) return std::nullopt;
  long long result = static_cast<long long>(whole);
  return m_negative ? -result : result;
}

std::optional<Decimal> Decimal::add(const Decimal& other) const {
  // Align to the larger scale, lowering it while the aligned mantissas would
  // not fit (the dropped digits are then rounded, as .NET does).
  const Decimal* x = this;
  const Decimal* y = &other;
  if (x->m_scale < y->m_scale) std::swap(x, y);
  Uint128 a = x->mantissa();
  int a_scale = x->m_scale;
  Uint128 b = y->mantissa();
  int b_scale = y->m_scale;
  while (b_scale < a_scale && b * 10 < k_limit) {
    b *= 10;
    ++b_scale;
  }
  while (a_scale > b_scale) {
    a = drop_digit(a);
    --a_scale;
  }
  Uint128 sum = 0;
  bool negative = false;
  if (x->m_negative == y->m_negative) {
    sum = a + b;
    negative = x->m_negative;
    if (sum >= k_limit) {
      if (a_scale == 0) return std::nullopt;
      sum = drop_digit(sum);
      --a_scale;
    }
  } else if (a >= b) {
    sum = a - b;
    negative = x->m_negative;
  } else {
    sum = b - a;
    negative = y->m_negative;
  }
  return Decimal(sum, a_scale, negative && sum != 0);
}

}  // namespace slipway::expr
