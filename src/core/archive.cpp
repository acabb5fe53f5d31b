// libarchive reads the archive; archive_write_disk writes each entry with
// the SECURE_* checks (no '..', no absolute path, no writing through a
// symbolic link) and without ARCHIVE_EXTRACT_OWNER/PERM, so owners are the
// unpacking user's and modes pass through the umask; modes are also masked
// to 0777 before writing, so no special bit is ever applied, even as root.
#include "core/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "core/hash.h"

namespace slipway {

namespace fs = std::filesystem;

namespace {

using Reader = std::unique_ptr<archive, decltype(&archive_read_free)>;
using Writer = std::unique_ptr<archive, decltype(&archive_write_free)>;

// Entry paths are made absolute under the (symlink-free) staging folder here,
// after the archive's own were refused when absolute: so no NOABSOLUTEPATHS.
constexpr int k_secure = ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                         ARCHIVE_EXTRACT_NO_OVERWRITE;

// True when `name` would leave the folder it is unpacked into.
bool leaves_folder(const std::string& name) {
  if (name.empty() || name.front() == '/') return true;
  for (const fs::path& part : fs::path(name))
    if (part == "..") return true;
  return false;
}

// Why an entry of type `type` is refused; nullptr when it may be unpacked.
const char* refused_type(mode_t type) {
  switch (type) {
    case AE_IFREG:
    case AE_IFDIR:
    case AE_IFLNK:
      return nullptr;
    case AE_IFCHR:
    case AE_IFBLK:
      return "device nodes are not unpacked";
    case AE_IFIFO:
      return "FIFOs are not unpacked";
    default:
      return "only files, folders and symbolic links are unpacked";
  }
}

Status unpack_entries(archive* in, archive* out, const fs::path& archive_path, const fs::path& into) {
  auto refuse = [&](const std::string& entry, const std::string& why) {
    return fail(ErrorCode::invalid_input, archive_path.string() + ": " + entry + ": " + why);
  };
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(in, &entry);
    if (rc == ARCHIVE_EOF) return {};
    if (rc < ARCHIVE_WARN) return refuse("(header)", archive_error_string(in) ? archive_error_string(in) : "unreadable");
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (const char* why = refused_type(archive_entry_filetype(entry))) return refuse(name, why);
    if (leaves_folder(name)) return refuse(name, "the path leaves the target folder");
    if (const char* link = archive_entry_hardlink(entry)) {
      if (leaves_folder(link)) return refuse(name, "the hard link leaves the target folder");
      archive_entry_set_hardlink(entry, (into / link).c_str());
    }
    archive_entry_set_perm(entry, archive_entry_perm(entry) & 0777);
    archive_entry_set_pathname(entry, (into / name).c_str());
    if (archive_write_header(out, entry) < ARCHIVE_WARN)
      return refuse(name, archive_error_string(out) ? archive_error_string(out) : "cannot be unpacked");
    if (archive_entry_size(entry) > 0) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      while ((rc = archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK)
        if (archive_write_data_block(out, block, size, offset) < ARCHIVE_WARN)
          return fail(ErrorCode::io, archive_path.string() + ": " + name + ": " + archive_error_string(out));
      if (rc != ARCHIVE_EOF) return refuse(name, archive_error_string(in) ? archive_error_string(in) : "truncated");
    }
    if (archive_write_finish_entry(out) < ARCHIVE_WARN)
      return fail(ErrorCode::io, archive_path.string() + ": " + name + ": " + archive_error_string(out));
  }
}

Status unpack(const fs::path& archive_path, const fs::path& into) {
  Reader in(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(in.get());
  archive_read_support_format_all(in.get());
  if (archive_read_open_filename(in.get(), archive_path.c_str(), 64 * 1024) != ARCHIVE_OK)
    return fail(ErrorCode::invalid_input, archive_path.string() + ": " + archive_error_string(in.get()));
  Writer out(archive_write_disk_new(), archive_write_free);
  archive_write_disk_set_options(out.get(), k_secure);
  if (Status s = unpack_entries(in.get(), out.get(), archive_path, into); !s) return s;
  if (archive_write_close(out.get()) != ARCHIVE_OK)
    return fail(ErrorCode::io, archive_path.string() + ": " + archive_error_string(out.get()));
  return {};
}

}  // namespace

Status extract_archive(const fs::path& archive_path, const fs::path& target) {
  std::error_code ec;
  if (!fs::is_regular_file(archive_path, ec)) return fail(ErrorCode::not_found, archive_path.string() + " does not exist");
  if (fs::exists(fs::symlink_status(target, ec))) return fail(ErrorCode::conflict, target.string() + " already exists");
  fs::path parent = fs::absolute(target).parent_path();
  fs::create_directories(parent, ec);
  parent = fs::canonical(parent, ec);  // SECURE_SYMLINKS checks every folder of an entry's path
  if (ec) return fail(ErrorCode::io, "cannot create " + target.parent_path().string() + ": " + ec.message());
  std::string pattern = (parent / (target.filename().string() + ".partial-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) return fail(ErrorCode::io, "cannot create a folder in " + parent.string());
  fs::path staging = pattern;
  Status unpacked = unpack(fs::absolute(archive_path), staging);
  if (unpacked) {
    fs::permissions(staging, fs::perms(0755), ec);
    fs::rename(staging, target, ec);
    if (ec) unpacked = fail(ErrorCode::io, "cannot rename " + staging.string() + " to " + target.string() + ": " + ec.message());
  }
  if (!unpacked) fs::remove_all(staging, ec);
  return unpacked;
}

namespace {

int set_format(archive* out, ArchiveFormat format) {
  switch (format) {
    case ArchiveFormat::zip: return archive_write_set_format_zip(out);
    case ArchiveFormat::tar: return archive_write_set_format_pax_restricted(out);
    case ArchiveFormat::tar_gz: return archive_write_set_format_pax_restricted(out) | archive_write_add_filter_gzip(out);
    case ArchiveFormat::tar_xz: return archive_write_set_format_pax_restricted(out) | archive_write_add_filter_xz(out);
    case ArchiveFormat::tar_bz2: return archive_write_set_format_pax_restricted(out) | archive_write_add_filter_bzip2(out);
  }
  return ARCHIVE_FATAL;
}

Status write_member(archive* out, const ArchiveMember& member) {
  auto io_error = [&](const std::string& why) { return fail(ErrorCode::io, member.path.string() + ": " + why); };
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
  struct stat info {};
  if (::lstat(member.path.c_str(), &info) != 0) return io_error("cannot be read");
  archive_entry_copy_stat(entry.get(), &info);
  archive_entry_set_pathname(entry.get(), member.name.c_str());
  archive_entry_set_perm(entry.get(), info.st_mode & 0777);
  std::string link;
  if (S_ISLNK(info.st_mode)) {
    std::error_code ec;
    link = fs::read_symlink(member.path, ec).string();
    archive_entry_set_symlink(entry.get(), link.c_str());
    archive_entry_set_size(entry.get(), 0);
  } else if (!S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode)) {
    return io_error("only files, folders and symbolic links are packed");
  }
  if (archive_write_header(out, entry.get()) != ARCHIVE_OK) return io_error(archive_error_string(out));
  if (!S_ISREG(info.st_mode)) return {};
  std::unique_ptr<FILE, decltype(&fclose)> in(fopen(member.path.c_str(), "rb"), fclose);
  if (!in) return io_error("cannot be read");
  char buffer[64 * 1024];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, in.get())) > 0;)
    if (archive_write_data(out, buffer, n) < 0) return io_error(archive_error_string(out));
  return {};
}

}  // namespace

Status create_archive(const std::vector<ArchiveMember>& members, const fs::path& target, ArchiveFormat format) {
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  // A name of its own: two writers of one target (two jobs saving one cache
  // key) each write their own file, and the last rename wins whole.
  fs::path partial = target;
  partial += ".partial-" + std::to_string(::getpid()) + "-" + random_hex(4);
  Writer out(archive_write_new(), archive_write_free);
  if (set_format(out.get(), format) != ARCHIVE_OK || archive_write_open_filename(out.get(), partial.c_str()) != ARCHIVE_OK)
    return fail(ErrorCode::io, "cannot write " + target.string() + ": " + archive_error_string(out.get()));
  for (const ArchiveMember& member : members) {
    if (Status s = write_member(out.get(), member); !s) {
      out.reset();
      fs::remove(partial, ec);
      return s;
    }
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    std::string why = archive_error_string(out.get());
    out.reset();
    fs::remove(partial, ec);
    return fail(ErrorCode::io, "cannot write " + target.string() + ": " + why);
  }
  out.reset();
  fs::rename(partial, target, ec);
  if (ec) return fail(ErrorCode::io, "cannot write " + target.string() + ": " + ec.message());
  return {};
}

}  // namespace slipway
