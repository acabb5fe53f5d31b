// Copying a whole state into another database: `slipway state copy --to`
// moves a team's SQLite state into PostgreSQL (or any state to an empty
// SQLite file, as a backup).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace slipway::store {

// One table's rows in the source, and in the copy once committed.
struct TableCount {
  std::string table;
  std::int64_t source = 0;
  std::int64_t copied = 0;
};

// Copies every table of the state at `from` into the empty database at `to`,
// both first brought to this binary's schema, in one transaction on each side
// (the source's write lock is held meanwhile, so nothing written during the
// copy is lost). Leases (`locks`) are not copied: they belong to processes of
// the old state. `record` is appended to the copy's history and then to the
// source's. Refuses (invalid_input, nothing written) a target that holds any
// table, and fails (corrupt) when a count differs after the copy.
// The blobs (store/blobs.h; the source's are under `from_root` when it is
// SQLite) go along: into the target's `blobs` table, or the folder beside a
// SQLite target.
Result<std::vector<TableCount>> copy_state(const std::string& from, const std::filesystem::path& from_root,
                                           const std::string& to, const NewEvent& record);

}  // namespace slipway::store
