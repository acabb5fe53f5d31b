// Reading blocks and environments (platform, policy, approvals, freeze windows).
#include <cctype>
#include <chrono>
#include <filesystem>

#include "core/strings.h"
#include "model/reader.h"

namespace slipway::model::detail {

namespace {

const std::vector<std::string> k_platforms = {"process", "helm", "kubectl", "terraform", "script"};
const std::vector<std::string> k_days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
const std::vector<std::string> k_charsets = {"alphanumeric", "hex", "base64", "ascii"};

bool digits(std::string_view text, size_t from, size_t count) {
  if (text.size() < from + count) return false;
  for (size_t i = from; i < from + count; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}

int number(std::string_view text, size_t from, size_t count) {
  int value = 0;
  for (size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// "HH:MM", 00:00 to 23:59.
bool valid_time(std::string_view text) {
  return text.size() == 5 && digits(text, 0, 2) && text[2] == ':' && digits(text, 3, 2) &&
         number(text, 0, 2) < 24 && number(text, 3, 2) < 60;
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (also with a space instead of T).
bool valid_date(std::string_view text) {
  if (text.size() != 10 && text.size() != 16) return false;
  if (!digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) || text[7] != '-' ||
      !digits(text, 8, 2))
    return false;
  std::chrono::year_month_day date{std::chrono::year(number(text, 0, 4)),
                                  std::chrono::month(static_cast<unsigned>(number(text, 5, 2))),
                                  std::chrono::day(static_cast<unsigned>(number(text, 8, 2)))};
  if (!date.ok()) return false;  // 2028-02-30, 2027-02-29, month 13

  if (text.size() == 16) return (text[10] == 'T' || text[10] == ' ') && valid_time(text.substr(11));
  return true;
}

bool valid_timezone(const std::string& zone) {
  if (zone == "UTC") return true;
  if (zone.empty() || zone.find("..") != std::string::npos || zone[0] == '/') return false;
  std::error_code ec;
  const std::filesystem::path database("/usr/share/zoneinfo");
  if (std::filesystem::is_directory(database, ec))
    return std::filesystem::is_regular_file(database / zone, ec);
  // No time zone database on this machine: accept what looks like an IANA name.
  for (char c : zone)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+')
      return false;
  return true;
}

// Reports an invalid enumerated word: "did you mean" when close, else the list.
void bad_word(Reader& reader, const std::string& prefix, const std::string& word,
              const std::vector<std::string>& choices, const std::string& expected,
              const Position& where) {
  std::string hint = did_you_mean(word, choices);
  reader.error(prefix + (hint.empty() ? ": expected " + expected : hint), where);
}

// `owner`: "block 'core'" or "environment 'dev'".
void read_secrets(Reader& reader, const std::string& owner, const yaml::Node& node,
                  const Position& where, std::vector<SecretSpec>& out) {
  if (node.is_null() || !reader.mapping(node, "secrets of " + owner, where)) return;
  for (const yaml::Node::Entry& entry : node.entries()) {
    std::string what = "secret '" + entry.key.text() + "' of " + owner;
    SecretSpec secret;
    secret.name = entry.key.text();
    secret.where = entry.key.position();
    if (!valid_name(secret.name))
      reader.error("invalid secret name '" + secret.name + "' in " + owner +
                       ": use letters, digits, '-', '_' and '.'",
                   secret.where);
    if (!reader.mapping(entry.value, what, secret.where)) continue;
    reader.check_keys(entry.value, what, {"generate", "from_env"});
    const yaml::Node* generate = entry.value.get("generate");
    const yaml::Node* from_env = entry.value.get("from_env");
    if (generate && from_env) {
      reader.error(what + " has both generate and from_env", secret.where);
      continue;
    }
    if (from_env) {
      secret.kind = SecretSpec::Kind::from_env;
      if (auto var = reader.string(*from_env, "from_env of " + what, secret.where)) secret.env_var = *var;
    } else if (generate) {
      secret.kind = SecretSpec::Kind::generate;
      if (!generate->is_null() && reader.mapping(*generate, "generate of " + what, secret.where)) {
        reader.check_keys(*generate, "generate of " + what, {"length", "charset"});
        if (const yaml::Node* length = generate->get("length"))
          if (auto value = reader.integer(*length, "length of " + what, 8, 4096, secret.where))
            secret.length = *value;
        if (const yaml::Node* charset = generate->get("charset")) {
          if (auto value = reader.string(*charset, "charset of " + what, secret.where)) {
            bool known = false;
            for (const std::string& choice : k_charsets) known = known || choice == *value;
            if (known) secret.charset = *value;
            else
              bad_word(reader, "invalid charset '" + *value + "' of " + what, *value, k_charsets,
                       "alphanumeric, hex, base64 or ascii", Reader::at(*charset, secret.where));
          }
        }
      }
    } else {
      reader.error(what + " needs generate or from_env", secret.where);
      continue;
    }
    out.push_back(std::move(secret));
  }
}

void read_infrastructure(Reader& reader, const std::string& block, const yaml::Node& node,
                         const Position& where, std::vector<Infrastructure>& out) {
  if (node.is_null() || !reader.mapping(node, "infrastructure of block '" + block + "'", where)) return;
  for (const yaml::Node::Entry& entry : node.entries()) {
    std::string what = "infrastructure '" + entry.key.text() + "' of block '" + block + "'";
    if (!reader.mapping(entry.value, what, entry.key.position())) continue;
    reader.check_keys(entry.value, what, {"module", "vars"});
    Infrastructure infra{.name = entry.key.text(), .module = {}, .vars = field(entry.value, "vars"),
                         .where = entry.key.position()};
    if (auto module = reader.required_string(entry.value, "module", what, infra.where))
      infra.module = *module;
    if (!infra.vars.is_null()) reader.mapping(infra.vars, "vars of " + what, infra.where);
    out.push_back(std::move(infra));
  }
}

std::optional<Platform> read_platform(Reader& reader, const std::string& env,
                                      const yaml::Node& node, const Position& where) {
  std::string what = "platform of environment '" + env + "'";
  Platform platform;
  platform.where = Reader::at(node, where);
  const yaml::Node* kind_node = &node;
  if (node.is_mapping()) {
    reader.check_keys(node, what, {"kind", "values", "host", "port_offset", "namespace", "context",
                                   "workdir", "env", "binary"});
    kind_node = node.get("kind");
    if (!kind_node) {
      reader.error(what + " has no kind", platform.where);
      return std::nullopt;
    }
  } else if (!node.is_scalar()) {
    reader.error(what + ": expected a platform name or a mapping, got " + describe_kind(node),
                 platform.where);
    return std::nullopt;
  }
  std::optional<std::string> kind = reader.string(*kind_node, "kind of " + what, platform.where);
  if (!kind) return std::nullopt;
  std::optional<PlatformKind> parsed = parse_platform_kind(*kind);
  if (!parsed) {
    bad_word(reader, "invalid platform '" + *kind + "' of environment '" + env + "'", *kind,
             k_platforms, "process, helm, kubectl, terraform or script",
             Reader::at(*kind_node, platform.where));
    return std::nullopt;
  }
  platform.kind = *parsed;
  if (!node.is_mapping()) return platform;

  std::vector<std::string_view> allowed;
  switch (platform.kind) {
    case PlatformKind::process: allowed = {"host", "port_offset"}; break;
    case PlatformKind::helm:
    case PlatformKind::kubectl: allowed = {"namespace", "context", "binary"}; break;
    case PlatformKind::terraform: allowed = {"workdir", "binary"}; break;
    case PlatformKind::script: allowed = {"workdir", "env"}; break;
  }
  for (const yaml::Node::Entry& entry : node.entries()) {
    const std::string& key = entry.key.text();
    if (key == "kind" || key == "values") continue;
    bool applies = false;
    for (std::string_view ok : allowed) applies = applies || ok == key;
    bool known = key == "host" || key == "port_offset" || key == "namespace" || key == "context" ||
                 key == "workdir" || key == "env" || key == "binary";
    if (known && !applies)
      reader.error("key '" + key + "' does not apply to platform '" + *kind + "' of environment '" +
                       env + "'",
                   entry.key.position());
  }
  if (const yaml::Node* host = node.get("host"))
    if (auto value = reader.string(*host, "host of " + what, platform.where)) platform.host = *value;
  if (const yaml::Node* offset = node.get("port_offset"))
    if (auto value = reader.integer(*offset, "port_offset of " + what, 0, 60000, platform.where))
      platform.port_offset = *value;
  if (const yaml::Node* ns = node.get("namespace"))
    if (auto value = reader.string(*ns, "namespace of " + what, platform.where))
      platform.namespace_name = *value;
  if (const yaml::Node* context = node.get("context"))
    if (auto value = reader.string(*context, "context of " + what, platform.where))
      platform.context = *value;
  if (const yaml::Node* workdir = node.get("workdir"))
    if (auto value = reader.string(*workdir, "workdir of " + what, platform.where))
      platform.workdir = *value;
  if (const yaml::Node* binary = node.get("binary")) {
    if (auto value = reader.string(*binary, "binary of " + what, platform.where)) {
      if (value->empty()) reader.error("binary of " + what + " is empty", Reader::at(*binary, platform.where));
      platform.binary = *value;
    }
  }
  platform.env = reader.string_map(field(node, "env"), "env of " + what, platform.where);
  platform.values = field(node, "values");
  if (!platform.values.is_null()) reader.mapping(platform.values, "values of " + what, platform.where);
  return platform;
}

std::optional<FreezeWindow> read_freeze_window(Reader& reader, const std::string& env,
                                               const yaml::Node& node, const Position& fallback) {
  std::string what = "freeze window of environment '" + env + "'";
  if (!reader.mapping(node, what, fallback)) return std::nullopt;
  reader.check_keys(node, what, {"from", "to", "days", "start", "end", "timezone"});
  FreezeWindow window;
  window.where = Reader::at(node, fallback);
  auto text = [&](std::string_view key, std::string& out, bool (*valid)(std::string_view),
                  const char* expected) {
    if (auto value = reader.required_string(node, key, what, window.where)) {
      if (valid(*value)) out = *value;
      else
        reader.error("invalid " + std::string(key) + " '" + *value + "' in " + what + ": expected " +
                         expected,
                     Reader::at(field(node, key), window.where));
    }
  };
  if (node.get("from") || node.get("to")) {
    window.kind = FreezeWindow::Kind::span;
    text("from", window.from, valid_date, "YYYY-MM-DD or YYYY-MM-DDTHH:MM");
    text("to", window.to, valid_date, "YYYY-MM-DD or YYYY-MM-DDTHH:MM");
    if (!window.from.empty() && !window.to.empty() && window.to <= window.from)
      reader.error(what + " ends before it starts", window.where);
    if (node.get("days") || node.get("start") || node.get("end"))
      reader.error(what + " mixes from/to with days/start/end", window.where);
  } else if (node.get("days") || node.get("start") || node.get("end")) {
    window.kind = FreezeWindow::Kind::weekly;
    if (!node.get("days")) reader.error(what + " has no days", window.where);
    for (const NameRef& day : reader.names(field(node, "days"), "days of " + what, window.where)) {
      std::string lower = to_lower(day.name).substr(0, 3);
      bool known = false;
      for (const std::string& d : k_days) known = known || (d == lower && day.name.size() <= 9);
      if (known) window.days.push_back(lower);
      else
        bad_word(reader, "invalid day '" + day.name + "' in " + what, day.name, k_days,
                 "mon, tue, wed, thu, fri, sat or sun", day.where);
    }
    text("start", window.start, valid_time, "HH:MM");
    text("end", window.end, valid_time, "HH:MM");
  } else {
    reader.error(what + " needs from/to or days/start/end", window.where);
    return std::nullopt;
  }
  if (const yaml::Node* zone = node.get("timezone")) {
    if (auto value = reader.string(*zone, "timezone of " + what, window.where)) {
      if (valid_timezone(*value)) window.timezone = *value;
      else reader.error("unknown timezone '" + *value + "' in " + what, Reader::at(*zone, window.where));
    }
  }
  return window;
}

void read_policy(Reader& reader, const std::string& env, const yaml::Node& node,
                 const Position& where, Policy& policy) {
  std::string what = "policy of environment '" + env + "'";
  if (!reader.mapping(node, what, where)) return;
  reader.check_keys(node, what,
                    {"mode", "branch", "promote_from", "approvals", "requester_cannot_approve", "distinct_approvers",
                     "freeze", "permissions"});
  policy.where = Reader::at(node, where);
  if (const yaml::Node* mode = node.get("mode")) {
    if (auto value = reader.string(*mode, "mode of " + what, policy.where)) {
      if (*value == "auto") policy.mode = PolicyMode::auto_;
      else if (*value == "manual") policy.mode = PolicyMode::manual;
      else
        reader.error("invalid policy mode '" + *value + "' of environment '" + env +
                         "': expected auto or manual",
                     Reader::at(*mode, policy.where));
    }
  }
  if (const yaml::Node* branch = node.get("branch"))
    if (auto value = reader.string(*branch, "branch of " + what, policy.where)) policy.branch = *value;
  if (const yaml::Node* from = node.get("promote_from"))
    if (auto value = reader.string(*from, "promote_from of " + what, policy.where))
      policy.promote_from = NameRef{*value, Reader::at(*from, policy.where)};
  for (const char* key : {"requester_cannot_approve", "distinct_approvers"})
    if (const yaml::Node* flag = node.get(key))
      if (auto value = reader.boolean(*flag, std::string(key) + " of " + what, policy.where))
        policy.requester_cannot_approve = *value;
  if (const yaml::Node* permissions = node.get("permissions"))
    policy.permissions = read_permissions(reader, *permissions, "permissions of environment '" + env + "'",
                                          key_position(node, "permissions", policy.where));
  const yaml::Node& approvals = field(node, "approvals");
  if (!approvals.is_null() &&
      reader.sequence(approvals, "approvals of " + what, key_position(node, "approvals", policy.where))) {
    for (const yaml::Node& item : approvals.items()) {
      std::string sub = "approval of environment '" + env + "'";
      if (!reader.mapping(item, sub, policy.where)) continue;
      reader.check_keys(item, sub, {"role", "count", "expires_after"});
      Approval approval;
      approval.where = item.position();
      if (auto role = reader.required_string(item, "role", sub, approval.where))
        approval.role = NameRef{*role, Reader::at(field(item, "role"), approval.where)};
      if (const yaml::Node* count = item.get("count"))
        if (auto value = reader.integer(*count, "count of " + sub, 1, 100, approval.where))
          approval.count = *value;
      if (const yaml::Node* expiry = item.get("expires_after"))
        approval.expires_after = read_duration(reader, *expiry, "expires_after of " + sub, approval.where);
      if (!approval.role.name.empty()) policy.approvals.push_back(std::move(approval));
    }
  }
  const yaml::Node& freeze = field(node, "freeze");
  if (!freeze.is_null() &&
      reader.sequence(freeze, "freeze of " + what, key_position(node, "freeze", policy.where))) {
    for (const yaml::Node& item : freeze.items())
      if (auto window = read_freeze_window(reader, env, item, policy.where))
        policy.freeze.push_back(std::move(*window));
  }
  if (policy.mode == PolicyMode::auto_) {
    if (!node.get("branch")) reader.error("auto environment '" + env + "' has no branch", policy.where);
    if (!policy.approvals.empty())
      reader.error("auto environment '" + env + "' cannot require approvals",
                   key_position(node, "approvals", policy.where));
  } else if (node.get("branch")) {
    reader.error("branch of environment '" + env + "' only applies to auto mode",
                 key_position(node, "branch", policy.where));
  }
}

}  // namespace

std::optional<Block> read_block(Reader& reader, const std::string& name, const yaml::Node& node,
                                const Position& where) {
  std::string what = "block '" + name + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  reader.check_keys(node, what,
                    {"name", "description", "components", "values", "secrets", "infrastructure"});
  Block block;
  block.name = name;
  block.where = where;
  if (const yaml::Node* description = node.get("description"))
    if (auto value = reader.string(*description, "description of " + what, where))
      block.description = *value;
  block.components = reader.names(field(node, "components"), "components of " + what,
                                  key_position(node, "components", where));
  block.values = field(node, "values");
  if (!block.values.is_null()) reader.mapping(block.values, "values of " + what, where);
  read_secrets(reader, what, field(node, "secrets"), key_position(node, "secrets", where),
               block.secrets);
  read_infrastructure(reader, name, field(node, "infrastructure"),
                      key_position(node, "infrastructure", where), block.infrastructure);
  return block;
}

std::optional<Environment> read_environment(Reader& reader, const std::string& name,
                                            const yaml::Node& node, const Position& where,
                                            bool name_key_allowed) {
  std::string what = "environment '" + name + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  if (name_key_allowed)
    reader.check_keys(node, what,
                      {"name", "description", "platform", "blocks", "components", "values", "secrets",
                       "policy"});
  else
    reader.check_keys(node, what,
                      {"description", "platform", "blocks", "components", "values", "secrets", "policy"});
  Environment env;
  env.name = name;
  env.where = where;
  if (const yaml::Node* description = node.get("description"))
    if (auto value = reader.string(*description, "description of " + what, where))
      env.description = *value;
  if (const yaml::Node* platform = node.get("platform"))
    env.platform = read_platform(reader, name, *platform, key_position(node, "platform", where));
  else
    reader.error(what + " has no platform", where);
  env.blocks = reader.names(field(node, "blocks"), "blocks of " + what,
                            key_position(node, "blocks", where));
  env.components = reader.names(field(node, "components"), "components of " + what,
                                key_position(node, "components", where));
  env.values = field(node, "values");
  if (!env.values.is_null()) reader.mapping(env.values, "values of " + what, where);
  read_secrets(reader, what, field(node, "secrets"), key_position(node, "secrets", where), env.secrets);
  env.policy.where = where;
  if (const yaml::Node* policy = node.get("policy"))
    read_policy(reader, name, *policy, key_position(node, "policy", where), env.policy);
  return env;
}

}  // namespace slipway::model::detail
