// MetaStore in SQL: schema version, integrity, settings, counters (sql_meta.cpp)
// and API tokens (sql_tokens.cpp).
#pragma once

#include "core/clock.h"
#include "store/db.h"
#include "store/store.h"

namespace slipway::store {

class SqlMetaStore final : public MetaStore {
 public:
  SqlMetaStore(Db& db, const Clock& clock) : m_db(db), m_clock(clock) {}

  Result<int> schema_version() override;
  Result<std::int64_t> change_stamp() override;
  Status check_integrity() override;
  Result<std::optional<std::string>> get_setting(const std::string& key) override;
  Status set_setting(const std::string& key, const std::string& value) override;
  Status remove_setting(const std::string& key) override;
  Result<std::int64_t> next_counter(const std::string& name) override;
  Result<std::int64_t> counter(const std::string& name) override;
  // API tokens: sql_tokens.cpp.
  Status add_token(const NewToken& token) override;
  Result<std::optional<TokenRecord>> token_by_hash(const std::string& hash) override;
  Result<std::vector<TokenRecord>> tokens() override;
  Status revoke_token(const std::string& prefix, const std::string& by, TimePoint at) override;
  Status touch_token(const std::string& prefix, TimePoint at) override;

 private:
  Db& m_db;
  const Clock& m_clock;
};

}  // namespace slipway::store
