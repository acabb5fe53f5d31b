// The service layer: every use case of slipway, one typed function each,
// between the domain modules and the front-ends (the CLI today; the server,
// its webhooks and the dashboard next). A front-end parses its input, calls
// one function and prints or serializes the result; it never opens the store
// or decides who may act.
//
// A Service is opened once from explicit configuration (Config): the
// workspace, the store's location, the state root for files (logs,
// artifacts, work folders, services: not derived from the database's
// location), the master key's source, the clock and the acting identity.
// Each function that changes state checks the acting identity's permission
// (permissions.h) first; a refusal is a `denied` error and changes nothing.
//
// Ownership: owns the loaded workspace, the store and the Applier.
// Thread-safety: like the Store, one thread at a time.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "deploy/plan.h"
#include "deploy/secrets.h"
#include "model/workspace.h"
#include "release/service.h"
#include "release/views.h"
#include "run/run_record.h"
#include "run/task_folder.h"
#include "service/permissions.h"
#include "store/blobs.h"
#include "store/copy.h"
#include "store/store.h"

namespace slipway::service {

// Whether a state location names a database server (postgresql://...)
// rather than a SQLite file.
bool is_database_url(const std::string& location);
// The location as it may be shown: a URL loses its password.
std::string shown_location(const std::string& location);

struct Config {
  std::filesystem::path workspace;   // the folder holding slipway.yaml
  std::string store;                 // a SQLite file path (":memory:" in tests) or a postgresql:// URL
  std::filesystem::path state_root;  // logs, artifacts, work folders, services
  // The master key: `key_value` (SLIPWAY_MASTER_KEY) when set, else
  // `key_file` when set, else the state's key file (secrets.cpp: under
  // $XDG_DATA_HOME/slipway/keys/, outside the workspace).
  std::optional<std::string> key_value;
  std::filesystem::path key_file;
  const Clock* clock = &system_clock();
  // The acting identity; empty when none is configured, and then
  // `no_actor` says why (shown by the first use case that changes state).
  std::string actor;
  std::string no_actor = "no identity";
};

// Options of the use cases that apply to an environment.
struct ApplyOptions {
  bool force = false;      // permission force: override gates, move an auto environment back
  Millis wait = Millis(5000);  // how long to wait for the environment's lock
};

struct PlanResult {
  deploy::Plan plan;
  std::vector<std::string> driver_problems;  // the platform's driver missing or not ready
};

// A lock held on an environment, with whether its holder still runs.
struct LockView {
  store::Lease lease;
  std::string holder;  // store::describe_holder
  bool expired = false;
  bool holder_gone = false;  // its process ended on this host: the next taker takes it over at once
};

// A build of a component recorded by `build_succeeded`.
struct BuildOutcome {
  std::string version;             // the version recorded; "" when none
  std::string tag;                 // the tag created for it; "" when none
  std::vector<std::string> notes;  // "recorded api 1.2.0", "branch x releases no version; no release"
  std::vector<release::ApplyRecord> applies;  // auto environments moved
};

// `token create`'s options.
struct TokenOptions {
  std::string user;                               // the identity the token acts as
  std::optional<std::chrono::seconds> expires_in;  // nullopt: never expires
  bool read_only = false;                          // reads only: every use case that acts refuses it
};

struct CreatedToken {
  std::string token;  // the secret, shown once
  store::TokenRecord record;
};

struct RevokedToken {
  store::TokenRecord record;  // as it is now
  bool already = false;       // it was revoked before
};

// "slw_abcd1234…": how messages name a token.
std::string token_label(const store::TokenRecord& token);

class Service {
 public:
  static Result<std::unique_ptr<Service>> open(Config config);
  ~Service();

  const model::Workspace& workspace() const { return m_workspace; }
  const Config& config() const { return m_config; }
  store::Store& store() { return *m_store; }
  // The state's artifacts (store/blobs.h), opened on first use.
  std::shared_ptr<store::BlobStore> blobs();

  // ---- releases and environments
  Result<release::Release> create_release(const release::CreateOptions& options);
  Result<release::Release> create_release_from_file(const std::string& path);
  Result<release::Release> release(const std::string& id);
  Result<std::vector<release::Release>> releases();
  // `release` may also be a deployment job's subject ("run-12.deploy.web",
  // service/deployment_jobs.cpp): the job then may start.
  Status approve(const std::string& release, const std::string& environment);
  Result<release::ApplyRecord> promote(const std::string& release, const std::string& environment,
                                       const ApplyOptions& options);
  Result<release::ApplyRecord> rollback(const std::string& environment, const std::optional<std::string>& to,
                                        const ApplyOptions& options);
  // Applies `release` (default: the one the environment runs, to repair drift) without gates.
  Result<release::ApplyRecord> apply(const std::string& environment, const std::optional<std::string>& release,
                                     const ApplyOptions& options);
  // Applies the environment's release with `versions` (component → version) instead: a hotfix.
  Result<release::ApplyRecord> hotfix(const std::string& environment,
                                      const std::map<std::string, std::string>& versions, const ApplyOptions& options);
  // What applying would change: the versions of `release` when given, else
  // what runs now overridden by `versions`.
  Result<PlanResult> plan(const std::string& environment, const std::optional<std::string>& release,
                          const std::map<std::string, std::string>& versions);
  Result<std::vector<release::EnvironmentStatus>> status();
  // Changes whenever the state changed (store::MetaStore::change_stamp): a
  // read of the state, such as status, may be kept while it is the same.
  Result<std::int64_t> state_stamp();
  Result<release::Diff> diff(const std::string& a, const std::string& b);
  Result<std::vector<release::HistoryEntry>> history(const std::string& environment);
  // Every version of `component` recorded by a build, oldest first.
  Result<std::vector<store::ComponentVersionRecord>> component_versions(const std::string& component);

  // ---- builds
  // After the successful run `run` of component `component`: records the
  // version built (artifact: the run's artifact named after the component),
  // tags it in the component's repo (as semantic-release would) and moves the
  // auto environments tracking the run's branch. A rebuild of a recorded
  // version with another artifact is not a new version: said, nothing
  // recorded. Success when nothing was to do (no artifact, the branch
  // releases nothing); an error when recording failed.
  Result<BuildOutcome> build_succeeded(const std::string& component, const run::RunRecord& run);
  // A build reported by hand (`release built`): records the version, moves auto environments.
  Result<std::vector<release::ApplyRecord>> record_build(const std::string& component, const std::string& version,
                                                         const std::string& digest, const std::string& branch,
                                                         const std::string& run_id);

  // ---- secrets
  Result<std::vector<deploy::SecretInfo>> secrets(const std::string& environment);
  // name → keyed fingerprint of each secret generated in `environment` (deploy::secret_fingerprint).
  Result<std::map<std::string, std::string>> secret_fingerprints(const std::string& environment);
  Status rotate_secret(const std::string& environment, const std::string& name);
  Result<std::string> reveal_secret(const std::string& environment, const std::string& name);
  // The value of a secret for slipway's own use (a webhook's signing secret):
  // no permission asked, nothing recorded, never shown. not_found when it
  // was not generated yet.
  Result<std::string> secret_for_slipway(const std::string& environment, const std::string& name);
  // A new master key in the state's key file; every secret re-encrypted with it.
  // Returns the new key file and how many secrets were re-encrypted.
  Result<std::pair<std::filesystem::path, int>> rekey();
  // Copies the whole state into the empty database at `to` (permission
  // state), checking every table's count; recorded as "state.copied" in both.
  // Files under the state root (logs, artifacts, work folders) stay there.
  Result<std::vector<store::TableCount>> copy_state(const std::string& to);

  // ---- Azure task folders (run/task_folder.h)
  // Adds the task folder or archive (zip, tar...) at `from` under the state
  // root (permission task); recorded as "task.added". Refused (conflict) when
  // that name and version is already there: a version is never replaced.
  Result<run::TaskFolder> add_task(const std::filesystem::path& from);
  // The workspace's `tasks:` and the added ones.
  Result<std::vector<run::TaskFolder>> task_folders() const;

  // ---- services of the process platform
  // The service's log so far, every secret it received masked.
  Result<std::string> service_log(const std::string& environment, const std::string& component);
  // Stops the services of `environment` (empty: of every environment):
  // permission apply there. Returns how many were stopped.
  Result<int> stop_services(const std::string& environment);

  // ---- API tokens (tokens.cpp)
  // A new random token acting as options.user (a member of a role):
  // permission token; recorded as "token.created" (its prefix, never the
  // token). The token is returned once; the store keeps only its hash.
  Result<CreatedToken> create_token(const TokenOptions& options);
  // Every token, oldest first, revoked and expired ones too: permission token.
  Result<std::vector<store::TokenRecord>> tokens();
  // Revokes the one token whose prefix starts with `prefix` ("slw_" may be
  // left out): permission token; recorded as "token.revoked". not_found
  // naming the prefix when none matches, invalid_input when several do.
  // A token already revoked stays as it was (`already` set, nothing recorded).
  Result<RevokedToken> revoke_token(const std::string& prefix);
  // The token `token` is, which makes its user this Service's acting
  // identity (and a read-only token's user unable to act). denied when no
  // stored token has its hash, or it is revoked or expired; then no one acts.
  // Records the use (to the minute).
  Result<store::TokenRecord> authenticate(const std::string& token);

  // ---- locks
  Result<std::vector<LockView>> locks();
  // Breaks the lock of `environment` (permission lock); recorded as "lock.broken".
  Result<LockView> break_lock(const std::string& environment);

  // The acting identity, or the `no_actor` error when none is configured.
  Result<std::string> actor() const;
  // check_permission for the acting identity.
  Status permit(Permission permission, const model::Environment* environment, const std::string& doing) const;
  // The environment named `name`; not_found with a did-you-mean.
  Result<const model::Environment*> environment(const std::string& name) const;
  // The master key (created in the state's key file on first use).
  Result<deploy::MasterKey> master_key();
  release::ReleaseService& releases_service() { return *m_releases; }
  // The deploy module's Applier over this store (it loads the master key when it applies).
  release::Applier& applier();

 private:
  Status approve_deployment(const std::string& subject, const std::string& environment, const std::string& who);
  Service(Config config, model::Workspace workspace, std::unique_ptr<store::Store> store);
  Result<std::filesystem::path> key_file(bool create_id);
  // Fingerprints secrets under the master key; says none exist while there is no key yet.
  Result<release::SecretFingerprints> fingerprinter();
  enum class Observe { yes, no };  // ask the platform's driver what really runs
  Result<CreatedToken> store_new_token(const TokenOptions& options);  // create_token's one draw
  Result<PlanResult> plan_for(const std::string& environment, const std::optional<std::string>& release,
                              const std::map<std::string, std::string>& versions, Observe observe);
  Status check_plannable(const std::string& environment, const std::optional<std::string>& release,
                         const std::map<std::string, std::string>& versions);
  release::PromoteOptions promote_options(const ApplyOptions& options) const;
  Status permit_force(const ApplyOptions& options, const model::Environment& env) const;

  Config m_config;
  std::string m_read_only_token;  // the label of the read-only token acting, if one is
  model::Workspace m_workspace;
  std::unique_ptr<store::Store> m_store;
  std::shared_ptr<store::BlobStore> m_blobs;
  std::unique_ptr<release::ReleaseService> m_releases;
  std::unique_ptr<release::Applier> m_applier;
};

// The master key file a state uses by default: $XDG_DATA_HOME/slipway/keys/<id>.key
// ($HOME/.local/share when XDG_DATA_HOME is unset), `id` being the state's key id.
std::filesystem::path default_key_file(const std::string& key_id);

}  // namespace slipway::service
