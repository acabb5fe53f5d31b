// The folder backend of BlobStore (blobs.h), apart from the PostgreSQL one so
// that what only reads artifacts (the fuzzer) needs no database client.
#include <algorithm>
#include <atomic>

#include "core/files.h"
#include "core/host.h"
#include "store/blobs.h"

namespace slipway::store {

namespace fs = std::filesystem;

namespace {

Status io_error(const std::string& what, const std::error_code& ec) {
  return fail(ErrorCode::io, "blob store: " + what + ": " + ec.message());
}

std::string unique_suffix() {
  static std::atomic<unsigned long> counter{0};
  return ".tmp." + std::to_string(current_pid()) + "." + std::to_string(counter.fetch_add(1));
}

// Written to a temporary name and renamed: a crash leaves the whole blob or none.
class FolderBlobStore final : public BlobStore {
 public:
  explicit FolderBlobStore(fs::path folder) : m_folder(std::move(folder)) {}

  Status put(const std::string& sha256, std::string_view bytes) override {
    return place(sha256, [&](const fs::path& temp) { return write_file_atomic(temp, bytes, FileAccess::owner); });
  }

  Status put_file(const std::string& sha256, const fs::path& from) override {
    return place(sha256, [&](const fs::path& temp) -> Status {
      std::error_code ec;
      fs::copy_file(from, temp, fs::copy_options::overwrite_existing, ec);
      if (ec) return io_error("copy " + from.string(), ec);
      // The copy has the source's mode (setuid bits included); a blob is only data.
      fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
      return {};
    });
  }

  Result<std::string> get(const std::string& sha256) override {
    Result<std::string> text = read_text_file(existing(sha256));
    if (!text) return fail(ErrorCode::not_found, "blob " + sha256 + " is not in " + where());
    return text;
  }

  Status get_file(const std::string& sha256, const fs::path& to) override {
    std::error_code ec;
    fs::copy_file(existing(sha256), to, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail(ErrorCode::not_found, "blob " + sha256 + " of " + where() + ": " + ec.message());
    return {};
  }

  Result<std::vector<std::string>> list() override {
    std::vector<std::string> names;
    std::error_code ec;
    for (const fs::path& dir : {m_folder / "blobs", m_folder / "manifests"}) {
      if (!fs::exists(dir, ec)) continue;
      for (fs::recursive_directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
        if (it->is_regular_file() && it->path().filename().string().find(".tmp.") == std::string::npos)
          names.push_back(it->path().stem().string().substr(0, 64));
      if (ec) return std::unexpected(io_error("list " + dir.string(), ec).error());
    }
    // A manifest kept before the blob store may have been stored again since.
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  std::string where() const override { return m_folder.string(); }

 private:
  fs::path path_of(const std::string& sha256) const { return m_folder / "blobs" / sha256.substr(0, 2) / sha256; }

  // Manifests written before the blob store were manifests/<digest>.json.
  fs::path existing(const std::string& sha256) const {
    fs::path path = path_of(sha256);
    std::error_code ec;
    if (fs::exists(path, ec)) return path;
    fs::path legacy = m_folder / "manifests" / (sha256 + ".json");
    return fs::exists(legacy, ec) ? legacy : path;
  }

  template <class Write>
  Status place(const std::string& sha256, Write write) {
    const fs::path target = path_of(sha256);
    std::error_code ec;
    if (fs::exists(target, ec)) return {};
    if (Status s = create_private_directories(target.parent_path()); !s) return s;
    fs::path temp = target;
    temp += unique_suffix();
    if (Status s = write(temp); !s) return s;
    fs::rename(temp, target, ec);
    if (ec) return io_error("rename " + temp.string(), ec);
    return {};
  }

  fs::path m_folder;
};

}  // namespace

std::shared_ptr<BlobStore> folder_blob_store(const fs::path& folder) { return std::make_shared<FolderBlobStore>(folder); }

}  // namespace slipway::store
