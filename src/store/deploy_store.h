// The deployment concern of the store (see store.h): what is applied in each
// environment, the environment's secrets (as opaque encrypted blobs: the store
// never sees a plaintext), and the record of apply runs and their steps.
//
// Keys: an applied target is (environment, target) where target is a
// component name or "infra:<block>/<name>" for an infrastructure entry.
// Thread-safety: as Store (one connection, one thread at a time).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace slipway::store {

struct AppliedTarget {
  std::string environment;
  std::string target;         // component name, or "infra:<block>/<name>"
  std::string version;        // component version (empty for infrastructure)
  std::string digest;         // artifact digest (empty when none)
  std::string config_digest;  // digest of the configuration it was applied with
  nlohmann::json config = nlohmann::json::object();       // flattened key -> value digest
  nlohmann::json driver_data = nlohmann::json::object();  // the driver's own notes
  TimePoint updated;
};

struct SecretRecord {
  std::string environment;
  std::string name;
  std::string sealed;  // nonce + ciphertext, encoded by the caller; never plaintext
  int generation = 1;  // 1 when created, +1 per rotation
  TimePoint created;
  TimePoint rotated;   // == created until the first rotation
};

struct ApplyRun {
  std::int64_t id = 0;
  std::string environment;
  std::string actor;
  std::string status;  // "running", "succeeded", "failed"
  std::string release; // the release applied, empty when none
  TimePoint started;
  std::optional<TimePoint> finished;
};

struct ApplyStep {
  std::int64_t run_id = 0;
  int seq = 0;           // 1, 2, ... in the order recorded
  std::string target;
  std::string action;    // "install", "upgrade", "configure", "remove"
  std::string status;    // "running", "succeeded", "failed", "reverted"
  std::string message;
  TimePoint at;
};

class DeployStore {
 public:
  virtual ~DeployStore() = default;

  // Applied state of `environment`, sorted by target; empty when nothing applied.
  virtual Result<std::vector<AppliedTarget>> applied(const std::string& environment) = 0;
  // Creates or replaces the row (environment, target); `updated` is stamped now.
  virtual Status put_applied(const AppliedTarget& target) = 0;
  // Removes the row; no error when absent.
  virtual Status remove_applied(const std::string& environment, const std::string& target) = 0;

  // The secret, or nullopt when never created.
  virtual Result<std::optional<SecretRecord>> secret(const std::string& environment,
                                                     const std::string& name) = 0;
  // Secrets of `environment`, sorted by name.
  virtual Result<std::vector<SecretRecord>> secrets(const std::string& environment) = 0;
  // Creates the secret when absent (generation 1) and returns true; when it
  // exists already (another process won the race) changes nothing, returns false.
  virtual Result<bool> create_secret_if_absent(const std::string& environment, const std::string& name,
                                               const std::string& sealed) = 0;
  // Replaces the sealed value, bumps generation and `rotated`. not_found
  // "no secret 'NAME' in environment 'ENV'" when absent.
  virtual Status rotate_secret(const std::string& environment, const std::string& name,
                               const std::string& sealed) = 0;
  // The same value sealed under another key: replaces `sealed` only
  // (generation and dates stay). not_found as rotate_secret.
  virtual Status reseal_secret(const std::string& environment, const std::string& name,
                               const std::string& sealed) = 0;
  // Every environment that holds a secret, sorted.
  virtual Result<std::vector<std::string>> secret_environments() = 0;

  // Apply runs: start returns the new run's id (status "running").
  virtual Result<std::int64_t> start_apply(const std::string& environment, const std::string& actor,
                                           const std::string& release) = 0;
  virtual Status add_apply_step(std::int64_t run, const std::string& target, const std::string& action,
                                const std::string& status, const std::string& message) = 0;
  // Sets the final status; not_found when the run does not exist.
  virtual Status finish_apply(std::int64_t run, const std::string& status) = 0;
  // Runs of `environment`, newest first (all environments when empty).
  virtual Result<std::vector<ApplyRun>> apply_runs(const std::string& environment) = 0;
  virtual Result<std::vector<ApplyStep>> apply_steps(std::int64_t run) = 0;
};

}  // namespace slipway::store
