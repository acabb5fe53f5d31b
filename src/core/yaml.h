// A YAML document tree that remembers where every node came from.
//
// This is the one place that includes yaml-cpp. The rest of slipway works on
// yaml::Node, a plain value tree (null, scalar, sequence, mapping) whose
// mappings keep their order and whose nodes carry a Mark (file, line, column,
// 1-based) so that every later error can name a position. Mappings are
// vectors of entries rather than hash maps: documents are small, order is
// meaningful to users (and to Azure's insertion semantics), and keys keep
// their own positions.
//
// Thread-safety: Nodes are values; a const Node may be read from many threads.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.h"

namespace slipway::yaml {

struct Mark {
  std::shared_ptr<const std::string> file;  // shared by every node of a file
  int line = 0;
  int column = 0;

  Position position() const { return Position{file ? *file : std::string(), line, column}; }
};

class Node {
 public:
  enum class Kind { null, scalar, sequence, mapping };
  struct Entry;

  Node() = default;  // null
  static Node make_scalar(std::string text, bool quoted = false, Mark mark = {});
  static Node make_sequence(Mark mark = {});
  static Node make_mapping(Mark mark = {});

  Kind kind() const { return m_kind; }
  bool is_null() const { return m_kind == Kind::null; }
  bool is_scalar() const { return m_kind == Kind::scalar; }
  bool is_sequence() const { return m_kind == Kind::sequence; }
  bool is_mapping() const { return m_kind == Kind::mapping; }
  const char* kind_name() const;  // "null", "string", "sequence", "mapping"

  // Scalars: the text, and whether it was written in quotes or as a block
  // (so "true" in quotes stays a string).
  const std::string& text() const { return m_text; }
  bool quoted() const { return m_quoted; }

  const std::vector<Node>& items() const { return m_items; }
  std::vector<Node>& items() { return m_items; }
  const std::vector<Entry>& entries() const { return m_entries; }
  std::vector<Entry>& entries() { return m_entries; }

  // Mapping lookup by exact key text; nullptr when absent or not a mapping.
  const Node* get(std::string_view key) const;
  Node* get(std::string_view key);
  // Appends to a sequence, or sets (replacing an existing key) in a mapping.
  void append(Node item);
  void set(std::string_view key, Node value);

  const Mark& mark() const { return m_mark; }
  void set_mark(Mark mark) { m_mark = std::move(mark); }
  Position position() const { return m_mark.position(); }

 private:
  Kind m_kind = Kind::null;
  bool m_quoted = false;
  std::string m_text;
  std::vector<Node> m_items;
  std::vector<Entry> m_entries;
  Mark m_mark;
};

struct Node::Entry {
  Node key;
  Node value;
};

// Parses one YAML document. `file` is the name used in positions. An empty
// document is a null node. Syntax errors, duplicate mapping keys, bytes that
// are not UTF-8, aliases that contain themselves and aliases that expand the
// document far beyond its text are invalid_input errors with the position.
Result<Node> parse(std::string_view text, const std::string& file);

// Reads and parses a regular file (a FIFO or device is invalid_input, never
// opened); `display_name` (default: the path) names it in positions.
Result<Node> load_file(const std::filesystem::path& path, const std::string& display_name = {});

// Block-style YAML, with a final newline. Quoted scalars that would read back
// as another type (true, 1.5, null) stay quoted; multi-line text is a literal block.
std::string to_yaml(const Node& node);

// JSON: mappings → objects, sequences → arrays, null → null. Unquoted scalars
// that read as booleans or numbers become typed; everything else is a string.
nlohmann::ordered_json to_json(const Node& node);
Node from_json(const nlohmann::ordered_json& json);

}  // namespace slipway::yaml
