// Product version rules: MAJOR.MINOR by hand, PATCH a UTC timestamp or a counter.
#include <gtest/gtest.h>

#include "version/product_version.h"

namespace slipway::test {

using version::PatchScheme;
using version::SemVer;

namespace {

std::chrono::system_clock::time_point at(long long seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

const long long k_nov25 = 1795602600;  // 2026-11-25 10:30:00 UTC

std::string next(std::string_view line, PatchScheme scheme, std::optional<std::string> previous,
                 long long now = k_nov25) {
  auto l = version::parse_product_line(line);
  if (!l) return "error: " + l.error().message;
  std::optional<SemVer> prev;
  if (previous) prev = *version::parse_semver(*previous);
  auto v = version::next_product_version(*l, scheme, prev, at(now));
  return v ? v->to_string() : "error: " + v.error().message;
}

}  // namespace

TEST(ProductVersion, TimestampPatchIsUtcSeconds) {
  EXPECT_EQ(next("2.3", PatchScheme::timestamp, std::nullopt), "2.3.20261125103000");
}

TEST(ProductVersion, TimestampNeverGoesBackwardsOnTheSameLine) {
  EXPECT_EQ(next("2.3", PatchScheme::timestamp, "2.3.20261125103000"), "2.3.20261125103001");
  EXPECT_EQ(next("2.3", PatchScheme::timestamp, "2.3.20261125103000", k_nov25 + 60), "2.3.20261125103100");
}

TEST(ProductVersion, CounterStartsAtZeroAndCountsPerLine) {
  EXPECT_EQ(next("2.3", PatchScheme::counter, std::nullopt), "2.3.0");
  EXPECT_EQ(next("2.3", PatchScheme::counter, "2.3.7"), "2.3.8");
}

TEST(ProductVersion, ChangingMajorMinorByHandStartsANewLine) {
  EXPECT_EQ(next("2.4", PatchScheme::counter, "2.3.7"), "2.4.0");
  EXPECT_EQ(next("3.0", PatchScheme::timestamp, "2.3.20261125103000"), "3.0.20261125103000");
}

TEST(ProductVersion, LineCannotMoveBackwards) {
  EXPECT_EQ(next("2.2", PatchScheme::counter, "2.3.7"),
            "error: product version 2.2 is below the last product version 2.3.7: MAJOR.MINOR can only move forward");
}

TEST(ProductVersion, BadLineAndSchemeAreInvalidInput) {
  EXPECT_EQ(next("2", PatchScheme::counter, std::nullopt),
            "error: invalid product version '2': expected MAJOR.MINOR");
  EXPECT_EQ(version::parse_patch_scheme("daily").error().message,
            "invalid patch scheme 'daily': expected timestamp or counter");
}

}  // namespace slipway::test
