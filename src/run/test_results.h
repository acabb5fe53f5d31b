// Test result files, as Azure's PublishTestResults@2 reads them: JUnit,
// NUnit 2 and 3, xUnit 2 and VSTest (TRX), summed into one TestSummary kept
// with the step that published them (StepRecord::tests, so with the run on
// either store backend): totals, duration, and each failed test with its
// message. Passing tests are counted, not listed (a run may hold thousands).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace slipway::run {

struct FailedTest {
  std::string name;        // "test_totals"
  std::string class_name;  // "tests.test_orders.OrdersTest"; may be empty
  std::string message;     // the failure's message (the publishing step keeps at most 4 kB of it)
  std::int64_t duration_ms = 0;
  std::string file;        // the results file it came from, relative to the search folder
};

struct TestSummary {
  std::string title;       // testRunTitle; may be empty
  std::string format;      // "JUnit", "NUnit", "XUnit", "VSTest"
  int files = 0;
  int total = 0, passed = 0, failed = 0, skipped = 0;
  std::int64_t duration_ms = 0;
  std::vector<FailedTest> failures;

  void add(const TestSummary& other);
};

// The format named as Azure's testResultsFormat input names it (JUnit,
// NUnit, XUnit, VSTest; ignoring case); invalid_input otherwise, listing them.
Result<std::string> test_format(std::string_view name);

// Reads one results file of `format` (as test_format takes it). invalid_input
// "<file>: ..." when it is not XML or not that format (its root element is
// named), not_found when it is missing. `shown` names it in FailedTest::file.
Result<TestSummary> read_test_results(const std::string& format, const std::filesystem::path& file,
                                      const std::string& shown);

nlohmann::ordered_json to_json(const TestSummary& summary);
TestSummary test_summary_from_json(const nlohmann::json& json);

}  // namespace slipway::run
