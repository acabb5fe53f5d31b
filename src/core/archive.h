// Unpacking archives (tar, gzip/xz/zstd-compressed tar, zip: whatever
// libarchive reads), the only user of libarchive.
//
// What an archive may hold is untrusted: entries are unpacked as files,
// folders and symbolic links only (device nodes, FIFOs and sockets are
// refused), owned by the unpacking user with plain modes (no setuid, setgid
// or sticky bits), and never outside the target folder (absolute paths,
// '..' and paths through a symbolic link are refused). Everything goes to a
// fresh temporary folder beside the target, renamed to the target only when
// the whole archive unpacked: a failed unpack leaves nothing behind.
//
// Thread-safety: many unpacks may run at once (into different targets).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace slipway {

// Unpacks `archive` into `target`, which must not exist. Errors: not_found
// when the archive is missing; invalid_input "<archive>: <entry>: <why>"
// for an entry refused (a device node, a path leaving the folder...) or an
// archive that cannot be read; conflict when `target` exists; io when
// writing fails.
Status extract_archive(const std::filesystem::path& archive, const std::filesystem::path& target);

enum class ArchiveFormat { zip, tar, tar_gz, tar_xz, tar_bz2 };

// One file or folder to pack: `path` on disk, stored as `name` ('/'-separated, relative).
struct ArchiveMember {
  std::filesystem::path path;
  std::string name;
};

// Packs `members` (regular files, folders and symbolic links, in order)
// into a new archive at `target`, written beside it and renamed into place
// whole. Errors: io naming the file that could not be read or written.
Status create_archive(const std::vector<ArchiveMember>& members, const std::filesystem::path& target,
                      ArchiveFormat format);

}  // namespace slipway
