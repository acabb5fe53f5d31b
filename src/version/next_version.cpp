// The version engine, as passes (each mirrors a step of semantic-release's
// index.js run()):
//   open → resolve branch → read tags and channel notes → branches with their
//   tags → normalize ranges → last release → commits since → analyze → next
//   version → range and tag checks → notes.
//
// Why not shell out to git or run semantic-release: one native binary, and
// speed (bench/version: one libgit2 walk over the range, one parse per
// message, no regex engine on the hot path). Why replicate semantic-release's
// quirks (angular ignoring `!`, the meta-field rule, order-dependent revert
// pairing): a team moving from semantic-release must get the same versions.
//
// Tags are "merged" into a branch when their commit is an ancestor of its tip;
// only branches that a rule names are examined, so repositories with many
// feature branches cost nothing extra.
#include "version/next_version.h"

#include <nlohmann/json.hpp>

#include <ctime>

#include "core/json_text.h"
#include "version/git_repo.h"

namespace slipway::version {

namespace {

const char* k_version_var = "${version}";

struct FoundTag {
  std::string name;
  std::string commit;
  SemVer version;
};

std::vector<std::optional<std::string>> channels_from_notes(const std::vector<std::string>& notes) {
  std::vector<std::optional<std::string>> channels{std::nullopt};
  if (notes.size() != 1) return channels;  // git log %N would join several: not JSON
  nlohmann::json doc = nlohmann::json::parse(notes[0], nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("channels") || !doc["channels"].is_array())
    return channels;
  channels.clear();
  for (const auto& c : doc["channels"]) {
    if (c.is_string()) channels.emplace_back(c.get<std::string>());
    else channels.emplace_back(std::nullopt);
  }
  return channels;
}

bool same_channel(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  bool a_empty = !a || a->empty();
  bool b_empty = !b || b->empty();
  if (a_empty || b_empty) return a_empty && b_empty;
  return *a == *b;
}

std::string utc_date(long long seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

// getLastRelease
std::optional<BranchTag> last_release(const Branch& branch) {
  std::optional<BranchTag> best;
  for (const BranchTag& t : branch.tags) {
    bool eligible = !t.version.is_prerelease();
    if (branch.kind == BranchKind::prerelease && !eligible) {
      bool channel_ok = false;
      for (const auto& c : t.channels) channel_ok = channel_ok || same_channel(branch.channel, c);
      bool id_ok = false;
      for (const std::string& id : t.version.prerelease) id_ok = id_ok || id == branch.prerelease_id;
      eligible = channel_ok && id_ok;
    }
    if (eligible && (!best || compare(best->version, t.version) < 0)) best = t;
  }
  return best;
}

// getNextVersion
SemVer next_version(const Branch& branch, const std::optional<BranchTag>& last, Bump bump) {
  SemVer first{1, 0, 0, {}, {}};
  auto with_pre = [&](SemVer v) {
    v.prerelease = {branch.prerelease_id, "1"};
    return v;
  };
  if (!last) return branch.kind == BranchKind::prerelease ? with_pre(first) : first;
  if (branch.kind != BranchKind::prerelease) return increment(last->version, bump);
  bool same = false;
  for (const auto& c : last->channels) same = same || same_channel(c, branch.channel);
  if (last->version.is_prerelease() && same) {
    SemVer a = increment_prerelease(last->version);
    std::optional<SemVer> top;
    for (const BranchTag& t : branch.tags)
      if (!top || compare(*top, t.version) < 0) top = t.version;
    SemVer b = with_pre(increment(*top, bump));
    return compare(a, b) >= 0 ? a : b;
  }
  return with_pre(increment(last->version.core(), bump));
}

// The release types a branch accepts (normalize.js `accept`): the types
// below the difference between its range's bounds.
bool accepts(const Branch& b, Bump bump) {
  if (!b.range->max) return true;
  const SemVer& lo = b.range->min;
  const SemVer& hi = *b.range->max;
  int limit = 0;  // number of accepted types: patch, minor, major
  if (compare(lo, hi) >= 0) limit = b.kind == BranchKind::release ? 2 : 0;
  else if (lo.major != hi.major) limit = 2;
  else if (lo.minor != hi.minor) limit = 1;
  return static_cast<int>(bump) < limit;
}

std::string range_error(const SemVer& version, const Branch& branch, const std::vector<Branch>& all,
                        Bump bump) {
  std::string out = "The release `" + version.to_string() + "` on branch `" + branch.name +
                    "` cannot be published as it is out of range: only versions within the range `" +
                    branch.range->to_string() + "` can be published from branch `" + branch.name + "`";
  std::vector<std::string> valid;
  for (const Branch& b : all) {
    if (b.kind == BranchKind::prerelease || !b.range) continue;
    if (accepts(b, bump)) valid.push_back("`" + b.name + "`");
  }
  if (!valid.empty()) {
    out += "; a valid branch could be ";
    for (size_t i = 0; i < valid.size(); ++i)
      out += (i == 0 ? "" : (i + 1 == valid.size() ? " or " : ", ")) + valid[i];
  }
  return out + ".";
}

}  // namespace

Status check_tag_format(const std::string& tag_format) {
  size_t first = tag_format.find(k_version_var);
  if (first == std::string::npos || tag_format.find(k_version_var, first + 1) != std::string::npos)
    return fail(ErrorCode::invalid_input, "invalid tag format '" + tag_format +
                                              "': it must contain ${version} exactly once");
  return {};
}

std::string make_tag(const std::string& tag_format, const std::string& version) {
  std::string out = tag_format;
  size_t at = out.find(k_version_var);
  if (at != std::string::npos) out.replace(at, std::string_view(k_version_var).size(), version);
  return out;
}

std::optional<SemVer> version_from_tag(const std::string& tag_format, const std::string& tag) {
  size_t at = tag_format.find(k_version_var);
  if (at == std::string::npos) return std::nullopt;
  std::string prefix = tag_format.substr(0, at);
  std::string suffix = tag_format.substr(at + std::string_view(k_version_var).size());
  if (!tag.starts_with(prefix)) return std::nullopt;
  std::string rest = tag.substr(prefix.size());
  if (!suffix.empty()) {
    size_t s = rest.rfind(suffix);
    if (s == std::string::npos || s == 0) return std::nullopt;
    rest = rest.substr(0, s);
  }
  if (rest.empty()) return std::nullopt;
  return parse_semver_loose(rest);
}

VersionOptions options_for(const model::Component& component) {
  const model::Versioning& v = component.versioning;
  VersionOptions options;
  options.tag_format = v.tag_format;
  options.preset = v.preset == model::VersionPreset::angular ? Preset::angular : Preset::conventionalcommits;
  options.paths = v.paths;
  if (!v.branches.empty()) {
    options.branches.clear();
    for (const model::ReleaseBranch& b : v.branches) {
      BranchRule rule{b.name, {}, {}, {}};
      if (!b.prerelease.empty()) rule.prerelease = b.prerelease;
      options.branches.push_back(std::move(rule));
    }
  }
  return options;
}

Result<VersionResult> compute_next_version(const std::filesystem::path& repo_dir,
                                           const VersionOptions& options) {
  if (auto ok = check_tag_format(options.tag_format); !ok) return std::unexpected(ok.error());
  auto opened = GitRepository::open(repo_dir);
  if (!opened) return std::unexpected(opened.error());
  GitRepository& repo = *opened;
  if (repo.is_shallow())
    return fail(ErrorCode::unsupported,
                "repository " + repo_dir.string() +
                    " is a shallow clone: its history is incomplete, so the last release cannot be "
                    "found; fetch the full history (git fetch --unshallow)");

  // Which branch, and which commit.
  // HEAD is read only when no branch is given: a bare repository's HEAD may
  // name a branch it does not have, and a work tree's may be another branch.
  VersionResult result;
  if (options.branch) {
    result.branch = *options.branch;
  } else {
    auto current = repo.current_branch();
    if (!current) return std::unexpected(current.error());
    if (!*current)
      return fail(ErrorCode::invalid_input,
                  "HEAD is detached in " + repo_dir.string() + ": pass --branch NAME to say whose rules apply");
    result.branch = **current;
  }
  if (options.head) {
    auto head = repo.resolve(*options.head);
    if (!head) return fail(ErrorCode::not_found, "unknown revision '" + *options.head + "'");
    result.head = *head;
  } else {
    auto head = repo.head_commit();
    if (!head) return std::unexpected(head.error());
    result.head = *head;
  }

  // Tags matching the format, with their channel notes.
  auto all_tags = repo.tags();
  if (!all_tags) return std::unexpected(all_tags.error());
  std::vector<FoundTag> tags;
  for (const GitRef& t : *all_tags) {
    if (auto v = version_from_tag(options.tag_format, t.name)) tags.push_back({t.name, t.commit, *v});
  }
  std::vector<std::vector<std::optional<std::string>>> tag_channels;
  for (const FoundTag& t : tags) {
    auto notes = repo.semantic_release_notes(t.commit);
    if (!notes) return std::unexpected(notes.error());
    tag_channels.push_back(channels_from_notes(*notes));
  }

  // Branches that a rule names, with the tags merged into each.
  auto refs = repo.branches();
  if (!refs) return std::unexpected(refs.error());
  bool current_listed = false;
  for (GitRef& r : *refs) {
    if (r.name == result.branch) {
      r.commit = result.head;
      current_listed = true;
    }
  }
  if (!current_listed) refs->push_back({result.branch, result.head});
  std::sort(refs->begin(), refs->end(), [](const GitRef& a, const GitRef& b) { return a.name < b.name; });
  std::vector<std::string> tag_commits;
  for (const FoundTag& t : tags) tag_commits.push_back(t.commit);
  std::vector<ExistingBranch> existing;
  for (const GitRef& r : *refs) {
    bool named = false;
    for (const BranchRule& rule : options.branches) named = named || glob_matches(rule.name, r.name);
    if (!named) continue;
    ExistingBranch b{r.name, {}};
    auto merged = repo.reachable_from(r.commit, tag_commits);
    if (!merged) return std::unexpected(merged.error());
    for (size_t i = 0; i < tags.size(); ++i)
      if ((*merged)[i]) b.tags.push_back({tags[i].name, tags[i].version, tag_channels[i]});
    existing.push_back(std::move(b));
  }

  bool current_named = false;
  for (const ExistingBranch& b : existing) current_named = current_named || b.name == result.branch;
  if (!current_named) {
    result.reason = "branch " + result.branch + " is not a release branch: the branch rules name only " +
                    [&] {
                      std::string names;
                      for (const ExistingBranch& b : existing) names += (names.empty() ? "" : ", ") + b.name;
                      return names.empty() ? std::string("no existing branch") : names;
                    }();
    return result;
  }
  auto branches = normalize_branches(options.branches, existing);
  if (!branches) return std::unexpected(branches.error());
  const Branch* branch = nullptr;
  for (const Branch& b : *branches)
    if (b.name == result.branch) branch = &b;
  result.kind = branch->kind;
  result.channel = branch->channel;
  result.range = branch->range;

  // Last release and the commits since.
  std::optional<BranchTag> last = last_release(*branch);
  std::vector<std::string> hide;
  if (last) {
    result.last_version = last->version;
    result.last_tag = last->tag;
    for (const FoundTag& t : tags)
      if (t.name == last->tag) {
        hide.push_back(t.commit);
        result.head_is_released = t.commit == result.head;
      }
  }
  auto commits = repo.log(result.head, hide, options.paths);
  if (!commits) return std::unexpected(commits.error());
  result.commits_counted = commits->size();
  std::vector<CommitInput> inputs;
  inputs.reserve(commits->size());
  for (GitCommit& c : *commits) inputs.push_back({std::move(c.hash), std::move(c.message)});
  result.analysis = analyze_commits(inputs, options.preset);
  result.bump = result.analysis.bump;
  if (!result.bump) {
    result.reason = "There are no relevant changes, so no new version is released.";
    return result;
  }

  // The next version, checked against the branch's range and existing tags.
  SemVer next = next_version(*branch, last, *result.bump);
  if (branch->kind != BranchKind::prerelease && !branch->range->contains(next))
    return fail(ErrorCode::conflict, range_error(next, *branch, *branches, *result.bump));
  result.next_tag = make_tag(options.tag_format, next.to_string());
  for (const GitRef& t : *all_tags) {
    if (t.name == result.next_tag)
      return fail(ErrorCode::conflict, "The release `" + next.to_string() + "` on branch `" +
                                           branch->name + "` cannot be published: the tag `" +
                                           result.next_tag + "` already exists.");
  }
  result.next_version = next;

  auto when = repo.commit_time(result.head);
  if (!when) return std::unexpected(when.error());
  result.notes = render_release_notes(result.analysis, {next.to_string(), utc_date(*when), options.preset});
  return result;
}

Result<bool> create_release_tag(const std::filesystem::path& repo_dir, const VersionResult& result) {
  if (!result.next_version) return fail(ErrorCode::invalid_input, "there is no release to tag");
  auto opened = GitRepository::open(repo_dir);
  if (!opened) return std::unexpected(opened.error());
  if (auto existing = opened->resolve("refs/tags/" + result.next_tag)) {
    if (*existing == result.head) return false;
    return fail(ErrorCode::conflict, "tag " + result.next_tag + " already exists on another commit");
  }
  if (auto ok = opened->create_annotated_tag(result.next_tag, result.head, result.notes); !ok)
    return std::unexpected(ok.error());
  nlohmann::json note = {{"channels", nlohmann::json::array()}};
  if (result.channel) note["channels"].push_back(*result.channel);
  else note["channels"].push_back(nullptr);
  if (auto ok = opened->set_note("semantic-release-" + result.next_tag, result.head, json_text(note) + "\n"); !ok)
    return std::unexpected(ok.error());
  return true;
}

}  // namespace slipway::version
