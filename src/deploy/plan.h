// The plan: what applying a desired state to an environment would change.
//
// Inputs are plain data so planning is pure and fast (bench/plan): the
// resolved environment (model::resolve_environment), the component versions
// wanted (from a release, or given), the applied state the store holds, and,
// optionally, what drivers observe of reality. Output: one PlanEntry per
// target (component or infrastructure entry) with its action and why, plus
// the waves in which apply may run them (a wave's entries are independent).
//
// Configuration of a target is a flat map key -> text: for the process
// platform "env.NAME" (the entry's `${{ values.x.y }}` / `${{ secrets.n }}`
// references substituted; a secret counts by its generation, never its value),
// "port", "host", "command", "cwd", "health"; for infrastructure "vars.PATH"
// and "module". The store keeps a digest per key, so a configuration change
// names the keys that changed without the store ever holding values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/resolve.h"
#include "model/workspace.h"
#include "store/deploy_store.h"

namespace slipway::deploy {

enum class PlanAction { nothing, install, upgrade, configure, repair, remove };
const char* plan_action_name(PlanAction action);  // "nothing", "install", ...

struct WantedComponent {
  std::string version;
  std::string digest;  // artifact digest; empty when unknown
};
// component -> wanted version; hashed: the plan looks every component up once.
using WantedVersions = std::unordered_map<std::string, WantedComponent>;

// What a driver saw of a target in reality; absent targets were not looked at.
struct Observation {
  bool present = true;   // false: the driver found nothing running/installed
  std::string version;   // what is really there ("" when the driver cannot say)
  std::string drift;     // other differences the driver saw, named (never values); "" = none
};

struct PlanInput {
  const model::Workspace* workspace = nullptr;
  const model::ResolvedEnvironment* environment = nullptr;
  WantedVersions wanted;
  std::vector<store::AppliedTarget> applied;                 // from the store
  std::map<std::string, int> secret_generations;             // secret -> generation (0 = not yet)
  std::map<std::string, Observation> observed;               // target -> reality, when looked at
};

struct PlanEntry {
  std::string target;  // component name or "infra:<name>"
  PlanAction action = PlanAction::nothing;
  std::string from_version;  // applied version ("" when none)
  std::string to_version;    // wanted version ("" on remove and for infrastructure)
  std::string digest;
  std::vector<std::string> changed_keys;  // for configure (and upgrade when config changed too)
  std::string why;                        // one line, e.g. "1.2.0 -> 1.3.0"
  std::string drift;                      // "" when reality matches the store
  int wave = 0;                           // apply order: wave 0 first; removes after the rest
  std::map<std::string, std::string> config;  // the desired configuration (key -> text)
  std::string config_digest;
};

struct Plan {
  std::string environment;
  std::vector<PlanEntry> entries;  // in apply order: by wave, then environment order
  bool has_changes() const;
  int waves() const;
};

// The desired configuration of one component on the environment's platform.
// invalid_input "component C: ${{ values.x }} is not set in environment E" for
// a reference to a missing value.
Result<std::map<std::string, std::string>> component_config(const model::Component& component,
                                                            const model::ResolvedEnvironment& environment,
                                                            const std::map<std::string, int>& secret_generations);

// Digest of a configuration, and per-key digests (what the store keeps).
std::string config_digest(const std::map<std::string, std::string>& config);
nlohmann::json config_key_digests(const std::map<std::string, std::string>& config);

// The plan. A component of the environment without a wanted version that was
// never applied there is left alone: action nothing, why "not yet built". One
// that is applied: invalid_input "no version of component 'C' is known for
// environment 'E'".
Result<Plan> make_plan(const PlanInput& input);


}  // namespace slipway::deploy
