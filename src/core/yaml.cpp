#include "core/yaml.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace slipway::yaml {

Node Node::make_scalar(std::string text, bool quoted, Mark mark) {
  Node node;
  node.m_kind = Kind::scalar;
  node.m_text = std::move(text);
  node.m_quoted = quoted;
  node.m_mark = std::move(mark);
  return node;
}

Node Node::make_sequence(Mark mark) {
  Node node;
  node.m_kind = Kind::sequence;
  node.m_mark = std::move(mark);
  return node;
}

Node Node::make_mapping(Mark mark) {
  Node node;
  node.m_kind = Kind::mapping;
  node.m_mark = std::move(mark);
  return node;
}

const char* Node::kind_name() const {
  switch (m_kind) {
    case Kind::null: return "null";
    case Kind::scalar: return "string";
    case Kind::sequence: return "sequence";
    case Kind::mapping: return "mapping";
  }
  return "null";
}

const Node* Node::get(std::string_view key) const {
  for (const Entry& entry : m_entries)
    if (entry.key.m_text == key) return &entry.value;
  return nullptr;
}

Node* Node::get(std::string_view key) {
  for (Entry& entry : m_entries)
    if (entry.key.m_text == key) return &entry.value;
  return nullptr;
}

void Node::append(Node item) { m_items.push_back(std::move(item)); }

void Node::set(std::string_view key, Node value) {
  if (Node* existing = get(key)) {
    *existing = std::move(value);
    return;
  }
  m_entries.push_back(Entry{make_scalar(std::string(key)), std::move(value)});
}

namespace {

Mark mark_of(const YAML::Mark& m, const std::shared_ptr<const std::string>& file) {
  if (m.is_null()) return Mark{file, 0, 0};
  return Mark{file, m.line + 1, m.column + 1};
}

Result<Node> convert(const YAML::Node& in, const std::shared_ptr<const std::string>& file) {
  Mark mark = mark_of(in.Mark(), file);
  switch (in.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: {
      Node node;
      node.set_mark(mark);
      return node;
    }
    case YAML::NodeType::Scalar:
      return Node::make_scalar(in.Scalar(), in.Tag() == "!", mark);
    case YAML::NodeType::Sequence: {
      Node node = Node::make_sequence(mark);
      for (const YAML::Node& item : in) {
        Result<Node> child = convert(item, file);
        if (!child) return child;
        node.append(std::move(*child));
      }
      return node;
    }
    case YAML::NodeType::Map: {
      Node node = Node::make_mapping(mark);
      for (const auto& pair : in) {
        Result<Node> key = convert(pair.first, file);
        if (!key) return key;
        if (!key->is_scalar() && !key->is_null())
          return fail(ErrorCode::invalid_input, "mapping keys must be scalars", key->position());
        if (node.get(key->text()))
          return fail(ErrorCode::invalid_input, "duplicate key '" + key->text() + "'",
                      key->position());
        Result<Node> value = convert(pair.second, file);
        if (!value) return value;
        node.entries().push_back(Node::Entry{std::move(*key), std::move(*value)});
      }
      return node;
    }
  }
  return Node();
}

}  // namespace

Result<Node> parse(std::string_view text, const std::string& file) {
  auto file_name = std::make_shared<const std::string>(file);
  try {
    std::string copy(text);
    std::istringstream stream(copy);
    YAML::Node root = YAML::Load(stream);
    return convert(root, file_name);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::invalid_input, "YAML syntax error: " + e.msg,
                mark_of(e.mark, file_name).position());
  }
}

Result<Node> load_file(const std::filesystem::path& path, const std::string& display_name) {
  std::ifstream in(path, std::ios::binary);
  std::string name = display_name.empty() ? path.string() : display_name;
  if (!in) return fail(ErrorCode::not_found, "cannot read " + name);
  std::ostringstream content;
  content << in.rdbuf();
  return parse(content.str(), name);
}

namespace {

bool reads_as_non_string(const std::string& text) {
  if (text.empty()) return true;
  static const char* const k_special[] = {"true",  "false", "True", "False", "TRUE", "FALSE",
                                          "null",  "Null",  "NULL", "~",     "yes",  "no",
                                          "Yes",   "No",    "on",   "off",   "y",    "n"};
  for (const char* word : k_special)
    if (text == word) return true;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

void emit(YAML::Emitter& out, const Node& node) {
  switch (node.kind()) {
    case Node::Kind::null:
      out << YAML::Null;
      break;
    case Node::Kind::scalar:
      if (node.text().find('\n') != std::string::npos)
        out << YAML::Literal << node.text();
      else if (node.quoted() && reads_as_non_string(node.text()))
        out << YAML::SingleQuoted << node.text();
      else
        out << node.text();
      break;
    case Node::Kind::sequence:
      if (node.items().empty()) out << YAML::Flow;  // "[]" on the key's line
      out << YAML::BeginSeq;
      for (const Node& item : node.items()) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Node::Kind::mapping:
      out << YAML::BeginMap;
      for (const Node::Entry& entry : node.entries()) {
        out << YAML::Key;
        emit(out, entry.key);
        out << YAML::Value;
        emit(out, entry.value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string to_yaml(const Node& node) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  emit(out, node);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

nlohmann::ordered_json to_json(const Node& node) {
  switch (node.kind()) {
    case Node::Kind::null:
      return nullptr;
    case Node::Kind::scalar: {
      const std::string& text = node.text();
      if (node.quoted()) return text;
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
      long long integer = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
      if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return integer;
      return text;
    }
    case Node::Kind::sequence: {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const Node& item : node.items()) array.push_back(to_json(item));
      return array;
    }
    case Node::Kind::mapping: {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (const Node::Entry& entry : node.entries()) object[entry.key.text()] = to_json(entry.value);
      return object;
    }
  }
  return nullptr;
}

Node from_json(const nlohmann::ordered_json& json) {
  if (json.is_null()) return Node();
  if (json.is_array()) {
    Node node = Node::make_sequence();
    for (const auto& item : json) node.append(from_json(item));
    return node;
  }
  if (json.is_object()) {
    Node node = Node::make_mapping();
    for (const auto& [key, value] : json.items()) node.set(key, from_json(value));
    return node;
  }
  if (json.is_string()) return Node::make_scalar(json.get<std::string>(), true);
  return Node::make_scalar(json.dump());
}

}  // namespace slipway::yaml
