#include "service/run_sources.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "core/clock.h"
#include "core/host.h"
#include "core/strings.h"
#include "version/git_repo.h"

namespace slipway::service {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> git_root(fs::path dir) {
  std::error_code ec;
  dir = fs::absolute(dir, ec);
  for (; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) return dir;
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

// The workspace component whose pipeline file is `file`; "" when none.
std::string component_owning(const fs::path& file, const model::Workspace* workspace) {
  if (!workspace) return "";
  std::error_code ec;
  for (const model::Component& c : workspace->components)
    if (!c.repo_is_url && fs::weakly_canonical(fs::path(workspace->repo_location(c)) / c.pipeline, ec) == file)
      return c.name;
  return "";
}

// A pipeline file of no component is named by its stem ("ci.yml" → "ci"), or
// by its repository's folder when the stem is the generic "azure-pipelines".
std::string file_pipeline_name(const fs::path& file, const fs::path& repo) {
  std::string stem = file.stem().string();
  if (stem.starts_with(".")) stem.erase(0, 1);
  if (iequals(stem, "azure-pipelines") || stem.empty()) return repo.filename().string();
  return stem;
}

// The commit `commit` names, else the head of `branch` (a local branch, else origin's).
Result<std::string> commit_to_build(const version::GitRepository& git, const std::string& component,
                                    const std::string& branch, const std::string& commit) {
  if (!commit.empty()) {
    if (std::optional<std::string> sha = git.resolve(commit)) return *sha;
    return fail(ErrorCode::not_found, "no commit '" + commit + "' in the repository of " + component);
  }
  const std::string name = short_branch(branch);
  for (const std::string& ref : {"refs/heads/" + name, "refs/remotes/origin/" + name})
    if (std::optional<std::string> sha = git.resolve(ref)) return *sha;
  return fail(ErrorCode::not_found, "the repository of " + component + " has no branch '" + name + "'");
}

// A folder made for one expansion and removed with this object.
class ScratchFolder {
 public:
  static Result<ScratchFolder> make(const fs::path& parent) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    std::string pattern = (parent / "pipeline-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return fail(ErrorCode::io, "cannot create a folder in " + parent.string());
    return ScratchFolder(pattern);
  }
  ScratchFolder(ScratchFolder&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  ScratchFolder& operator=(ScratchFolder&&) = delete;
  ~ScratchFolder() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }

 private:
  explicit ScratchFolder(fs::path path) : m_path(std::move(path)) {}
  fs::path m_path;
};

// How the expander names `path` in messages: relative to the display root
// when inside it, else absolute (pipeline/loader.cpp's display_of).
std::string shown_as(const fs::path& path, fs::path root) {
  std::error_code ec;
  if (root.empty()) root = fs::current_path(ec);
  const fs::path canonical = fs::weakly_canonical(path, ec);
  const fs::path relative = canonical.lexically_relative(fs::weakly_canonical(root, ec));
  if (!relative.empty() && *relative.begin() != "..") return relative.generic_string();
  return canonical.generic_string();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The error naming the files of the scratch folder as the repository's
// ("repos/api/azure-pipelines.yml"), as the user knows them.
Error as_in_repository(Error error, const fs::path& scratch, const fs::path& repository, const fs::path& display_root) {
  const std::string from = shown_as(scratch, display_root) + "/";
  std::string to = shown_as(repository, display_root) + "/";
  if (to == "./") to.clear();
  replace_all(error.message, from, to);
  replace_all(error.where.file, from, to);
  return error;
}

}  // namespace

std::string short_branch(const std::string& ref) {
  constexpr std::string_view prefix = "refs/heads/";
  return ref.starts_with(prefix) ? ref.substr(prefix.size()) : ref;
}

std::string recorded_source(const RunSource& source) {
  return (source.in_commit ? source.repository / source.file : source.file).string();
}

run::RunRecord initial_record(const RunSource& source, const std::string& retry_of) {
  run::RunRecord record;
  record.pipeline = source.pipeline;
  record.component = source.component;
  // As the scheduler records it: a push's batching compares refs.
  record.branch = source.branch.starts_with("refs/") ? source.branch : "refs/heads/" + source.branch;
  record.commit = source.commit;
  record.source = recorded_source(source);
  record.retry_of = retry_of;
  record.start_ms = to_epoch_ms(system_clock().now());
  record.owner_pid = current_pid();
  record.owner_host = host_name();
  return record;
}

Result<RunSource> component_source(const model::Workspace& workspace, const model::Component& component,
                                   const std::string& branch, const std::string& commit, version::MirrorCache* mirrors) {
  if (component.repo_is_url) {
    if (!mirrors)
      return fail(ErrorCode::unsupported, "component '" + component.name + "' has a remote repo; this needs its mirror");
    // The commit asked for, else the branch's head, read from the repository's mirror.
    Result<version::ResolvedRef> resolved =
        mirrors->resolve(component.repo, commit.empty() ? "refs/heads/" + short_branch(branch) : commit, true);
    if (!resolved) return fail(resolved.error().code, "component '" + component.name + "': " + resolved.error().message);
    RunSource source{component.name, component.name, resolved->mirror, branch, resolved->commit, component.pipeline, true, {}};
    source.warning = resolved->warning;
    return source;
  }
  RunSource source{component.name, component.name, fs::absolute(workspace.repo_location(component)), branch, "",
                   component.pipeline, true, {}};
  Result<version::GitRepository> git = version::GitRepository::open(source.repository);
  if (!git) {  // a plain folder: what it holds is what there is to build
    source.file = source.repository / component.pipeline;
    source.in_commit = false;
    return source;
  }
  Result<std::string> sha = commit_to_build(*git, component.name, branch, commit);
  if (!sha) return std::unexpected(sha.error());
  source.commit = *sha;
  return source;
}

Result<RunSource> file_source(const fs::path& file, const model::Workspace* workspace, const std::string& branch,
                              const std::string& commit) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return fail(ErrorCode::not_found, "no pipeline file " + file.string());
  RunSource source;
  source.file = fs::weakly_canonical(fs::absolute(file), ec);
  std::optional<fs::path> root = git_root(source.file.parent_path());
  source.repository = root ? *root : source.file.parent_path();
  source.pipeline = component_owning(source.file, workspace);
  if (source.pipeline.empty()) source.pipeline = file_pipeline_name(source.file, source.repository);
  source.branch = branch;
  source.commit = commit;
  if (Result<version::GitRepository> git = version::GitRepository::open(source.repository); git && commit.empty())
    if (Result<std::string> head = git->head_commit(); head) source.commit = *head;
  return source;
}

pipeline::ExpandOptions expand_options(const model::Workspace* workspace,
                                       const std::map<std::string, fs::path>& templates) {
  pipeline::ExpandOptions options;
  if (workspace) {
    options.display_root = workspace->dir;
    for (const model::TemplateSource& source : workspace->template_sources)
      if (!source.path.empty()) options.template_sources[source.name] = workspace->dir / source.path;
  }
  for (const auto& [name, dir] : templates) options.template_sources[name] = dir;
  return options;
}

Result<pipeline::ExpandedPipeline> expand_source(const RunSource& source, pipeline::ExpandOptions options,
                                                 const fs::path& scratch) {
  if (!source.in_commit) {
    if (options.self_root.empty() && !source.component.empty()) options.self_root = source.repository;
    return pipeline::expand_pipeline(source.file, options);
  }
  Result<version::GitRepository> git = version::GitRepository::open(source.repository);
  if (!git) return std::unexpected(git.error());
  Result<ScratchFolder> tree = ScratchFolder::make(scratch);
  if (!tree) return std::unexpected(tree.error());
  if (Status s = git->write_tree(source.commit, tree->path()); !s) return std::unexpected(s.error());
  std::error_code ec;
  if (!fs::is_regular_file(tree->path() / source.file, ec))
    return fail(ErrorCode::not_found, source.component + ": no pipeline file " + source.file.string() + " in commit " +
                                          source.commit.substr(0, 12) + " of " + source.repository.string());
  options.self_root = tree->path();
  Result<pipeline::ExpandedPipeline> expanded = pipeline::expand_pipeline(tree->path() / source.file, options);
  if (!expanded) return std::unexpected(as_in_repository(expanded.error(), tree->path(), source.repository, options.display_root));
  return expanded;
}

namespace {

// The repository a resources.repositories entry reads, at which ref;
// `trusted` when the workspace configures it (then credentials may be sent).
struct RepositoryAt {
  std::string url;
  std::string ref;
  bool trusted = false;
};

Result<RepositoryAt> repository_of(const pipeline::RepositoryResource& resource, const model::Workspace* workspace) {
  std::string ref = resource.ref;
  bool plain_alias = !resource.alias.empty() && std::all_of(resource.alias.begin(), resource.alias.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (!plain_alias)
    return fail(ErrorCode::invalid_input, "repository '" + resource.alias + "': an alias is letters, digits, _ and -",
                resource.where);
  // A pipeline names remote repositories only: a local one (any repository
  // slipway can read, other components' mirrors included) is the workspace's
  // to offer, as a template source.
  if (resource.name.starts_with("file:") || fs::path(resource.name).is_absolute())
    return fail(ErrorCode::denied,
                "repository '" + resource.alias + "': a pipeline may not name a local repository (" + resource.name +
                    "); the workspace offers one as a template source",
                resource.where);
  if (version::is_git_url(resource.name)) return RepositoryAt{resource.name, ref.empty() ? std::string("main") : ref, false};
  const model::TemplateSource* source = nullptr;
  if (workspace) {
    source = workspace->template_source(resource.alias);
    if (!source) source = workspace->template_source(resource.name);
  }
  if (source) {
    std::string where = source->git.empty() ? (workspace->dir / source->path).lexically_normal().string() : source->git;
    if (ref.empty()) ref = source->ref.empty() ? std::string("main") : source->ref;
    return RepositoryAt{where, ref, true};
  }
  if (iequals(resource.type, "github") && !resource.name.empty())
    return RepositoryAt{"https://github.com/" + resource.name + ".git", ref.empty() ? std::string("main") : ref, false};
  return fail(ErrorCode::not_found, "repository '" + resource.alias + "' (name '" + resource.name +
                                        "') is neither a git URL nor a template source of the workspace",
              resource.where);
}

Result<fs::path> mirrored_tree(version::MirrorCache& mirrors, const std::string& url, const std::string& ref,
                               bool trusted, std::vector<std::string>& warnings) {
  Result<version::ResolvedRef> resolved = mirrors.resolve(url, ref, trusted);
  if (!resolved) return std::unexpected(resolved.error());
  if (!resolved->warning.empty()) warnings.push_back(resolved->warning);
  return mirrors.tree(*resolved);
}

}  // namespace

void add_remote_sources(pipeline::ExpandOptions& options, const model::Workspace* workspace,
                        version::MirrorCache& mirrors, std::vector<std::string>& warnings) {
  options.template_source_folder = [workspace, &mirrors, &warnings](const std::string& name)
      -> Result<std::optional<fs::path>> {
    const model::TemplateSource* source = workspace ? workspace->template_source(name) : nullptr;
    if (!source || source->git.empty()) return std::optional<fs::path>();
    Result<fs::path> tree = mirrored_tree(mirrors, source->git, source->ref.empty() ? "main" : source->ref, true, warnings);
    if (!tree) return fail(tree.error().code, "template source '" + name + "': " + tree.error().message, source->where);
    return std::optional(*tree);
  };
  options.repository_folder = [workspace, &mirrors, &warnings](const pipeline::RepositoryResource& resource)
      -> Result<fs::path> {
    Result<RepositoryAt> where = repository_of(resource, workspace);
    if (!where) return std::unexpected(where.error());
    Result<fs::path> tree = mirrored_tree(mirrors, where->url, where->ref, where->trusted, warnings);
    if (!tree) return fail(tree.error().code, "repository '" + resource.alias + "': " + tree.error().message, resource.where);
    return tree;
  };
}

Status resolve_checkouts(run::PipelineSpec& spec, const yaml::Node& root, const model::Workspace* workspace,
                         version::MirrorCache& mirrors) {
  const std::vector<pipeline::RepositoryResource> resources = pipeline::repository_resources(root);
  for (run::StageSpec& stage : spec.stages)
    for (run::JobSpec& job : stage.jobs)
      for (run::StepSpec& step : job.steps) {
        const std::string alias(trim(step.body));
        if (step.kind != run::StepKind::checkout || alias.empty() || iequals(alias, "self") || iequals(alias, "none"))
          continue;
        auto found = std::find_if(resources.begin(), resources.end(),
                                  [&](const pipeline::RepositoryResource& r) { return r.alias == alias; });
        if (found == resources.end())
          return fail(ErrorCode::not_found, "checkout of repository '" + alias + "': resources.repositories has no such alias",
                      step.where);
        Result<RepositoryAt> where = repository_of(*found, workspace);
        if (!where) return fail(where.error().code, where.error().message, step.where);
        Result<version::ResolvedRef> resolved = mirrors.resolve(where->url, where->ref, where->trusted);
        if (!resolved) return fail(resolved.error().code, "checkout of repository '" + alias + "': " + resolved.error().message, step.where);
        if (!resolved->warning.empty()) spec.warnings.push_back(resolved->warning);
        step.repository = resolved->mirror.string();
        step.repository_commit = resolved->commit;
      }
  return {};
}

pipeline::RemoteReader remote_reader(const model::Workspace& workspace, version::MirrorCache& mirrors,
                                     std::vector<std::string>& warnings) {
  return {[&workspace, &mirrors, &warnings](pipeline::ExpandOptions& options) {
            add_remote_sources(options, &workspace, mirrors, warnings);
          },
          [&mirrors, &warnings](const model::Component& component) {
            return mirrored_tree(mirrors, component.repo, "HEAD", true, warnings);
          }};
}

run::VariableGroups variable_groups(const model::Workspace* workspace) {
  run::VariableGroups groups;
  if (!workspace) return groups;
  for (const model::VariableGroup& group : workspace->variable_groups) {
    run::VariableGroupSpec spec{group.name, group.values, {}, {}};
    for (const auto& [name, variable] : group.secrets) {
      const char* value = std::getenv(variable.c_str());
      if (value) spec.secrets.emplace_back(name, value);
      else if (spec.problem.empty())
        spec.problem = "secret '" + name + "' of variable group '" + group.name + "' reads environment variable " +
                       variable + ", which is not set";
    }
    groups.push_back(std::move(spec));
  }
  return groups;
}

}  // namespace slipway::service
