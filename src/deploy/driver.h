// One interface for every platform's driver (process, helm, kubectl,
// terraform, script). The apply engine (engine.h) decides what to do from the
// plan; a driver only does one entry's action, undoes it, or looks at reality.
//
// Contract: apply() either leaves the entry's new state in place and returns
// success, or returns an error; the engine then calls rollback() with what was
// applied before (nullptr when nothing was), which must put that back. All
// output a driver writes goes through DriverContext::log, which masks secrets.
// A driver holds no state between calls beyond its configuration, so a killed
// slipway leaves nothing a retry cannot redo.
//
// Thread-safety: the engine calls observe/apply/rollback/remove of one driver
// from several threads at once, for DIFFERENT targets (the entries of one
// wave); calls for one target never overlap. DriverContext::log may be called
// from any thread. check() is called alone, before anything else.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deploy/plan.h"
#include "deploy/secrets.h"
#include "model/resolve.h"
#include "model/workspace.h"
#include "store/blobs.h"
#include "store/deploy_store.h"

namespace slipway::deploy {

struct DriverContext {
  const model::Workspace* workspace = nullptr;
  const model::ResolvedEnvironment* environment = nullptr;
  std::map<std::string, std::string> secrets;  // name -> value
  std::filesystem::path state_dir;             // the folder of the state database
  std::function<void(const std::string& target, const std::string& line)> log;  // already masked
  std::shared_ptr<store::BlobStore> blobs;     // artifacts; nullptr: the folder state_dir/artifacts
};

class Driver {
 public:
  virtual ~Driver() = default;
  virtual const char* name() const = 0;
  // What would stop an apply (e.g. "helm not found on PATH"); empty = ready.
  virtual std::vector<std::string> check(const DriverContext& context) = 0;
  // What really runs for `target`; nullopt when this driver cannot look.
  virtual std::optional<Observation> observe(const std::string& target, const DriverContext& context) = 0;
  virtual Status apply(const PlanEntry& entry, const DriverContext& context) = 0;
  virtual Status rollback(const PlanEntry& entry, const store::AppliedTarget* previous,
                          const DriverContext& context) = 0;
  virtual Status remove(const PlanEntry& entry, const DriverContext& context) = 0;
};

// The driver for the environment's platform. unsupported "the KIND driver is
// not available yet" for platforms without one.
Result<std::unique_ptr<Driver>> make_driver(model::PlatformKind kind);

// The script driver: the component's own `deploy.script` commands, run with
// /bin/sh -c in the platform's workdir (default: the workspace folder) with
// SLIPWAY_ENV, SLIPWAY_COMPONENT, SLIPWAY_VERSION, SLIPWAY_PREVIOUS_VERSION,
// SLIPWAY_ACTION, SLIPWAY_ARTIFACT_DIGEST, every configuration key as
// SLIPWAY_CONFIG_<KEY> (upper case, non-alphanumerics as _), the secrets the
// component uses as SECRET_<NAME> (secret_env) and the platform's `env`.
std::unique_ptr<Driver> make_script_driver();

// The secrets of the environment that `component` declares or references
// (model::secrets_used_by), name -> value; the others stay out of its
// processes, so one component cannot read another's credentials.
std::map<std::string, std::string> secrets_for(const DriverContext& context, const model::Component& component);
// SECRET_<NAME>=VALUE for each of `secrets`.
std::vector<std::string> secret_env(const std::map<std::string, std::string>& secrets);

// A value or secret key as an environment variable name: upper case, every
// character other than a letter or digit replaced by '_' ("api-key" → "API_KEY").
std::string env_var_name(const std::string& key);

}  // namespace slipway::deploy
