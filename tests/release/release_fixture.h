// The fixture of src/release's tests: the examples/acme workspace, a real
// SQLite state file in a TempDir, a manual clock, and the FakeApplier double.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "model/workspace.h"
#include "release/service.h"
#include "store/store.h"
#include "support/test_support.h"
#include "fake_applier.h"

namespace slipway::release::test {

class ReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<model::Workspace> ws = model::load_workspace(slipway::test::source_dir() / "examples" / "acme");
    ASSERT_TRUE(ws) << ws.error().to_string();
    workspace = std::move(*ws);
    state_path = (dir / "state.db").string();
    Result<std::unique_ptr<store::Store>> opened = store::open_store(state_path, {.clock = &clock});
    ASSERT_TRUE(opened) << opened.error().to_string();
    store = std::move(*opened);
    service = std::make_unique<ReleaseService>(*store, workspace, clock);
  }

  // A successful build of `component` at `version` on main (digest derived from both).
  std::vector<ApplyRecord> build(const std::string& component, const std::string& version) {
    clock.advance(Millis(1000));
    auto done = service->on_build_succeeded(component, version, "sha256:" + component + "-" + version, "main",
                                            "run-" + component + "-" + version, applier);
    EXPECT_TRUE(done) << done.error().to_string();
    return done ? *done : std::vector<ApplyRecord>{};
  }

  // Builds 1.0.0 of every component: dev gets four releases (acme-bridge is not in dev).
  void build_everything() {
    for (const char* c : {"billing", "orders", "worker", "web", "acme-bridge"}) build(c, "1.0.0");
  }

  std::string dev_release() { return store->releases().environment_state("dev")->value().release; }

  // Every piece of release state: releases, environment states, approvals.
  std::string snapshot() {
    nlohmann::json all;
    std::vector<store::ReleaseRecord> releases = store->releases().releases().value();
    for (const store::ReleaseRecord& r : releases) {
      all["releases"].push_back({r.id, r.body});
      for (const model::Environment& e : workspace.environments) {
        std::vector<store::ApprovalRecord> approvals = store->releases().approvals(r.id, e.name).value();
        for (const store::ApprovalRecord& a : approvals) all["approvals"].push_back({a.release, a.environment, a.actor});
      }
    }
    std::vector<store::EnvironmentState> states = store->releases().environment_states().value();
    for (const store::EnvironmentState& s : states)
      all["states"].push_back({s.environment, s.release, s.product_version, s.last_release, s.last_result,
                               s.extra});
    return all.dump();
  }

  slipway::test::TempDir dir;
  ManualClock clock{from_epoch_ms(1'764'000'000'000)};  // 2025-11-24T16:00:00Z
  model::Workspace workspace;
  std::string state_path;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<ReleaseService> service;
  FakeApplier applier;
};

}  // namespace slipway::release::test
