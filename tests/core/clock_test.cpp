#include "core/clock.h"

#include <gtest/gtest.h>

namespace slipway {
namespace {

TEST(Clock, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_utc(from_epoch_ms(1795602660123)), "2026-11-25T10:31:00.123Z");
  EXPECT_EQ(format_utc(from_epoch_ms(1795602660007)), "2026-11-25T10:31:00.007Z");
  // The next second, and back: the calendar part is not reused across seconds.
  EXPECT_EQ(format_utc(from_epoch_ms(1795602661000)), "2026-11-25T10:31:01.000Z");
  EXPECT_EQ(format_utc(from_epoch_ms(1795602659999)), "2026-11-25T10:30:59.999Z");
  EXPECT_EQ(format_utc(from_epoch_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc(from_epoch_ms(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(Clock, ParsesWhatItFormats) {
  for (std::int64_t ms : {1795602660123LL, 0LL, -1LL, 951782400000LL /* 2000-02-29 */})
    EXPECT_EQ(parse_utc(format_utc(from_epoch_ms(ms))), from_epoch_ms(ms)) << ms;
  for (const char* bad : {"", "2026-11-25T10:31:00.123", "2026-11-25 10:31:00.123Z", "2026-02-30T10:31:00.123Z",
                          "2026-11-25T24:31:00.123Z", "2026-11-25T10:31:00.12xZ", "2026-11-25T10:31:00.123Z "})
    EXPECT_EQ(parse_utc(bad), std::nullopt) << bad;
}

TEST(Clock, ParsesDurationsOfOneUnit) {
  using std::chrono::seconds;
  EXPECT_EQ(parse_duration("90s"), seconds(90));
  EXPECT_EQ(parse_duration("90m"), seconds(90 * 60));
  EXPECT_EQ(parse_duration("12h"), seconds(12 * 3600));
  EXPECT_EQ(parse_duration("30d"), seconds(30 * 86400));
  EXPECT_EQ(parse_duration("999999d"), seconds(999999LL * 86400));
  for (const char* bad : {"", "d", "30x", "0d", "1.5h", "-1d", "+1d", " 1d", "1d ", "1dd", "1000000d", "30"})
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace slipway
