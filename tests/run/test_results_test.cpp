// Test result files in each format PublishTestResults@2 reads, written here
// as the tools write them (NUnit 2 and 3 console, xunit.console 2, vstest's
// TRX; JUnit as node's test runner and ctest write it, made for real in
// tests/e2e/test_results.sh), and Azure's file patterns.
#include "run/test_results.h"

#include <gtest/gtest.h>

#include "run/coverage.h"
#include "run/file_patterns.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

namespace fs = std::filesystem;

Result<TestSummary> read(const test::TempDir& dir, const std::string& format, const std::string& xml) {
  test::write_file(dir / "results.xml", xml);
  return read_test_results(format, dir / "results.xml", "results.xml");
}

TEST(TestResults, JUnitCountsFailuresErrorsAndSkips) {
  test::TempDir dir;
  Result<TestSummary> summary = read(dir, "JUnit", R"(<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests">
  <testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4" time="0.5">
    <testcase classname="tests.test_orders" name="test_total" time="0.25"/>
    <testcase classname="tests.test_orders" name="test_tax" time="0.125">
      <failure message="assert 3 == 4">def test_tax():
&gt;       assert 3 == 4</failure>
    </testcase>
    <testcase classname="tests.test_orders" name="test_db" time="0.1"><error message="">connection refused</error></testcase>
    <testcase classname="tests.test_orders" name="test_later" time="0"><skipped message="not yet"/></testcase>
  </testsuite>
</testsuites>)");
  ASSERT_TRUE(summary) << summary.error().to_string();
  EXPECT_EQ(summary->total, 4);
  EXPECT_EQ(summary->passed, 1);
  EXPECT_EQ(summary->failed, 2);
  EXPECT_EQ(summary->skipped, 1);
  EXPECT_EQ(summary->duration_ms, 475);
  ASSERT_EQ(summary->failures.size(), 2u);
  EXPECT_EQ(summary->failures[0].class_name, "tests.test_orders");
  EXPECT_EQ(summary->failures[0].name, "test_tax");
  EXPECT_EQ(summary->failures[0].message, "assert 3 == 4");
  EXPECT_EQ(summary->failures[0].duration_ms, 125);
  EXPECT_EQ(summary->failures[0].file, "results.xml");
  EXPECT_EQ(summary->failures[1].message, "connection refused");
}

TEST(TestResults, NUnit2AndNUnit3) {
  test::TempDir dir;
  Result<TestSummary> v2 = read(dir, "NUnit", R"(<?xml version="1.0" encoding="utf-8" standalone="no"?>
<test-results name="Shop.Tests.dll" total="3" errors="0" failures="1" not-run="1" ignored="1">
  <test-suite type="Assembly" name="Shop.Tests.dll" executed="True" result="Failure" success="False" time="0.210">
    <results><test-suite type="TestFixture" name="CartTests" executed="True" result="Failure"><results>
      <test-case name="Shop.Tests.CartTests.Adds" executed="True" result="Success" success="True" time="0.010" asserts="1"/>
      <test-case name="Shop.Tests.CartTests.Removes" executed="True" result="Failure" success="False" time="0.020" asserts="1">
        <failure><message><![CDATA[  Expected: 0
  But was:  1
]]></message><stack-trace>at Shop.Tests.CartTests.Removes()</stack-trace></failure>
      </test-case>
      <test-case name="Shop.Tests.CartTests.Later" executed="False" result="Ignored"><reason><message>later</message></reason></test-case>
    </results></test-suite></results>
  </test-suite>
</test-results>)");
  ASSERT_TRUE(v2) << v2.error().to_string();
  EXPECT_EQ((std::array{v2->total, v2->passed, v2->failed, v2->skipped}), (std::array{3, 1, 1, 1}));
  ASSERT_EQ(v2->failures.size(), 1u);
  EXPECT_EQ(v2->failures[0].name, "Shop.Tests.CartTests.Removes");
  EXPECT_EQ(v2->failures[0].message, "Expected: 0\n  But was:  1");

  Result<TestSummary> v3 = read(dir, "nunit", R"(<?xml version="1.0" encoding="utf-8" standalone="no"?>
<test-run id="0" testcasecount="3" result="Failed" total="3" passed="1" failed="1" skipped="1" duration="0.5">
  <test-suite type="Assembly" name="Shop.Tests.dll">
    <test-suite type="TestFixture" name="CartTests" classname="Shop.Tests.CartTests">
      <test-case id="1" name="Adds" fullname="Shop.Tests.CartTests.Adds" classname="Shop.Tests.CartTests" result="Passed" duration="0.012"/>
      <test-case id="2" name="Removes" fullname="Shop.Tests.CartTests.Removes" classname="Shop.Tests.CartTests" result="Failed" duration="0.034">
        <failure><message><![CDATA[Expected: 0 But was: 1]]></message></failure>
      </test-case>
      <test-case id="3" name="Later" fullname="Shop.Tests.CartTests.Later" classname="Shop.Tests.CartTests" result="Skipped" label="Ignored"/>
    </test-suite>
  </test-suite>
</test-run>)");
  ASSERT_TRUE(v3) << v3.error().to_string();
  EXPECT_EQ(v3->format, "NUnit");
  EXPECT_EQ((std::array{v3->total, v3->passed, v3->failed, v3->skipped}), (std::array{3, 1, 1, 1}));
  EXPECT_EQ(v3->failures[0].class_name, "Shop.Tests.CartTests");
  EXPECT_EQ(v3->failures[0].duration_ms, 34);
}

TEST(TestResults, XUnit2AndTrx) {
  test::TempDir dir;
  Result<TestSummary> xunit = read(dir, "XUnit", R"(<?xml version="1.0" encoding="utf-8"?>
<assemblies timestamp="12/07/2026 10:00:00">
  <assembly name="/src/Shop.Tests.dll" total="3" passed="1" failed="1" skipped="1" time="0.300">
    <collection total="3" passed="1" failed="1" skipped="1" name="Test collection for Shop.Tests.CartTests" time="0.2">
      <test name="Shop.Tests.CartTests.Adds" type="Shop.Tests.CartTests" method="Adds" time="0.0100000" result="Pass"/>
      <test name="Shop.Tests.CartTests.Removes" type="Shop.Tests.CartTests" method="Removes" time="0.0200000" result="Fail">
        <failure exception-type="Xunit.Sdk.EqualException"><message><![CDATA[Assert.Equal() Failure
Expected: 0
Actual:   1]]></message><stack-trace><![CDATA[at Removes()]]></stack-trace></failure>
      </test>
      <test name="Shop.Tests.CartTests.Later" type="Shop.Tests.CartTests" method="Later" time="0" result="Skip"><reason><![CDATA[later]]></reason></test>
    </collection>
  </assembly>
</assemblies>)");
  ASSERT_TRUE(xunit) << xunit.error().to_string();
  EXPECT_EQ((std::array{xunit->total, xunit->passed, xunit->failed, xunit->skipped}), (std::array{3, 1, 1, 1}));
  EXPECT_EQ(xunit->failures[0].message, "Assert.Equal() Failure\nExpected: 0\nActual:   1");
  EXPECT_EQ(xunit->failures[0].class_name, "Shop.Tests.CartTests");

  Result<TestSummary> trx = read(dir, "VSTest", R"(<?xml version="1.0" encoding="utf-8"?>
<TestRun id="3f1c" name="build@agent 2026-12-07" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Results>
    <UnitTestResult executionId="e1" testId="t1" testName="Adds" computerName="agent" duration="00:00:00.0150000" outcome="Passed"/>
    <UnitTestResult executionId="e2" testId="t2" testName="Removes" computerName="agent" duration="00:00:01.2500000" outcome="Failed">
      <Output><ErrorInfo><Message>Assert.AreEqual failed. Expected:&lt;0&gt;. Actual:&lt;1&gt;.</Message><StackTrace>at Removes()</StackTrace></ErrorInfo></Output>
    </UnitTestResult>
    <UnitTestResult executionId="e3" testId="t3" testName="Later" computerName="agent" duration="00:00:00" outcome="NotExecuted"/>
  </Results>
  <TestDefinitions>
    <UnitTest name="Removes" id="t2"><TestMethod codeBase="Shop.Tests.dll" className="Shop.Tests.CartTests" name="Removes"/></UnitTest>
  </TestDefinitions>
  <ResultSummary outcome="Failed"><Counters total="3" executed="2" passed="1" failed="1"/></ResultSummary>
</TestRun>)");
  ASSERT_TRUE(trx) << trx.error().to_string();
  EXPECT_EQ((std::array{trx->total, trx->passed, trx->failed, trx->skipped}), (std::array{3, 1, 1, 1}));
  EXPECT_EQ(trx->duration_ms, 1265);
  EXPECT_EQ(trx->failures[0].class_name, "Shop.Tests.CartTests");
  EXPECT_EQ(trx->failures[0].message, "Assert.AreEqual failed. Expected:<0>. Actual:<1>.");
}

TEST(TestResults, BadFilesAndFormatsAreNamed) {
  test::TempDir dir;
  Result<TestSummary> broken = read(dir, "JUnit", "<testsuites><testcase name='x'>");
  ASSERT_FALSE(broken);
  EXPECT_TRUE(broken.error().message.starts_with("results.xml: not XML (")) << broken.error().message;
  Result<TestSummary> other = read(dir, "JUnit", "<test-run/>");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "results.xml: <test-run> is no JUnit results file");
  Result<std::string> format = test_format("TAP");
  ASSERT_FALSE(format);
  EXPECT_EQ(format.error().message, "testResultsFormat 'TAP' is not one of JUnit, NUnit, XUnit, VSTest");
  EXPECT_EQ(*test_format("vstest"), "VSTest");
}

TEST(TestResults, SummaryRoundTripsThroughJson) {
  TestSummary summary{"unit", "JUnit", 2, 5, 3, 1, 1, 42, {{"t", "C", "boom", 7, "a.xml"}}};
  TestSummary back = test_summary_from_json(nlohmann::json::parse(to_json(summary).dump()));
  EXPECT_EQ(to_json(back), to_json(summary));
}

TEST(FilePatterns, MatchAsAzureTasksDo) {
  EXPECT_TRUE(path_matches("**/TEST-*.xml", "TEST-a.xml"));
  EXPECT_TRUE(path_matches("**/TEST-*.xml", "x/y/TEST-a.xml"));
  EXPECT_FALSE(path_matches("**/TEST-*.xml", "x/y/test-a.xml"));
  EXPECT_TRUE(path_matches("out/*.trx", "out/a.trx"));
  EXPECT_FALSE(path_matches("out/*.trx", "out/sub/a.trx"));
  EXPECT_TRUE(path_matches("**/.hidden/*.xml", "a/.hidden/r.xml"));
  EXPECT_TRUE(path_matches("r[0-9].xml", "r7.xml"));

  test::TempDir dir;
  for (const char* file : {"TEST-a.xml", "sub/TEST-b.xml", "sub/deep/TEST-c.xml", "sub/other.xml", "skip/TEST-d.xml"})
    test::write_file(dir / file, "x");
  std::vector<fs::path> found = find_matching_files(dir.path(), "# results\n**/TEST-*.xml\n!skip/**\n");
  EXPECT_EQ(found, (std::vector<fs::path>{dir / "TEST-a.xml", dir / "sub/TEST-b.xml", dir / "sub/deep/TEST-c.xml"}));
  EXPECT_EQ(find_matching_files(dir.path(), (dir / "sub/*.xml").string()),
            (std::vector<fs::path>{dir / "sub/TEST-b.xml", dir / "sub/other.xml"}));
  EXPECT_TRUE(find_matching_files(dir / "nowhere", "**/*.xml").empty());
}

TEST(Coverage, CoberturaTotalsOrLinesAndJaCoCoCounters) {
  test::TempDir dir;
  test::write_file(dir / "new.xml", R"(<?xml version="1.0" ?>
<coverage version="7.4.0" timestamp="1" lines-valid="120" lines-covered="90" line-rate="0.75" branches-covered="10" branches-valid="20" branch-rate="0.5" complexity="0">
  <packages/>
</coverage>)");
  Result<CoverageSummary> recent = read_coverage(dir / "new.xml", "new.xml");
  ASSERT_TRUE(recent) << recent.error().to_string();
  EXPECT_EQ(recent->format, "Cobertura");
  EXPECT_EQ((std::array{recent->lines_covered, recent->lines_valid, recent->branches_covered, recent->branches_valid}),
            (std::array<std::int64_t, 4>{90, 120, 10, 20}));
  // Cobertura before 1.9 has rates only: the lines are counted.
  test::write_file(dir / "old.xml", R"(<coverage line-rate="0.5" branch-rate="0"><packages><package name="p"><classes>
  <class name="A" filename="a.py"><lines><line number="1" hits="3"/><line number="2" hits="0"/></lines></class>
  <class name="B" filename="b.py"><lines><line number="1" hits="1"/><line number="5" hits="0"/></lines></class>
</classes></package></packages></coverage>)");
  Result<CoverageSummary> old = read_coverage(dir / "old.xml", "old.xml");
  ASSERT_TRUE(old) << old.error().to_string();
  EXPECT_EQ(old->lines_covered, 2);
  EXPECT_EQ(old->lines_valid, 4);
  EXPECT_DOUBLE_EQ(old->line_percent(), 50.0);
  test::write_file(dir / "jacoco.xml", R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="shop"><sessioninfo id="s" start="1" dump="2"/>
  <package name="shop"><counter type="LINE" missed="1" covered="9"/></package>
  <counter type="INSTRUCTION" missed="10" covered="90"/><counter type="BRANCH" missed="2" covered="6"/>
  <counter type="LINE" missed="5" covered="45"/><counter type="METHOD" missed="1" covered="9"/>
</report>)");
  Result<CoverageSummary> jacoco = read_coverage(dir / "jacoco.xml", "jacoco.xml");
  ASSERT_TRUE(jacoco) << jacoco.error().to_string();
  EXPECT_EQ(jacoco->format, "JaCoCo");
  EXPECT_EQ((std::array{jacoco->lines_covered, jacoco->lines_valid, jacoco->branches_covered, jacoco->branches_valid}),
            (std::array<std::int64_t, 4>{45, 50, 6, 8}));
  test::write_file(dir / "other.xml", "<testsuites/>");
  Result<CoverageSummary> other = read_coverage(dir / "other.xml", "other.xml");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "other.xml: <testsuites> is no Cobertura or JaCoCo report");
}

}  // namespace
}  // namespace slipway::run
