// The `checkout:` step's git work, with libgit2 (no git CLI): fetch a
// repository (a local path or a URL libgit2 can reach) into a job's sources
// folder and check one commit out there.
//
// libgit2 1.5 (Debian 12) cannot make shallow fetches (git_fetch_options'
// depth came with libgit2 1.7), so a fetch with a depth runs the git program
// (`git fetch --depth N`) and the checkout is libgit2 again; without a depth
// the whole history of the branches is fetched with libgit2.
// Thread-safety: any thread; each call opens its own repository handle.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace slipway::run {

struct CheckoutRequest {
  std::filesystem::path dir;  // the job's sources folder; a repository is made there when absent
  std::string uri;            // where to fetch from
  std::string commit;         // a sha (or anything git rev-parse takes); "" = the remote's HEAD
  bool clean = false;         // first reset `dir` and delete its untracked (and ignored) files
  int depth = 0;              // > 0: fetch only that many commits of the commit's history (git program)
};

// Fetches every branch and tag of `uri` into `dir` (branches as
// refs/remotes/slipway/*), then force-checks-out the commit with a detached
// HEAD. With a depth, only the commit (or the remote's HEAD) is fetched, as
// refs/slipway/checkout, with that much history. Returns the full sha checked
// out. Errors (`io`): "checkout: cannot fetch URI: <libgit2's message>",
// "checkout: no commit 'X' in URI", "checkout: cannot fetch X from URI with
// depth N: <git's last error line>"; `not_found` "checkout: fetchDepth needs
// the git program: ..." when git is not on PATH.
Result<std::string> fetch_and_checkout(const CheckoutRequest& request);

}  // namespace slipway::run
