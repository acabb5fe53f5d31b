// The backends every store test runs on, as value-parameterized suites:
//
//   using Events = OnBackends;
//   TEST_P(Events, ...) { auto store = open(); ... state.location() ... }
//   STORE_BACKENDS(Events);
//
// SQLite: a file in a fresh temp folder. PostgreSQL: a fresh schema in the
// server named by SLIPWAY_TEST_POSTGRES (tests/postgres.sh starts one on a
// loopback port for `make test`). Without that server the PostgreSQL cases
// are skipped and say why; they never pass without running.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <string>

#include "store/db.h"
#include "store/store.h"
#include "support/test_support.h"

namespace slipway::store {

enum class Backend { sqlite, postgresql };

// An empty state location on one backend, removed with this object.
class FreshState {
 public:
  explicit FreshState(Backend backend);
  ~FreshState();
  FreshState(const FreshState&) = delete;
  FreshState& operator=(const FreshState&) = delete;

  bool available() const { return m_why_not.empty(); }
  const std::string& why_not() const { return m_why_not; }
  const std::string& location() const { return m_location; }
  // A raw connection to it, for what only SQL can do (tampering, inspecting).
  std::unique_ptr<Db> open_db() const;
  // A query's single integer answer on a raw connection.
  std::int64_t count(const std::string& sql) const;
  bool has_table(const std::string& name) const;

 private:
  Backend m_backend;
  test::TempDir m_dir;
  std::string m_location;
  std::string m_schema;  // PostgreSQL
  std::string m_why_not;
};

// The server's URL, or "" (SLIPWAY_TEST_POSTGRES).
std::string test_postgres_url();

class OnBackends : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!state.available()) GTEST_SKIP() << state.why_not();
  }
  std::unique_ptr<Store> open(const Clock* clock = nullptr, std::span<const Migration> known = {}) const;

  FreshState state{GetParam()};
};

std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

}  // namespace slipway::store

#define STORE_BACKENDS(Suite)                                                                               \
  INSTANTIATE_TEST_SUITE_P(On, Suite, ::testing::Values(::slipway::store::Backend::sqlite,                   \
                                                        ::slipway::store::Backend::postgresql),              \
                           ::slipway::store::backend_name)
