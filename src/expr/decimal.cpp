// Decimal: a 96-bit mantissa with a power-of-ten scale, kept in a 128-bit
// integer so every operation is exact integer arithmetic. Comparisons split
// each value into its integer part and its fraction scaled to 28 digits, which
// both fit 128 bits, so no alignment step can overflow.
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

}  // namespace

Decimal Decimal::from_int(long long value) {
  Decimal d;
  d.m_negative = value < 0;
  // Negate in unsigned arithmetic so LLONG_MIN works.
  unsigned long long magnitude =
      value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  d.m_mantissa = magnitude;
  return d;
}

std::optional<Decimal> Decimal::parse(std::string_view text, ParseStyle style) {
  size_t i = 0;
  size_t end = text.size();
  if (style == ParseStyle::lenient) {
    while (i < end && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    while (end > i && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  }
  Decimal d;
  if (i < end && (text[i] == '-' || text[i] == '+')) {
    d.m_negative = text[i] == '-';
    ++i;
  }
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
    if (in_fraction && d.m_scale == k_max_scale) {
      truncated = true;
      round_up = digit >= 5;
      continue;
    }
    Uint128 next = d.m_mantissa * 10 + static_cast<unsigned>(digit);
    if (next >= k_limit) {
      if (!in_fraction) return std::nullopt;  // integer part too large
      truncated = true;
      round_up = digit >= 5;
      continue;
    }
    d.m_mantissa = next;
    if (in_fraction) ++d.m_scale;
  }
  if (!any_digit) return std::nullopt;
  if (round_up) {
    d.m_mantissa += 1;
    if (d.m_mantissa >= k_limit) {
      d.m_mantissa /= 10;
      --d.m_scale;
    }
  }
  return d;
}

std::string Decimal::to_string() const {
  constexpr int k_shown = 7;
  Uint128 mantissa = m_mantissa;
  int scale = m_scale;
  if (scale > k_shown) {
    Uint128 divisor = pow10(scale - k_shown);
    Uint128 rest = mantissa % divisor;
    mantissa /= divisor;
    if (rest * 2 >= divisor) mantissa += 1;  // half away from zero
    scale = k_shown;
  }
  while (scale > 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
  std::string digits = digits_of(mantissa);
  std::string out;
  if (m_negative && mantissa != 0) out.push_back('-');
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
  Uint128 a_scale = pow10(m_scale);
  Uint128 b_scale = pow10(other.m_scale);
  Uint128 a_int = m_mantissa / a_scale;
  Uint128 b_int = other.m_mantissa / b_scale;
  int magnitude = 0;
  if (a_int != b_int) {
    magnitude = a_int < b_int ? -1 : 1;
  } else {
    Uint128 a_frac = (m_mantissa % a_scale) * pow10(k_max_scale - m_scale);
    Uint128 b_frac = (other.m_mantissa % b_scale) * pow10(k_max_scale - other.m_scale);
    if (a_frac != b_frac) magnitude = a_frac < b_frac ? -1 : 1;
  }
  return a_negative ? -magnitude : magnitude;
}

bool Decimal::is_zero() const { return m_mantissa == 0; }

std::optional<long long> Decimal::to_integer() const {
  Uint128 scale = pow10(m_scale);
  if (m_mantissa % scale != 0) return std::nullopt;
  Uint128 whole = m_mantissa / scale;
  if (whole > static_cast<Uint128>(9223372036854775807LL)) return std::nullopt;
  long long value = static_cast<long long>(whole);
  return m_negative ? -value : value;
}

std::optional<Decimal> Decimal::add(const Decimal& other) const {
  // Align to the larger scale, lowering it while the aligned mantissas would
  // not fit (the dropped digits are then rounded, as .NET does).
  Decimal a = *this;
  Decimal b = other;
  if (a.m_scale < b.m_scale) std::swap(a, b);
  while (b.m_scale < a.m_scale) {
    Uint128 scaled = b.m_mantissa * 10;
    if (scaled >= k_limit) break;
    b.m_mantissa = scaled;
    ++b.m_scale;
  }
  while (a.m_scale > b.m_scale) {
    Uint128 rest = a.m_mantissa % 10;
    a.m_mantissa /= 10;
    if (rest >= 5) a.m_mantissa += 1;
    --a.m_scale;
  }
  Decimal sum;
  sum.m_scale = a.m_scale;
  if (a.m_negative == b.m_negative) {
    sum.m_mantissa = a.m_mantissa + b.m_mantissa;
    sum.m_negative = a.m_negative;
    if (sum.m_mantissa >= k_limit) {
      if (sum.m_scale == 0) return std::nullopt;
      Uint128 rest = sum.m_mantissa % 10;
      sum.m_mantissa /= 10;
      if (rest >= 5) sum.m_mantissa += 1;
      --sum.m_scale;
    }
  } else if (a.m_mantissa >= b.m_mantissa) {
    sum.m_mantissa = a.m_mantissa - b.m_mantissa;
    sum.m_negative = a.m_negative;
  } else {
    sum.m_mantissa = b.m_mantissa - a.m_mantissa;
    sum.m_negative = b.m_negative;
  }
  if (sum.m_mantissa == 0) sum.m_negative = false;
  return sum;
}

}  // namespace slipway::expr
