// Conversions between YAML nodes and expression values.
#include "core/strings.h"
#include "pipeline/internal.h"

namespace slipway::pipeline {

expr::Value to_value(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Node::Kind::null:
      return expr::Value();
    case yaml::Node::Kind::scalar:
      return expr::Value::string(node.text());
    case yaml::Node::Kind::sequence: {
      expr::Value::Array items;
      items.reserve(node.items().size());
      for (const yaml::Node& item : node.items()) items.push_back(to_value(item));
      return expr::Value::array(std::move(items));
    }
    case yaml::Node::Kind::mapping: {
      expr::Value::Object members;
      members.reserve(node.entries().size());
      for (const yaml::Node::Entry& entry : node.entries())
        members.emplace_back(entry.key.text(), to_value(entry.value));
      return expr::Value::object(std::move(members));
    }
  }
  return expr::Value();
}

yaml::Node to_node(const expr::Value& value, const yaml::Mark& mark) {
  using Kind = expr::Value::Kind;
  switch (value.kind()) {
    case Kind::null: {
      yaml::Node node;
      node.set_mark(mark);
      return node;
    }
    case Kind::boolean:
    case Kind::number:
    case Kind::version:
      return yaml::Node::make_scalar(value.to_string(), false, mark);
    case Kind::string:
      return yaml::Node::make_scalar(value.as_string(), true, mark);
    case Kind::array: {
      yaml::Node node = yaml::Node::make_sequence(mark);
      for (const expr::Value& item : value.as_array()) node.append(to_node(item, mark));
      return node;
    }
    case Kind::object: {
      yaml::Node node = yaml::Node::make_mapping(mark);
      for (const auto& [key, member] : value.as_object())
        node.entries().push_back({yaml::Node::make_scalar(key, false, mark), to_node(member, mark)});
      return node;
    }
  }
  return yaml::Node();
}

std::optional<bool> parse_yaml_boolean(std::string_view text) {
  std::string lower = to_lower(text);
  if (lower == "true" || lower == "yes" || lower == "y" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "n" || lower == "off") return false;
  return std::nullopt;
}

std::size_t text_size(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Node::Kind::null: return 0;
    case yaml::Node::Kind::scalar: return node.text().size() + 1;
    case yaml::Node::Kind::sequence: {
      std::size_t total = 0;
      for (const yaml::Node& item : node.items()) total += 2 + text_size(item);
      return total;
    }
    case yaml::Node::Kind::mapping: {
      std::size_t total = 0;
      for (const auto& entry : node.entries()) total += entry.key.text().size() + 2 + text_size(entry.value);
      return total;
    }
  }
  return 0;
}

}  // namespace slipway::pipeline
