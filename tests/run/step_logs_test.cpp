// Step logs: plain while written, gzip once the step finished; readers and
// followers see the same lines either way, each line once.
#include <gtest/gtest.h>

#include <fstream>

#include "run/step_log_writer.h"
#include "run/step_logs.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> all_lines(const fs::path& plain) {
  std::vector<std::string> out;
  read_step_log(plain, [&](std::string_view line) { out.emplace_back(line); });
  return out;
}

TEST(StepLogs, CompressedLogReadsLikeThePlainOne) {
  test::TempDir dir;
  fs::path plain = dir / "0.log";
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "2026-11-25T10:31:00.123Z line " + std::to_string(i) + "\n";
  test::write_file(plain, text);
  std::vector<std::string> before = all_lines(plain);
  ASSERT_EQ(before.size(), 5000u);
  ASSERT_TRUE(compress_step_log(plain));
  EXPECT_FALSE(fs::exists(plain));
  ASSERT_TRUE(fs::exists(dir / "0.log.gz"));
  EXPECT_LT(fs::file_size(dir / "0.log.gz"), text.size() / 4);
  EXPECT_EQ(all_lines(plain), before);
  EXPECT_EQ(log_line_text(before[7]), "line 7");
}

TEST(StepLogs, TailGivesEveryLineOnceAcrossTheSwitchToCompressed) {
  test::TempDir dir;
  fs::path plain = dir / "0.log";
  std::vector<std::string> seen;
  auto collect = [&](std::string_view line) { seen.emplace_back(line); };
  StepLogTail tail(plain);
  tail.poll(collect);
  EXPECT_TRUE(seen.empty());
  {
    std::ofstream out(plain, std::ios::binary);
    out << "a\nb\npart";
  }
  tail.poll(collect);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  {
    std::ofstream out(plain, std::ios::binary | std::ios::app);
    out << "ial\nc\n";
  }
  ASSERT_TRUE(compress_step_log(plain));
  tail.poll(collect);
  tail.poll(collect);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "partial", "c"}));
}

TEST(StepLogs, RecorderCompressesAFinishedStepAndKeepsARunningOnePlain) {
  test::TempDir dir;
  StepLogWriter recorder(dir / "runs");
  recorder.log("1", "s.a", 0, 0, "first");
  recorder.log("1", "s.a", 1, 0, "second");
  recorder.step_finished("1", "s.a", 0);
  fs::path done = step_log_path(dir / "runs", "1", "s.a", 0);
  fs::path running = step_log_path(dir / "runs", "1", "s.a", 1);
  EXPECT_FALSE(fs::exists(done));
  EXPECT_TRUE(fs::exists(done.string() + ".gz"));
  recorder.close_logs();
  EXPECT_TRUE(fs::exists(running));
  ASSERT_EQ(all_lines(done).size(), 1u);
  EXPECT_EQ(log_line_text(all_lines(done)[0]), "first");
  EXPECT_EQ(log_line_text(all_lines(running)[0]), "second");
}

TEST(StepLogs, FollowStopsWhenTheRunIsFinishedAfterReadingEverything) {
  test::TempDir dir;
  fs::path root = dir / "runs";
  StepLogWriter recorder(root);
  recorder.log("7", "s.a", 0, 0, "one");
  recorder.close_logs();
  int polls = 0;
  nlohmann::json doc = nlohmann::json::parse(
      R"({"state": "running", "stages": [{"jobs": [{"id": "s.a", "name": "a", "steps": [{}, {}]}]}]})");
  std::vector<std::string> seen;
  auto load = [&]() -> Result<nlohmann::json> {
    if (++polls == 2) {
      // Between two polls: a second step writes and the run finishes.
      recorder.log("7", "s.a", 1, 0, "two");
      recorder.step_finished("7", "s.a", 1);
      doc["state"] = "finished";
      doc["result"] = "failed";
    }
    return doc;
  };
  Result<nlohmann::json> last = follow_run_logs(
      root, "7", "", load, [&](const std::string& job, std::string_view line) { seen.push_back(job + " " + std::string(line)); },
      std::chrono::milliseconds(1));
  ASSERT_TRUE(last);
  EXPECT_EQ((*last)["result"], "failed");
  EXPECT_EQ(polls, 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"s.a one", "s.a two"}));
}

}  // namespace
}  // namespace slipway::run
