// Shared by the version tests: a real repository per test and a one-call way
// to ask the engine for the next version ("1.1.0", "none" or "error: ...").
// Expected values were checked against semantic-release 25.0.9 with
// @semantic-release/commit-analyzer 13 (angular, and conventionalcommits 9.3).
#pragma once

#include <gtest/gtest.h>

#include "support/test_support.h"
#include "version/next_version.h"

namespace slipway::test {

class VersionRepo : public ::testing::Test {
 protected:
  TempDir m_dir;
  GitRepo m_repo{m_dir.path() / "repo"};

  // An initial release: "chore: init" tagged v1.0.0.
  void released(const std::string& tag = "v1.0.0") {
    m_repo.commit("chore: init");
    m_repo.tag(tag);
  }

  Result<version::VersionResult> compute(version::VersionOptions options = {}) {
    return version::compute_next_version(m_repo.path(), options);
  }

  std::string next(version::Preset preset = version::Preset::conventionalcommits,
                   version::VersionOptions options = {}) {
    options.preset = preset;
    auto r = compute(options);
    if (!r) return "error: " + r.error().message;
    return r->next_version ? r->next_version->to_string() : "none";
  }

  std::string angular() { return next(version::Preset::angular); }
  std::string conventional() { return next(version::Preset::conventionalcommits); }

  // semantic-release's channel note for a tag.
  void channel_note(const std::string& tag, const std::string& channel) {
    m_repo.git({"notes", "--ref", "semantic-release-" + tag, "add", "-f", "-m",
                "{\"channels\":[\"" + channel + "\"]}", tag});
  }
};

}  // namespace slipway::test
