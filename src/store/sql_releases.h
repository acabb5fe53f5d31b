// ReleaseStore in SQL (either backend, db.h): tables component_versions, releases, approvals and
// environment_state (migration 5 in migrations.cpp).
#pragma once

#include "core/clock.h"
#include "store/db.h"
#include "store/store.h"

namespace slipway::store {

class SqlReleaseStore final : public ReleaseStore {
 public:
  SqlReleaseStore(Db& db, const Clock& clock) : m_db(db), m_clock(clock) {}

  Status record_component_version(const ComponentVersionRecord& record) override;
  Result<std::optional<ComponentVersionRecord>> component_version(const std::string& component,
                                                                  const std::string& version) override;
  Result<std::vector<ComponentVersionRecord>> component_versions(const std::string& component) override;
  Status add_release(const ReleaseRecord& release) override;
  Result<std::optional<ReleaseRecord>> release(const std::string& id) override;
  Result<std::vector<ReleaseRecord>> releases() override;
  Status add_approval(const ApprovalRecord& approval) override;
  Result<std::vector<ApprovalRecord>> approvals(const std::string& release,
                                                const std::string& environment) override;
  Result<std::optional<EnvironmentState>> environment_state(const std::string& environment) override;
  Status set_environment_state(const EnvironmentState& state) override;
  Result<std::vector<EnvironmentState>> environment_states() override;

 private:
  Db& m_db;
  const Clock& m_clock;
};

}  // namespace slipway::store
