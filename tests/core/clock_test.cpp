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

}  // namespace
}  // namespace slipway
