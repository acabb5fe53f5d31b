#include "run/artifacts.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/hash.h"
#include "core/host.h"
#include "core/json_text.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

Status io_error(const std::string& what, const std::error_code& ec) {
  return fail(ErrorCode::io, what + ": " + ec.message());
}

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Each file of a manifest is checked: a relative path inside the artifact
// and the digest of a blob (64 lowercase hex digits, so it names a file
// under blobs/ and nothing else).
// A manifest is read back from disk, so it is input: a damaged or forged one
// is `corrupt`, never an exception (nlohmann's value() throws on a non-object,
// found by tests/fuzz/artifact_fuzz) nor a read outside the blobs.
Result<std::vector<ArtifactFile>> read_manifest(const std::string& text, const std::string& digest) {
  nlohmann::json manifest = nlohmann::json::parse(text, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_array())
    return fail(ErrorCode::corrupt, "artifact " + digest + ": manifest is not valid");
  std::vector<ArtifactFile> entries;
  for (const nlohmann::json& file : manifest["files"]) {
    const bool shaped = file.is_object() && file.contains("path") && file["path"].is_string() &&
                        file.contains("sha256") && file["sha256"].is_string() &&
                        (!file.contains("executable") || file["executable"].is_boolean());
    if (!shaped) return fail(ErrorCode::corrupt, "artifact " + digest + ": manifest entry " +
                                                     std::to_string(entries.size() + 1) + " is not valid");
    ArtifactFile entry{file["path"].get<std::string>(), file["sha256"].get<std::string>(),
                        file.value("executable", false)};
    if (entry.path.empty() || entry.path.front() == '/' || entry.path.find("..") != std::string::npos)
      return fail(ErrorCode::corrupt, "artifact " + digest + ": bad path '" + entry.path + "'");
    if (!is_sha256_hex(entry.sha256))
      return fail(ErrorCode::corrupt, "artifact " + digest + ": bad blob digest of " + entry.path);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

Status check_artifact_name(std::string_view name) {
  auto refuse = [&](const char* why) {
    return fail(ErrorCode::invalid_input, "artifact name '" + std::string(name) + "' is not allowed: " + why);
  };
  if (name.empty()) return refuse("it is empty");
  if (name.front() == '/') return refuse("it is an absolute path");
  if (name.find("..") != std::string_view::npos) return refuse("it contains '..'");
  if (name.find('\\') != std::string_view::npos) return refuse("it contains '\\'");
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return refuse("it contains a control character");
  return {};
}

Result<ArtifactInfo> ArtifactStore::put(const std::string& name, const fs::path& from) {
  if (Status s = check_artifact_name(name); !s) return std::unexpected(s.error());
  std::error_code ec;
  fs::file_status status = fs::symlink_status(from, ec);
  if (!fs::exists(status))
    return fail(ErrorCode::not_found, "publish '" + name + "': " + from.string() + " does not exist");
  std::vector<std::pair<std::string, fs::path>> files;  // relative path → source
  if (fs::is_directory(status)) {
    for (fs::recursive_directory_iterator it(from, ec), end; it != end && !ec; it.increment(ec)) {
      if (it->is_symlink())
        return fail(ErrorCode::invalid_input, "publish '" + name + "': symbolic link " + it->path().string() + " is not supported");
      if (it->is_regular_file()) files.emplace_back(fs::relative(it->path(), from).generic_string(), it->path());
    }
    if (ec) return std::unexpected(io_error("publish '" + name + "'", ec).error());
  } else if (fs::is_regular_file(status)) {
    files.emplace_back(from.filename().string(), from);
  } else {
    return fail(ErrorCode::invalid_input, "publish '" + name + "': " + from.string() + " is not a file or folder");
  }
  std::sort(files.begin(), files.end());
  nlohmann::json list = nlohmann::json::array();
  ArtifactInfo info;
  info.name = name;
  for (const auto& [relative, source] : files) {
    Result<std::string> digest = sha256_file_hex(source);
    if (!digest) return std::unexpected(digest.error());
    if (Status s = m_blobs->put_file(*digest, source); !s) return std::unexpected(s.error());
    auto size = static_cast<std::int64_t>(fs::file_size(source, ec));
    bool executable = (fs::status(source, ec).permissions() & fs::perms::owner_exec) != fs::perms::none;
    list.push_back({{"path", relative}, {"size", size}, {"sha256", *digest}, {"executable", executable}});
    info.size += size;
    info.files += 1;
  }
  std::string manifest = json_text(nlohmann::json{{"files", list}});
  info.digest = sha256_hex(manifest);
  if (Status s = m_blobs->put(info.digest, manifest); !s) return std::unexpected(s.error());
  return info;
}

// The manifest of `digest`: a digest from outside (an API path) is checked
// before it becomes part of a file name.
Result<std::vector<ArtifactFile>> load_manifest(store::BlobStore& blobs, const std::string& digest) {
  if (!is_sha256_hex(digest)) return fail(ErrorCode::invalid_input, "'" + digest + "' is not an artifact digest (sha256 hex)");
  Result<std::string> text = blobs.get(digest);
  if (!text) {
    if (text.error().code != ErrorCode::not_found) return std::unexpected(text.error());
    return fail(ErrorCode::not_found, "artifact " + digest + " is not in the store");
  }
  return read_manifest(*text, digest);
}

Result<std::vector<ArtifactFile>> ArtifactStore::files(const std::string& digest) const {
  return load_manifest(*m_blobs, digest);
}

Result<std::string> ArtifactStore::blob(const std::string& digest, const std::string& sha256) const {
  Result<std::vector<ArtifactFile>> entries = load_manifest(*m_blobs, digest);
  if (!entries) return std::unexpected(entries.error());
  for (const ArtifactFile& entry : *entries)
    if (entry.sha256 == sha256) return m_blobs->get(sha256);
  return fail(ErrorCode::not_found, "artifact " + digest + " has no file with sha256 " + sha256);
}

Status ArtifactStore::get(const std::string& digest, const fs::path& to) const {
  Result<std::vector<ArtifactFile>> entries = load_manifest(*m_blobs, digest);
  if (!entries) return std::unexpected(entries.error());
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return io_error("download to " + to.string(), ec);
  for (const ArtifactFile& entry : *entries) {
    fs::path target = to / entry.path;
    fs::create_directories(target.parent_path(), ec);
    if (Status s = m_blobs->get_file(entry.sha256, target); !s)
      return fail(ErrorCode::corrupt, "artifact " + digest + ": blob " + entry.sha256 + " of " + entry.path + ": " +
                                          s.error().message);
    // Plain modes whatever the blob's: no setuid, setgid or sticky bits.
    fs::permissions(target, entry.executable ? fs::perms(0755) : fs::perms(0644), ec);
  }
  return {};
}

}  // namespace slipway::run
