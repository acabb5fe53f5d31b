#include "pipeline/components.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <system_error>
#include <utility>

#include "pipeline/internal.h"

namespace slipway::pipeline {

namespace {

// The number written at text[at], and where it ends; nullopt when there is none.
std::optional<std::pair<int, size_t>> number_at(const std::string& text, size_t at) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() + at) return std::nullopt;
  return std::pair{value, static_cast<size_t>(end - text.data())};
}

// An expansion error names its position at the head of its message, the
// include chain after it ("t.yml:3:5 (included from a.yml:2:3): text"; see
// pipeline.h). Validate lists errors by position, so the position moves into
// `where` and the chain to the end ("text (included from a.yml:2:3)").
Error with_position(Error error) {
  if (error.where.known()) return error;
  static const std::string k_chain = " (included from ";
  const std::string& text = error.message;
  for (size_t colon = text.find(':'); colon != std::string::npos;
       colon = text.find(':', colon + 1)) {
    auto line = number_at(text, colon + 1);
    if (!line || line->second >= text.size() || text[line->second] != ':') continue;
    auto column = number_at(text, line->second + 1);
    if (!column) continue;
    std::string rest = text.substr(column->second);
    if (rest.starts_with(k_chain)) {
      size_t close = rest.find("): ");
      if (close == std::string::npos) continue;
      rest = rest.substr(close + 3) + rest.substr(0, close + 1);
    } else if (rest.starts_with(": ")) {
      rest = rest.substr(2);
    } else {
      continue;
    }
    return Error{error.code, std::move(rest),
                 Position{text.substr(0, colon), line->first, column->first}};
  }
  return error;
}

bool reported_at(const Diagnostics& diagnostics, const Position& where) {
  return where.known() &&
         std::any_of(diagnostics.errors().begin(), diagnostics.errors().end(), [&](const Error& e) {
           return e.where.file == where.file && e.where.line == where.line &&
                  e.where.column == where.column;
         });
}

}  // namespace

ExpandOptions component_expand_options(const model::Workspace& workspace,
                                       const model::Component& component) {
  ExpandOptions options;
  options.self_root = workspace.repo_location(component);
  options.display_root = workspace.dir;
  for (const model::TemplateSource& source : workspace.template_sources)
    if (!source.path.empty()) options.template_sources[source.name] = workspace.dir / source.path;
  return options;
}

void check_component_pipelines(const model::Workspace& workspace, Diagnostics& diagnostics, const RemoteReader* remote) {
  TemplateCache cache;  // every component reads the same template sources
  std::vector<Error> found;
  for (const model::Component& component : workspace.components) {
    ExpandOptions options = component_expand_options(workspace, component);
    if (component.repo_is_url) {
      if (!remote) continue;
      Result<std::filesystem::path> files = remote->component_files(component);
      if (!files) {
        found.push_back(Error{files.error().code, "component '" + component.name + "': " + files.error().message, component.where});
        continue;
      }
      options.self_root = *files;
    }
    std::filesystem::path file = std::filesystem::path(options.self_root) / component.pipeline;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) continue;
    if (remote) remote->add_sources(options);
    options.cache = &cache;
    Result<ExpandedPipeline> expanded = expand_pipeline(file, options);
    if (expanded) continue;
    Error error = with_position(expanded.error());
    // A source that is no local folder (a git template source, a repository
    // resource) reaches a run only through --templates, so the pipeline
    // cannot be checked here; a name that is neither is the workspace check's.
    if (error.code == ErrorCode::not_found && error.message.starts_with(k_unknown_source_error))
      continue;
    if (!error.where.known())
      error.message = "pipeline of component '" + component.name + "': " + error.message;
    if (!reported_at(diagnostics, error.where)) found.push_back(std::move(error));
  }
  for (Error& error : found) diagnostics.add(std::move(error));
  diagnostics.sort();
}

}  // namespace slipway::pipeline
