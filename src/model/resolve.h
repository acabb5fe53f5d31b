// An environment resolved: its blocks merged, its components in deploy order,
// its values layered, each value with where it came from.
//
// Values are layered block < platform < environment: the blocks in the order
// the environment lists them (a later block overrides an earlier one), then the
// platform's `values`, then the environment's own `values`. Mappings merge key
// by key; a scalar or a sequence replaces what was below it as a whole.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"
#include "model/workspace.h"

namespace slipway::model {

struct ValueOrigin {
  enum class Layer { block, platform, environment };
  Layer layer = Layer::environment;
  std::string block;  // the block's name for Layer::block
  Position where;     // where the value was written
  // "block core", "platform", "environment"
  std::string describe() const;
};

// One leaf of the merged values: a dotted key path ("log.level"), its value
// (a scalar, a sequence or an empty mapping) and where it came from.
struct ResolvedValue {
  std::string path;
  yaml::Node value;
  ValueOrigin origin;
  // Lower layers whose values this one replaced (the same path, a part of it
  // or a parent): for the same path lowest first, then replaced parts in path order.
  std::vector<ValueOrigin> overridden;
};

struct ResolvedSecret {
  SecretSpec spec;
  std::string block;  // the block declaring it; empty when the environment does
  // "block core", or "environment" for the environment's own.
  std::string origin() const { return block.empty() ? "environment" : "block " + block; }
};

struct ResolvedEnvironment {
  std::string name;
  Platform platform;
  Policy policy;
  std::vector<std::string> blocks;
  // Blocks' components then extras, each once, ordered so that a component
  // comes after everything it depends on (ties: workspace declaration order).
  std::vector<std::string> components;
  yaml::Node values;                 // the merged tree (a mapping)
  std::vector<ResolvedValue> flat;   // the merged leaves, sorted by path
  // The leaf at `path` (e.g. "log.level"); nullptr when none. Binary search.
  const ResolvedValue* value(std::string_view path) const;
  std::vector<ResolvedSecret> secrets;
  std::vector<Infrastructure> infrastructure;
};

// Resolves one environment of a valid workspace. Unknown name → not_found
// "unknown environment 'x' (did you mean 'y'?)".
Result<ResolvedEnvironment> resolve_environment(const Workspace& workspace, std::string_view name);

// One `${{ ... }}` in a deploy setting: `text.substr(begin, end - begin)` is
// the whole reference, `inner` what is between the braces, trimmed
// ("values.log.level", "secrets.db_password", or anything else, kept as is).
struct SettingReference {
  size_t begin = 0;
  size_t end = 0;
  std::string_view inner;
};

// Every reference of `text` in order. An opening `${{` that is never closed is
// invalid_input naming `owner` (it used to pass through as literal text).
Result<std::vector<SettingReference>> find_setting_references(std::string_view text, const std::string& owner);

// Every `${{ values.x.y }}` and `${{ secrets.x }}` in a component's deploy
// settings for a platform against each environment that deploys the
// component on that platform: a value the environment does not set or a
// secret it does not give is an error at the reference naming the
// environment (with a did-you-mean), an unterminated `${{` one error at its
// setting. Resolves every environment whose blocks all exist, so it is
// validate's check rather than every load's (a deploy reports the same
// problem when it renders the setting). `diagnostics` is sorted afterwards.
void check_deploy_references(const Workspace& workspace, Diagnostics& diagnostics);

// The secrets a component's deploy may receive: those it declares
// (`secrets:`) and those its deploy settings reference as ${{ secrets.NAME }},
// sorted and unique. Every other secret of the environment is kept from it.
std::vector<std::string> secrets_used_by(const Component& component);

}  // namespace slipway::model
