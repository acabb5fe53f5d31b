// Which component a repository URL names, as a webhook payload gives it.
//
// Hosts send the same repository under several URLs (https, ssh, scp-like
// `git@host:org/x.git`, with or without credentials, port or `.git`), so a
// URL is compared by its identity: the host in lower case and the path,
// without scheme, credentials, port, a trailing `.git` or `/`. A component
// whose repo is a local folder is the repository at `file://<absolute path>`
// (with or without `.git`; symbolic links resolved).
//
// Thread-safety: pure functions (repo_matches_url reads the file system).
#pragma once

#include <string>
#include <string_view>

#include "model/workspace.h"

namespace slipway::model {

// "https://user:pw@GitHub.com:443/Acme/API.git/" → "github.com/Acme/API";
// "git@github.com:Acme/API.git" → "github.com/Acme/API"; "file:///srv/api" →
// "/srv/api". "" when `url` is empty.
std::string normalize_repo_url(std::string_view url);

// Whether `url` names the repository of `component` (see above).
bool repo_matches_url(const Workspace& workspace, const Component& component, std::string_view url);

}  // namespace slipway::model
