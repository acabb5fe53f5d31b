#include "core/yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_set>

#include "core/json_text.h"
#include "core/strings.h"

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

// Converts yaml-cpp's graph into a tree. yaml-cpp shares the node an alias
// names instead of copying it, so a document can describe a cycle (`x: &r [*r]`)
// or a tree exponentially larger than its text (nested aliases, "billion
// laughs"). Both are refused: an ancestor met again is a cycle, and the tree
// may hold at most `k_nodes_per_byte` nodes per byte of input (a document
// without aliases never comes near that) plus a small allowance, and at most
// `k_max_nodes` in all; scalar text is bounded the same way.
class Converter {
 public:
  Converter(std::shared_ptr<const std::string> file, size_t input_size)
      : m_file(std::move(file)),
        m_budget(std::min(k_nodes_per_byte * input_size + k_node_allowance, k_max_nodes)) {}

  Result<Node> convert(const YAML::Node& in) {
    Mark mark = mark_of(in.Mark(), m_file);
    if (++m_nodes > m_budget)
      return fail(ErrorCode::invalid_input,
                  "aliases expand this document beyond " + std::to_string(m_budget) + " nodes", mark.position());
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: {
        Node node;
        node.set_mark(mark);
        return node;
      }
      case YAML::NodeType::Scalar:
        if ((m_scalar_bytes += in.Scalar().size()) > m_budget * k_bytes_per_node)
          return fail(ErrorCode::invalid_input, "aliases expand this document beyond its size limit",
                      mark.position());
        return Node::make_scalar(in.Scalar(), in.Tag() == "!", mark);
      case YAML::NodeType::Sequence:
      case YAML::NodeType::Map:
        return convert_collection(in, mark);
    }
    return Node();
  }

 private:
  static constexpr size_t k_nodes_per_byte = 2;
  static constexpr size_t k_node_allowance = 10'000;
  static constexpr size_t k_max_nodes = 2'000'000;  // about 300 MB of tree
  static constexpr size_t k_bytes_per_node = 64;

  Result<Node> convert_collection(const YAML::Node& in, const Mark& mark) {
    for (const YAML::Node& ancestor : m_ancestors)
      if (ancestor.is(in)) return fail(ErrorCode::invalid_input, "an alias refers to a node that contains it", mark.position());
    m_ancestors.push_back(in);
    Result<Node> node = in.IsSequence() ? convert_sequence(in, mark) : convert_mapping(in, mark);
    m_ancestors.pop_back();
    return node;
  }

  Result<Node> convert_sequence(const YAML::Node& in, const Mark& mark) {
    Node node = Node::make_sequence(mark);
    for (const YAML::Node& item : in) {
      Result<Node> child = convert(item);
      if (!child) return child;
      node.append(std::move(*child));
    }
    return node;
  }

  Result<Node> convert_mapping(const YAML::Node& in, const Mark& mark) {
    Node node = Node::make_mapping(mark);
    std::unordered_set<std::string> keys;
    for (const auto& pair : in) {
      Result<Node> key = convert(pair.first);
      if (!key) return key;
      if (!key->is_scalar() && !key->is_null())
        return fail(ErrorCode::invalid_input, "mapping keys must be scalars", key->position());
      if (!keys.insert(key->text()).second)
        return fail(ErrorCode::invalid_input, "duplicate key '" + key->text() + "'", key->position());
      Result<Node> value = convert(pair.second);
      if (!value) return value;
      node.entries().push_back(Node::Entry{std::move(*key), std::move(*value)});
    }
    return node;
  }

  std::shared_ptr<const std::string> m_file;
  size_t m_budget;
  size_t m_nodes = 0;
  size_t m_scalar_bytes = 0;
  std::vector<YAML::Node> m_ancestors;
};

std::string hex_byte(char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned char>(byte));
  return text;
}

// The line and column (1-based, columns in bytes) of byte `offset` of `text`.
Position position_of(std::string_view text, size_t offset, const std::string& file) {
  std::string_view before = text.substr(0, offset);
  size_t line_start = before.rfind('\n');
  int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  int column = static_cast<int>(offset - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
  return Position{file, line, column};
}

}  // namespace

Result<Node> parse(std::string_view text, const std::string& file) {
  if (std::optional<size_t> bad = invalid_utf8_offset(text))
    return fail(ErrorCode::invalid_input, "not valid UTF-8 (byte " + hex_byte(text[*bad]) + ")",
                position_of(text, *bad, file));
  auto file_name = std::make_shared<const std::string>(file);
  try {
    std::string copy(text);
    std::istringstream stream(copy);
    YAML::Node root = YAML::Load(stream);
    return Converter(file_name, text.size()).convert(root);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::invalid_input, "YAML syntax error: " + e.msg,
                mark_of(e.mark, file_name).position());
  }
}

Result<Node> load_file(const std::filesystem::path& path, const std::string& display_name) {
  std::string name = display_name.empty() ? path.string() : display_name;
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return fail(ErrorCode::not_found, "cannot read " + name);
  // A FIFO or a device would block or never end: only regular files are read.
  if (!std::filesystem::is_regular_file(status))
    return fail(ErrorCode::invalid_input, name + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
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
  return Node::make_scalar(json_text(json));
}

}  // namespace slipway::yaml
