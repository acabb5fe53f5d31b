// Freeze windows: is an instant inside one of an environment's windows, and
// until when? Windows are written in wall-clock time of their own time zone
// (IANA name, e.g. "America/New_York"), read from the system's zoneinfo.
//
// Thread-safety: converting to a zone sets TZ for the process under a mutex;
// call from any thread, but other code reading local time concurrently may see
// the zone change briefly (slipway itself uses UTC everywhere else).
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "model/workspace.h"

namespace slipway::release {

struct FreezeHit {
  std::string window;  // "2027-12-23 to 2028-01-03 (America/New_York)", "sat,sun 00:00-24:00 (UTC)"
  std::string until;   // local end of the window, "2028-01-04 00:00 America/New_York"
};

// The window `now` falls in, or nullopt. invalid_input for an unknown time
// zone or a malformed date/time.
Result<std::optional<FreezeHit>> frozen_by(const model::FreezeWindow& window, TimePoint now);

}  // namespace slipway::release
