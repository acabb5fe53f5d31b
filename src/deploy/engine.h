// The apply engine: makes an environment match a desired set of component
// versions, through one driver, recording every step in the store.
//
// Passes: resolve → secrets (generate once) → observe (driver) → plan → apply
// waves → record. See engine.cpp for the design and its invariants.
//
// The caller holds the environment's lock (the release flow, or the `apply`
// command). Not thread-safe: one apply per Store at a time. Inside, the
// entries of one wave run on worker threads (driver calls concurrently, store
// calls one at a time); everything has finished when apply_environment returns.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "deploy/driver.h"
#include "deploy/plan.h"
#include "deploy/secrets.h"
#include "store/store.h"

namespace slipway::deploy {

struct ApplyRequest {
  const model::Workspace* workspace = nullptr;
  std::string environment;
  WantedVersions wanted;
  std::string release;                            // for the record; may be empty
  std::string actor;
  std::filesystem::path state_dir;                // logs go to state_dir/logs/ENV/TARGET.log
  std::shared_ptr<store::BlobStore> blobs;        // artifacts; nullptr: the folder state_dir/artifacts
  // Called before each entry starts (never concurrently); an error stops the apply.
  std::function<Status()> keep_alive = [] { return Status{}; };
  // How many entries of one wave may run at once; 0 = max(4, hardware threads).
  unsigned parallelism = 0;
};

struct StepResult {
  std::string target;
  std::string action;   // plan action, or "revert"
  bool succeeded = true;
  std::string message;
};

struct ApplyResult {
  bool succeeded = false;
  std::string message;  // "no changes", "applied 3 changes", "orders: script apply failed (exit 1)"
  std::int64_t run_id = 0;
  Plan plan;
  std::vector<StepResult> steps;
};

// Plans and applies. An Error only when nothing could be attempted (unknown
// environment, bad key, driver unavailable or not ready, planning error);
// a driver failure is an ApplyResult with succeeded = false.
Result<ApplyResult> apply_environment(store::Store& store, Driver& driver, const MasterKey& key,
                                      const ApplyRequest& request);

}  // namespace slipway::deploy
