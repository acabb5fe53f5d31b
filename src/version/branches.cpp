// Branch normalisation, following semantic-release's lib/branches (expand.js,
// normalize.js, definitions/branches.js) step by step so that a repository
// gets the same ranges, and so the same out-of-range errors, as it would under
// semantic-release. Ranges are kept as values (VersionRange) instead of
// strings; they print in semantic-release's ">=MIN <MAX" form.
#include "version/branches.h"

#include <algorithm>
#include <regex>
#include <set>

#include "core/strings.h"
#include "core/yaml.h"

namespace slipway::version {

namespace {

const std::string k_first_release = "1.0.0";

// --- glob -------------------------------------------------------------------

std::string translate(std::string_view p, size_t& i, char close, bool in_brace);

std::string translate_group(std::string_view p, size_t& i) {
  std::string inner = translate(p, i, ')', false);
  return inner;
}

std::string translate(std::string_view p, size_t& i, char close, bool in_brace) {
  std::string out;
  while (i < p.size()) {
    char c = p[i];
    if (close && c == close) {
      ++i;
      return out;
    }
    bool ext = (c == '+' || c == '?' || c == '*' || c == '@' || c == '!') && i + 1 < p.size() &&
               p[i + 1] == '(';
    if (ext) {
      i += 2;
      std::string inner = translate_group(p, i);
      if (c == '+') out += "(?:" + inner + ")+";
      else if (c == '?') out += "(?:" + inner + ")?";
      else if (c == '*') out += "(?:" + inner + ")*";
      else if (c == '@') out += "(?:" + inner + ")";
      else out += "(?:(?!(?:" + inner + "))[^/]*)";
      continue;
    }
    ++i;
    switch (c) {
      case '*': out += "[^/]*"; break;
      case '?': out += "[^/]"; break;
      case '|': out += "|"; break;
      case '{': out += "(?:" + translate(p, i, '}', true) + ")"; break;
      case ',': out += in_brace ? "|" : ","; break;
      case '[': {
        size_t end = p.find(']', i);
        if (end == std::string_view::npos) {
          out += "\\[";
        } else {
          out += "[" + std::string(p.substr(i, end - i)) + "]";
          i = end + 1;
        }
        break;
      }
      default:
        if (std::string_view("\\^$.+()|{}[]?*").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
  }
  return out;
}

// --- semantic-release's utils.js ----------------------------------------------

bool is_maintenance_range(std::string_view range) {
  static const std::regex re(R"(^\d+(?:\.(?:\d+|x))?\.x$)", std::regex::icase);
  return std::regex_match(range.begin(), range.end(), re);
}

bool is_major_range(std::string_view range) {
  static const std::regex re(R"(^\d+\.x(?:\.x)?$)", std::regex::icase);
  return std::regex_match(range.begin(), range.end(), re);
}

// Lower and upper bound of an N.x / N.N.x / N.x.x range.
std::pair<SemVer, SemVer> range_bounds(std::string_view range) {
  std::vector<std::string> parts = split(range, '.');
  long major = std::stol(parts[0]);
  if (parts.size() == 3 && parts[1] != "x" && parts[1] != "X") {
    long minor = std::stol(parts[1]);
    return {SemVer{major, minor, 0, {}, {}}, SemVer{major, minor + 1, 0, {}, {}}};
  }
  return {SemVer{major, 0, 0, {}, {}}, SemVer{major + 1, 0, 0, {}, {}}};
}

std::vector<SemVer> versions_of(const std::vector<BranchTag>& tags) {
  std::vector<SemVer> out;
  for (const BranchTag& t : tags) out.push_back(t.version);
  return out;
}

std::optional<SemVer> latest(const std::vector<SemVer>& versions) {
  std::optional<SemVer> best;
  for (const SemVer& v : versions)
    if (!v.is_prerelease() && (!best || compare(*best, v) < 0)) best = v;
  return best;
}

std::optional<SemVer> earliest(const std::vector<SemVer>& versions) {
  std::optional<SemVer> best;
  for (const SemVer& v : versions)
    if (!v.is_prerelease() && (!best || compare(v, *best) < 0)) best = v;
  return best;
}

std::optional<SemVer> highest(const std::optional<SemVer>& a, const std::optional<SemVer>& b) {
  if (a && b) return compare(*a, *b) > 0 ? a : b;
  return a ? a : b;
}

std::optional<SemVer> lowest(const std::optional<SemVer>& a, const std::optional<SemVer>& b) {
  if (a && b) return compare(*a, *b) < 0 ? a : b;
  return a ? a : b;
}

// getFirstVersion: the first of `versions` above every version of the lower branches.
std::optional<SemVer> first_version(std::vector<SemVer> versions, const std::vector<const Branch*>& lower) {
  std::optional<SemVer> top;
  for (const Branch* b : lower)
    for (const BranchTag& t : b->tags)
      if (!top || compare(*top, t.version) < 0) top = t.version;
  if (top) {
    std::sort(versions.begin(), versions.end(), [](const SemVer& a, const SemVer& b) { return a < b; });
    for (const SemVer& v : versions)
      if (compare(v, *top) > 0) return v;
    return std::nullopt;
  }
  return earliest(versions);
}

// ${name} and ${name.replace(/^PREFIX/flags, 'R')} in a rule's value.
std::string apply_template(const std::string& value, const std::string& name) {
  static const std::regex replace_re(
      R"re(\$\{\s*name\.replace\(\s*/\^([^/]*)/[a-z]*\s*,\s*(['"])([^'"]*)\2\s*\)\s*\})re");
  std::string out;
  std::smatch m;
  std::string rest = value;
  while (std::regex_search(rest, m, replace_re)) {
    out += m.prefix().str();
    std::string prefix = m[1].str();
    out += name.starts_with(prefix) ? m[3].str() + name.substr(prefix.size()) : name;
    rest = m.suffix().str();
  }
  out += rest;
  for (size_t at = out.find("${name}"); at != std::string::npos; at = out.find("${name}"))
    out.replace(at, 7, name);
  return out;
}

Error branches_error(const std::string& text) { return Error{ErrorCode::invalid_input, text, {}}; }

}  // namespace

bool glob_matches(std::string_view pattern, std::string_view name) {
  size_t i = 0;
  std::string re = translate(pattern, i, 0, false);
  try {
    return std::regex_match(name.begin(), name.end(), std::regex(re));
  } catch (const std::regex_error&) {
    return pattern == name;
  }
}

const char* branch_kind_name(BranchKind kind) {
  switch (kind) {
    case BranchKind::release: return "release";
    case BranchKind::maintenance: return "maintenance";
    case BranchKind::prerelease: return "prerelease";
  }
  return "release";
}

std::vector<BranchRule> default_branch_rules() {
  return {
      {"+([0-9])?(.{+([0-9]),x}).x", {}, {}, {}},
      {"master", {}, {}, {}},
      {"main", {}, {}, {}},
      {"next", {}, {}, {}},
      {"next-major", {}, {}, {}},
      {"beta", {}, {}, "true"},
      {"alpha", {}, {}, "true"},
  };
}

Result<std::vector<BranchRule>> load_branch_rules(const std::filesystem::path& file) {
  auto doc = yaml::load_file(file);
  if (!doc) return std::unexpected(doc.error());
  const yaml::Node* list = &*doc;
  if (doc->is_mapping()) list = doc->get("branches");
  if (!list || !list->is_sequence())
    return fail(ErrorCode::invalid_input, "expected a list of branches (or a mapping with 'branches')",
                doc->position());
  std::vector<BranchRule> rules;
  for (const yaml::Node& item : list->items()) {
    if (item.is_scalar()) {
      rules.push_back({item.text(), {}, {}, {}});
      continue;
    }
    if (!item.is_mapping())
      return fail(ErrorCode::invalid_input, "a branch must be a name or a mapping with 'name'",
                  item.position());
    BranchRule rule;
    for (const yaml::Node::Entry& e : item.entries()) {
      const std::string& key = e.key.text();
      if (!e.value.is_scalar() && !e.value.is_null())
        return fail(ErrorCode::invalid_input, "branch field '" + key + "' must be a scalar",
                    e.value.position());
      const std::string& v = e.value.text();
      if (key == "name") rule.name = v;
      else if (key == "range") { if (v != "false") rule.range = v; }
      else if (key == "channel") rule.channel = (v == "false" || e.value.is_null()) ? "" : v;
      else if (key == "prerelease") { if (v != "false") rule.prerelease = v; }
      else
        return fail(ErrorCode::invalid_input,
                    "unknown branch field '" + key + "'" +
                        did_you_mean(key, {"name", "range", "channel", "prerelease"}),
                    e.key.position());
    }
    if (rule.name.empty())
      return fail(ErrorCode::invalid_input, "a branch must have a 'name'", item.position());
    rules.push_back(std::move(rule));
  }
  return rules;
}

Result<std::vector<Branch>> normalize_branches(const std::vector<BranchRule>& rules,
                                               const std::vector<ExistingBranch>& existing) {
  // expand: the first rule whose glob matches takes the branch.
  struct Assigned {
    const ExistingBranch* branch;
    BranchRule rule;  // templates applied
  };
  std::vector<Assigned> assigned;
  std::set<std::string> taken;
  for (const BranchRule& rule : rules) {
    for (const ExistingBranch& b : existing) {
      if (taken.contains(b.name) || !glob_matches(rule.name, b.name)) continue;
      taken.insert(b.name);
      BranchRule applied = rule;
      applied.name = b.name;
      if (applied.range) applied.range = apply_template(*applied.range, b.name);
      if (applied.channel) applied.channel = apply_template(*applied.channel, b.name);
      if (applied.prerelease) applied.prerelease = apply_template(*applied.prerelease, b.name);
      assigned.push_back({&b, std::move(applied)});
    }
  }

  std::vector<Branch> maintenance;
  std::vector<std::string> maintenance_ranges;
  std::vector<Branch> release;
  std::vector<Branch> prerelease;
  for (const Assigned& a : assigned) {
    Branch b;
    b.name = a.rule.name;
    b.tags = a.branch->tags;
    if (a.rule.range || is_maintenance_range(b.name)) {
      std::string range = a.rule.range ? *a.rule.range : b.name;
      if (!is_maintenance_range(range))
        return std::unexpected(branches_error(
            "A maintenance branch is invalid in the `branches` configuration: branch `" + b.name +
            "` must have a `range` property formatted like `N.x`, `N.x.x` or `N.N.x` (`N` is a number)."));
      b.kind = BranchKind::maintenance;
      b.channel = a.rule.channel ? (a.rule.channel->empty() ? std::nullopt : a.rule.channel) : b.name;
      maintenance.push_back(std::move(b));
      maintenance_ranges.push_back(range);
    } else if (a.rule.prerelease) {
      b.kind = BranchKind::prerelease;
      b.prerelease_id = *a.rule.prerelease == "true" ? b.name : *a.rule.prerelease;
      if (!parse_semver("1.0.0-" + b.prerelease_id + ".1"))
        return std::unexpected(branches_error(
            "A pre-release branch configuration is invalid in the `branches` configuration: `" +
            b.prerelease_id + "` is not a valid pre-release identifier."));
      b.channel = a.rule.channel ? (a.rule.channel->empty() ? std::nullopt : a.rule.channel) : b.name;
      prerelease.push_back(std::move(b));
    } else {
      b.kind = BranchKind::release;
      if (a.rule.channel && !a.rule.channel->empty()) b.channel = a.rule.channel;
      release.push_back(std::move(b));
    }
  }

  if (release.empty() || release.size() > 3)
    return std::unexpected(branches_error(
        "The release branches are invalid in the `branches` configuration: a minimum of 1 and a "
        "maximum of 3 release branches are required, and they must exist in the repository (found " +
        std::to_string(release.size()) + ")."));
  {
    std::set<std::string> ranges(maintenance_ranges.begin(), maintenance_ranges.end());
    if (ranges.size() != maintenance_ranges.size())
      return std::unexpected(branches_error(
          "The maintenance branches are invalid in the `branches` configuration: each must have a "
          "unique `range`."));
    std::set<std::string> ids;
    for (const Branch& b : prerelease) ids.insert(b.prerelease_id);
    if (ids.size() != prerelease.size())
      return std::unexpected(branches_error(
          "The pre-release branches are invalid in the `branches` configuration: each must have a "
          "unique `prerelease` property."));
  }

  // normalize.release
  std::optional<SemVer> last = latest(versions_of(release[0].tags));
  if (!last) last = *parse_semver(k_first_release);
  for (size_t idx = 0; idx < release.size(); ++idx) {
    Branch& b = release[idx];
    last = highest(latest(versions_of(b.tags)), last);
    std::optional<SemVer> bound;
    if (idx + 1 < release.size()) {
      std::vector<const Branch*> lower;
      for (size_t j = 0; j <= idx; ++j) lower.push_back(&release[j]);
      bound = first_version(versions_of(release[idx + 1].tags), lower);
    }
    b.range = VersionRange{*last, bound};
    b.main = idx == 0;
    if (idx > 0 && !b.channel) b.channel = b.name;
  }

  // normalize.maintenance, sorted by range text as lodash's sortBy does.
  std::vector<size_t> order(maintenance.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return maintenance_ranges[a] < maintenance_ranges[b]; });
  std::vector<const Branch*> all_maintenance;
  for (const Branch& b : maintenance) all_maintenance.push_back(&b);
  std::optional<SemVer> base = first_version(versions_of(release[0].tags), all_maintenance);
  if (!base) base = latest(versions_of(release[0].tags));
  if (!base) base = *parse_semver(k_first_release);
  std::vector<VersionRange> ranges(maintenance.size());
  for (size_t k = 0; k < order.size(); ++k) {
    size_t idx = order[k];
    const std::string& range = maintenance_ranges[idx];
    auto [lower, upper] = range_bounds(range);
    SemVer maintenance_min = lower;
    if (is_major_range(range) && k > 0 && !is_major_range(maintenance_ranges[order[k - 1]]))
      maintenance_min = range_bounds(maintenance_ranges[order[k - 1]]).second;
    std::optional<SemVer> min = latest(versions_of(maintenance[idx].tags));
    if (!min) min = *parse_semver(k_first_release);
    min = highest(min, maintenance_min);
    std::optional<SemVer> max = lowest(base, upper);
    ranges[idx] = VersionRange{*min, max};
  }
  for (size_t i = 0; i < maintenance.size(); ++i) maintenance[i].range = ranges[i];

  std::vector<Branch> out;
  for (size_t idx : order) out.push_back(std::move(maintenance[idx]));
  for (Branch& b : release) out.push_back(std::move(b));
  for (Branch& b : prerelease) out.push_back(std::move(b));
  return out;
}

}  // namespace slipway::version
