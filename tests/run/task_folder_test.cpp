// Azure task folders: task.json read as azure-pipelines-tasks writes it,
// inputs resolved as Azure's agent resolves them, versions chosen as Azure
// chooses them. Running one is tested in scheduler_test.cpp and, with the
// real azure-pipelines-task-lib, in tests/e2e/task_folders.sh.
#include "run/task_folder.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace slipway::run {
namespace {

namespace fs = std::filesystem;

// A task folder `name` under `root` with this task.json.
fs::path task_dir(const test::TempDir& root, const std::string& name, const std::string& json) {
  fs::path dir = root / name;
  fs::create_directories(dir);
  test::write_file(dir / "task.json", json);
  return dir;
}

std::string task_json(const std::string& name, const std::string& version, const std::string& execution) {
  return R"({"id": "6c731c3c-3c68-459a-a5c9-bde6e6595b5b", "name": ")" + name + R"(", "version": )" + version +
         R"(, "inputs": [], "execution": )" + execution + "}";
}

TEST(TaskFolder, ReadsTaskJsonAsTheTasksRepositoryWritesIt) {
  test::TempDir root;
  // A BOM, version parts as strings, several handlers: the newest Node one is taken.
  fs::path dir = task_dir(root, "greet", "\xEF\xBB\xBF" R"({
  "id": "0d5e2b6a-1111-4f6e-9c0a-3c2f8b7e0a11",
  "name": "Greet",
  "version": {"Major": "1", "Minor": 2, "Patch": 3},
  "inputs": [
    {"name": "greeting", "type": "string", "defaultValue": "hello", "aliases": ["salutation"]},
    {"name": "reportFile", "type": "filePath", "defaultValue": ""},
    {"name": "loud", "type": "boolean", "defaultValue": false}
  ],
  "execution": {"Node10": {"target": "old.js"}, "Node20_1": {"target": "index.js", "argumentFormat": ""}}
})");
  Result<TaskFolder> task = read_task_folder(dir);
  ASSERT_TRUE(task) << task.error().to_string();
  EXPECT_EQ(task->name, "Greet");
  EXPECT_EQ(task->reference(), "Greet@1.2.3");
  EXPECT_EQ(task->handler, "Node20_1");
  EXPECT_EQ(task->target, "index.js");
  EXPECT_TRUE(task->runs_on_node());
  ASSERT_EQ(task->inputs.size(), 3u);
  EXPECT_EQ(task->inputs[0].aliases, std::vector<std::string>{"salutation"});
  EXPECT_EQ(task->inputs[2].default_value, "false");
}

TEST(TaskFolder, BadTaskJsonIsNamedWithItsPosition) {
  test::TempDir root;
  Result<TaskFolder> broken = read_task_folder(task_dir(root, "broken", "{\n  \"name\": \"X\",\n  oops\n}"));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::invalid_input);
  EXPECT_TRUE(broken.error().message.starts_with((root / "broken" / "task.json").string() + ":3:3: not valid JSON"))
      << broken.error().message;
  Result<TaskFolder> no_version =
      read_task_folder(task_dir(root, "nover", R"({"name": "X", "execution": {"Node": {"target": "a.js"}}})"));
  ASSERT_FALSE(no_version);
  EXPECT_EQ(no_version.error().message, (root / "nover" / "task.json").string() + ": 'version' needs a Major number");
  Result<TaskFolder> no_target = read_task_folder(task_dir(root, "notarget", task_json("X", R"({"Major": 1})", R"({"Node16": {}})")));
  ASSERT_FALSE(no_target);
  EXPECT_EQ(no_target.error().message, (root / "notarget" / "task.json").string() + ": execution.Node16 has no 'target'");
  Result<TaskFolder> missing = read_task_folder(root / "nowhere");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST(TaskFolder, NonNodeHandlersAreReadButDoNotRunOnNode) {
  test::TempDir root;
  Result<TaskFolder> task =
      read_task_folder(task_dir(root, "ps", task_json("Ps", R"({"Major": 2})", R"({"PowerShell3": {"target": "t.ps1"}})")));
  ASSERT_TRUE(task) << task.error().to_string();
  EXPECT_EQ(task->handler, "PowerShell3");
  EXPECT_FALSE(task->runs_on_node());
}

TEST(TaskFolder, InputsTakeAliasesDefaultsAndRootedFilePaths) {
  TaskFolder task;
  task.inputs = {{"greeting", "string", "hello", {"salutation"}},
                 {"reportFile", "filePath", "", {}},
                 {"configFile", "filePath", "conf/default.json", {}},
                 {"loud", "boolean", "false", {}}};
  NameValues resolved = resolve_task_inputs(
      task, {{"Salutation", "hi"}, {"reportFile", "out/r.xml"}, {"extra", "kept"}, {"LOUD", "true"}}, "/src");
  EXPECT_EQ(resolved, (NameValues{{"greeting", "hi"},
                                  {"reportFile", "/src/out/r.xml"},
                                  {"configFile", "/src/conf/default.json"},
                                  {"loud", "true"},
                                  {"extra", "kept"}}));
  EXPECT_EQ(input_variable("reportFile"), "INPUT_REPORTFILE");
  EXPECT_EQ(input_variable("my input.name"), "INPUT_MY_INPUT_NAME");
}

TEST(TaskCatalog, FindsTheHighestVersionOfAMajorOrTheExactOne) {
  test::TempDir root;
  Result<TaskCatalog> catalog = TaskCatalog::from_folders({
      task_dir(root, "a", task_json("Greet", R"({"Major": 1, "Minor": 2, "Patch": 0})", R"({"Node": {"target": "i.js"}})")),
      task_dir(root, "b", task_json("Greet", R"({"Major": 1, "Minor": 10, "Patch": 1})", R"({"Node": {"target": "i.js"}})")),
      task_dir(root, "c", task_json("Greet", R"({"Major": 2, "Minor": 0, "Patch": 0})", R"({"Node": {"target": "i.js"}})")),
  });
  ASSERT_TRUE(catalog) << catalog.error().to_string();
  ASSERT_NE(catalog->find("greet@1"), nullptr);
  EXPECT_EQ(catalog->find("greet@1")->version.text(), "1.10.1");
  EXPECT_EQ(catalog->find("Greet@1.2.0")->version.text(), "1.2.0");
  EXPECT_EQ(catalog->find("Greet@1.2")->version.text(), "1.2.0");
  EXPECT_EQ(catalog->find("Greet@2")->version.text(), "2.0.0");
  EXPECT_EQ(catalog->find("6c731c3c-3c68-459a-a5c9-bde6e6595b5b@2")->version.text(), "2.0.0");  // by id
  EXPECT_EQ(catalog->find("Greet@3"), nullptr);
  EXPECT_EQ(catalog->find("Greet@1.3.0"), nullptr);
  EXPECT_EQ(catalog->find("Greet"), nullptr);
  EXPECT_EQ(catalog->find("Greet@x"), nullptr);
  EXPECT_EQ(catalog->find("Other@1"), nullptr);
}

TEST(TaskCatalog, OneVersionInTwoFoldersIsAConflict) {
  test::TempDir root;
  Result<TaskCatalog> catalog = TaskCatalog::from_folders({
      task_dir(root, "a", task_json("Greet", R"({"Major": 1})", R"({"Node": {"target": "i.js"}})")),
      task_dir(root, "b", task_json("greet", R"({"Major": 1})", R"({"Node": {"target": "i.js"}})")),
  });
  ASSERT_FALSE(catalog);
  EXPECT_EQ(catalog.error().code, ErrorCode::conflict);
  EXPECT_EQ(catalog.error().message, "task greet@1.0.0 is in two folders: " + (root / "a").string() + " and " +
                                         (root / "b").string());
}

}  // namespace
}  // namespace slipway::run
