// The mirror cache: every git repository slipway reads by URL (a component's
// repo, a template source, a pipeline's `resources: repositories`) is kept
// as a bare mirror under STATE_ROOT/mirrors, fetched with libgit2 (file://,
// git://, ssh:// and scp form, https://), and read from there.
//
// A ref is resolved in the mirror after a fetch: "refs/heads/x", "refs/tags/v1",
// a short name (a tag first, then a branch), a commit, or "HEAD" (the
// remote's default branch as last fetched). A ref is fetched at
// most once per MirrorCache (one run, one push): what it named when first
// asked is what every later read gets. A commit already in the mirror is
// never fetched again. When a fetch fails and the mirror still has the ref,
// that stale copy is used and `warning` says so, naming the URL and ref; when
// it has not, the error says the same. A tag that moved since the last fetch
// is followed (as git fetch --force does) and reported in `warning`.
//
// URLs are shown with their user and password removed (`shown_url`).
// Credentials, only for URLs the workspace itself configures (`trusted`: a
// pipeline could name any host to collect them): SLIPWAY_GIT_TOKEN as the
// password over https (user "x-access-token", or the URL's) and the key file
// SLIPWAY_GIT_SSH_KEY over ssh, from slipway's environment, so tokens never
// need to be written in a URL; never over plain http or git://.
//
// Thread-safety: one MirrorCache may be used from many threads; processes
// sharing a state root take a lock file per mirror while they fetch.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "core/error.h"

struct git_repository;  // libgit2's

namespace slipway::version {

// Whether `text` is a git URL rather than a local path: scheme://... or scp form (user@host:path).
bool is_git_url(std::string_view text);

// `url` without user or password ("https://tok@host/x" → "https://host/x").
std::string shown_url(std::string_view url);

struct ResolvedRef {
  std::string url;
  std::string ref;
  std::string commit;            // the full sha the ref named
  std::filesystem::path mirror;  // the bare repository holding it
  std::string warning;           // a stale copy was used, a tag moved; empty otherwise
};

class MirrorCache {
 public:
  explicit MirrorCache(std::filesystem::path root);  // STATE_ROOT/mirrors

  // Fetches (once) and resolves `ref` of `url`. Errors (io): "cannot fetch
  // URL (ref R): <libgit2's message>; no copy of it was fetched before";
  // not_found: "URL has no ref 'R'".
  Result<ResolvedRef> resolve(const std::string& url, const std::string& ref, bool trusted = false);

  // The files of `commit` in the mirror of `url`, written once under
  // root/trees/<commit> and kept (a commit's tree never changes).
  Result<std::filesystem::path> tree(const ResolvedRef& resolved);

  // Pushes refs/tags/TAG of the mirror of `url` to `url`. Errors (io):
  // "cannot push tag T to URL: <libgit2's message>".
  Status push_tag(const std::string& url, const std::string& tag);

  // The bare mirror of `url` (made when missing, not fetched).
  std::filesystem::path mirror_path(const std::string& url) const;

 private:
  Status fetch(const std::string& url, ::git_repository* repo, bool trusted);  // refs updated in `repo`

  std::filesystem::path m_root;
  std::mutex m_mutex;
  std::map<std::string, ResolvedRef> m_resolved;  // url + '\n' + ref → what it named first
};

}  // namespace slipway::version
