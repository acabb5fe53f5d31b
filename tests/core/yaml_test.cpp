#include "core/yaml.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace slipway::yaml {

TEST(Yaml, KeepsPositionsOfKeysAndValues) {
  Result<Node> doc = parse("a: 1\nlist:\n  - x\n  - 'y'\n", "f.yaml");
  ASSERT_TRUE(doc) << doc.error().to_string();
  const Node* list = doc->get("list");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->items().size(), 2u);
  EXPECT_EQ(list->items()[1].position().to_string(), "f.yaml:4:5");
  EXPECT_TRUE(list->items()[1].quoted());
  EXPECT_FALSE(list->items()[0].quoted());
  EXPECT_EQ(doc->entries()[1].key.position().to_string(), "f.yaml:2:1");
}

TEST(Yaml, RejectsDuplicateKeysWithPosition) {
  Result<Node> doc = parse("a: 1\nb: 2\na: 3\n", "f.yaml");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().to_string(), "f.yaml:3:1: duplicate key 'a'");
}

TEST(Yaml, ReportsSyntaxErrorsWithPosition) {
  Result<Node> doc = parse("a: [1, 2\n", "bad.yaml");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().where.file, "bad.yaml");
  EXPECT_GT(doc.error().where.line, 0);
}

TEST(Yaml, EmptyDocumentIsNull) {
  Result<Node> doc = parse("", "e.yaml");
  ASSERT_TRUE(doc);
  EXPECT_TRUE(doc->is_null());
}

TEST(Yaml, RoundTripsThroughText) {
  Result<Node> doc = parse("b: 'true'\na:\n- x\n- multi\n", "f.yaml");
  ASSERT_TRUE(doc);
  std::string text = to_yaml(*doc);
  Result<Node> again = parse(text, "g.yaml");
  ASSERT_TRUE(again) << text;
  EXPECT_EQ(to_json(*again), to_json(*doc));
  EXPECT_EQ(to_json(*doc)["b"], "true");
}

TEST(Yaml, RefusesAnAliasThatContainsItself) {
  Result<Node> doc = parse("values:\n  x: &r [*r]\n", "v.yaml");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, ErrorCode::invalid_input);
  EXPECT_NE(doc.error().message.find("alias"), std::string::npos) << doc.error().to_string();
  EXPECT_EQ(doc.error().where.file, "v.yaml");
}

// Nine levels of nine aliases each: 9^9 leaves from a few hundred bytes.
TEST(Yaml, RefusesAliasesThatExpandBeyondTheSizeLimit) {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level <= 9; ++level) {
    std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  Result<Node> doc = parse(text, "lol.yaml");
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message.find("aliases expand this document beyond"), std::string::npos)
      << doc.error().to_string();
}

TEST(Yaml, AcceptsAliasesOfModestSize) {
  Result<Node> doc = parse("base: &b {x: 1, y: [a, b]}\none: *b\ntwo: *b\n", "ok.yaml");
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ(to_json(*doc)["two"]["y"][1], "b");
}

TEST(Yaml, RefusesInvalidUtf8WithThePositionOfTheByte) {
  Result<Node> doc = parse("a: 1\nregion: EU\xffR\n", "u.yaml");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().to_string(), "u.yaml:2:11: not valid UTF-8 (byte 0xFF)");
}

TEST(Yaml, DuplicateKeysAreFoundAmongManyKeys) {
  std::string text;
  for (int i = 0; i < 50'000; ++i) text += "k" + std::to_string(i) + ": v\n";
  ASSERT_TRUE(parse(text, "big.yaml"));
  text += "k123: again\n";
  Result<Node> doc = parse(text, "big.yaml");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().to_string(), "big.yaml:50001:1: duplicate key 'k123'");
}

}  // namespace slipway::yaml
