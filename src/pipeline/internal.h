// Internal to src/pipeline: the pieces the passes share (files and template
// resolution, value conversion, parameters, the expander, normalization).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"
#include "expr/expression.h"
#include "expr/value.h"
#include "pipeline/pipeline.h"

namespace slipway::pipeline {

// ---- files (loader.cpp) ----------------------------------------------------

// One YAML file of the expansion: the pipeline or a template.
struct SourceFile {
  std::filesystem::path path;     // canonical
  std::string display;            // how positions name it
  std::string repo;               // "self" or a template source name
  std::filesystem::path repo_root;  // canonical
  std::shared_ptr<const yaml::Node> root;
  std::size_t size = 0;  // text_size(*root): what one inclusion of it adds, about
};

// A parsed compile-time expression and what evaluating it needs to know,
// worked out once when it is parsed (not on every evaluation).
struct ParsedExpression {
  expr::Expression expression;
  // Its text mentions `variables` (in any case): only then does evaluation
  // build the variables object (a copy of the scope's).
  bool reads_variables = false;
};

struct TemplateCache::State {
  std::unordered_map<std::string, std::shared_ptr<const yaml::Node>> files;  // by path|display
  std::unordered_map<std::string, ParsedExpression> expressions;  // by position|text
  // Template references already resolved: "including file|reference" → {path, repo, repo root}.
  struct Resolved {
    std::filesystem::path path;
    std::string repo;
    std::filesystem::path repo_root;
  };
  std::unordered_map<std::string, Resolved> references;
};

// How the loader's error for a `path@NAME` whose source it was not given
// begins (validate passes over it: see components.cpp).
inline constexpr std::string_view k_unknown_source_error = "unknown template source '";

// Finds and reads files for one expansion; remembers every file by display
// name so a node's Mark leads back to its file (relative references).
class Loader {
 public:
  Loader(const ExpandOptions& options, TemplateCache::State* cache);

  // Reads the pipeline file itself.
  Result<const SourceFile*> load_root(const std::filesystem::path& file);
  // Resolves `reference` ("path", "/path", "path@source") written in `from`;
  // errors are messages (the caller adds the chain).
  Result<const SourceFile*> load_template(std::string_view reference, const SourceFile& from);
  // The file a node came from (by its mark), or nullptr.
  const SourceFile* file_of(const yaml::Node& node) const;
  std::size_t template_count() const { return m_files.size() - 1; }
  TemplateCache::State* cache() { return m_cache; }

 private:
  Result<const SourceFile*> load(const std::filesystem::path& path, std::string repo,
                                 std::filesystem::path repo_root);
  std::string display_of(const std::filesystem::path& path) const;
  // The folder of the pipeline's resources.repositories entry `alias`; nullopt when it has none.
  Result<std::optional<std::filesystem::path>> repository_root(const std::string& alias);

  const ExpandOptions& m_options;
  TemplateCache::State* m_cache;
  std::filesystem::path m_display_root;
  std::map<std::string, std::unique_ptr<SourceFile>> m_files;  // by display name
  std::map<std::string, const SourceFile*> m_by_path;
  const SourceFile* m_root = nullptr;  // the pipeline file
  std::map<std::string, std::filesystem::path> m_repositories;  // alias → folder, as resolved
};

// ---- values (values.cpp) ---------------------------------------------------

// YAML → expression value: scalars are strings (Azure reads YAML literals as
// strings), null/~/empty are null, sequences arrays, mappings objects.
expr::Value to_value(const yaml::Node& node);
// Expression value → YAML: strings quoted scalars, booleans True/False,
// numbers as decimals, null a null node; `mark` is given to every node made.
yaml::Node to_node(const expr::Value& value, const yaml::Mark& mark);
// The YAML 1.1 boolean spellings Azure accepts (true/false, yes/no, y/n, on/off, any case).
std::optional<bool> parse_yaml_boolean(std::string_view text);

// ---- parameters (parameters.cpp) ---------------------------------------------

// Binds the values passed to a template (`passed`: a mapping or null) to its
// declarations (`declared`: the file's `parameters:` node or null), checking
// types, `values:` and required-ness. `runtime` holds text values for the
// pipeline's own parameters. Errors are {message, position} pairs for the caller's chain.
struct ParameterError {
  std::string message;
  Position where;
};
std::expected<expr::Value::Object, ParameterError> bind_parameters(
    const yaml::Node* declared, const yaml::Node* passed, const Position& reference,
    const std::map<std::string, std::string>* runtime);

// ---- steps (steps.cpp) -------------------------------------------------------

// Checks one expanded step (after template resolution): one of Azure's step
// forms, its keys, a task as NAME@VERSION; nullopt when valid. Whether the
// step can run here is not checked (run/ and `pipeline check` say so).
std::optional<ParameterError> check_step(const yaml::Node& step);

// The first key of `step` that is one of Azure's step forms ("script",
// "task", "upload"...); empty when it has none.
std::string step_kind(const yaml::Node& step);

// ---- schema keys (schema.cpp) ---------------------------------------------------

// The mappings whose keys Azure's schema fixes (steps: check_step).
enum class Shape { pipeline, template_file, stage, job, deployment };

// The first key of `mapping` that `shape` does not have, as "unknown key 'k'
// in <what> (did you mean 'x'?)" at the key; nullopt when every key is known.
std::optional<ParameterError> check_keys(const yaml::Node& mapping, Shape shape,
                                         const std::string& what);

// How messages name a stage, job or deployment item: "job 'build'", or "a job" without a name.
std::string describe(const yaml::Node& item, Shape shape);

// ---- normalization (normalize.cpp) --------------------------------------------

// Expanded pipeline mapping → the normalized tree of pipeline.h. `chain_of`
// turns a position into the error text prefix (file chain).
Result<yaml::Node> normalize(const yaml::Node& expanded,
                             const std::function<std::string(const Position&)>& chain_of);

// Bytes of keys and scalars in a tree (the expanded-size limit).
std::size_t text_size(const yaml::Node& node);

}  // namespace slipway::pipeline
