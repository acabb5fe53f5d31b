// DeployStore in SQL (either backend, db.h): tables deploy_applied, deploy_secrets, deploy_runs,
// deploy_steps (migration 6).
#pragma once

#include "core/clock.h"
#include "store/deploy_store.h"
#include "store/db.h"

namespace slipway::store {

class SqlDeployStore final : public DeployStore {
 public:
  SqlDeployStore(Db& db, const Clock& clock) : m_db(db), m_clock(clock) {}

  Result<std::vector<AppliedTarget>> applied(const std::string& environment) override;
  Status put_applied(const AppliedTarget& target) override;
  Status remove_applied(const std::string& environment, const std::string& target) override;
  Result<std::optional<SecretRecord>> secret(const std::string& environment, const std::string& name) override;
  Result<std::vector<SecretRecord>> secrets(const std::string& environment) override;
  Result<bool> create_secret_if_absent(const std::string& environment, const std::string& name,
                                       const std::string& sealed) override;
  Status rotate_secret(const std::string& environment, const std::string& name,
                       const std::string& sealed) override;
  Status reseal_secret(const std::string& environment, const std::string& name, const std::string& sealed) override;
  Result<std::vector<std::string>> secret_environments() override;
  Result<std::int64_t> start_apply(const std::string& environment, const std::string& actor,
                                   const std::string& release) override;
  Status add_apply_step(std::int64_t run, const std::string& target, const std::string& action,
                        const std::string& status, const std::string& message) override;
  Status finish_apply(std::int64_t run, const std::string& status) override;
  Result<std::vector<ApplyRun>> apply_runs(const std::string& environment) override;
  Result<std::vector<ApplyStep>> apply_steps(std::int64_t run) override;

 private:
  Db& m_db;
  const Clock& m_clock;
};

}  // namespace slipway::store
