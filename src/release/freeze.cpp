// Freeze windows are compared in local wall-clock time as text: "now" is
// converted into the window's zone as "YYYY-MM-DDTHH:MM" and compared with
// the window's bounds written the same way (ISO text sorts like time).
// Date-only bounds: `from` starts at 00:00, `to` includes the whole day.
#include "release/freeze.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "core/strings.h"

namespace slipway::release {
namespace {

struct Local {
  std::string stamp;  // "YYYY-MM-DDTHH:MM"
  int weekday = 0;    // 0 = sunday
};

Result<Local> local_time(TimePoint now, const std::string& zone) {
  if (zone != "UTC" && !std::filesystem::exists(std::filesystem::path("/usr/share/zoneinfo") / zone))
    return fail(ErrorCode::invalid_input, "unknown time zone '" + zone + "'");
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", zone.c_str(), 1);
  tzset();
  std::time_t t = static_cast<std::time_t>(to_epoch_ms(now) / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  if (old) setenv("TZ", saved.c_str(), 1); else unsetenv("TZ");
  tzset();
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M", &tm);
  return Local{buffer, tm.tm_wday};
}

bool valid_stamp(const std::string& s) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i)
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (s.size() != 10 && s.size() != 16) return false;
  if (!digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2)) return false;
  return s.size() == 10 || (s[10] == 'T' && digits(11, 2) && s[13] == ':' && digits(14, 2));
}

// The day after "YYYY-MM-DD", as "YYYY-MM-DD".
std::string next_day(const std::string& date) {
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2)) + 1;
  tm.tm_hour = 12;
  std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

constexpr const char* k_days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

}  // namespace

Result<std::optional<FreezeHit>> frozen_by(const model::FreezeWindow& window, TimePoint now) {
  Result<Local> local = local_time(now, window.timezone);
  if (!local) return std::unexpected(local.error());
  const std::string zone = " (" + window.timezone + ")";
  if (window.kind == model::FreezeWindow::Kind::span) {
    if (!valid_stamp(window.from) || !valid_stamp(window.to))
      return fail(ErrorCode::invalid_input,
                  "freeze window '" + window.from + "' to '" + window.to + "': expected YYYY-MM-DD[THH:MM]");
    std::string from = window.from.size() == 10 ? window.from + "T00:00" : window.from;
    std::string to = window.to.size() == 10 ? next_day(window.to) + "T00:00" : window.to;
    if (local->stamp < from || local->stamp >= to) return std::optional<FreezeHit>();
    std::string until = to;
    until[10] = ' ';
    return std::optional<FreezeHit>(
        FreezeHit{window.from + " to " + window.to + zone, until + " " + window.timezone});
  }
  // weekly: the day must be listed and the time inside [start, end).
  std::string day = k_days[local->weekday];
  bool listed = false;
  for (const std::string& d : window.days) listed = listed || to_lower(d).substr(0, 3) == day;
  std::string time = local->stamp.substr(11);
  std::string end = window.end == "24:00" ? "24:00" : window.end;
  if (!listed || time < window.start || time >= end) return std::optional<FreezeHit>();
  std::string until = end == "24:00" ? next_day(local->stamp.substr(0, 10)) + " 00:00"
                                     : local->stamp.substr(0, 10) + " " + end;
  return std::optional<FreezeHit>(FreezeHit{join(window.days, ",") + " " + window.start + "-" + window.end + zone,
                                            until + " " + window.timezone});
}

}  // namespace slipway::release
