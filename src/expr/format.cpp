// format(): .NET composite formatting as Azure exposes it.
//
// "{N}" inserts argument N cast to a string; "{{" and "}}" are literal
// braces; "{N:spec}" formats a date argument with .NET custom date specifiers
// (yyyy yy y MM M dd d HH H hh h mm m ss s f..fffffff K, other non-letters
// copied, 'quoted' text copied). Dates are ISO 8601 strings (see value.h),
// e.g. pipeline.startTime = "2026-11-25T10:26:28.1234567Z".
#include <cctype>
#include <cstdio>

#include "expr/node.h"

namespace slipway::expr {

namespace {

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  long fraction = 0;   // in 100 ns ticks (7 digits)
  std::string offset;  // "Z", "+02:00" or "" (unspecified)
};

bool read_int(std::string_view text, size_t& pos, size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  out = value;
  return true;
}

std::optional<DateTime> parse_date(std::string_view text) {
  DateTime d;
  size_t pos = 0;
  auto expect = [&](char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  if (!read_int(text, pos, 4, d.year) || !expect('-') || !read_int(text, pos, 2, d.month) || !expect('-') ||
      !read_int(text, pos, 2, d.day))
    return std::nullopt;
  if (pos < text.size()) {
    if (!expect('T') && !expect(' ')) return std::nullopt;
    if (!read_int(text, pos, 2, d.hour) || !expect(':') || !read_int(text, pos, 2, d.minute) || !expect(':') ||
        !read_int(text, pos, 2, d.second))
      return std::nullopt;
    if (expect('.')) {
      size_t digits = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (digits < 7) d.fraction = d.fraction * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (; digits < 7; ++digits) d.fraction *= 10;
    }
    if (pos < text.size()) {
      d.offset = std::string(text.substr(pos));
      bool zulu = d.offset == "Z";
      bool numeric = d.offset.size() == 6 && (d.offset[0] == '+' || d.offset[0] == '-') &&
                     std::isdigit(static_cast<unsigned char>(d.offset[1])) &&
                     std::isdigit(static_cast<unsigned char>(d.offset[2])) && d.offset[3] == ':' &&
                     std::isdigit(static_cast<unsigned char>(d.offset[4])) &&
                     std::isdigit(static_cast<unsigned char>(d.offset[5]));
      if (!zulu && !numeric) return std::nullopt;
    }
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.hour > 23 || d.minute > 59 || d.second > 60)
    return std::nullopt;
  return d;
}

std::string padded(long value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
  return digits;
}

std::expected<std::string, std::string> format_date(const DateTime& d, std::string_view spec) {
  std::string out;
  size_t i = 0;
  while (i < spec.size()) {
    char c = spec[i];
    if (c == '\'' || c == '"') {
      size_t close = spec.find(c, i + 1);
      if (close == std::string_view::npos) return std::unexpected("unterminated quote");
      out.append(spec.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    if (c == '\\' && i + 1 < spec.size()) {
      out.push_back(spec[i + 1]);
      i += 2;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t run = 1;
    while (i + run < spec.size() && spec[i + run] == c) ++run;
    int n = static_cast<int>(run);
    switch (c) {
      case 'y':
        if (n == 1) out += std::to_string(d.year % 100);
        else if (n == 2) out += padded(d.year % 100, 2);
        else out += padded(d.year, n);
        break;
      case 'M':
        if (n > 2) return std::unexpected(std::string(spec.substr(i, run)));
        out += padded(d.month, n);
        break;
      case 'd':
        if (n > 2) return std::unexpected(std::string(spec.substr(i, run)));
        out += padded(d.day, n);
        break;
      case 'H':
        out += padded(d.hour, std::min(n, 2));
        break;
      case 'h':
        out += padded(d.hour % 12 == 0 ? 12 : d.hour % 12, std::min(n, 2));
        break;
      case 'm':
        out += padded(d.minute, std::min(n, 2));
        break;
      case 's':
        out += padded(d.second, std::min(n, 2));
        break;
      case 'f': {
        if (n > 7) return std::unexpected(std::string(spec.substr(i, run)));
        long divisor = 1;
        for (int k = n; k < 7; ++k) divisor *= 10;
        out += padded(d.fraction / divisor, n);
        break;
      }
      case 'K':
        out += d.offset;
        break;
      default: return std::unexpected(std::string(spec.substr(i, run)));
    }
    i += run;
  }
  return out;
}

}  // namespace

std::string date_string(std::chrono::system_clock::time_point utc) {
  namespace chrono = std::chrono;
  chrono::sys_days day = chrono::floor<chrono::days>(utc);
  chrono::year_month_day date{day};
  long long ticks = chrono::duration_cast<chrono::duration<long long, std::ratio<1, 10000000>>>(utc - day).count();
  long long seconds = ticks / 10000000;
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%07lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), seconds / 3600,
                seconds / 60 % 60, seconds % 60, ticks % 10000000);
  return text;
}

std::expected<std::string, std::string> format_string(std::string_view pattern, const std::vector<Value>& args) {
  auto invalid = [&] { return std::unexpected("The following format string is invalid: '" + std::string(pattern) + "'."); };
  std::string out;
  out.reserve(pattern.size() + 16 * args.size());
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '}') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '}') {
        out.push_back('}');
        i += 2;
        continue;
      }
      return invalid();
    }
    if (c != '{') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
      out.push_back('{');
      i += 2;
      continue;
    }
    size_t close = pattern.find('}', i + 1);
    if (close == std::string_view::npos) return invalid();
    std::string_view inner = pattern.substr(i + 1, close - i - 1);
    size_t colon = inner.find(':');
    std::string_view index_text = inner.substr(0, colon);
    if (index_text.empty() || index_text.size() > 6) return invalid();
    size_t index = 0;
    for (char digit : index_text) {
      if (digit < '0' || digit > '9') return invalid();
      index = index * 10 + static_cast<size_t>(digit - '0');
    }
    if (index >= args.size())
      return std::unexpected("The following format string references more arguments than were supplied: '" +
                             std::string(pattern) + "'.");
    const Value& arg = args[index];
    if (colon == std::string_view::npos || colon + 1 == inner.size()) {
      out += arg.to_string();
    } else {
      std::string_view spec = inner.substr(colon + 1);
      std::optional<DateTime> date =
          arg.kind() == Value::Kind::string ? parse_date(arg.as_string()) : std::nullopt;
      std::expected<std::string, std::string> text =
          date ? format_date(*date, spec) : std::unexpected(std::string());
      if (!text)
        return std::unexpected("The format specifiers '" + std::string(spec) + "' are not valid for objects of type '" +
                               (date ? std::string("DateTime") : Value::kind_name(arg.kind())) + "'.");
      out += *text;
    }
    i = close + 1;
  }
  return out;
}

}  // namespace slipway::expr
