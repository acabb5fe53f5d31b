// Semantic versions (semver.org 2.0.0) with the precedence and increment rules
// of node-semver, which semantic-release uses: inc("1.3.0-beta.1", minor) is
// 1.3.0, inc("1.2.0", prerelease) is 1.2.1-0, and so on.
//
// Values only; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace slipway::version {

enum class Bump { patch, minor, major };  // ordered: major is the highest

const char* bump_name(Bump bump);  // "patch", "minor", "major"

struct SemVer {
  long major = 0;
  long minor = 0;
  long patch = 0;
  std::vector<std::string> prerelease;  // identifiers, e.g. {"beta", "2"}
  std::string build;                    // ignored for precedence

  bool is_prerelease() const { return !prerelease.empty(); }
  std::string to_string() const;  // without build metadata
  SemVer core() const { return SemVer{major, minor, patch, {}, {}}; }
};

// Strict parse of "1.2.3[-pre][+build]" (no leading "v"). nullopt when invalid.
std::optional<SemVer> parse_semver(std::string_view text);

// Like node-semver's valid(clean(text)): trims spaces and leading "=" / "v".
std::optional<SemVer> parse_semver_loose(std::string_view text);

// Parses, or an invalid_input error "invalid version 'x': expected MAJOR.MINOR.PATCH".
Result<SemVer> parse_semver_or_error(std::string_view text);

// Precedence: negative, zero, positive (build metadata ignored).
int compare(const SemVer& a, const SemVer& b);
inline bool operator<(const SemVer& a, const SemVer& b) { return compare(a, b) < 0; }
inline bool operator==(const SemVer& a, const SemVer& b) { return compare(a, b) == 0; }

// node-semver's inc(version, type).
SemVer increment(const SemVer& version, Bump bump);
// node-semver's inc(version, "prerelease") without an identifier.
SemVer increment_prerelease(const SemVer& version);

// A half-open range ">=min <max" (max absent = unbounded), as semantic-release
// builds for branches. contains() follows node-semver's satisfies(): a
// prerelease version only satisfies it when min has the same MAJOR.MINOR.PATCH
// and is a prerelease too.
struct VersionRange {
  SemVer min;
  std::optional<SemVer> max;

  bool contains(const SemVer& version) const;
  std::string to_string() const;  // ">=1.1.0 <2.0.0" or ">=1.1.0"
};

}  // namespace slipway::version
