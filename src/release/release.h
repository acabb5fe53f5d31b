// A release: the immutable, locked list of what the whole product is made of.
//
// A release is the product version, the exact version and artifact digest of
// every component, and a digest of the configuration it was made with (the
// values of the product's blocks and environments at creation time), so that
// what reaches production is exactly what QA saw, configuration included.
// Its id is its product version ("2.3.20261125103000"); once recorded in the
// store a release never changes.
//
// Plain data; thread-safe to read.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"

namespace slipway::release {

struct ReleaseComponent {
  std::string name;             // the component's name in the workspace
  std::string version;          // its exact version, e.g. "1.4.2"
  std::string artifact_digest;  // the build artifact (run/artifacts.h digest)
};

struct Release {
  std::string id;                           // = the product version, e.g. "2.3.20261125103000"
  std::vector<ReleaseComponent> components;  // sorted by name
  std::string config_digest;                // sha256 of the configuration at creation
  std::string source;                       // "env:dev", "file:RELEASE.yaml", "build:api@1.2.0"
  std::string created_by;
  TimePoint created;

  // The entry for `component`, or nullptr.
  const ReleaseComponent* component(const std::string& name) const;
};

}  // namespace slipway::release
