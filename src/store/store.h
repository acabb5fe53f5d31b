// The state store: every piece of persistent state slipway keeps goes through
// this interface. No other module writes SQL or state files; domain modules
// call the typed methods below.
//
// Shape: `Store` is one connection to one state database. It hands out one
// small interface per concern (meta/settings, the event history, locks, and
// later runs, releases, secrets...) and offers `transaction(fn)`, which makes
// every call made inside `fn`, on any concern, one atomic change. Each write
// method is itself atomic (it opens its own transaction, or joins the
// caller's). Backends: SQLite (sqlite_db.cpp, the embedded default) and
// PostgreSQL (pg_db.cpp), both behind db.h; the stores (sql_*.cpp) are
// written once for both, so nothing here may name either.
//
// Thread-safety: a Store is one connection; use it from one thread at a time.
// Open one Store per thread (or per request) - they all see the same data.
// Many processes may open the same database at once.
//
// Subjects of events and names of locks follow one convention,
// "<type>:<name>": "env:prod-azure", "run:42", "release:2.3.202611251030".
//
// ---------------------------------------------------------------------------
// Recipe: adding a concern (e.g. runs)
//   1. Here: declare `class RunStore` with typed, Result-returning methods and
//      value structs (no SQL types), and add `virtual RunStore& runs() = 0;`
//      to Store.
//   2. Migration: append `{.version = N + 1, .name = "runs", .sqlite = R"(...)",
//      .postgresql = R"(...)"}` to the list in migrations.cpp (never edit a released entry; write a new
//      one that alters the old tables instead). If a number was reserved for
//      your concern (`.placeholder = true`), fill that entry in instead.
//   3. New files sql_runs.h/.cpp: `class SqlRunStore final : public
//      RunStore` holding a `Db&` (db.h: prepare/bind/step, and
//      `transaction` for every write), in SQL both dialects understand.
//   4. sql_store.h: one member `SqlRunStore m_runs{...}` and the
//      accessor `RunStore& runs() override { return m_runs; }`; add the .cpp
//      to src/store/CMakeLists.txt.
//   5. Tests in tests/store/runs_test.cpp using `open_store(temp path)`, and a
//      case in migrations_test.cpp if the migration converts data.
// ---------------------------------------------------------------------------
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/deploy_store.h"
#include "store/migrations.h"
#include "store/run_store.h"

namespace slipway::store {

// ---- meta: schema facts, settings, counters, API tokens ----------------------

// An API token as stored: never the token itself, and the hash stays in the
// store (nothing outside it needs one back).
struct TokenRecord {
  std::string prefix;  // public: "slw_" + the token's first 8 hex digits ("legacy-..." before schema 10)
  std::string user;    // the identity it acts as
  std::string created_by;
  TimePoint created;
  std::optional<TimePoint> expires;    // nullopt: never
  bool read_only = false;
  std::optional<TimePoint> last_used;  // nullopt: never used
  std::optional<TimePoint> revoked;    // nullopt: in force
  std::string revoked_by;
};

struct NewToken {
  std::string hash;  // SHA-256 of the token, hex
  std::string prefix;
  std::string user;
  std::string created_by;
  std::optional<TimePoint> expires;
  bool read_only = false;
};


class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // The schema version the database is at (after the migrations of open).
  virtual Result<int> schema_version() = 0;

  // A value that changes whenever a change to the state was committed, by
  // this connection or any other (another process included); equal values
  // mean nothing changed in between. For caching what is read from it.
  virtual Result<std::int64_t> change_stamp() = 0;

  // Checks the database's internal consistency; `corrupt` error naming what is wrong.
  virtual Status check_integrity() = 0;

  // Settings: small named values that outlive a process (e.g. "workspace.root").
  // get: the value, or nullopt when never set. set: creates or replaces.
  // remove: no error when absent.
  virtual Result<std::optional<std::string>> get_setting(const std::string& key) = 0;
  virtual Status set_setting(const std::string& key, const std::string& value) = 0;
  virtual Status remove_setting(const std::string& key) = 0;

  // Atomically adds one to the named counter (created at 0) and returns the new
  // value: 1, 2, 3... never the same value twice, even across processes.
  virtual Result<std::int64_t> next_counter(const std::string& name) = 0;
  // The counter's last value handed out; 0 when never used.
  virtual Result<std::int64_t> counter(const std::string& name) = 0;

  // API tokens (service/tokens.cpp), known by their hash only. add:
  // conflict when the hash or the prefix is already stored. token_by_hash:
  // nullopt when no token has that hash. tokens: every token, oldest first.
  // revoke_token: sets revoked/revoked_by of the token with that prefix
  // (not_found when none; a revoked token stays revoked, its first
  // revocation kept). touch_token: records a use at `at`.
  virtual Status add_token(const NewToken& token) = 0;
  virtual Result<std::optional<TokenRecord>> token_by_hash(const std::string& hash) = 0;
  virtual Result<std::vector<TokenRecord>> tokens() = 0;
  virtual Status revoke_token(const std::string& prefix, const std::string& by, TimePoint at) = 0;
  virtual Status touch_token(const std::string& prefix, TimePoint at) = 0;
};

// ---- events: the append-only history / audit log ----------------------------

struct NewEvent {
  std::string actor;    // who: a user name, or "slipway" for the tool itself
  std::string kind;     // what: dotted, e.g. "lock.takeover", "release.promoted"
  std::string subject;  // about what: "<type>:<name>", e.g. "env:staging"
  nlohmann::json detail = nlohmann::json::object();  // anything else, as JSON
};

struct Event {
  std::int64_t id = 0;  // increasing in commit order; never reused
  TimePoint time;
  std::string actor;
  std::string kind;
  std::string subject;
  nlohmann::json detail;
};

enum class Order { oldest_first, newest_first };

// Every set field narrows the list; an empty filter lists everything.
struct EventFilter {
  std::optional<std::string> subject = {};      // exact
  std::optional<std::string> kind = {};         // exact
  std::optional<std::string> kind_prefix = {};  // e.g. "lock." for every lock event
  std::optional<std::int64_t> after_id = {};    // only ids > after_id (tailing)
  std::size_t limit = 0;                   // 0 = no limit
  Order order = Order::oldest_first;
};

class EventLog {
 public:
  virtual ~EventLog() = default;
  // Appends one event stamped with the store's clock; returns its id. Events
  // are never changed or deleted (the database refuses it).
  virtual Result<std::int64_t> append(const NewEvent& event) = 0;
  virtual Result<std::vector<Event>> list(const EventFilter& filter = {}) = 0;
};

// ---- locks: leases with heartbeat --------------------------------------------

// Who asks for a lock. The store adds the calling process's pid and host.
struct LockOwner {
  std::string holder;  // what holds it, e.g. "run 42" or "promote 2.3.1"
  std::string actor;   // on whose behalf, e.g. "alice"
};

struct Lease {
  std::string resource;  // "env:staging"
  std::string token;     // identifies this acquisition; needed to heartbeat or release
  std::string holder;
  std::string actor;
  long owner_pid = 0;
  std::string owner_host;
  TimePoint acquired;
  TimePoint heartbeat;
  TimePoint expires;  // after this instant anyone may take the lock over
};

struct LockAttempt {
  bool acquired = false;
  Lease lease;                          // ours when acquired, else the current holder's
  std::optional<Lease> taken_over_from;  // set when we took over an expired or orphaned lease
  std::string takeover_reason;           // then: "its lease expired" or "not running"
};

// "HOLDER (ACTOR, pid N on HOST) since TIME", for messages about a lock.
std::string describe_holder(const Lease& lease);
// A holder on this host whose process has ended (a SIGKILLed promote) would
// block everyone until its lease expires; it is taken over at once. A holder
// on another host is judged by its lease alone: its pid means nothing here.
bool holder_is_gone(const Lease& lease);

class LockStore {
 public:
  virtual ~LockStore() = default;
  // Takes `resource` for `ttl` when it is free, its lease has expired, or its
  // holder ran on this host and its process is gone (a takeover, recorded as a
  // "lock.takeover" event on the resource with the reason). When
  // someone else holds a live lease: acquired = false and the holder's lease;
  // this is not an error. Atomic across processes. Never waits.
  virtual Result<LockAttempt> try_acquire(const std::string& resource, const LockOwner& owner,
                                          Millis ttl) = 0;
  // Extends our lease to now + ttl. `conflict` error when the lease is no
  // longer ours (released, or expired and taken over).
  virtual Result<Lease> heartbeat(const Lease& lease, Millis ttl) = 0;
  // Gives the lock up. `conflict` error when it is no longer ours.
  virtual Status release(const Lease& lease) = 0;
  // The current lease on `resource` (live or expired), or nullopt when free.
  virtual Result<std::optional<Lease>> current(const std::string& resource) = 0;
  virtual Result<std::vector<Lease>> list() = 0;
};

// ---- releases: component versions, releases, approvals, environment state ---

// A component version a build produced: the artifact a release may pin.
struct ComponentVersionRecord {
  std::string component;
  std::string version;
  std::string artifact_digest;
  std::string run_id;  // the run that built it ("" when recorded by hand)
  std::string branch;
  TimePoint created;   // set by the store
};

// A release as stored: immutable once added. `body` is the release module's
// JSON form (components, config digest, source); the store does not read it.
struct ReleaseRecord {
  std::string id;
  std::string created_by;
  TimePoint created;  // set by the store
  nlohmann::json body = nlohmann::json::object();
};

struct ApprovalRecord {
  std::string release;
  std::string environment;
  std::string actor;
  TimePoint time;  // set by the store
};

// What an environment runs, as far as slipway knows.
struct EnvironmentState {
  std::string environment;
  std::string release;          // last release applied successfully ("" = none)
  std::string product_version;  // set only when an apply succeeded
  std::string last_release;     // last release attempted
  std::string last_result;      // "succeeded", "failed" ("" = never applied)
  std::string last_actor;
  TimePoint updated;            // set by the store
  nlohmann::json extra = nlohmann::json::object();  // e.g. versions held back after a rollback
};

class ReleaseStore {
 public:
  virtual ~ReleaseStore() = default;
  // Records what a build produced. Recording the same (component, version)
  // again with the same digest is a no-op; with another digest, `conflict`.
  virtual Status record_component_version(const ComponentVersionRecord& record) = 0;
  // The record, or nullopt when that version was never built.
  virtual Result<std::optional<ComponentVersionRecord>> component_version(
      const std::string& component, const std::string& version) = 0;
  // Every recorded version of `component`, oldest first.
  virtual Result<std::vector<ComponentVersionRecord>> component_versions(
      const std::string& component) = 0;

  // Adds a release; `conflict` "release ID already exists" when the id is taken.
  virtual Status add_release(const ReleaseRecord& release) = 0;
  virtual Result<std::optional<ReleaseRecord>> release(const std::string& id) = 0;
  // Every release, oldest first.
  virtual Result<std::vector<ReleaseRecord>> releases() = 0;

  // `conflict` when this actor already approved this release for this environment.
  virtual Status add_approval(const ApprovalRecord& approval) = 0;
  // Approvals of `release` for `environment`, oldest first.
  virtual Result<std::vector<ApprovalRecord>> approvals(const std::string& release,
                                                        const std::string& environment) = 0;

  // nullopt when the environment was never applied.
  virtual Result<std::optional<EnvironmentState>> environment_state(const std::string& environment) = 0;
  // Creates or replaces the state of state.environment.
  virtual Status set_environment_state(const EnvironmentState& state) = 0;
  virtual Result<std::vector<EnvironmentState>> environment_states() = 0;
};

// ---- the store ----------------------------------------------------------------

class Store {
 public:
  virtual ~Store() = default;

  virtual MetaStore& meta() = 0;
  virtual EventLog& events() = 0;
  virtual LockStore& locks() = 0;
  virtual DeployStore& deploys() = 0;  // store/deploy_store.h
  virtual ReleaseStore& releases() = 0;
  virtual RunStore& runs() = 0;  // store/run_store.h

  // Where this store lives (a path or a URL without its password), for messages.
  virtual const std::string& location() const = 0;
  // Another connection to the same database, for another thread, reading
  // time from `clock` (":memory:" cannot: unsupported).
  virtual Result<std::unique_ptr<Store>> open_another(const Clock& clock) const = 0;

  // Runs `body` as one atomic change: every call it makes on this store commits
  // together when it returns success, or not at all when it returns an error
  // (which is passed on) or throws. Nests: an inner transaction joins the outer.
  virtual Status run_transaction(const std::function<Status()>& body) = 0;

  // The same for a body returning Result<T>.
  template <class Body>
  auto transaction(Body&& body) -> std::invoke_result_t<Body&> {
    using R = std::invoke_result_t<Body&>;
    if constexpr (std::is_void_v<typename R::value_type>) {
      return run_transaction([&]() -> Status { return body(); });
    } else {
      std::optional<typename R::value_type> value;
      Status status = run_transaction([&]() -> Status {
        R result = body();
        if (!result) return std::unexpected(result.error());
        value = std::move(*result);
        return {};
      });
      if (!status) return std::unexpected(status.error());
      return std::move(*value);
    }
  }
};

struct StoreOptions {
  const Clock* clock = nullptr;  // nullptr = system_clock(); must outlive the store
  // The schema to migrate to; empty: every migration this binary knows. Tests
  // pass a prefix of migrations() to build old databases.
  std::span<const Migration> migrations = {};
};

// Opens (creating when absent) the state store at `location`: a file path
// opens SQLite, creating parent folders and applying pending migrations;
// ":memory:" opens a private in-memory SQLite store that vanishes with the
// object (for fast tests of logic); "postgresql://USER@HOST:PORT/DB" opens
// the same schema in PostgreSQL (pg_db.h). A database
// whose schema is newer than this binary knows is refused (`unsupported`)
// without any change to it.
Result<std::unique_ptr<Store>> open_store(const std::string& location, StoreOptions options = {});

}  // namespace slipway::store
