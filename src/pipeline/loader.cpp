// Template files: where a reference points, reading (with the cross-pipeline
// cache), and how files are named in positions.
//
// Resolution follows Azure: `/x.yml` is relative to the root of the
// repository the reference lives in; `x.yml` is relative to the including
// file; `x.yml@src` reads from template source `src` (relative to its root
// when the including file is from another repository, else relative to the
// including file, Azure's "scoped relative path"). Backslashes read as
// slashes. A reference may not leave its repository.
#include <algorithm>
#include <system_error>

#include "core/strings.h"
#include "pipeline/internal.h"

namespace slipway::pipeline {

namespace fs = std::filesystem;

namespace {

fs::path canonical_or_normal(const fs::path& path) {
  std::error_code ec;
  fs::path result = fs::weakly_canonical(path, ec);
  if (ec) return fs::absolute(path).lexically_normal();
  return result;
}

bool is_inside(const fs::path& path, const fs::path& root) {
  fs::path relative = path.lexically_relative(root);
  if (relative.empty()) return false;
  auto first = relative.begin();
  return first == relative.end() || *first != "..";
}

fs::path find_repo_root(const fs::path& file) {
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    std::error_code ec;
    if (fs::exists(dir / ".git", ec)) return dir;
    if (dir == dir.root_path()) break;
  }
  return file.parent_path();
}

}  // namespace

Loader::Loader(const ExpandOptions& options, TemplateCache::State* cache)
    : m_options(options), m_cache(cache) {
  m_display_root = canonical_or_normal(options.display_root.empty() ? fs::current_path()
                                                                     : options.display_root);
}

std::string Loader::display_of(const fs::path& path) const {
  if (is_inside(path, m_display_root)) return path.lexically_relative(m_display_root).generic_string();
  return path.generic_string();
}

Result<const SourceFile*> Loader::load(const fs::path& path, std::string repo, fs::path repo_root) {
  std::string key = path.string();
  if (auto found = m_by_path.find(key); found != m_by_path.end()) return found->second;
  std::string display = display_of(path);
  std::shared_ptr<const yaml::Node> root;
  std::string cache_key = key + "|" + display;
  if (m_cache) {
    if (auto hit = m_cache->files.find(cache_key); hit != m_cache->files.end()) root = hit->second;
  }
  if (!root) {
    Result<yaml::Node> parsed = yaml::load_file(path, display);
    if (!parsed) return std::unexpected(parsed.error());
    root = std::make_shared<const yaml::Node>(std::move(*parsed));
    if (m_cache) m_cache->files.emplace(cache_key, root);
  }
  auto file = std::make_unique<SourceFile>();
  file->path = path;
  file->display = display;
  file->repo = std::move(repo);
  file->repo_root = std::move(repo_root);
  file->size = text_size(*root);
  file->root = std::move(root);
  const SourceFile* raw = file.get();
  m_files[display] = std::move(file);
  m_by_path[key] = raw;
  return raw;
}

Result<const SourceFile*> Loader::load_root(const fs::path& file) {
  fs::path path = canonical_or_normal(file);
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return fail(ErrorCode::not_found, "pipeline file not found: " + file.string());
  if (!fs::is_regular_file(status)) return fail(ErrorCode::invalid_input, file.string() + ": not a regular file");
  fs::path root = m_options.self_root.empty() ? find_repo_root(path)
                                              : canonical_or_normal(m_options.self_root);
  Result<const SourceFile*> loaded = load(path, "self", root);
  if (loaded) m_root = *loaded;
  return loaded;
}

Result<std::optional<fs::path>> Loader::repository_root(const std::string& alias) {
  if (!m_options.repository_folder || !m_root) return std::optional<fs::path>();
  if (auto known = m_repositories.find(alias); known != m_repositories.end()) return std::optional(known->second);
  for (const RepositoryResource& resource : repository_resources(*m_root->root)) {
    if (resource.alias != alias) continue;
    Result<fs::path> folder = m_options.repository_folder(resource);
    if (!folder) return std::unexpected(folder.error());
    m_repositories.emplace(alias, *folder);
    return std::optional(*folder);
  }
  return std::optional<fs::path>();
}

std::vector<RepositoryResource> repository_resources(const yaml::Node& root) {
  std::vector<RepositoryResource> out;
  const yaml::Node* resources = root.is_mapping() ? root.get("resources") : nullptr;
  const yaml::Node* list = resources && resources->is_mapping() ? resources->get("repositories") : nullptr;
  if (!list || !list->is_sequence()) return out;
  auto text = [](const yaml::Node& item, std::string_view key) {
    const yaml::Node* value = item.get(key);
    return value && value->is_scalar() ? value->text() : std::string();
  };
  for (const yaml::Node& item : list->items()) {
    if (!item.is_mapping() || text(item, "repository").empty()) continue;
    out.push_back({text(item, "repository"), text(item, "type"), text(item, "name"), text(item, "ref"),
                   text(item, "endpoint"), item.position()});
  }
  return out;
}

Result<const SourceFile*> Loader::load_template(std::string_view reference, const SourceFile& from) {
  std::string memo = from.path.string() + "|" + std::string(reference);
  if (m_cache) {
    if (auto hit = m_cache->references.find(memo); hit != m_cache->references.end())
      return load(hit->second.path, hit->second.repo, hit->second.repo_root);
  }
  std::string text(reference);
  std::replace(text.begin(), text.end(), '\\', '/');
  std::string repo = from.repo;
  fs::path root = from.repo_root;
  if (size_t at = text.rfind('@'); at != std::string::npos) {
    std::string name = text.substr(at + 1);
    text.resize(at);
    if (name == "self") {
      repo = "self";
      root = m_options.self_root.empty() ? find_repo_root(m_by_path.begin()->second->path)
                                         : canonical_or_normal(m_options.self_root);
      for (const auto& [display, file] : m_files)
        if (file->repo == "self") root = file->repo_root;
    } else {
      // The pipeline's own resources.repositories entry comes first: its ref is the one used.
      Result<std::optional<fs::path>> repository = repository_root(name);
      if (!repository) return std::unexpected(repository.error());
      auto source = m_options.template_sources.find(name);
      std::optional<fs::path> lazy;
      if (!*repository && source == m_options.template_sources.end() && m_options.template_source_folder) {
        Result<std::optional<fs::path>> folder = m_options.template_source_folder(name);
        if (!folder) return std::unexpected(folder.error());
        lazy = *folder;
      }
      if (*repository) {
        root = canonical_or_normal(**repository);
      } else if (source != m_options.template_sources.end()) {
        root = canonical_or_normal(source->second);
      } else if (lazy) {
        root = canonical_or_normal(*lazy);
      } else {
        std::vector<std::string> names;
        for (const auto& [known, dir] : m_options.template_sources) names.push_back(known);
        std::string list = names.empty() ? std::string("none are configured")
                                         : "known: " + join(names, ", ");
        return fail(ErrorCode::not_found, std::string(k_unknown_source_error) + name + "' in '" +
                                              std::string(reference) + "' (" + list + ")");
      }
      repo = name;
    }
  }
  if (text.empty()) return fail(ErrorCode::invalid_input, "empty template reference");
  fs::path path;
  if (text.front() == '/')
    path = root / text.substr(1);
  else if (repo == from.repo)
    path = from.path.parent_path() / text;
  else
    path = root / text;
  path = path.lexically_normal();
  if (!is_inside(path, root))
    return fail(ErrorCode::invalid_input,
                "template '" + std::string(reference) + "' is outside its repository");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return fail(ErrorCode::not_found, "template '" + std::string(reference) +
                                          "' not found (looked for " + display_of(path) + ")");
  fs::path canonical = canonical_or_normal(path);
  if (m_cache) m_cache->references[memo] = TemplateCache::State::Resolved{canonical, repo, root};
  return load(canonical, repo, root);
}

const SourceFile* Loader::file_of(const yaml::Node& node) const {
  const auto& file = node.mark().file;
  if (!file) return nullptr;
  auto found = m_files.find(*file);
  return found == m_files.end() ? nullptr : found->second.get();
}

TemplateCache::TemplateCache() : m_state(std::make_unique<State>()) {}
TemplateCache::~TemplateCache() = default;

}  // namespace slipway::pipeline
