#include "model/reader.h"

#include <cctype>
#include <charconv>

#include "core/strings.h"

namespace slipway::model::detail {

std::string describe_kind(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Node::Kind::null: return "nothing";
    case yaml::Node::Kind::scalar: return "a string";
    case yaml::Node::Kind::sequence: return "a sequence";
    case yaml::Node::Kind::mapping: return "a mapping";
  }
  return "nothing";
}

bool valid_name(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

namespace {
const yaml::Node k_null;
}  // namespace

const yaml::Node& field(const yaml::Node& map, std::string_view key) {
  const yaml::Node* value = map.get(key);
  return value ? *value : k_null;
}

Position key_position(const yaml::Node& map, std::string_view key, const Position& fallback) {
  for (const yaml::Node::Entry& entry : map.entries())
    if (entry.key.text() == key) return entry.key.position();
  return fallback;
}

std::optional<std::string> Reader::required_string(const yaml::Node& map, std::string_view key,
                                                   const std::string& what, const Position& where) {
  const yaml::Node* value = map.get(key);
  if (!value) {
    error(what + " has no " + std::string(key), where);
    return std::nullopt;
  }
  return string(*value, std::string(key) + " of " + what, key_position(map, key, where));
}

void Reader::error(std::string message, const Position& where) {
  m_diagnostics.add(ErrorCode::invalid_input, std::move(message), where);
}

Position Reader::at(const yaml::Node& node, const Position& fallback) {
  // An empty value's mark is where the next token starts: name the key instead.
  if (node.is_null() && fallback.line > 0) return fallback;
  Position own = node.position();
  return own.line > 0 ? own : fallback;
}

bool Reader::mapping(const yaml::Node& node, const std::string& what, const Position& fallback) {
  if (node.is_mapping()) return true;
  error(what + ": expected a mapping, got " + describe_kind(node), at(node, fallback));
  return false;
}

bool Reader::sequence(const yaml::Node& node, const std::string& what, const Position& fallback) {
  if (node.is_sequence()) return true;
  error(what + ": expected a sequence, got " + describe_kind(node), at(node, fallback));
  return false;
}

void Reader::check_keys(const yaml::Node& map, const std::string& what,
                        std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> candidates(allowed.begin(), allowed.end());
  for (const yaml::Node::Entry& entry : map.entries()) {
    bool known = false;
    for (std::string_view key : allowed) known = known || entry.key.text() == key;
    if (!known)
      error("unknown key '" + entry.key.text() + "' in " + what +
                did_you_mean(entry.key.text(), candidates),
            entry.key.position());
  }
}

std::optional<std::string> Reader::string(const yaml::Node& node, const std::string& what,
                                          const Position& fallback) {
  if (node.is_scalar()) return node.text();
  error(what + ": expected a string, got " + describe_kind(node), at(node, fallback));
  return std::nullopt;
}

std::optional<int> Reader::integer(const yaml::Node& node, const std::string& what, int min,
                                   int max, const Position& fallback) {
  if (!node.is_scalar()) {
    error(what + ": expected an integer, got " + describe_kind(node), at(node, fallback));
    return std::nullopt;
  }
  const std::string& text = node.text();
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    error(what + ": expected an integer, got '" + text + "'", at(node, fallback));
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(what + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
              ", got " + text,
          at(node, fallback));
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<bool> Reader::boolean(const yaml::Node& node, const std::string& what,
                                    const Position& fallback) {
  if (node.is_scalar() && !node.quoted()) {
    std::string text = to_lower(node.text());
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
  }
  std::string got = node.is_scalar() ? "'" + node.text() + "'" : describe_kind(node);
  error(what + ": expected true or false, got " + got, at(node, fallback));
  return std::nullopt;
}

std::vector<NameRef> Reader::names(const yaml::Node& node, const std::string& what,
                                   const Position& fallback) {
  std::vector<NameRef> out;
  if (node.is_null()) return out;
  if (!sequence(node, what, fallback)) return out;
  for (const yaml::Node& item : node.items()) {
    if (!item.is_scalar()) {
      error(what + ": expected a list of names, got " + describe_kind(item) + " in it",
            at(item, at(node, fallback)));
      continue;
    }
    out.push_back(NameRef{item.text(), item.position()});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Reader::string_map(const yaml::Node& node,
                                                                    const std::string& what,
                                                                    const Position& fallback) {
  std::vector<std::pair<std::string, std::string>> out;
  if (node.is_null() || !mapping(node, what, fallback)) return out;
  for (const yaml::Node::Entry& entry : node.entries()) {
    std::optional<std::string> value =
        string(entry.value, "'" + entry.key.text() + "' of " + what, entry.key.position());
    if (value) out.emplace_back(entry.key.text(), *value);
  }
  return out;
}

}  // namespace slipway::model::detail
