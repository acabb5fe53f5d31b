// Cache@2 (and CacheBeta@0/@1): a folder restored from a local cache by key
// before the build, saved after it when the job succeeded.
//
// The key is Azure's: segments separated by '|'; a segment that looks like a
// file path (it holds '.', '/' or a wildcard) is a comma-separated list of
// file patterns whose files' names and contents are hashed (at least one must
// match); any other segment is a fixed string. An entry is stored under the
// digest of the resolved key, as a tar.gz beside a file naming that key.
// Restore: the exact key sets cacheHitVar to "true"; else the newest entry
// whose key starts with one of restoreKeys' (resolved the same way) restores
// with "inexact"; else "false". Save: only when the exact key missed, once the
// job's steps succeeded, written beside and renamed into place (a job saving
// the same key at once leaves one whole entry).

#include "core/archive.h"
#include "core/files.h"
#include "core/hash.h"
#include "core/strings.h"
#include "run/file_patterns.h"
#include "run/native_task_support.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

// A quoted segment ("$(python.version)") is a string, as in Azure's keys.
bool looks_like_path(std::string_view segment) {
  if (segment.size() >= 2 && segment.front() == '"' && segment.back() == '"') return false;
  return segment.find_first_of("./*?") != std::string_view::npos;
}


// The key with each file segment replaced by the hash of what it matches.
Result<std::string> resolve_key(std::string_view key, const fs::path& root, const fs::path& job) {
  std::string out;
  for (const std::string& raw : split(key, '|')) {
    std::string segment(trim(raw));
    if (!out.empty()) out += "|";
    if (!looks_like_path(segment)) {
      out += segment;
      continue;
    }
    std::vector<fs::path> files;
    for (const std::string& pattern : split(segment, ','))
      for (fs::path& file : find_matching_files(root, trim(pattern), job)) files.push_back(std::move(file));
    if (files.empty()) return fail(ErrorCode::not_found, "cache key segment '" + segment + "' matches no file");
    std::string listing;
    for (const fs::path& file : files) {
      Result<std::string> digest = sha256_file_hex(file);
      if (!digest) return std::unexpected(digest.error());
      listing += file.lexically_relative(root).generic_string() + "\t" + *digest + "\n";
    }
    out += sha256_hex(listing);
  }
  return out;
}

struct Entry {
  std::string key;
  fs::path archive;
  fs::file_time_type time;
};

std::vector<Entry> entries(const fs::path& folder) {
  std::vector<Entry> out;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".key") continue;
    Result<std::string> key = read_text_file(it->path());
    fs::path archive = it->path();
    archive.replace_extension(".tar.gz");
    if (key && fs::exists(archive, ec)) out.push_back({*key, archive, fs::last_write_time(archive, ec)});
  }
  return out;
}

Status restore(const fs::path& archive, const fs::path& into, const fs::path& job, const fs::path& temp) {
  fs::path fresh = temp / ".cache-restore";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  Status unpacked = extract_archive(archive, fresh);
  Status merged = unpacked ? merge_folder(fresh, into, true, job) : unpacked;
  fs::remove_all(fresh, ec);
  return merged;
}

Status save(const fs::path& folder, const std::string& key, const fs::path& cache) {
  std::error_code ec;
  std::vector<ArchiveMember> members;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    members.push_back({it->path(), it->path().lexically_relative(folder).generic_string()});
  if (ec) return fail(ErrorCode::io, "cannot read " + folder.string() + ": " + ec.message());
  std::sort(members.begin(), members.end(), [](const ArchiveMember& a, const ArchiveMember& b) { return a.name < b.name; });
  const std::string id = sha256_hex(key);
  if (Status s = create_archive(members, cache / (id + ".tar.gz"), ArchiveFormat::tar_gz); !s) return s;
  return write_file_atomic(cache / (id + ".key"), key);
}

NativeOutcome cache(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"key", "string", "", {}},
                     {"path", "filePath", "", {}},
                     {"cacheHitVar", "string", "", {}},
                     {"restoreKeys", "multiLine", "", {}}},
                    given, context);
  if (inputs.text("key").empty() || inputs.text("path").empty()) return failed("Cache@2 needs inputs 'key' and 'path'");
  // Entries are kept per pipeline and branch; a branch also reads its
  // pipeline's main branch's (as Azure's scopes: a PR build cannot plant
  // what a release build restores).
  const Variable* pipeline = context.variables.find("Build.DefinitionName");
  const Variable* branch = context.variables.find("Build.SourceBranch");
  const std::string scope = (pipeline ? pipeline->value : "") + "\n" + (branch ? branch->value : "") + "\n";
  const std::string main_scope = (pipeline ? pipeline->value : "") + "\nrefs/heads/main\n";
  Result<std::string> resolved = resolve_key(inputs.text("key"), context.sources, context.job_folder);
  if (!resolved) return failed(resolved.error().message);
  const std::string key = scope + *resolved;
  Result<fs::path> checked = inputs.job_path("path", {});
  if (!checked) return failed(checked.error().message);
  const fs::path folder = *checked;
  const std::string hit_var = inputs.text("cacheHitVar");
  std::vector<Entry> known = entries(context.cache_folder);
  std::sort(known.begin(), known.end(), [](const Entry& a, const Entry& b) { return a.time > b.time; });
  std::string hit = "false";
  const Entry* found = nullptr;
  for (const Entry& entry : known)
    if (entry.key == key) found = &entry, hit = "true";
  for (const std::string& line : split(inputs.text("restoreKeys"), '\n')) {
    if (found || trim(line).empty()) continue;
    Result<std::string> prefix = resolve_key(trim(line), context.sources, context.job_folder);
    if (!prefix) continue;  // a restore key whose files are missing matches nothing
    for (const std::string& in : {scope, main_scope})
      for (const Entry& entry : known)
        if (!found && entry.key.starts_with(in + *prefix)) found = &entry, hit = "inexact";
  }
  context.log("cache key: " + *resolved);
  if (found) {
    if (Status s = restore(found->archive, folder, context.job_folder, context.temp_folder); !s) {
      context.log("##[warning]the cache entry could not be restored, taken as a miss: " + s.error().message);
      found = nullptr, hit = "false";
    } else {
      context.log(std::string(hit == "true" ? "cache hit" : "cache restored from key " + found->key.substr(found->key.rfind('\n') + 1)) +
                  ": " + folder.string());
    }
  }
  if (!found) context.log("cache miss: " + folder.string() + " is saved if the job succeeds");
  if (!hit_var.empty()) context.set_variable(hit_var, hit);
  if (hit == "true") return {};
  context.after_success([folder, key, cache_folder = context.cache_folder] {
    std::error_code ec;
    // Nothing was made to cache, or the folder was swapped for a link (to the state...): nothing is saved.
    if (fs::is_symlink(fs::symlink_status(folder, ec)) || !fs::is_directory(fs::symlink_status(folder, ec))) return;
    fs::create_directories(cache_folder, ec);
    (void)save(folder, key, cache_folder);      // a cache that cannot be saved is only a slower next run
  });
  return {};
}

}  // namespace

bool is_cache_task(std::string_view task) {
  return task_named(task, "Cache", 2) || task_named(task, "CacheBeta", 1) || task_named(task, "CacheBeta", 0);
}

NativeOutcome run_cache_task(const NameValues& inputs, const NativeTaskContext& context) { return cache(inputs, context); }

}  // namespace slipway::run
