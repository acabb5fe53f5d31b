// The `checkout:` step's git work, with libgit2 (no git CLI): fetch a
// repository (a local path or a URL libgit2 can reach) into a job's sources
// folder and check one commit out there.
//
// libgit2 1.5 (Debian 12) cannot make shallow fetches, so there is no depth:
// the whole history of the branches is fetched.
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
  bool clean = false;         // also delete untracked files in `dir`
};

// Fetches every branch and tag of `uri` into `dir` (branches as
// refs/remotes/slipway/*), then force-checks-out the commit with a detached
// HEAD. Returns the full sha checked out. Errors (`io`): "checkout: cannot
// fetch URI: <libgit2's message>", "checkout: no commit 'X' in URI", ...
Result<std::string> fetch_and_checkout(const CheckoutRequest& request);

}  // namespace slipway::run
