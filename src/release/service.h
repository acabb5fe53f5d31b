// Releases and promotion over one store and one loaded workspace: creating
// releases, approvals, the promotion / rollback / apply flow, and the auto
// environments' reaction to builds. The flow (service.cpp):
//
//   gates (promote only) → take lock "env:<name>" (a lease; wait up to
//   `wait`, renewed while the Applier works) → gates again under the lock →
//   Applier::apply → record the environment state and a history event
//   ("release.applied" / "release.failed"; the product version moves only on
//   success) → release the lock.
//
// Refusals (gates, lock busy, unknown names) change no state; a gate refusal
// is a `denied` error whose message lists everything missing. Who may act at
// all (permissions) is the service layer's question (service/permissions.h),
// asked before these are called.
// Lock busy: `conflict` "env:staging is locked by promote 2.3.5, alice, since
// 10:31:02 UTC".
//
// Ownership: holds references to the store, workspace and clock (all must
// outlive it). Thread-safety: like the Store, one thread at a time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "model/workspace.h"
#include "release/applier.h"
#include "release/gates.h"
#include "release/release.h"
#include "store/store.h"

namespace slipway::release {

struct CreateOptions {
  std::string from;                           // the environment whose applied versions start the list
  std::map<std::string, std::string> pins = {};    // component → version
  std::vector<std::string> excludes = {};
};

struct PromoteOptions {
  bool force = false;           // override the gates; also moves an auto environment back
  Millis wait = Millis(5000);   // how long to wait for the environment's lock
  Millis lease = Millis(30000); // the lock's lease, renewed on every keep_alive
};

// The result of a flow that ran the Applier (successful or not).
struct ApplyRecord {
  std::string environment;
  std::string release;
  ApplyReason reason = ApplyReason::promote;
  ApplyOutcome outcome;
  std::vector<std::string> overridden;  // gates forced by an admin
  std::optional<store::Lease> took_over; // an expired or orphaned lock we took over
  std::string takeover_reason;           // "its lease expired", "not running"
  // SIGINT/SIGTERM arrived (core/interrupt.h): no component was started after
  // it, the attempt is recorded as "release.interrupted" and the lock released.
  bool interrupted = false;
};

class ReleaseService {
 public:
  ReleaseService(store::Store& store, const model::Workspace& workspace, const Clock& clock = system_clock())
      : m_store(store), m_workspace(workspace), m_clock(clock) {}

  // A release from `from`'s applied release, with pins and excludes. Errors
  // (nothing created): not_found "unknown environment 'x'", invalid_input
  // "unknown component 'x' in --pin", "component api has no build of version 9.9.9",
  // conflict "dev has no release applied yet".
  Result<Release> create_from_environment(const CreateOptions& options, const std::string& actor);
  // A release written by hand: YAML `components: {name: version, ...}`; every
  // version must have a recorded build. Errors name the file position.
  Result<Release> create_from_file(const std::string& path, const std::string& actor);
  // A release of exactly these components; used by the two above, by builds
  // and by hotfixes. Each must have a build, except with Builds::optional (a
  // hotfix may name a version a platform gets from elsewhere: a chart, an image).
  enum class Builds { required, optional };
  Result<Release> create(std::vector<ReleaseComponent> components, const std::string& source,
                         const std::string& actor, Builds builds = Builds::required);

  Result<Release> get(const std::string& id);  // not_found "unknown release 'x'"
  Result<std::vector<Release>> list();

  // Records `actor`'s approval of `release` for `environment`. denied when the
  // actor holds none of the roles the policy asks for; conflict when they
  // already approved.
  Status approve(const std::string& release, const std::string& environment, const std::string& actor);

  Result<ApplyRecord> promote(const std::string& release, const std::string& environment,
                              const std::string& actor, Applier& applier, const PromoteOptions& options = {});
  // Applies the release before the current one (or `to`), without approvals;
  // recorded as a rollback. conflict "prod-cloud has no earlier release" when none.
  Result<ApplyRecord> rollback(const std::string& environment, const std::optional<std::string>& to,
                               const std::string& actor, Applier& applier, const PromoteOptions& options = {});
  // Applies without gates (locks and records as usual): `slipway apply`
  // (reason apply) and its hotfix form (reason hotfix). An auto environment
  // is not moved to older versions than it runs without options.force.
  Result<ApplyRecord> apply(const std::string& release, const std::string& environment,
                            const std::string& actor, Applier& applier, const PromoteOptions& options = {},
                            ApplyReason reason = ApplyReason::apply);
  // The release `environment` runs (none: an empty one), with `versions`
  // (component → version) instead: what a hotfix applies. invalid_input when
  // a component is unknown.
  Result<Release> create_hotfix(const std::string& environment, const std::map<std::string, std::string>& versions,
                                const std::string& actor);
  // The release `environment` runs; nullopt when none was applied.
  Result<std::optional<Release>> current(const std::string& environment);

  // A successful build: records the component version, then for every auto
  // environment tracking `branch` that contains the component, makes a release
  // (this version + the environment's current versions of the rest) and
  // applies it. A version not above one held back by a rollback is skipped.
  Result<std::vector<ApplyRecord>> on_build_succeeded(const std::string& component, const std::string& version,
                                                      const std::string& digest, const std::string& branch,
                                                      const std::string& run_id, Applier& applier);

  // Was `release` ever applied successfully to `environment`?
  Result<bool> was_applied(const std::string& release, const std::string& environment);

 private:
  Result<const model::Environment*> environment(const std::string& name) const;
  Result<GateDecision> gates(const Release& release, const model::Environment& env, const std::string& actor,
                             bool force);
  // "api 2.0.0" for each component of `release` that `source` deploys and never ran successfully at that version.
  Result<std::vector<std::string>> not_run_in(const Release& release, const model::Environment& source);
  // "api 2.0.0 (dev runs 2.1.0)" for each component `release` would move back in `env`.
  Result<std::vector<std::string>> moved_back(const Release& release, const model::Environment& env);
  Result<ApplyRecord> run_locked(const Release& release, const model::Environment& env, const std::string& actor,
                                 ApplyReason reason, Applier& applier, const PromoteOptions& options,
                                 bool gated);
  // Takes the lock `subject`, polling up to options.wait; conflict naming its holder when busy.
  Result<store::LockAttempt> acquire_env_lock(const std::string& subject, const store::LockOwner& owner,
                                              const PromoteOptions& options);
  // Applies `release` under the lock `attempt` holds, records state and
  // history in one transaction, and releases the lock.
  Result<ApplyRecord> apply_held(const Release& release, const model::Environment& env, const std::string& actor,
                                 ApplyReason reason, Applier& applier, const PromoteOptions& options,
                                 const GateDecision& decision, const store::LockAttempt& attempt);
  // The release an auto environment gets for a new build of `component`: the
  // environment's current versions with this one; nullopt when it already
  // runs it or holds it back after a rollback. Called under the lock.
  Result<std::optional<Release>> compose_auto_release(const model::Environment& env, const std::string& component,
                                                      const std::string& version);

  store::Store& m_store;
  const model::Workspace& m_workspace;
  const Clock& m_clock;
};

}  // namespace slipway::release
