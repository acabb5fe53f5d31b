#include "run/test_results.h"

#include <array>
#include <cmath>
#include <functional>
#include <map>

#include <pugixml.hpp>

#include "core/strings.h"
#include "run/xml_report.h"

namespace slipway::run {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::array<std::string_view, 4> k_formats = {"JUnit", "NUnit", "XUnit", "VSTest"};

enum class Outcome { passed, failed, skipped };

// One test case as a format reports it.
struct Case {
  std::string name, class_name, message;
  double seconds = 0;
  Outcome outcome = Outcome::passed;
};

std::int64_t to_ms(double seconds) { return std::isfinite(seconds) && seconds > 0 ? std::llround(seconds * 1000) : 0; }

double seconds_of(const char* text) {
  try {
    return text && *text ? std::stod(text) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

// TRX durations: "00:00:01.2345678".
double trx_seconds(std::string_view text) {
  std::vector<std::string> parts = split(text, ':');
  if (parts.size() != 3) return 0;
  return seconds_of(parts[0].c_str()) * 3600 + seconds_of(parts[1].c_str()) * 60 + seconds_of(parts[2].c_str());
}

// Messages are kept whole here: the caller masks secrets, then shortens them.
std::string cut(std::string text) { return std::string(trim(text)); }

// A failure element's message: its message attribute, else its text (JUnit),
// else its <message> child (NUnit, xUnit).
std::string failure_message(const pugi::xml_node& failure) {
  if (const char* attribute = failure.attribute("message").value(); *attribute) return cut(attribute);
  if (pugi::xml_node message = failure.child("message")) return cut(message.child_value());
  return cut(failure.text().get());
}

void junit(const pugi::xml_node& root, std::vector<Case>& out) {
  for (const pugi::xpath_node& hit : root.select_nodes("descendant-or-self::testcase")) {
    pugi::xml_node node = hit.node();
    Case test{node.attribute("name").value(), node.attribute("classname").value(), {}, seconds_of(node.attribute("time").value())};
    pugi::xml_node failure = node.child("failure") ? node.child("failure") : node.child("error");
    if (failure) test.outcome = Outcome::failed, test.message = failure_message(failure);
    else if (node.child("skipped")) test.outcome = Outcome::skipped;
    out.push_back(std::move(test));
  }
}

// NUnit 2 (<test-results>: result Success/Failure/Error/Ignored...) and NUnit 3
// (<test-run>: result Passed/Failed/Skipped/Inconclusive/Warning).
void nunit(const pugi::xml_node& root, std::vector<Case>& out) {
  bool v3 = std::string_view(root.name()) == "test-run";
  for (const pugi::xpath_node& hit : root.select_nodes("descendant::test-case")) {
    pugi::xml_node node = hit.node();
    std::string result = to_lower(node.attribute("result").value());
    Case test{node.attribute("name").value(), node.attribute("classname").value(), {},
              seconds_of(node.attribute(v3 ? "duration" : "time").value())};
    if (result == "failure" || result == "error" || result == "failed") {
      test.outcome = Outcome::failed;
      test.message = failure_message(node.child("failure"));
    } else if (result != "success" && result != "passed") {
      test.outcome = Outcome::skipped;  // ignored, skipped, inconclusive, notrunnable, warning
    }
    out.push_back(std::move(test));
  }
}

void xunit(const pugi::xml_node& root, std::vector<Case>& out) {
  for (const pugi::xpath_node& hit : root.select_nodes("descendant-or-self::test")) {
    pugi::xml_node node = hit.node();
    std::string result = to_lower(node.attribute("result").value());
    Case test{node.attribute("name").value(), node.attribute("type").value(), {}, seconds_of(node.attribute("time").value())};
    if (result == "fail") test.outcome = Outcome::failed, test.message = failure_message(node.child("failure"));
    else if (result != "pass") test.outcome = Outcome::skipped;
    out.push_back(std::move(test));
  }
}

// TRX: <UnitTestResult testId outcome duration> with <Output><ErrorInfo><Message>;
// the class from <TestDefinitions><UnitTest id><TestMethod className>.
void vstest(const pugi::xml_node& root, std::vector<Case>& out) {
  std::map<std::string, std::string> classes;
  for (const pugi::xpath_node& hit : root.select_nodes("TestDefinitions/UnitTest"))
    classes[hit.node().attribute("id").value()] = hit.node().child("TestMethod").attribute("className").value();
  for (const pugi::xpath_node& hit : root.select_nodes("Results//UnitTestResult")) {
    pugi::xml_node node = hit.node();
    std::string outcome = to_lower(node.attribute("outcome").value());
    Case test{node.attribute("testName").value(), classes[node.attribute("testId").value()], {},
              trx_seconds(node.attribute("duration").value())};
    if (outcome == "failed" || outcome == "error" || outcome == "timeout" || outcome == "aborted") {
      test.outcome = Outcome::failed;
      test.message = cut(node.child("Output").child("ErrorInfo").child("Message").child_value());
    } else if (outcome != "passed") {
      test.outcome = Outcome::skipped;  // NotExecuted, Inconclusive...
    }
    out.push_back(std::move(test));
  }
}

// The root elements each format's files start with.
bool root_fits(const std::string& format, std::string_view root) {
  if (format == "JUnit") return root == "testsuites" || root == "testsuite";
  if (format == "NUnit") return root == "test-results" || root == "test-run";
  if (format == "XUnit") return root == "assemblies" || root == "assembly";
  return root == "TestRun";
}

}  // namespace

void TestSummary::add(const TestSummary& other) {
  files += other.files;
  total += other.total;
  passed += other.passed;
  failed += other.failed;
  skipped += other.skipped;
  duration_ms += other.duration_ms;
  failures.insert(failures.end(), other.failures.begin(), other.failures.end());
}

Result<std::string> test_format(std::string_view name) {
  for (std::string_view format : k_formats)
    if (iequals(format, name)) return std::string(format);
  return fail(ErrorCode::invalid_input, "testResultsFormat '" + std::string(name) + "' is not one of JUnit, NUnit, XUnit, VSTest");
}

Result<TestSummary> read_test_results(const std::string& name, const fs::path& file, const std::string& shown) {
  Result<std::string> known = test_format(name);
  if (!known) return std::unexpected(known.error());
  const std::string& format = *known;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return fail(ErrorCode::not_found, "no test results file " + file.string());
  pugi::xml_document doc;
  Result<pugi::xml_node> loaded = load_xml_report(doc, file, shown);
  if (!loaded) return std::unexpected(loaded.error());
  const pugi::xml_node root = *loaded;
  if (!root_fits(format, root.name()))
    return fail(ErrorCode::invalid_input, shown + ": <" + root.name() + "> is no " + format + " results file");
  std::vector<Case> cases;
  if (format == "JUnit") junit(root, cases);
  else if (format == "NUnit") nunit(root, cases);
  else if (format == "XUnit") xunit(root, cases);
  else vstest(root, cases);
  TestSummary summary;
  summary.format = format;
  summary.files = 1;
  for (Case& test : cases) {
    ++summary.total;
    summary.duration_ms += to_ms(test.seconds);
    if (test.outcome == Outcome::passed) ++summary.passed;
    if (test.outcome == Outcome::skipped) ++summary.skipped;
    if (test.outcome != Outcome::failed) continue;
    ++summary.failed;
    summary.failures.push_back({std::move(test.name), std::move(test.class_name), std::move(test.message),
                                to_ms(test.seconds), shown});
  }
  return summary;
}

Json to_json(const TestSummary& summary) {
  Json failures = Json::array();
  for (const FailedTest& test : summary.failures)
    failures.push_back({{"name", test.name}, {"className", test.class_name}, {"message", test.message},
                        {"durationMs", test.duration_ms}, {"file", test.file}});
  return {{"title", summary.title}, {"format", summary.format}, {"files", summary.files},
          {"total", summary.total}, {"passed", summary.passed}, {"failed", summary.failed},
          {"skipped", summary.skipped}, {"durationMs", summary.duration_ms}, {"failures", failures}};
}

TestSummary test_summary_from_json(const nlohmann::json& json) {
  TestSummary out;
  out.title = json.value("title", "");
  out.format = json.value("format", "");
  out.files = json.value("files", 0);
  out.total = json.value("total", 0);
  out.passed = json.value("passed", 0);
  out.failed = json.value("failed", 0);
  out.skipped = json.value("skipped", 0);
  out.duration_ms = json.value("durationMs", std::int64_t{0});
  for (const nlohmann::json& test : json.value("failures", nlohmann::json::array()))
    out.failures.push_back({test.value("name", ""), test.value("className", ""), test.value("message", ""),
                            test.value("durationMs", std::int64_t{0}), test.value("file", "")});
  return out;
}

}  // namespace slipway::run
