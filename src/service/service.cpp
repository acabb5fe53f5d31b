// Opening a Service, the acting identity, the master key and locks. The use
// cases on releases live in deliveries.cpp, secrets in secrets.cpp.
#include "service/service.h"

#include <cstdlib>

#include "core/hash.h"
#include "core/strings.h"
#include "deploy/release_applier.h"
#include "store/pg_db.h"

namespace slipway::service {
namespace {

namespace fs = std::filesystem;

// The store setting naming the state's key file (secrets.cpp's default_key_file).
constexpr const char* k_key_id_setting = "secrets.key_id";
// Where states made before the key moved out of the workspace kept it.
constexpr const char* k_legacy_key_file = "master.key";

}  // namespace

bool is_database_url(const std::string& location) { return store::is_postgresql_url(location); }

std::string shown_location(const std::string& location) {
  return is_database_url(location) ? store::safe_database_url(location) : location;
}

fs::path default_key_file(const std::string& key_id) {
  fs::path data;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) data = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home) data = fs::path(home) / ".local" / "share";
  else data = "/var/lib";
  return data / "slipway" / "keys" / (key_id + ".key");
}

Service::Service(Config config, model::Workspace workspace, std::unique_ptr<store::Store> store)
    : m_config(std::move(config)), m_workspace(std::move(workspace)), m_store(std::move(store)) {
  m_releases = std::make_unique<release::ReleaseService>(*m_store, m_workspace, *m_config.clock);
}

Service::~Service() = default;

Result<std::unique_ptr<Service>> Service::open(Config config) {
  Result<model::Workspace> workspace = model::load_workspace(config.workspace);
  if (!workspace) return std::unexpected(workspace.error());
  Result<std::unique_ptr<store::Store>> store = store::open_store(config.store, {.clock = config.clock});
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Service>(new Service(std::move(config), std::move(*workspace), std::move(*store)));
}

Result<std::string> Service::actor() const {
  if (m_config.actor.empty()) return fail(ErrorCode::invalid_input, m_config.no_actor);
  if (!m_read_only_token.empty())  // every use case that acts asks who acts first
    return fail(ErrorCode::denied, "token " + m_read_only_token + " is read-only: it cannot act");
  return m_config.actor;
}

Status Service::permit(Permission permission, const model::Environment* environment, const std::string& doing) const {
  Result<std::string> who = actor();
  if (!who) return std::unexpected(who.error());
  return check_permission(m_workspace, permission, environment, *who, doing);
}

Result<const model::Environment*> Service::environment(const std::string& name) const {
  return m_workspace.require_environment(name);
}

// The configured file, else a state made with the key beside its database,
// else the state's own file outside the workspace (its id kept in the store).
Result<fs::path> Service::key_file(bool create_id) {
  if (!m_config.key_file.empty()) return m_config.key_file;
  std::error_code ec;
  if (fs::exists(m_config.state_root / k_legacy_key_file, ec)) return m_config.state_root / k_legacy_key_file;
  Result<std::optional<std::string>> id = m_store->meta().get_setting(k_key_id_setting);
  if (!id) return std::unexpected(id.error());
  if (*id) return default_key_file(**id);
  if (!create_id) return fs::path();
  const std::string fresh = random_hex(16);
  if (Status s = m_store->meta().set_setting(k_key_id_setting, fresh); !s) return std::unexpected(s.error());
  return default_key_file(fresh);
}

Result<deploy::MasterKey> Service::master_key() {
  if (m_config.key_value) return deploy::load_master_key({}, m_config.key_value);
  Result<fs::path> file = key_file(true);
  if (!file) return std::unexpected(file.error());
  return deploy::load_master_key(*file, std::nullopt);
}

release::Applier& Service::applier() {
  if (!m_applier)
    m_applier = deploy::make_applier(*m_store, m_config.state_root, [this] { return master_key(); }, blobs());
  return *m_applier;
}

std::shared_ptr<store::BlobStore> Service::blobs() {
  if (!m_blobs) m_blobs = store::open_blob_store(m_config.store, m_config.state_root);
  return m_blobs;
}

Result<std::vector<store::TableCount>> Service::copy_state(const std::string& to) {
  const std::string shown = shown_location(to);
  if (Status s = permit(Permission::state, nullptr, "copy the state to " + shown); !s) return std::unexpected(s.error());
  return store::copy_state(m_config.store, m_config.state_root, to,
                           {.actor = m_config.actor,
                            .kind = "state.copied",
                            .subject = "state",
                            .detail = {{"from", shown_location(m_config.store)}, {"to", shown}}});
}

Result<std::pair<fs::path, int>> Service::rekey() {
  if (Status s = permit(Permission::rekey, nullptr, "rekey the secrets"); !s) return std::unexpected(s.error());
  if (m_config.key_value)
    return fail(ErrorCode::invalid_input, "the master key comes from SLIPWAY_MASTER_KEY; unset it to rekey the key file");
  Result<deploy::MasterKey> old_key = master_key();
  if (!old_key) return std::unexpected(old_key.error());
  Result<fs::path> old_file = key_file(true);
  if (!old_file) return std::unexpected(old_file.error());
  // The new key goes to a new file; the store names it only once every secret is sealed with it.
  const std::string fresh_id = random_hex(16);
  const fs::path new_file = m_config.key_file.empty() ? default_key_file(fresh_id) : fs::path(m_config.key_file.string() + ".new");
  Result<deploy::MasterKey> new_key = deploy::load_master_key(new_file, std::nullopt);
  if (!new_key) return std::unexpected(new_key.error());
  Result<int> count = deploy::reseal_all(*m_store, *old_key, *new_key);
  if (!count) return std::unexpected(count.error());
  std::error_code ec;
  if (!m_config.key_file.empty()) {
    fs::rename(new_file, m_config.key_file, ec);
    if (ec) return fail(ErrorCode::io, "cannot replace key file " + m_config.key_file.string() + ": " + ec.message());
  } else if (Status s = m_store->meta().set_setting(k_key_id_setting, fresh_id); !s) {
    return std::unexpected(s.error());
  }
  if (m_config.key_file.empty()) fs::remove(*old_file, ec);
  Result<std::int64_t> event =
      m_store->events().append({m_config.actor, "secret.rekeyed", "secrets", {{"count", *count}}});
  if (!event) return std::unexpected(event.error());
  return std::pair{m_config.key_file.empty() ? new_file : m_config.key_file, *count};
}

Result<std::vector<LockView>> Service::locks() {
  Result<std::vector<store::Lease>> leases = m_store->locks().list();
  if (!leases) return std::unexpected(leases.error());
  std::vector<LockView> out;
  for (const store::Lease& lease : *leases)
    out.push_back({lease, store::describe_holder(lease), lease.expires < m_config.clock->now(),
                   store::holder_is_gone(lease)});
  return out;
}

Result<LockView> Service::break_lock(const std::string& environment_name) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (Status s = permit(Permission::lock, *env, "break the lock of " + environment_name); !s)
    return std::unexpected(s.error());
  const std::string resource = "env:" + environment_name;
  Result<std::optional<store::Lease>> held = m_store->locks().current(resource);
  if (!held) return std::unexpected(held.error());
  if (!*held) return fail(ErrorCode::conflict, environment_name + " is not locked");
  LockView view{**held, store::describe_holder(**held), (*held)->expires < m_config.clock->now(),
                store::holder_is_gone(**held)};
  Status broken = m_store->transaction([&]() -> Status {
    if (Status s = m_store->locks().release(**held); !s) return s;
    Result<std::int64_t> e = m_store->events().append(
        {m_config.actor, "lock.broken", resource, {{"holder", view.holder}, {"lock", (*held)->holder}}});
    if (!e) return std::unexpected(e.error());
    return {};
  });
  if (!broken) return std::unexpected(broken.error());
  return view;
}

}  // namespace slipway::service
