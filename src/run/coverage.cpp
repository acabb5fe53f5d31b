#include "run/coverage.h"

#include "run/xml_report.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

// Cobertura: the totals on <coverage> (lines-covered, lines-valid...), or,
// in reports older than 1.9 that lack them, counted from every <line>.
CoverageSummary cobertura(const pugi::xml_node& root) {
  CoverageSummary out{"Cobertura", 1, 0, 0, 0, 0};
  if (root.attribute("lines-valid")) {
    out.lines_covered = root.attribute("lines-covered").as_llong();
    out.lines_valid = root.attribute("lines-valid").as_llong();
    out.branches_covered = root.attribute("branches-covered").as_llong();
    out.branches_valid = root.attribute("branches-valid").as_llong();
    return out;
  }
  for (const pugi::xpath_node& hit : root.select_nodes("packages//class/lines/line")) {
    ++out.lines_valid;
    if (hit.node().attribute("hits").as_llong() > 0) ++out.lines_covered;
  }
  return out;
}

// JaCoCo: the report's own <counter type="LINE|BRANCH" missed covered>.
CoverageSummary jacoco(const pugi::xml_node& root) {
  CoverageSummary out{"JaCoCo", 1, 0, 0, 0, 0};
  for (const pugi::xml_node& counter : root.children("counter")) {
    std::string type = counter.attribute("type").value();
    std::int64_t covered = counter.attribute("covered").as_llong(), missed = counter.attribute("missed").as_llong();
    if (type == "LINE") out.lines_covered = covered, out.lines_valid = covered + missed;
    if (type == "BRANCH") out.branches_covered = covered, out.branches_valid = covered + missed;
  }
  return out;
}

}  // namespace

void CoverageSummary::add(const CoverageSummary& other) {
  if (format.empty()) format = other.format;
  files += other.files;
  lines_covered += other.lines_covered;
  lines_valid += other.lines_valid;
  branches_covered += other.branches_covered;
  branches_valid += other.branches_valid;
}

double CoverageSummary::line_percent() const {
  return lines_valid > 0 ? 100.0 * static_cast<double>(lines_covered) / static_cast<double>(lines_valid) : 0;
}

Result<CoverageSummary> read_coverage(const fs::path& file, const std::string& shown) {
  pugi::xml_document doc;
  Result<pugi::xml_node> loaded = load_xml_report(doc, file, shown);
  if (!loaded) return std::unexpected(loaded.error());
  const pugi::xml_node root = *loaded;
  if (std::string_view(root.name()) == "coverage") return cobertura(root);
  if (std::string_view(root.name()) == "report") return jacoco(root);
  return fail(ErrorCode::invalid_input, shown + ": <" + root.name() + "> is no Cobertura or JaCoCo report");
}

nlohmann::ordered_json to_json(const CoverageSummary& s) {
  return {{"format", s.format},           {"files", s.files},
          {"linesCovered", s.lines_covered}, {"linesValid", s.lines_valid},
          {"branchesCovered", s.branches_covered}, {"branchesValid", s.branches_valid}};
}

CoverageSummary coverage_from_json(const nlohmann::json& json) {
  return {json.value("format", ""),
          json.value("files", 0),
          json.value("linesCovered", std::int64_t{0}),
          json.value("linesValid", std::int64_t{0}),
          json.value("branchesCovered", std::int64_t{0}),
          json.value("branchesValid", std::int64_t{0})};
}

}  // namespace slipway::run
