#include "version/product_version.h"

#include <charconv>
#include <ctime>
#include <string>

#include "core/strings.h"

namespace slipway::version {

namespace {

std::optional<long> number(std::string_view s) {
  if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  long value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

long timestamp_patch(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &tm);
  return std::stol(buffer);
}

}  // namespace

Result<ProductLine> parse_product_line(std::string_view text) {
  std::vector<std::string> parts = split(trim(text), '.');
  if (parts.size() == 2) {
    auto major = number(parts[0]);
    auto minor = number(parts[1]);
    if (major && minor) return ProductLine{*major, *minor};
  }
  return fail(ErrorCode::invalid_input,
              "invalid product version '" + std::string(text) + "': expected MAJOR.MINOR");
}

Result<PatchScheme> parse_patch_scheme(std::string_view text) {
  if (text == "timestamp") return PatchScheme::timestamp;
  if (text == "counter") return PatchScheme::counter;
  return fail(ErrorCode::invalid_input,
              "invalid patch scheme '" + std::string(text) + "': expected timestamp or counter");
}

Result<SemVer> next_product_version(ProductLine line, PatchScheme scheme,
                                    const std::optional<SemVer>& previous,
                                    std::chrono::system_clock::time_point now) {
  SemVer next{line.major, line.minor, 0, {}, {}};
  bool same_line = previous && previous->major == line.major && previous->minor == line.minor;
  if (previous && !same_line &&
      (previous->major > line.major || (previous->major == line.major && previous->minor > line.minor)))
    return fail(ErrorCode::invalid_input,
                "product version " + std::to_string(line.major) + "." + std::to_string(line.minor) +
                    " is below the last product version " + previous->to_string() +
                    ": MAJOR.MINOR can only move forward");
  if (scheme == PatchScheme::counter) {
    next.patch = same_line ? previous->patch + 1 : 0;
  } else {
    next.patch = timestamp_patch(now);
    if (same_line && next.patch <= previous->patch) next.patch = previous->patch + 1;
  }
  return next;
}

}  // namespace slipway::version
