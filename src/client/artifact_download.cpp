#include "client/artifact_download.h"

#include <fstream>

#include "core/hash.h"

namespace slipway::client {

namespace fs = std::filesystem;

namespace {

// A manifest path stays inside the folder it is written to.
bool stays_inside(const fs::path& path) {
  if (path.empty() || path.is_absolute()) return false;
  for (const fs::path& part : path)
    if (part == "..") return false;
  return true;
}

// One file of the artifact: its bytes streamed into `target`, then checked.
Status download_file(ApiClient& api, const std::string& digest, const nlohmann::json& entry, const fs::path& target) {
  const std::string sha256 = entry.value("sha256", "");
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  if (!out) return fail(ErrorCode::io, "cannot write " + target.string());
  if (Status s = api.stream("/artifacts/" + ApiClient::encode(digest) + "/blobs/" + ApiClient::encode(sha256),
                            [&](std::string_view bytes) { return static_cast<bool>(out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()))); });
      !s)
    return s;
  out.close();
  if (!out) return fail(ErrorCode::io, "cannot write " + target.string());
  Result<std::string> written = sha256_file_hex(target);
  if (!written) return std::unexpected(written.error());
  if (*written != sha256)
    return fail(ErrorCode::corrupt, "artifact " + digest + ": " + entry.value("path", "") + " arrived with sha256 " +
                                        *written + ", not " + sha256);
  std::error_code ec;
  fs::permissions(target, entry.value("executable", false) ? fs::perms(0755) : fs::perms(0644), ec);
  return {};
}

}  // namespace

Status download_artifact(ApiClient& api, const std::string& digest, const fs::path& to) {
  Result<Answer> manifest = api.send("GET", "/artifacts/" + ApiClient::encode(digest));
  if (!manifest) return std::unexpected(manifest.error());
  const nlohmann::json& files = manifest->body["files"];
  if (!files.is_array()) return fail(ErrorCode::corrupt, "artifact " + digest + ": the server sent no file list");
  for (const nlohmann::json& entry : files)
    if (!entry.is_object() || !stays_inside(entry.value("path", "")))
      return fail(ErrorCode::invalid_input, "artifact " + digest + ": the server named a file outside the folder: " +
                                                entry.dump());
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return fail(ErrorCode::io, "download to " + to.string() + ": " + ec.message());
  for (const nlohmann::json& entry : files) {
    const fs::path target = to / entry.value("path", "");
    fs::create_directories(target.parent_path(), ec);
    if (Status s = download_file(api, digest, entry, target); !s) return s;
  }
  return {};
}

}  // namespace slipway::client
