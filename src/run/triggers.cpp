#include "run/triggers.h"

#include <algorithm>

#include "core/strings.h"

namespace slipway::run {

namespace {

struct Filter {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool present = false;
};

Result<std::vector<std::string>> name_list(const yaml::Node& node, const std::string& what) {
  std::vector<std::string> out;
  if (node.is_scalar()) {
    out.push_back(node.text());
    return out;
  }
  if (!node.is_sequence())
    return fail(ErrorCode::invalid_input, what + " must be a list of names, got " + node.kind_name(), node.position());
  for (const yaml::Node& item : node.items()) {
    if (!item.is_scalar()) return fail(ErrorCode::invalid_input, what + " entries must be names", item.position());
    out.push_back(item.text());
  }
  return out;
}

Result<Filter> read_filter(const yaml::Node* node, const std::string& what) {
  Filter filter;
  if (!node) return filter;
  filter.present = true;
  if (node->is_sequence()) {
    auto list = name_list(*node, what);
    if (!list) return std::unexpected(list.error());
    filter.include = *list;
    return filter;
  }
  if (!node->is_mapping())
    return fail(ErrorCode::invalid_input, what + " must be a mapping with include/exclude", node->position());
  if (const yaml::Node* inc = node->get("include")) {
    auto list = name_list(*inc, what + ".include");
    if (!list) return std::unexpected(list.error());
    filter.include = *list;
  }
  if (const yaml::Node* exc = node->get("exclude")) {
    auto list = name_list(*exc, what + ".exclude");
    if (!list) return std::unexpected(list.error());
    filter.exclude = *list;
  }
  return filter;
}

using Keys = std::vector<std::string>;

// Every key of `node` (a mapping) is one of `keys`.
Status only_keys(const yaml::Node& node, const std::string& what, const Keys& keys) {
  for (const yaml::Node::Entry& entry : node.entries())
    if (std::find(keys.begin(), keys.end(), entry.key.text()) == keys.end())
      return fail(ErrorCode::invalid_input,
                  "unknown key '" + entry.key.text() + "' in " + what + " (expected " + join(keys, ", ") + ")",
                  entry.key.position());
  return {};
}

Status check_boolean(const yaml::Node* node, const std::string& what) {
  if (!node) return {};
  std::string text = node->is_scalar() ? to_lower(node->text()) : "";
  if (text != "true" && text != "false")
    return fail(ErrorCode::invalid_input, what + " must be true or false", node->position());
  return {};
}

Status check_filter(const yaml::Node* node, const std::string& what) {
  if (!node) return {};
  if (node->is_mapping())
    if (Status s = only_keys(*node, what, {"include", "exclude"}); !s) return s;
  auto filter = read_filter(node, what);
  if (!filter) return std::unexpected(filter.error());
  return {};
}

// trigger: or pr: (`what`), with the mapping keys `keys` besides the filters.
Status check_trigger_node(const yaml::Node* node, const std::string& what, const Keys& keys, const Keys& booleans,
                          const Keys& filters) {
  if (!node || node->is_null()) return {};
  if (node->is_scalar()) return {};  // none, or one branch name
  if (node->is_sequence()) {
    auto list = name_list(*node, what);
    if (!list) return std::unexpected(list.error());
    return {};
  }
  if (!node->is_mapping())
    return fail(ErrorCode::invalid_input, what + " must be none, a list of branches or a mapping", node->position());
  if (Status s = only_keys(*node, what, keys); !s) return s;
  for (const std::string& key : booleans)
    if (Status s = check_boolean(node->get(key), what + "." + key); !s) return s;
  for (const std::string& key : filters)
    if (Status s = check_filter(node->get(key), what + "." + key); !s) return s;
  return {};
}

std::string strip(std::string_view name, std::string_view prefix) {
  return std::string(name.starts_with(prefix) ? name.substr(prefix.size()) : name);
}

bool matches_any(const std::vector<std::string>& patterns, const std::string& name, std::string_view prefix) {
  for (const std::string& p : patterns)
    if (wildcard_match(strip(p, prefix), name)) return true;
  return false;
}

bool path_matches(const std::string& pattern, const std::string& path) {
  std::string p = strip(pattern, "/");
  if (p.find_first_of("*?") != std::string::npos) return wildcard_match(p, path);
  if (!p.empty() && p.back() == '/') p.pop_back();
  return p.empty() || path == p || path.starts_with(p + "/");
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Status check_triggers(const yaml::Node* trigger, const yaml::Node* pr) {
  if (Status s = check_trigger_node(trigger, "trigger", {"batch", "branches", "paths", "tags"}, {"batch"},
                                    {"branches", "paths", "tags"});
      !s)
    return s;
  return check_trigger_node(pr, "pr", {"autoCancel", "branches", "paths", "drafts"}, {"autoCancel", "drafts"},
                            {"branches", "paths"});
}

Result<TriggerDecision> evaluate_trigger(const yaml::Node* trigger, const PushEvent& event) {
  if (Status s = check_triggers(trigger, nullptr); !s) return std::unexpected(s.error());
  bool is_tag = event.ref.starts_with("refs/tags/");
  std::string name = is_tag ? strip(event.ref, "refs/tags/") : strip(event.ref, "refs/heads/");
  std::string what = is_tag ? "tag '" + name + "'" : "branch '" + name + "'";
  TriggerDecision decision;
  if (!trigger || trigger->is_null()) {
    decision.run = !is_tag;
    decision.reason = is_tag ? "no tags filter: tags do not trigger" : "no trigger: every branch runs";
    return decision;
  }
  if (trigger->is_scalar()) {
    if (iequals(trigger->text(), "none")) {
      decision.reason = "trigger is none";
      return decision;
    }
  }
  Filter branches, paths, tags;
  if (trigger->is_scalar() || trigger->is_sequence()) {
    auto list = trigger->is_scalar() ? Result<std::vector<std::string>>{std::vector<std::string>{trigger->text()}}
                                     : name_list(*trigger, "trigger");
    if (!list) return std::unexpected(list.error());
    branches.present = true;
    branches.include = *list;
  } else if (trigger->is_mapping()) {
    if (const yaml::Node* batch = trigger->get("batch"); batch && batch->is_scalar())
      decision.batch = iequals(batch->text(), "true");
    auto b = read_filter(trigger->get("branches"), "trigger.branches");
    if (!b) return std::unexpected(b.error());
    auto p = read_filter(trigger->get("paths"), "trigger.paths");
    if (!p) return std::unexpected(p.error());
    auto t = read_filter(trigger->get("tags"), "trigger.tags");
    if (!t) return std::unexpected(t.error());
    branches = *b, paths = *p, tags = *t;
  } else {
    return fail(ErrorCode::invalid_input, "trigger must be none, a list of branches or a mapping", trigger->position());
  }

  if (is_tag) {
    if (!tags.present) {
      decision.reason = "no tags filter: tags do not trigger";
      return decision;
    }
    if (matches_any(tags.exclude, name, "refs/tags/")) {
      decision.reason = what + " is excluded";
      return decision;
    }
    if (!matches_any(tags.include, name, "refs/tags/")) {
      decision.reason = what + " is not included";
      return decision;
    }
  } else {
    if (matches_any(branches.exclude, name, "refs/heads/")) {
      decision.reason = what + " is excluded";
      return decision;
    }
    bool included = !branches.present || (branches.include.empty() && !branches.exclude.empty())
                        ? true
                        : matches_any(branches.include, name, "refs/heads/");
    if (!included) {
      decision.reason = what + " is not included";
      return decision;
    }
  }
  if (paths.present && !event.changed_paths.empty()) {
    bool any = false;
    for (const std::string& path : event.changed_paths) {
      bool in = paths.include.empty();
      for (const std::string& p : paths.include) in = in || path_matches(p, path);
      for (const std::string& p : paths.exclude) in = in && !path_matches(p, path);
      any = any || in;
    }
    if (!any) {
      decision.reason = "no changed path is included";
      return decision;
    }
  }
  decision.run = true;
  decision.reason = what + " is included";
  return decision;
}

}  // namespace slipway::run
