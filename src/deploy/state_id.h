// The id of a state folder: what the process platform's supervisors carry on
// their command line (`slipway supervise DIR --state-id ID`) so that a slipway
// signals a supervisor only when it belongs to its own state, never because a
// pid file says so. `cp -a wsA wsB` copies supervisor.pid files that name wsA's
// supervisors; wsB must not stop them.
//
// The id lives in <state>/state-id with the device and inode of the state
// folder it was made for. A folder that reads an id made for another inode is
// a copy: it makes an id of its own, so the copy's pid files name supervisors
// that are not its own. (A rename keeps the inode and so the id: services of a
// moved workspace stay its own.) Why a file and not the store's settings: the
// services are files of this folder, while a shared store (PostgreSQL) may
// serve several machines' folders, and a copied state.db carries the same
// settings as its original anyway.
//
// Thread-safety: safe across threads and processes (the file is read and made
// under an exclusive flock).
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace slipway::deploy {

// The id of `state_dir` (32 hex digits), made on first use. io error when the
// folder or its state-id file cannot be opened or written.
Result<std::string> state_id(const std::filesystem::path& state_dir);

}  // namespace slipway::deploy
