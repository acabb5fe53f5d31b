// The JSON forms of what the use cases return, shared by `--json` on the CLI
// and the HTTP API, so both print the same fields.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "service/service.h"

namespace slipway::service {

nlohmann::json to_json(const PlanResult& planned, const std::string& environment);
// Each secret's name, block, whether generated and when; with its keyed
// fingerprint when `fingerprints` has one (never its value).
nlohmann::json to_json(const std::vector<deploy::SecretInfo>& secrets,
                               const std::map<std::string, std::string>& fingerprints = {});
nlohmann::json to_json(const LockView& lock);
nlohmann::json to_json(const release::ApplyRecord& record);
nlohmann::json to_json(const store::ComponentVersionRecord& version);
nlohmann::json to_json(const store::Event& event);
nlohmann::json to_json(const run::ArtifactRecord& artifact);

}  // namespace slipway::service
