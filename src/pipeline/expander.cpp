// The template expander: one pipeline file plus its templates → one expanded
// YAML tree, the way Azure Pipelines expands it before a run.
//
// Algorithm. A single recursive walk over the parsed YAML of a file, in
// document order, carrying a Scope (the file, its bound `parameters`, the
// compile-time `variables` defined so far, and the loop variables of enclosing
// `${{ each }}`). The walk knows where it is in Azure's schema (a Slot: the
// root, a stages/jobs/steps/variables list or one of their items, free data),
// and that decides three things:
//   1. In a stages/jobs/steps/variables list, an item `{template: P,
//      parameters: {...}}` is a template reference: its parameters are
//      expanded in the caller's scope (Slot::data), P is resolved against the
//      including file, its declarations bind the values (types, `values:`,
//      required-ness), and its `stages|jobs|steps|variables` body is expanded
//      in a fresh Scope and spliced in place.
//   2. Variables are registered in the Scope as they are produced, so
//      `${{ variables.x }}` sees those defined before it (pipeline, then stage,
//      then job; a stage's or job's variables are dropped when it ends, and a
//      mapping's `variables` are expanded before its other keys).
//   3. Stages, jobs and steps are checked (keys the schema knows, a step's
//      form) when they are produced, so the error can show the full include
//      chain; the root and every template file have their keys checked too.
// Directives (directives.cpp) follow Azure's insertion rules: a conditional
// or `each` key in a mapping merges its body's entries; in a sequence it
// splices its body's items; a whole-scalar `${{ expr }}` keeps the value's
// type (an array in a sequence splices, an object becomes YAML), embedded ones
// interpolate text. Branches not taken are not evaluated, but every
// expression in them is parsed, so syntax errors are reported anyway.
// Values produced by expressions are walked again in Mode::literal: template
// references inside them resolve, but their text is never re-evaluated.
//
// Invariants. The include chain (m_chain) holds exactly the positions of the
// template references being expanded, so every error made at any depth names
// the whole chain. Template files are parsed once per expansion (or once per
// process with a TemplateCache) and never modified; expansion builds new
// nodes. Expressions are parsed once per (position, text) and cached.
//
// Alternatives that lost. (a) Expanding every file's directives first and
// resolving template references in a second pass: simpler, but compile-time
// variables defined by variable templates must be visible to later
// expressions of the same file, which needs resolution during the walk.
// (b) Converting the whole document to expression Values and back: loses the
// positions that every error must show. (c) A schema-complete typed model of
// Azure's YAML: far larger than the few slots expansion actually depends on;
// normalize.cpp checks the rest afterwards.
#include "pipeline/expander.h"

#include "core/strings.h"

namespace slipway::pipeline {

Expander::Expander(const ExpandOptions& options, Loader& loader) : m_options(options), m_loader(loader) {}

std::string Expander::chain_text(const Position& where) const {
  std::string text = where.to_string();
  if (m_chain.empty()) return text;
  text += " (included from ";
  size_t shown = 0;
  for (auto at = m_chain.rbegin(); at != m_chain.rend(); ++at, ++shown) {
    if (shown == 5 && m_chain.size() > 7) {
      text += ", ... " + std::to_string(m_chain.size() - 6) + " more, ";
      text += m_chain.front().to_string();
      break;
    }
    if (shown > 0) text += ", ";
    text += at->to_string();
  }
  return text + ")";
}

std::string Expander::chain_of(const Position& where) const {
  auto found = m_file_chains.find(where.file);
  return where.to_string() + (found == m_file_chains.end() ? std::string() : found->second);
}

Error Expander::error(const Position& where, const std::string& message, ErrorCode code) const {
  return Error{code, chain_text(where) + ": " + message, {}};
}

Error Expander::wrap(const Error& inner, const Position& fallback) const {
  if (inner.where.known()) return Error{inner.code, chain_text(inner.where) + ": " + inner.message, {}};
  return Error{inner.code, chain_text(fallback) + ": " + inner.message, {}};
}

void Expander::register_variable(const std::string& name, const yaml::Node& value, Scope& scope) {
  scope.variables.set(name, value.is_scalar() ? expr::Value::string(value.text()) : to_value(value));
}

void Expander::Variables::set(const std::string& name, expr::Value value) {
  auto [slot, added] = slots.emplace(to_lower(name), values.size());
  if (added) values.emplace_back(name, std::move(value));
  else values[slot->second].second = std::move(value);
}

Result<yaml::Node> Expander::run(const SourceFile& root) {
  m_file_chains[root.display] = "";
  const yaml::Node& document = *root.root;
  if (document.is_null())
    return std::unexpected(error(Position{root.display, 1, 1}, "the pipeline file is empty"));
  if (!document.is_mapping())
    return std::unexpected(error(document.position(), "a pipeline must be a mapping"));
  Scope scope;
  scope.file = &root;
  auto parameters = bind_parameters(document.get("parameters"), nullptr, Position{root.display, 1, 1},
                                    &m_options.parameters);
  if (!parameters) return std::unexpected(error(parameters.error().where, parameters.error().message));
  scope.parameters = expr::Value::object(std::move(*parameters));
  return expand_root(document, scope);
}

Result<yaml::Node> Expander::expand_root(const yaml::Node& root, Scope& scope) {
  yaml::Node out = yaml::Node::make_mapping(root.mark());
  if (Status status = expand_mapping_into(root, scope, Slot::root, Mode::evaluate, out); !status)
    return std::unexpected(status.error());
  std::string what =
      m_chain.empty() ? std::string("the pipeline") : "template '" + scope.file->display + "'";
  if (std::optional<ParameterError> problem = check_keys(out, Shape::pipeline, what))
    return std::unexpected(error(problem->where, problem->message));
  const yaml::Node* extends = out.get("extends");
  if (!extends) return out;
  for (const char* key : {"stages", "jobs", "steps"})
    if (const yaml::Node* body = out.get(key))
      return std::unexpected(error(body->position(), std::string("'") + key +
                                                         "' cannot be used with 'extends' (the template defines the pipeline)"));
  if (!extends->is_mapping() || !extends->get("template"))
    return std::unexpected(error(extends->position(), "'extends' needs a 'template'"));
  for (const auto& entry : extends->entries())
    if (entry.key.text() != "template" && entry.key.text() != "parameters")
      return std::unexpected(error(entry.key.position(), "unexpected key '" + entry.key.text() + "' in 'extends'"));
  auto opened = open_template(*extends, scope);
  if (!opened) return std::unexpected(opened.error());
  m_chain.push_back(extends->get("template")->position());
  Scope inner;
  inner.file = opened->first;
  inner.parameters = std::move(opened->second);
  inner.variables = scope.variables;
  Result<yaml::Node> body = expand_root(*opened->first->root, inner);
  m_chain.pop_back();
  if (!body) return body;
  yaml::Node merged = yaml::Node::make_mapping(root.mark());
  for (auto& entry : out.entries())
    if (entry.key.text() != "extends") merged.entries().push_back(std::move(entry));
  for (auto& entry : body->entries()) {
    if (merged.get(entry.key.text())) {
      m_chain.push_back(extends->get("template")->position());
      Error failure = error(entry.key.position(), "'" + entry.key.text() + "' is already defined");
      m_chain.pop_back();
      return std::unexpected(failure);
    }
    merged.entries().push_back(std::move(entry));
  }
  return merged;
}

Result<std::pair<const SourceFile*, expr::Value>> Expander::open_template(const yaml::Node& reference,
                                                                          const Scope& scope) {
  const yaml::Node& path = *reference.get("template");
  if (!path.is_scalar() || path.text().empty())
    return std::unexpected(error(path.position(), "'template' needs a file path"));
  if (m_chain.size() >= k_max_nesting)
    return std::unexpected(error(path.position(), "templates are nested more than " +
                                                      std::to_string(k_max_nesting) + " levels deep"));
  const SourceFile* from = m_loader.file_of(path);
  if (!from) from = scope.file;
  Result<const SourceFile*> file = m_loader.load_template(path.text(), *from);
  if (!file) return std::unexpected(wrap(file.error(), path.position()));
  if (m_loader.template_count() > k_max_included_files)
    return std::unexpected(error(path.position(), "more than " + std::to_string(k_max_included_files) +
                                                      " template files are included"));
  if ((m_instantiated_bytes += (*file)->size) > k_max_expanded_bytes)
    return std::unexpected(error(path.position(), "the templates included expand beyond " +
                                                      std::to_string(k_max_expanded_bytes / (1024 * 1024)) +
                                                      " MB"));
  m_chain.push_back(path.position());
  if (!m_file_chains.contains((*file)->display)) {
    std::string text = chain_text(Position{});
    size_t open = text.find(" (included");
    m_file_chains[(*file)->display] = open == std::string::npos ? std::string() : text.substr(open);
  }
  const yaml::Node& document = *(*file)->root;
  if (!document.is_mapping()) {
    Error failure = error(Position{(*file)->display, 1, 1}, "a template must be a mapping");
    m_chain.pop_back();
    return std::unexpected(failure);
  }
  auto parameters = bind_parameters(document.get("parameters"), reference.get("parameters"),
                                    path.position(), nullptr);
  Error failure;
  if (!parameters) {
    // Problems with passed values point into the caller; declarations into the template.
    const ParameterError& problem = parameters.error();
    if (problem.where.file == (*file)->display) {
      failure = error(problem.where, problem.message);
      m_chain.pop_back();
    } else {
      m_chain.pop_back();
      failure = error(problem.where, problem.message);
    }
    return std::unexpected(failure);
  }
  m_chain.pop_back();
  return std::pair<const SourceFile*, expr::Value>{*file, expr::Value::object(std::move(*parameters))};
}

Status Expander::include_template(const yaml::Node& reference, Scope& scope, Slot slot, yaml::Node& out) {
  for (const auto& entry : reference.entries())
    if (entry.key.text() != "template" && entry.key.text() != "parameters")
      return std::unexpected(error(entry.key.position(), "unexpected key '" + entry.key.text() +
                                                             "' beside 'template'"));
  auto opened = open_template(reference, scope);
  if (!opened) return std::unexpected(opened.error());
  const SourceFile& file = *opened->first;
  const char* body_key = slot == Slot::stages ? "stages"
                         : slot == Slot::jobs ? "jobs"
                         : slot == Slot::steps ? "steps"
                                               : "variables";
  m_chain.push_back(reference.get("template")->position());
  const yaml::Node* body = file.root->get(body_key);
  Status status;
  if (std::optional<ParameterError> problem =
          check_keys(*file.root, Shape::template_file, "template '" + file.display + "'")) {
    status = std::unexpected(error(problem->where, problem->message));
  } else if (!body) {
    std::string defined;
    for (const char* key : {"stages", "jobs", "steps", "variables", "extends"})
      if (file.root->get(key)) defined = std::string(" (it defines '") + key + "')";
    status = std::unexpected(error(Position{file.display, 1, 1},
                                   std::string("template has no '") + body_key + "'" + defined));
  } else {
    Scope inner;
    inner.file = &file;
    inner.parameters = std::move(opened->second);
    inner.variables = scope.variables;
    size_t before = out.items().size();
    if (slot != Slot::variables || !body->is_mapping()) {
      status = expand_sequence_into(*body, inner, slot, Mode::evaluate, out);
    } else {
      // A variables template in mapping form.
      yaml::Node mapping = yaml::Node::make_mapping(body->mark());
      status = expand_mapping_into(*body, inner, Slot::variables, Mode::evaluate, mapping);
      if (status)
        for (auto& entry : mapping.entries()) {
          yaml::Node item = yaml::Node::make_mapping(entry.key.mark());
          item.entries().push_back({yaml::Node::make_scalar("name", false, entry.key.mark()), entry.key});
          item.entries().push_back({yaml::Node::make_scalar("value", false, entry.key.mark()), entry.value});
          out.append(std::move(item));
        }
    }
    if (status && slot == Slot::variables)
      for (size_t i = before; i < out.items().size(); ++i) {
        const yaml::Node& item = out.items()[i];
        if (const yaml::Node* name = item.get("name"); name && name->is_scalar())
          register_variable(name->text(), item.get("value") ? *item.get("value") : yaml::Node(), scope);
      }
  }
  m_chain.pop_back();
  return status;
}

std::optional<ParameterError> Expander::check_item(const yaml::Node& item, Slot slot) {
  if (slot == Slot::steps) return check_step(item);
  // An item without its name key is normalize's error ("a job must be a mapping starting with...").
  if (slot == Slot::stages && item.get("stage"))
    return check_keys(item, Shape::stage, describe(item, Shape::stage));
  if (slot != Slot::jobs || (!item.get("job") && !item.get("deployment"))) return std::nullopt;
  Shape shape = item.get("deployment") ? Shape::deployment : Shape::job;
  return check_keys(item, shape, describe(item, shape));
}

Status Expander::emit_item(yaml::Node item, Scope& scope, Slot slot, yaml::Node& out) {
  bool list = slot == Slot::stages || slot == Slot::jobs || slot == Slot::steps || slot == Slot::variables;
  if (list && item.is_mapping() && item.get("template"))
    return include_template(item, scope, slot, out);
  if (slot == Slot::variables) {
    if (!item.is_mapping())
      return std::unexpected(error(item.position(), "a variable must be a mapping with 'name' and 'value'"));
    if (const yaml::Node* group = item.get("group")) {
      // Kept for the runner, which resolves the group from the workspace.
      if (!group->is_scalar() || group->text().empty())
        return std::unexpected(error(group->position(), "'group' needs a variable group name"));
      for (const auto& entry : item.entries())
        if (entry.key.text() != "group")
          return std::unexpected(error(entry.key.position(), "unexpected key '" + entry.key.text() +
                                                                 "' in a variable group reference"));
      out.append(std::move(item));
      return {};
    }
    const yaml::Node* name = item.get("name");
    if (!name || !name->is_scalar())
      return std::unexpected(error(item.position(), "a variable needs a 'name' (and a 'value')"));
    for (const auto& entry : item.entries())
      if (entry.key.text() != "name" && entry.key.text() != "value" && entry.key.text() != "readonly")
        return std::unexpected(error(entry.key.position(), "unexpected key '" + entry.key.text() +
                                                               "' in a variable"));
    register_variable(name->text(), item.get("value") ? *item.get("value") : yaml::Node(), scope);
  }
  if (std::optional<ParameterError> problem = check_item(item, slot)) {
    const Position& where = problem->where.known() ? problem->where : item.position();
    return std::unexpected(error(where, problem->message));
  }
  out.append(std::move(item));
  return {};
}

Result<ExpandedPipeline> expand_pipeline(const std::filesystem::path& file, const ExpandOptions& options) {
  Loader loader(options, options.cache ? &options.cache->state() : nullptr);
  Result<const SourceFile*> root = loader.load_root(file);
  if (!root) return std::unexpected(root.error());
  Expander expander(options, loader);
  Result<yaml::Node> expanded = expander.run(**root);
  if (!expanded) return std::unexpected(expanded.error());
  ExpandedPipeline result;
  result.included_files = loader.template_count();
  result.expanded_bytes = text_size(*expanded);
  if (result.expanded_bytes > k_max_expanded_bytes)
    return fail(ErrorCode::invalid_input,
                (*root)->display + ": the expanded pipeline is larger than 20 MB (" +
                    std::to_string(result.expanded_bytes) + " bytes)");
  Result<yaml::Node> normalized =
      normalize(*expanded, [&](const Position& where) { return expander.chain_of(where); });
  if (!normalized) return std::unexpected(normalized.error());
  result.root = std::move(*normalized);
  return result;
}

Status check_pipeline_syntax(const std::filesystem::path& file, const ExpandOptions& options) {
  Loader loader(options, nullptr);
  Result<const SourceFile*> root = loader.load_root(file);
  if (!root) return std::unexpected(root.error());
  Expander expander(options, loader);
  return expander.check_syntax_only(**root);
}

}  // namespace slipway::pipeline
