#include "run/git_checkout.h"

#include <git2.h>

#include <memory>
#include <mutex>

#include "core/process.h"
#include "version/libgit2_support.h"

namespace slipway::run {
namespace {


constexpr unsigned k_clean_strategy = GIT_CHECKOUT_REMOVE_UNTRACKED | GIT_CHECKOUT_REMOVE_IGNORED;

// `clean: true` before anything is fetched: the working tree back to HEAD
// (when there is one), untracked and ignored files deleted.
Status clean_work_tree(git_repository* repo, const std::string& dir) {
  if (git_repository_head_unborn(repo) == 1) return {};
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_FORCE | k_clean_strategy;
  if (git_checkout_head(repo, &options) != 0)
    return fail(ErrorCode::io, "checkout: cannot clean " + dir + ": " + version::last_git_error());
  return {};
}

// Every branch and tag of the remote with libgit2; returns the commit asked
// for (the remote's HEAD when none is).
Result<git_oid> full_fetch(git_repository* repo, const CheckoutRequest& request) {
  git_remote* raw_remote = nullptr;
  if (git_remote_create_anonymous(&raw_remote, repo, request.uri.c_str()) != 0)
    return fail(ErrorCode::io, "checkout: bad remote " + request.uri + ": " + version::last_git_error());
  std::unique_ptr<git_remote, version::GitFree> remote(raw_remote);

  char heads[] = "+refs/heads/*:refs/remotes/slipway/*";
  char tags[] = "+refs/tags/*:refs/tags/*";
  char* specs[] = {heads, tags};
  git_strarray refspecs{specs, 2};
  git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
  fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  if (git_remote_fetch(remote.get(), &refspecs, &fetch, nullptr) != 0)
    return fail(ErrorCode::io, "checkout: cannot fetch " + request.uri + ": " + version::last_git_error());

  git_oid oid{};
  if (request.commit.empty()) {
    const git_remote_head** list = nullptr;
    size_t count = 0;
    if (git_remote_ls(&list, &count, remote.get()) == 0)
      for (size_t i = 0; i < count; ++i)
        if (std::string(list[i]->name) == "HEAD") {
          git_oid_cpy(&oid, &list[i]->oid);
          return oid;
        }
    return fail(ErrorCode::io, "checkout: " + request.uri + " has no HEAD");
  }
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, (request.commit + "^{commit}").c_str()) != 0)
    return fail(ErrorCode::io, "checkout: no commit '" + request.commit + "' in " + request.uri);
  git_oid_cpy(&oid, git_object_id(raw));
  git_object_free(raw);
  return oid;
}

// libgit2 1.5 (Debian 12) has no shallow fetch (git_fetch_options.depth is
// libgit2 1.7), so fetchDepth > 0 runs `git fetch --depth N` for the one
// commit (or the remote's HEAD) into refs/slipway/checkout. Returns its sha.
Result<git_oid> shallow_fetch(git_repository* repo, const CheckoutRequest& request, const std::string& dir) {
  std::string what = request.commit.empty() ? "HEAD" : request.commit;
  ProcessOptions git;
  git.argv = {"git", "-C", dir, "fetch", "--quiet", "--no-tags", "--depth", std::to_string(request.depth),
              request.uri, "+" + what + ":refs/slipway/checkout"};
  std::string last_line;
  git.on_line = [&](OutputStream stream, std::string_view line) {
    if (stream == OutputStream::err && !line.empty()) last_line = line;
  };
  Result<ProcessResult> ran = run_process(git);
  if (!ran && ran.error().code == ErrorCode::not_found)
    return fail(ErrorCode::not_found, "checkout: fetchDepth needs the git program: " + ran.error().message);
  if (!ran) return std::unexpected(ran.error());
  if (!ran->succeeded())
    return fail(ErrorCode::io, "checkout: cannot fetch " + what + " from " + request.uri + " with depth " +
                                   std::to_string(request.depth) + ": " + last_line);
  git_oid oid{};
  if (git_reference_name_to_id(&oid, repo, "refs/slipway/checkout") != 0)
    return fail(ErrorCode::io, "checkout: git fetch left no refs/slipway/checkout: " + version::last_git_error());
  return oid;
}

}  // namespace

Result<std::string> fetch_and_checkout(const CheckoutRequest& request) {
  static std::once_flag init;
  std::call_once(init, [] { git_libgit2_init(); });
  const std::string dir = request.dir.string();

  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0 &&
      git_repository_init(&raw_repo, dir.c_str(), 0) != 0)
    return fail(ErrorCode::io, "checkout: cannot make a repository in " + dir + ": " + version::last_git_error());
  std::unique_ptr<git_repository, version::GitFree> repo(raw_repo);
  if (request.clean)
    if (Status s = clean_work_tree(repo.get(), dir); !s) return std::unexpected(s.error());

  Result<git_oid> oid = request.depth > 0 ? shallow_fetch(repo.get(), request, dir) : full_fetch(repo.get(), request);
  if (!oid) return std::unexpected(oid.error());

  git_object* raw_target = nullptr;
  if (git_object_lookup(&raw_target, repo.get(), &*oid, GIT_OBJECT_COMMIT) != 0)
    return fail(ErrorCode::io, "checkout: cannot read the commit: " + version::last_git_error());
  std::unique_ptr<git_object, version::GitFree> target(raw_target);
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_FORCE | (request.clean ? k_clean_strategy : 0);
  if (git_checkout_tree(repo.get(), target.get(), &options) != 0 ||
      git_repository_set_head_detached(repo.get(), &*oid) != 0)
    return fail(ErrorCode::io, "checkout: cannot check out in " + dir + ": " + version::last_git_error());
  char text[GIT_OID_HEXSZ + 1];
  git_oid_tostr(text, sizeof text, &*oid);
  return std::string(text);
}

}  // namespace slipway::run
