// Internal to src/model: typed reads of yaml::Node values that report every
// problem into a Diagnostics instead of stopping at the first one.
//
// Each read names what it reads ("port of component 'orders'") so messages
// read "<what>: expected an integer, got 'abc'". A read that fails reports and
// returns nullopt/false; the caller then skips that part of the model.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"
#include "model/workspace.h"

namespace slipway::model::detail {

// "a string", "a sequence", "a mapping", "nothing".
std::string describe_kind(const yaml::Node& node);

// Letters, digits, '-', '_' and '.', starting with a letter or digit.
bool valid_name(std::string_view name);

// The value of `key` in `map`, or a null node when absent.
const yaml::Node& field(const yaml::Node& map, std::string_view key);
// The position of `key` in `map`, or `fallback` when absent.
Position key_position(const yaml::Node& map, std::string_view key, const Position& fallback);

class Reader {
 public:
  explicit Reader(Diagnostics& diagnostics) : m_diagnostics(diagnostics) {}

  void error(std::string message, const Position& where);

  // The node's position, or `fallback` (usually its key's) for an empty value.
  static Position at(const yaml::Node& node, const Position& fallback);

  // True for a mapping; otherwise reports "<what>: expected a mapping, got X".
  bool mapping(const yaml::Node& node, const std::string& what, const Position& fallback);
  bool sequence(const yaml::Node& node, const std::string& what, const Position& fallback);

  // Reports each key of `map` not in `allowed` as
  // "unknown key 'k' in <what> (did you mean 'x'?)".
  void check_keys(const yaml::Node& map, const std::string& what,
                  std::initializer_list<std::string_view> allowed);

  // A scalar's text; reports "<what>: expected a string, got X" otherwise.
  std::optional<std::string> string(const yaml::Node& node, const std::string& what,
                                    const Position& fallback);
  // An integer in [min, max].
  std::optional<int> integer(const yaml::Node& node, const std::string& what, int min, int max,
                             const Position& fallback);
  // true/false (also yes/no, on/off).
  std::optional<bool> boolean(const yaml::Node& node, const std::string& what,
                              const Position& fallback);
  // A sequence of scalars (a single scalar is not accepted).
  std::vector<NameRef> names(const yaml::Node& node, const std::string& what,
                             const Position& fallback);
  // The string at `key`; reports "<what> has no <key>" when absent.
  std::optional<std::string> required_string(const yaml::Node& map, std::string_view key,
                                             const std::string& what, const Position& where);
  // A mapping of scalar → scalar, in order.
  std::vector<std::pair<std::string, std::string>> string_map(const yaml::Node& node,
                                                              const std::string& what,
                                                              const Position& fallback);

 private:
  Diagnostics& m_diagnostics;
};

// Parsing of the parts of the model (loader_*.cpp). Each reads one named
// object from its YAML and reports problems; `where` is the name's position.
std::optional<Product> read_product(Reader& reader, const yaml::Node& node, const Position& where);
std::optional<TemplateSource> read_template_source(Reader& reader, const std::string& name,
                                                   const yaml::Node& node, const Position& where);
std::optional<VariableGroup> read_variable_group(Reader& reader, const std::string& name,
                                                 const yaml::Node& node, const Position& where);
std::optional<Component> read_component(Reader& reader, const std::string& name,
                                         const yaml::Node& node, const Position& where);
std::optional<Role> read_role(Reader& reader, const std::string& name, const yaml::Node& node,
                              const Position& where);
// One host of `webhooks:` (`github: {secret_file: PATH}`); an unknown host is an error naming the known ones.
std::optional<WebhookSource> read_webhook(Reader& reader, const std::string& name, const yaml::Node& node,
                                          const Position& where);
// `permissions: {promote: [role, ...], ...}` of slipway.yaml or a policy.
std::vector<PermissionGrant> read_permissions(Reader& reader, const yaml::Node& node, const std::string& what,
                                              const Position& where);
// "90s", "30m", "24h", "7d": a positive span.
std::optional<std::chrono::seconds> read_duration(Reader& reader, const yaml::Node& node, const std::string& what,
                                                  const Position& fallback);
std::optional<Block> read_block(Reader& reader, const std::string& name, const yaml::Node& node,
                                const Position& where);
// `name_key_allowed`: the node may carry its own `name:` (one-per-file form).
std::optional<Environment> read_environment(Reader& reader, const std::string& name,
                                            const yaml::Node& node, const Position& where,
                                            bool name_key_allowed);

// Cross-object checks (validate.cpp): references, cycles, files that must exist.
void check_references(const Workspace& workspace, Diagnostics& diagnostics);

}  // namespace slipway::model::detail
