// The product version: MAJOR.MINOR set by hand in slipway.yaml, PATCH either
// a UTC timestamp YYYYMMDDHHmmss or a counter per MAJOR.MINOR. It is assigned
// when a deployment succeeds (the deploy module calls this then, and the store
// keeps the previous one); these are the pure rules.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "version/semver.h"

namespace slipway::version {

enum class PatchScheme { timestamp, counter };

struct ProductLine {
  long major = 0;
  long minor = 0;
};

// "2.3" → {2, 3}; invalid_input "invalid product version 'x': expected MAJOR.MINOR".
Result<ProductLine> parse_product_line(std::string_view text);
// "timestamp" or "counter"; invalid_input otherwise.
Result<PatchScheme> parse_patch_scheme(std::string_view text);

// The version after `previous` (the last product version, if any) on `line`:
//   - timestamp: PATCH = `now` as YYYYMMDDHHmmss (UTC); when that is not above
//     the previous PATCH of the same line (two in one second, clock skew), the
//     previous PATCH + 1, so versions always increase;
//   - counter: 0 on a new line, else the previous PATCH + 1.
// A line below the previous version's line is refused (invalid_input): MAJOR.MINOR
// only moves forward.
Result<SemVer> next_product_version(ProductLine line, PatchScheme scheme,
                                    const std::optional<SemVer>& previous,
                                    std::chrono::system_clock::time_point now);

}  // namespace slipway::version
