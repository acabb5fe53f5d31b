// Code coverage reports, as Azure's PublishCodeCoverageResults@1/@2 reads
// them: Cobertura (gcovr, coverage.py, coverlet, istanbul...) and JaCoCo,
// summed into one CoverageSummary kept with the step (StepRecord::coverage).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace slipway::run {

struct CoverageSummary {
  std::string format;  // "Cobertura" or "JaCoCo" (the first file's)
  int files = 0;       // reports read
  std::int64_t lines_covered = 0, lines_valid = 0;
  std::int64_t branches_covered = 0, branches_valid = 0;

  void add(const CoverageSummary& other);
  double line_percent() const;  // 0 when no line counts
};

// Reads one report, its format known by its root element (<coverage> for
// Cobertura, <report> for JaCoCo). invalid_input "<shown>: ..." otherwise.
Result<CoverageSummary> read_coverage(const std::filesystem::path& file, const std::string& shown);

nlohmann::ordered_json to_json(const CoverageSummary& summary);
CoverageSummary coverage_from_json(const nlohmann::json& json);

}  // namespace slipway::run
