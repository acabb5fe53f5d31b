// Wall-clock time behind a seam: code that stamps or compares times (event
// history, lock leases, run starts) takes a `const Clock&`, so tests can drive
// time by hand with ManualClock instead of sleeping.
//
// Times are UTC milliseconds since the Unix epoch (TimePoint); that is also how
// the store keeps them, so they sort and compare as plain integers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slipway {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;

// Milliseconds since the epoch, and back.
inline std::int64_t to_epoch_ms(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_epoch_ms(std::int64_t ms) { return TimePoint(Millis(ms)); }

// "2026-11-25T10:31:00.123Z" (ISO 8601, UTC, millisecond precision).
std::string format_utc(TimePoint t);
// The time format_utc wrote, back; nullopt for any other text.
std::optional<TimePoint> parse_utc(std::string_view text);

// "90s", "30m", "24h", "7d": a positive span of at most 6 digits and one
// unit (s, m, h, d); nullopt for anything else ("30x", "0d", "1.5h", "").
std::optional<std::chrono::seconds> parse_duration(std::string_view text);
// What parse_duration accepts, for error messages.
inline constexpr const char* k_duration_help = "a positive span such as 90s, 30m, 24h or 7d";

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The real clock; thread-safe; lives for the whole program.
const Clock& system_clock();

// A clock that only moves when told to. Not thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimePoint start = from_epoch_ms(1'764'000'000'000)) : m_now(start) {}
  TimePoint now() const override { return m_now; }
  void set(TimePoint t) { m_now = t; }
  void advance(Millis by) { m_now += by; }

 private:
  TimePoint m_now;
};

}  // namespace slipway
