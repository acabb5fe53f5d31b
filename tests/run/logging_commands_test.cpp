#include <gtest/gtest.h>

#include "run/logging_commands.h"
#include "run/variables.h"

namespace slipway::run {
namespace {

TEST(LoggingCommands, ParsesSetVariableWithProperties) {
  auto command = parse_logging_command("##vso[task.setvariable variable=x;isOutput=true;issecret=true]va%3Blue");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->area, "task");
  EXPECT_EQ(command->action, "setvariable");
  EXPECT_EQ(command->property("variable"), "x");
  EXPECT_EQ(command->property("isoutput"), "true");
  EXPECT_EQ(command->property("isSecret"), "true");
  EXPECT_EQ(command->message, "va;lue");
}

TEST(LoggingCommands, ParsesFormattingCommands) {
  EXPECT_EQ(parse_logging_command("##[group]Build")->kind, LoggingCommand::Kind::group);
  EXPECT_EQ(parse_logging_command("##[group]Build")->message, "Build");
  EXPECT_EQ(parse_logging_command("##[endgroup]")->kind, LoggingCommand::Kind::end_group);
  EXPECT_EQ(parse_logging_command("##[warning]careful")->kind, LoggingCommand::Kind::warning);
  EXPECT_EQ(parse_logging_command("##[error]bad")->kind, LoggingCommand::Kind::error);
  EXPECT_FALSE(parse_logging_command("plain text"));
  EXPECT_FALSE(parse_logging_command("##vso[noaction]x"));
  EXPECT_FALSE(parse_logging_command("##[nosuch]x"));
}

TEST(LoggingCommands, UnescapesAzureEscapes) {
  EXPECT_EQ(unescape_logging_value("100%AZP25 %0Aline%5D"), "100% \nline]");
}

TEST(Variables, EnvironmentNamesFollowAzure) {
  EXPECT_EQ(environment_name("Build.SourceBranch"), "BUILD_SOURCEBRANCH");
  EXPECT_EQ(environment_name("my var.x"), "MY_VAR_X");
}

TEST(Variables, MacrosExpandKnownNamesAndKeepOthers) {
  Variables vars;
  vars.set("Build.SourceBranchName", "main");
  vars.set("config", "release");
  EXPECT_EQ(vars.expand("$(build.sourcebranchname)-$(CONFIG) $(unknown) $(echo hi)"),
            "main-release $(unknown) $(echo hi)");
}

TEST(Variables, SecretsAreNotMappedToTheEnvironment) {
  Variables vars;
  vars.set("plain", "1");
  vars.set("token", "2", true);
  EXPECT_EQ(vars.environment(), std::vector<std::string>{"PLAIN=1"});
}

TEST(SecretMasker, MasksEveryOccurrenceLongestFirst) {
  SecretMasker masker;
  masker.add("abc");
  masker.add("abcdef");
  EXPECT_EQ(masker.mask("x abcdef y abc z"), "x *** y *** z");
}

}  // namespace
}  // namespace slipway::run
