#include "version/semver.h"

#include <charconv>

#include "core/strings.h"

namespace slipway::version {

namespace {

bool is_numeric(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_identifier_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

std::optional<long> parse_number(std::string_view s) {
  if (!is_numeric(s) || (s.size() > 1 && s[0] == '0') || s.size() > 15) return std::nullopt;
  long value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

std::optional<std::vector<std::string>> parse_identifiers(std::string_view s, bool numbers_strict) {
  std::vector<std::string> out;
  for (const std::string& part : split(s, '.')) {
    if (part.empty()) return std::nullopt;
    for (char c : part)
      if (!is_identifier_char(c)) return std::nullopt;
    if (numbers_strict && is_numeric(part) && part.size() > 1 && part[0] == '0') return std::nullopt;
    out.push_back(part);
  }
  return out;
}

int compare_identifier(const std::string& a, const std::string& b) {
  bool an = is_numeric(a);
  bool bn = is_numeric(b);
  if (an && bn) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  }
  if (an) return -1;
  if (bn) return 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

}  // namespace

const char* bump_name(Bump bump) {
  switch (bump) {
    case Bump::patch: return "patch";
    case Bump::minor: return "minor";
    case Bump::major: return "major";
  }
  return "patch";
}

std::string SemVer::to_string() const {
  std::string out = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) out += "-" + join(prerelease, ".");
  return out;
}

std::optional<SemVer> parse_semver(std::string_view text) {
  SemVer v;
  std::string_view rest = text;
  if (size_t plus = rest.find('+'); plus != std::string_view::npos) {
    std::string_view build = rest.substr(plus + 1);
    if (!parse_identifiers(build, false)) return std::nullopt;
    v.build = std::string(build);
    rest = rest.substr(0, plus);
  }
  if (size_t dash = rest.find('-'); dash != std::string_view::npos) {
    auto pre = parse_identifiers(rest.substr(dash + 1), true);
    if (!pre) return std::nullopt;
    v.prerelease = std::move(*pre);
    rest = rest.substr(0, dash);
  }
  std::vector<std::string> parts = split(rest, '.');
  if (parts.size() != 3) return std::nullopt;
  auto major = parse_number(parts[0]);
  auto minor = parse_number(parts[1]);
  auto patch = parse_number(parts[2]);
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  return v;
}

std::optional<SemVer> parse_semver_loose(std::string_view text) {
  std::string_view s = trim(text);
  while (!s.empty() && (s[0] == '=' || s[0] == 'v' || s[0] == 'V' || s[0] == ' ')) s.remove_prefix(1);
  return parse_semver(s);
}

Result<SemVer> parse_semver_or_error(std::string_view text) {
  if (auto v = parse_semver(text)) return *v;
  return fail(ErrorCode::invalid_input,
              "invalid version '" + std::string(text) + "': expected MAJOR.MINOR.PATCH");
}

int compare(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() && b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;
  }
  for (size_t i = 0; i < a.prerelease.size() && i < b.prerelease.size(); ++i) {
    int c = compare_identifier(a.prerelease[i], b.prerelease[i]);
    if (c != 0) return c;
  }
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

SemVer increment(const SemVer& version, Bump bump) {
  SemVer v = version;
  v.build.clear();
  switch (bump) {
    case Bump::major:
      if (v.minor != 0 || v.patch != 0 || v.prerelease.empty()) ++v.major;
      v.minor = 0;
      v.patch = 0;
      break;
    case Bump::minor:
      if (v.patch != 0 || v.prerelease.empty()) ++v.minor;
      v.patch = 0;
      break;
    case Bump::patch:
      if (v.prerelease.empty()) ++v.patch;
      break;
  }
  v.prerelease.clear();
  return v;
}

SemVer increment_prerelease(const SemVer& version) {
  SemVer v = version;
  v.build.clear();
  if (v.prerelease.empty()) {
    ++v.patch;
    v.prerelease = {"0"};
    return v;
  }
  for (size_t i = v.prerelease.size(); i-- > 0;) {
    if (is_numeric(v.prerelease[i])) {
      v.prerelease[i] = std::to_string(std::stol(v.prerelease[i]) + 1);
      return v;
    }
  }
  v.prerelease.push_back("0");
  return v;
}

bool VersionRange::contains(const SemVer& version) const {
  if (compare(version, min) < 0) return false;
  if (max && compare(version, *max) >= 0) return false;
  if (version.is_prerelease()) {
    // node-semver: prereleases only match a comparator of the same tuple.
    auto same_tuple = [&](const SemVer& c) {
      return c.is_prerelease() && c.major == version.major && c.minor == version.minor &&
             c.patch == version.patch;
    };
    return same_tuple(min) || (max && same_tuple(*max));
  }
  return true;
}

std::string VersionRange::to_string() const {
  std::string out = ">=" + min.to_string();
  if (max) out += " <" + max->to_string();
  return out;
}

}  // namespace slipway::version
