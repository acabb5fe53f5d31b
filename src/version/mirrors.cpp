#include "version/mirrors.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <regex>

#include "core/hash.h"
#include "core/strings.h"
#include "version/git_repo.h"
#include "version/libgit2_support.h"

namespace slipway::version {

namespace fs = std::filesystem;

namespace {

using Repository = std::unique_ptr<git_repository, GitFree>;

Result<Repository> open_or_init(const fs::path& mirror) {
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, mirror.c_str()) == 0) return Repository(raw);
  if (git_repository_init(&raw, mirror.c_str(), 1) != 0)
    return fail(ErrorCode::io, "cannot make a mirror in " + mirror.string() + ": " + last_git_error());
  return Repository(raw);
}

// The commit `ref` names in `repo`: an exact ref, a tag, a branch, then any revision.
std::optional<std::string> find_ref(git_repository* repo, const std::string& ref) {
  std::vector<std::string> candidates;
  if (ref.starts_with("refs/") || ref == "HEAD") candidates = {ref};
  else candidates = {"refs/tags/" + ref, "refs/heads/" + ref, ref};
  for (const std::string& name : candidates) {
    git_object* object = nullptr;
    if (git_revparse_single(&object, repo, (name + "^{commit}").c_str()) != 0) continue;
    char text[GIT_OID_HEXSZ + 1];
    git_oid_tostr(text, sizeof text, git_object_id(object));
    git_object_free(object);
    return std::string(text);
  }
  return std::nullopt;
}

bool names_a_commit(const std::string& ref) {
  static const std::regex sha("[0-9a-f]{7,40}");
  return std::regex_match(ref, sha);
}

bool is_tag(git_repository* repo, const std::string& ref) {
  git_reference* found = nullptr;
  std::string name = ref.starts_with("refs/") ? ref : "refs/tags/" + ref;
  bool tag = name.starts_with("refs/tags/") && git_reference_lookup(&found, repo, name.c_str()) == 0;
  git_reference_free(found);
  return tag;
}

// Credentials from slipway's environment, never from what is printed, and
// only for a URL the workspace configured, over an encrypted transport.
struct CredentialState {
  bool trusted = false;
  int attempts = 0;
};

int credentials(git_credential** out, const char* url, const char* user_from_url, unsigned int allowed, void* payload) {
  auto* state = static_cast<CredentialState*>(payload);
  if (!state->trusted || ++state->attempts > 2) return GIT_PASSTHROUGH;  // refused twice: stop asking
  std::string_view where = url ? url : "";
  const char* token = std::getenv("SLIPWAY_GIT_TOKEN");
  const char* key = std::getenv("SLIPWAY_GIT_SSH_KEY");
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && token && *token && where.starts_with("https://"))
    return git_credential_userpass_plaintext_new(out, user_from_url ? user_from_url : "x-access-token", token);
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) && key && *key && !where.starts_with("http") && !where.starts_with("git://"))
    return git_credential_ssh_key_new(out, user_from_url ? user_from_url : "git", nullptr, key, nullptr);
  return GIT_PASSTHROUGH;
}

// `message` without `url`'s user information.
std::string without_credentials(std::string message, const std::string& url) {
  for (size_t at = message.find(url); at != std::string::npos; at = message.find(url, at))
    message.replace(at, url.size(), shown_url(url));
  return message;
}

using Remote = std::unique_ptr<git_remote, GitFree>;

Result<Remote> remote_of(git_repository* repo, const std::string& url) {
  git_remote* raw = nullptr;
  if (git_remote_create_anonymous(&raw, repo, url.c_str()) != 0)
    return fail(ErrorCode::io, "bad git URL " + shown_url(url) + ": " + last_git_error());
  return Remote(raw);
}

// Held while a mirror is fetched: another process fetching it waits.
class MirrorLock {
 public:
  explicit MirrorLock(const fs::path& mirror) : m_fd(::open((mirror.string() + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
    if (m_fd >= 0) (void)::flock(m_fd, LOCK_EX);
  }
  ~MirrorLock() {
    if (m_fd >= 0) ::close(m_fd);
  }
  MirrorLock(const MirrorLock&) = delete;
  MirrorLock& operator=(const MirrorLock&) = delete;

 private:
  int m_fd;
};

}  // namespace

bool is_git_url(std::string_view text) {
  if (text.find("://") != std::string_view::npos) return true;
  size_t colon = text.find(':');
  size_t slash = text.find('/');
  return colon != std::string_view::npos && text.find('@') < colon && (slash == std::string_view::npos || colon < slash);
}

std::string shown_url(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t start = scheme + 3;
  size_t slash = url.find('/', start);
  size_t at = url.substr(0, slash).rfind('@');  // a password may hold '@' too
  if (at == std::string_view::npos || at < start) return std::string(url);
  return std::string(url.substr(0, start)) + std::string(url.substr(at + 1));
}

MirrorCache::MirrorCache(fs::path root) : m_root(std::move(root)) {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

fs::path MirrorCache::mirror_path(const std::string& url) const {
  return m_root / (sha256_hex(shown_url(url)).substr(0, 16) + ".git");
}

Status MirrorCache::fetch(const std::string& url, git_repository* repo, bool trusted) {
  Result<Remote> remote = remote_of(repo, url);
  if (!remote) return std::unexpected(remote.error());
  char heads[] = "+refs/heads/*:refs/heads/*";
  char tags[] = "+refs/tags/*:refs/tags/*";
  char* specs[] = {heads, tags};
  git_strarray refspecs{specs, 2};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  // No prune: release tags slipway made in the mirror (push_tags off) must stay.
  options.prune = GIT_FETCH_NO_PRUNE;
  CredentialState state{trusted, 0};
  options.callbacks.credentials = credentials;
  options.callbacks.payload = &state;
  if (git_remote_fetch(remote->get(), &refspecs, &options, nullptr) != 0)
    return fail(ErrorCode::io, without_credentials(last_git_error(), url));
  // The mirror's HEAD names the remote's default branch (its HEAD's commit,
  // main first when several branches hold it), as a clone's would.
  const git_remote_head** seen = nullptr;
  size_t count = 0;
  if (git_remote_ls(&seen, &count, remote->get()) != 0) return {};
  const git_oid* head = nullptr;
  for (size_t i = 0; i < count; ++i)
    if (std::string_view(seen[i]->name) == "HEAD") head = &seen[i]->oid;
  std::string branch;
  for (size_t i = 0; head && i < count; ++i) {
    std::string_view name = seen[i]->name;
    if (name.starts_with("refs/heads/") && git_oid_equal(&seen[i]->oid, head) && (branch.empty() || name == "refs/heads/main"))
      branch = name;
  }
  if (!branch.empty()) (void)git_repository_set_head(repo, branch.c_str());
  return {};
}

Status MirrorCache::push_tag(const std::string& url, const std::string& tag) {
  std::lock_guard lock(m_mutex);
  fs::path mirror = mirror_path(url);
  MirrorLock held(mirror);
  Result<Repository> repo = open_or_init(mirror);
  if (!repo) return std::unexpected(repo.error());
  Result<Remote> remote = remote_of(repo->get(), url);
  if (!remote) return std::unexpected(remote.error());
  std::string spec = "refs/tags/" + tag + ":refs/tags/" + tag;
  char* specs[] = {spec.data()};
  git_strarray refspecs{specs, 1};
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  CredentialState state{true, 0};  // the workspace's own repo (versioning.push_tags)
  options.callbacks.credentials = credentials;
  options.callbacks.payload = &state;
  if (git_remote_push(remote->get(), &refspecs, &options) != 0)
    return fail(ErrorCode::io, "cannot push tag " + tag + " to " + shown_url(url) + ": " +
                                   without_credentials(last_git_error(), url));
  return {};
}

Result<ResolvedRef> MirrorCache::resolve(const std::string& url, const std::string& ref, bool trusted) {
  std::lock_guard lock(m_mutex);
  const std::string key = url + "\n" + ref;
  if (auto found = m_resolved.find(key); found != m_resolved.end()) return found->second;
  ResolvedRef out{url, ref, {}, mirror_path(url), {}};
  const std::string shown = shown_url(url);
  std::error_code ec;
  fs::create_directories(m_root, ec);
  MirrorLock held(out.mirror);
  Result<Repository> repo = open_or_init(out.mirror);
  if (!repo) return std::unexpected(repo.error());
  std::optional<std::string> before = find_ref(repo->get(), ref);
  // A commit the mirror holds is what it is: no fetch (a tag or branch named in hex is a ref, fetched).
  bool commit_held = before && names_a_commit(ref) && !find_ref(repo->get(), "refs/tags/" + ref) &&
                     !find_ref(repo->get(), "refs/heads/" + ref);
  if (!commit_held) {
    Status fetched = fetch(url, repo->get(), trusted);
    if (!fetched) {
      if (!before)
        return fail(ErrorCode::io, "cannot fetch " + shown + " (ref " + ref + "): " + fetched.error().message +
                                       "; no copy of it was fetched before");
      out.warning = "cannot fetch " + shown + " (ref " + ref + "): " + fetched.error().message +
                    "; using the copy fetched before (" + before->substr(0, 12) + ")";
    }
  }
  std::optional<std::string> commit = find_ref(repo->get(), ref);
  if (!commit) return fail(ErrorCode::not_found, shown + " has no ref '" + ref + "'");
  if (before && *before != *commit && is_tag(repo->get(), ref))
    out.warning = "tag '" + ref + "' of " + shown + " moved from " + before->substr(0, 12) + " to " + commit->substr(0, 12);
  out.commit = *commit;
  m_resolved.emplace(key, out);
  return out;
}

Result<fs::path> MirrorCache::tree(const ResolvedRef& resolved) {
  fs::path dir = m_root / "trees" / resolved.commit;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return dir;
  Result<GitRepository> git = GitRepository::open(resolved.mirror);
  if (!git) return std::unexpected(git.error());
  // Written aside and renamed: a reader never sees half a tree.
  fs::path partial = m_root / "trees" / (resolved.commit + ".partial-" + random_hex(4));
  if (Status s = git->write_tree(resolved.commit, partial); !s) {
    fs::remove_all(partial, ec);
    return std::unexpected(s.error());
  }
  fs::rename(partial, dir, ec);
  if (ec) fs::remove_all(partial, ec);  // another process wrote it first
  return dir;
}

}  // namespace slipway::version
