#include "cli/print.h"

#include <algorithm>
#include <optional>

#include "core/clock.h"

#include "service/codec.h"

namespace slipway::cli {

namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
  return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

std::vector<std::string> texts(const json& object, const char* key) {
  std::vector<std::string> out;
  if (object.contains(key) && object[key].is_array())
    for (const json& item : object[key])
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// "3m" since an ISO time as format_utc writes it; "?" for anything else.
std::string age_of(const json& object, const char* key) {
  std::optional<TimePoint> then = parse_utc(text(object, key));
  if (!then) return "?";
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(system_clock().now() - *then).count();
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

}  // namespace

void print_secrets(const json& secrets) {
  for (const json& s : secrets) {
    std::cout << text(s, "name") << "  " << (text(s, "block").empty() ? "environment" : "block " + text(s, "block"))
              << "  ";
    const int generation = s.value("generation", 0);
    if (!s.value("generated", false)) std::cout << "not generated yet\n";
    else if (generation == 1) std::cout << "created " << age_of(s, "created") << " ago\n";
    else
      std::cout << "created " << age_of(s, "created") << " ago, rotated " << age_of(s, "rotated")
                << " ago (generation " << generation << ")\n";
  }
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], row[i].size());
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

Status print_apply(const json& record, std::ostream& out) {
  const std::string release = text(record, "release"), environment = text(record, "environment");
  if (record.contains("took_over"))
    out << "took over the lock of " << environment << " held by " << text(record["took_over"], "holder") << ": "
        << text(record["took_over"], "why") << "\n";
  for (const json& c : record.value("components", json::array()))
    out << (c.value("succeeded", false) ? "  ok      " : "  FAILED  ") << text(c, "action") << " "
        << text(c, "component") << ": " << text(c, "message") << "\n";
  const bool succeeded = record.value("succeeded", false), interrupted = record.value("interrupted", false);
  const char* result = succeeded ? "applied" : interrupted ? "INTERRUPTED" : "FAILED";
  out << text(record, "reason") << " " << release << " to " << environment << ": " << result << " ("
      << text(record, "message") << ")\n";
  for (const std::string& o : texts(record, "overridden")) out << "  forced: " << o << "\n";
  if (succeeded) return {};
  return fail(ErrorCode::conflict, "applying " + release + " to " + environment +
                                       (interrupted ? " was interrupted: " : " failed: ") + text(record, "message"));
}

Status print_apply(const release::ApplyRecord& record, std::ostream& out) {
  return print_apply(json(service::to_json(record)), out);
}

void print_release(const json& r) {
  std::cout << "release " << text(r, "id") << "\n  created " << text(r, "created") << " by " << text(r, "created_by")
            << " from " << text(r, "source") << "\n  config " << text(r, "config_digest").substr(0, 12) << "\n";
  for (const json& c : r.value("components", json::array()))
    std::cout << "  " << text(c, "name") << " " << text(c, "version") << " " << text(c, "artifact_digest") << "\n";
}

void print_status(const json& environments) {
  for (const json& e : environments) {
    const std::string upstream = text(e, "upstream"), version = text(e, "product_version");
    const std::string last = text(e, "last_result");
    std::cout << text(e, "environment") << " (" << text(e, "mode") << (upstream.empty() ? "" : ", from " + upstream)
              << ")  " << (version.empty() ? "never applied" : version)
              << (last.empty() ? "" : "  last: " + last + " " + text(e, "last_release")) << "\n";
    const std::vector<std::string> differs = texts(e, "differs_from_upstream"), unbuilt = texts(e, "not_built");
    for (const std::string& name : texts(e, "component_order")) {
      const std::string running = text(e["components"], name.c_str());
      std::cout << "  " << (contains(differs, name) ? "* " : "  ") << name << " "
                << (!running.empty() ? running : contains(unbuilt, name) ? "not yet built" : "-") << "\n";
    }
    for (const std::string& p : texts(e, "pending")) std::cout << "  pending: " << p << "\n";
  }
}

void print_diff(const json& d) {
  auto section = [&](const char* title) {
    if (!d.contains(title) || d[title].empty()) return;
    std::cout << title << ":\n";
    for (const json& ch : d[title]) {
      const std::string from = text(ch, "from"), to = text(ch, "to");
      std::cout << "  " << text(ch, "key") << ": " << text(ch, "change");
      if (!from.empty() || !to.empty()) std::cout << " " << (from.empty() ? "-" : from) << " -> " << (to.empty() ? "-" : to);
      std::cout << "\n";
    }
  };
  std::cout << "diff " << text(d, "a") << " " << text(d, "b") << "\n";
  for (const char* title : {"components", "values", "secrets", "blocks", "platform"}) section(title);
  if (!text(d, "config").empty()) std::cout << "configuration: " << text(d, "config") << "\n";
}

void print_plan(const json& plan) {
  std::string lines;
  int changes = 0;
  for (const json& e : plan.value("entries", json::array())) {
    const std::string action = text(e, "action"), to = text(e, "to"), drift = text(e, "drift");
    if (action != "nothing") ++changes;
    std::string line = "  " + action;
    line.resize(std::max<size_t>(line.size() + 1, 12), ' ');
    line += text(e, "target");
    if (action == "install" && !to.empty()) line += " " + to;
    line += "  (" + text(e, "why") + ")";
    if (!drift.empty() && action != "repair") line += "  drift: " + drift;
    lines += line + "\n";
  }
  std::cout << "plan for " << text(plan, "environment") << ": "
            << (changes == 0 ? std::string("no changes") : std::to_string(changes) + " change" + (changes == 1 ? "" : "s"))
            << "\n" << lines;
  for (const std::string& p : texts(plan, "driver_problems")) std::cout << "driver problem: " << p << "\n";
}

void print_history(const json& entries) {
  for (const json& e : entries) {
    const std::string reason = text(e, "reason"), message = text(e, "message");
    std::cout << text(e, "time") << "  " << text(e, "what") << "  " << text(e, "release") << "  by " << text(e, "actor")
              << (reason.empty() ? "" : "  (" + reason + ")") << (message.empty() ? "" : "  " + message) << "\n";
  }
}

}  // namespace slipway::cli
