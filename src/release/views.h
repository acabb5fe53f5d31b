// Reading the state: status matrix, diff of environments or releases, and an
// environment's history. Read-only; results are plain data plus JSON forms
// (the CLI prints them; `--json` prints to_json).
//
// Thread-safety: like the Store, one thread at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "release/service.h"

namespace slipway::release {

struct EnvironmentStatus {
  std::string name;
  std::string mode;            // "auto" / "manual"
  std::string upstream;        // promote_from, "" when none
  std::string release;         // applied release, "" when none
  std::string product_version;
  std::string last_result;     // "succeeded" / "failed" / ""
  std::string last_release;
  std::vector<std::pair<std::string, std::string>> components;  // env's components → applied version ("" = none)
  std::vector<std::string> differs_from_upstream;               // component names
  std::vector<std::string> not_built;  // env's components with no recorded build at all ("not yet built")
  std::vector<std::string> pending;  // e.g. "2.3.5: needs 1 approval by role qa on prod-cloud; has 0"
};

Result<std::vector<EnvironmentStatus>> status(store::Store& store, const model::Workspace& workspace,
                                              ReleaseService& service);
nlohmann::json to_json(const std::vector<EnvironmentStatus>& status);

struct Change {
  std::string key;     // component name, value path, secret, block or platform field
  std::string change;  // "added", "removed", "changed", "upgraded", "downgraded", "unchanged"
  std::string from;    // "" when absent; secrets: never the value
  std::string to;
};

struct Diff {
  std::string a, b;
  std::vector<Change> components;
  std::vector<Change> values;     // flattened key paths (environments only)
  std::vector<Change> secrets;    // by name: "added", "removed", "changed", "unchanged", "not generated yet"
  std::vector<Change> blocks;
  std::vector<Change> platform;
  std::string config;             // releases: "same" / "different" configuration digest
};

// name -> fingerprint of an environment's generated secrets (a digest that is
// equal for equal values and shows nothing of them). src/deploy owns the
// values; the front end passes its function in (release never reads secrets).
using SecretFingerprints = std::function<Result<std::map<std::string, std::string>>(const std::string& environment)>;

// `a` and `b` each name an environment or a release (environments first).
// Secrets declared on both sides are "changed" / "unchanged" by fingerprint,
// "not generated yet" when a side has none (or no `fingerprints` is given);
// values never appear. not_found "unknown environment or release 'x'".
Result<Diff> diff(store::Store& store, const model::Workspace& workspace, ReleaseService& service,
                  const std::string& a, const std::string& b, const SecretFingerprints& fingerprints = {});
nlohmann::json to_json(const Diff& diff);

struct HistoryEntry {
  std::int64_t id = 0;
  TimePoint time;
  std::string actor;
  std::string what;     // "applied", "failed", "interrupted", "approved", "secret.revealed", "secret.rotated", "lock.broken", "lock.takeover",
                        // "deployment.requested|approved|started|finished" (a pipeline's deployment job)
  std::string release;
  std::string reason;   // "promote", "rollback", "auto", "apply", "hotfix"
  std::string message;  // outcome message or what was missing
};

// Every release applied, failed or interrupted in `environment`, approvals, secrets revealed or
// rotated and locks broken or taken over, oldest first.
Result<std::vector<HistoryEntry>> history(store::Store& store, const model::Workspace& workspace,
                                          const std::string& environment);
nlohmann::json to_json(const std::vector<HistoryEntry>& history);

}  // namespace slipway::release
