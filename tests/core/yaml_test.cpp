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

}  // namespace slipway::yaml
