// File tasks: CopyFiles@2, ArchiveFiles@2, ExtractFiles@1, DownloadSecureFile@1, on the job's
// files with Azure's inputs. Extraction goes through core/archive, which
// refuses entries leaving the target folder (absolute, '..', through a link).
#include <algorithm>

#include "core/archive.h"
#include "core/files.h"
#include "core/strings.h"
#include "run/file_patterns.h"
#include "run/native_task_support.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

// Empties `folder`'s contents, keeping the folder.
std::error_code clean_folder(const fs::path& folder) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    fs::remove_all(entry.path(), ec);
    if (ec) return ec;
  }
  return ec == std::errc::no_such_file_or_directory ? std::error_code() : ec;
}

NativeOutcome copy_files(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"SourceFolder", "filePath", "", {"sourceFolder"}},
                     {"Contents", "multiLine", "**", {"contents"}},
                     {"TargetFolder", "string", "", {"targetFolder"}},
                     {"CleanTargetFolder", "boolean", "false", {"cleanTargetFolder"}},
                     {"OverWrite", "boolean", "false", {"overWrite"}},
                     {"flattenFolders", "boolean", "false", {}}},
                    given, context);
  if (inputs.text("TargetFolder").empty()) return failed("CopyFiles@2 needs input 'TargetFolder'");
  Result<fs::path> from = inputs.job_path("SourceFolder", context.sources);
  Result<fs::path> into = inputs.job_path("TargetFolder", {});
  if (!from || !into) return failed((from ? into : from).error().message);
  const fs::path& source = *from;
  const fs::path& target = *into;
  std::error_code ec;
  if (inputs.flag("CleanTargetFolder") && (ec = clean_folder(target)))
    return failed("cannot clean " + target.string() + ": " + ec.message());
  const bool overwrite = inputs.flag("OverWrite"), flatten = inputs.flag("flattenFolders");
  int copied = 0;
  for (const fs::path& file : find_matching_files(source, inputs.text("Contents"), context.job_folder)) {
    if (file.lexically_relative(target).native().rfind("..", 0) != 0) continue;  // already in the target
    fs::path to = target / (flatten ? file.filename() : file.lexically_relative(source));
    fs::create_directories(to.parent_path(), ec);
    if (Result<fs::path> checked = within(to.parent_path(), context.job_folder, "target"); !checked)
      return failed(checked.error().message);
    if (fs::exists(fs::symlink_status(to, ec))) {
      if (!overwrite) {
        context.log("skipped " + to.string() + ": it exists (OverWrite is false)");
        continue;
      }
      fs::remove_all(to, ec);  // never written through a link
    }
    fs::copy_file(file, to, ec);
    if (ec) return failed("cannot copy " + file.string() + " to " + to.string() + ": " + ec.message());
    ++copied;
  }
  context.log("copied " + plural(copied, "file") + " from " + source.string() + " to " + target.string());
  return {};
}

std::optional<ArchiveFormat> archive_format(const std::string& type, const std::string& compression) {
  if (iequals(type, "zip")) return ArchiveFormat::zip;
  if (!iequals(type, "tar")) return std::nullopt;  // 7z and wim: no writer here
  if (iequals(compression, "none")) return ArchiveFormat::tar;
  if (iequals(compression, "xz")) return ArchiveFormat::tar_xz;
  if (iequals(compression, "bz2")) return ArchiveFormat::tar_bz2;
  return ArchiveFormat::tar_gz;
}

NativeOutcome archive_files(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"rootFolderOrFile", "filePath", "$(Build.BinariesDirectory)", {}},
                     {"includeRootFolder", "boolean", "true", {}},
                     {"archiveType", "pickList", "zip", {}},
                     {"tarCompression", "pickList", "gz", {}},
                     {"archiveFile", "filePath", "$(Build.ArtifactStagingDirectory)/$(Build.BuildId).zip", {}},
                     {"replaceExistingArchive", "boolean", "true", {}}},
                    given, context);
  std::optional<ArchiveFormat> format = archive_format(inputs.text("archiveType"), inputs.text("tarCompression"));
  if (!format) return failed("ArchiveFiles@2: archiveType '" + inputs.text("archiveType") + "' is not written here (zip or tar)");
  Result<fs::path> from = inputs.job_path("rootFolderOrFile", context.sources);
  Result<fs::path> into = inputs.job_path("archiveFile", {});
  if (!from || !into) return failed((from ? into : from).error().message);
  const fs::path& root = *from;
  const fs::path& target = *into;
  std::error_code ec;
  if (!fs::exists(root, ec)) return failed("ArchiveFiles@2: " + root.string() + " does not exist");
  if (fs::exists(target, ec)) {
    if (!inputs.flag("replaceExistingArchive")) return failed("ArchiveFiles@2: " + target.string() + " exists (replaceExistingArchive is false)");
    fs::remove(target, ec);
  }
  // A folder's entries under its own name (includeRootFolder) or at the top.
  std::vector<ArchiveMember> members;
  const bool with_root = inputs.flag("includeRootFolder") || !fs::is_directory(root, ec);
  const fs::path base = with_root ? root.parent_path() : root;
  if (with_root) members.push_back({root, root.filename().string()});
  if (fs::is_directory(root, ec)) {
    std::vector<fs::path> below;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) below.push_back(it->path());
    if (ec) return failed("cannot read " + root.string() + ": " + ec.message());
    std::sort(below.begin(), below.end());
    for (const fs::path& path : below)
      if (path != target) members.push_back({path, path.lexically_relative(base).generic_string()});
  }
  if (Status s = create_archive(members, target, *format); !s) return failed(s.error().message);
  context.log("archived " + plural(static_cast<int>(members.size()), "entry") + " of " + root.string() + " into " + target.string());
  return {};
}

NativeOutcome extract_files(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"archiveFilePatterns", "multiLine", "**/*.zip", {}},
                     {"destinationFolder", "filePath", "", {}},
                     {"cleanDestinationFolder", "boolean", "true", {}},
                     {"overwriteExistingFiles", "boolean", "false", {}}},
                    given, context);
  if (inputs.text("destinationFolder").empty()) return failed("ExtractFiles@1 needs input 'destinationFolder'");
  Result<fs::path> into = inputs.job_path("destinationFolder", {});
  if (!into) return failed(into.error().message);
  const fs::path& destination = *into;
  std::vector<fs::path> archives =
      find_matching_files(context.sources, inputs.text("archiveFilePatterns"), context.job_folder);
  if (archives.empty()) return failed("ExtractFiles@1: no archive matches '" + inputs.text("archiveFilePatterns") + "'");
  std::error_code ec;
  if (inputs.flag("cleanDestinationFolder") && (ec = clean_folder(destination)))
    return failed("cannot clean " + destination.string() + ": " + ec.message());
  for (const fs::path& file : archives) {
    // Unpacked whole into a fresh folder first (nothing half-written), then merged in.
    fs::path fresh = context.temp_folder / ".extract";
    fs::remove_all(fresh, ec);
    Status unpacked = extract_archive(file, fresh);
    Status merged = unpacked ? merge_folder(fresh, destination, inputs.flag("overwriteExistingFiles"), context.job_folder)
                             : unpacked;
    fs::remove_all(fresh, ec);
    if (!merged) return failed(merged.error().message);
    context.log("extracted " + file.string() + " into " + destination.string());
  }
  return {};
}

// DownloadSecureFile@1: the workspace's secure file (JobMessage::secure_files)
// into Agent.TempDirectory, readable by its owner only, its path in
// secureFilePath (and <step name>.secureFilePath); removed when the job ends.
NativeOutcome download_secure_file(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"secureFile", "string", "", {}}, {"retryCount", "string", "8", {}}}, given, context);
  const std::string name = inputs.text("secureFile");
  auto found = std::find_if(context.secure_files.begin(), context.secure_files.end(),
                            [&](const auto& file) { return file.first == name; });
  if (found == context.secure_files.end())
    return failed("secure file '" + name + "' is not defined in the workspace (secure_files: in slipway.yaml)");
  const fs::path file = context.temp_folder / fs::path(name).filename();
  if (Status written = write_file_atomic(file, found->second, FileAccess::owner); !written)  // 0600 from the start
    return failed(written.error().message);
  context.set_variable("secureFilePath", file.string());
  context.after_job([file] {
    std::error_code ignored;
    fs::remove(file, ignored);
  });
  context.log("downloaded secure file '" + name + "' to " + file.string());
  return {};
}

}  // namespace

bool is_file_task(std::string_view task) {
  return task_named(task, "CopyFiles", 2) || task_named(task, "ArchiveFiles", 2) || task_named(task, "ExtractFiles", 1) ||
         task_named(task, "DownloadSecureFile", 1);
}

NativeOutcome run_file_task(std::string_view task, const NameValues& inputs, const NativeTaskContext& context) {
  if (task_named(task, "CopyFiles", 2)) return copy_files(inputs, context);
  if (task_named(task, "ArchiveFiles", 2)) return archive_files(inputs, context);
  if (task_named(task, "DownloadSecureFile", 1)) return download_secure_file(inputs, context);
  return extract_files(inputs, context);
}

}  // namespace slipway::run
