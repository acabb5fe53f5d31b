// Internal to src/pipeline: the template expander (see expander.cpp's design comment).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "pipeline/internal.h"

namespace slipway::pipeline {

// A scalar classified by the directive walk (directives.cpp).
enum class Directive { none, if_, elseif, else_, each, insert, expression };
struct Parsed {
  Directive kind = Directive::none;
  std::string expression;  // condition, collection, or the whole expression
  std::string variable;    // each
  Position where;
};

class Expander {
 public:
  Expander(const ExpandOptions& options, Loader& loader);
  // The expanded (not yet normalized) pipeline mapping of `root`.
  Result<yaml::Node> run(const SourceFile& root);
  // "file:l:c (included from ...)" for a position, using the chain its file was first included by.
  std::string chain_of(const Position& where) const;
  // Parses every expression of `root` (no evaluation, no templates).
  Status check_syntax_only(const SourceFile& root) { return check_syntax(*root.root); }

 private:
  // Where a node sits in Azure's schema; decides template references,
  // variable scoping and step checks.
  enum class Slot { root, stages, stage, jobs, job, steps, step, variables, variable, data, other };
  // evaluate: ${{ }} is live; literal: values produced by expressions (only
  // template references are resolved, text stays as is).
  enum class Mode { evaluate, literal };
  enum class IfState { none, taken, not_taken };

  // Compile-time variables in definition order, with an index by lower-case
  // name (Azure's names are case-insensitive): a redefinition replaces the
  // value in place, found in constant time (a scan made 100k variables take minutes).
  struct Variables {
    expr::Value::Object values;
    std::unordered_map<std::string, size_t> slots;
    void set(const std::string& name, expr::Value value);
  };

  struct Scope {
    const SourceFile* file = nullptr;
    expr::Value parameters;
    Variables variables;
    std::vector<std::pair<std::string, expr::Value>> locals;  // each variables, innermost last
  };

  // directives.cpp: the generic walk.
  Result<yaml::Node> expand(const yaml::Node& in, Scope& scope, Slot slot, Mode mode);
  Status expand_mapping_into(const yaml::Node& in, Scope& scope, Slot slot, Mode mode, yaml::Node& out);
  Status expand_mapping_entries(const yaml::Node& in, Scope& scope, Slot slot, Mode mode, yaml::Node& out);
  Status expand_sequence_into(const yaml::Node& in, Scope& scope, Slot slot, Mode mode, yaml::Node& out);
  Status expand_entry(const yaml::Node::Entry& entry, Scope& scope, Slot slot, Mode mode,
                      IfState& state, yaml::Node& out);
  Status expand_item(const yaml::Node& item, Scope& scope, Slot slot, Mode mode, IfState& state,
                     yaml::Node& out);
  Status add_entry(yaml::Node key, yaml::Node value, Scope& scope, Slot slot, yaml::Node& out);
  // The keys of the mappings being filled by expand_mapping_into, innermost
  // last, so add_entry's duplicate check is a hash lookup rather than a scan
  // of the mapping (quadratic: 100k variables took minutes). A mapping is
  // registered once, however many directives nest inside it, and stays put
  // in memory while it is being filled (it is the caller's local or member).
  struct OpenMapping {
    const yaml::Node* node;
    std::unordered_set<std::string> keys;
  };
  std::vector<OpenMapping> m_open_mappings;
  Result<yaml::Node> interpolate(const yaml::Node& scalar, Scope& scope);
  Result<expr::Value> evaluate(const std::string& text, const Position& where, Scope& scope);
  Result<bool> take_branch(const Parsed& parsed, const yaml::Node& key, Scope& scope, IfState& state);
  static std::optional<Error> named_value_error(const std::string& text, const Position& where,
                                                const expr::Context& context);
  Result<const ParsedExpression*> parse(const std::string& text, const Position& where);
  Status check_syntax(const yaml::Node& node, bool is_key = false);
  Status check_text(const yaml::Node& scalar, bool is_key);

  // expander.cpp: schema-aware parts.
  Result<yaml::Node> expand_root(const yaml::Node& root, Scope& scope);
  Status emit_item(yaml::Node item, Scope& scope, Slot slot, yaml::Node& out);
  // Schema checks of a stage, job or step as it is produced (templates
  // resolved): its keys, a step's form.
  static std::optional<ParameterError> check_item(const yaml::Node& item, Slot slot);
  Status include_template(const yaml::Node& reference, Scope& scope, Slot slot, yaml::Node& out);
  Result<std::pair<const SourceFile*, expr::Value>> open_template(const yaml::Node& reference,
                                                                  const Scope& scope);
  void register_variable(const std::string& name, const yaml::Node& value, Scope& scope);

  Error error(const Position& where, const std::string& message,
              ErrorCode code = ErrorCode::invalid_input) const;
  Error wrap(const Error& inner, const Position& fallback) const;
  std::string chain_text(const Position& where) const;

  const ExpandOptions& m_options;
  Loader& m_loader;
  std::vector<Position> m_chain;  // where each open template was included, outermost first
  std::map<std::string, std::string> m_file_chains;  // display → " (included from ...)"
  // Bytes of template text instantiated so far: a few files that include each
  // other many times stay under the file and nesting limits while the output
  // grows exponentially, so the size limit is checked as inclusions happen.
  std::size_t m_instantiated_bytes = 0;
  std::unordered_map<std::string, ParsedExpression> m_local_expressions;
};

}  // namespace slipway::pipeline
