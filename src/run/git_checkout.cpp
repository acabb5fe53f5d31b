#include "run/git_checkout.h"

#include <git2.h>

#include <memory>
#include <mutex>

namespace slipway::run {
namespace {

std::string last_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

struct Free {
  void operator()(git_repository* p) const { git_repository_free(p); }
  void operator()(git_remote* p) const { git_remote_free(p); }
  void operator()(git_object* p) const { git_object_free(p); }
};

}  // namespace

Result<std::string> fetch_and_checkout(const CheckoutRequest& request) {
  static std::once_flag init;
  std::call_once(init, [] { git_libgit2_init(); });
  const std::string dir = request.dir.string();

  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0 &&
      git_repository_init(&raw_repo, dir.c_str(), 0) != 0)
    return fail(ErrorCode::io, "checkout: cannot make a repository in " + dir + ": " + last_error());
  std::unique_ptr<git_repository, Free> repo(raw_repo);

  git_remote* raw_remote = nullptr;
  if (git_remote_create_anonymous(&raw_remote, repo.get(), request.uri.c_str()) != 0)
    return fail(ErrorCode::io, "checkout: bad remote " + request.uri + ": " + last_error());
  std::unique_ptr<git_remote, Free> remote(raw_remote);

  char heads[] = "+refs/heads/*:refs/remotes/slipway/*";
  char tags[] = "+refs/tags/*:refs/tags/*";
  char* specs[] = {heads, tags};
  git_strarray refspecs{specs, 2};
  git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
  fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  if (git_remote_fetch(remote.get(), &refspecs, &fetch, nullptr) != 0)
    return fail(ErrorCode::io, "checkout: cannot fetch " + request.uri + ": " + last_error());

  git_oid oid{};
  if (request.commit.empty()) {
    const git_remote_head** list = nullptr;
    size_t count = 0;
    bool found = false;
    if (git_remote_ls(&list, &count, remote.get()) == 0)
      for (size_t i = 0; i < count && !found; ++i)
        if (std::string(list[i]->name) == "HEAD") {
          git_oid_cpy(&oid, &list[i]->oid);
          found = true;
        }
    if (!found) return fail(ErrorCode::io, "checkout: " + request.uri + " has no HEAD");
  } else {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo.get(), (request.commit + "^{commit}").c_str()) != 0)
      return fail(ErrorCode::io, "checkout: no commit '" + request.commit + "' in " + request.uri);
    git_oid_cpy(&oid, git_object_id(raw));
    git_object_free(raw);
  }

  git_object* raw_target = nullptr;
  if (git_object_lookup(&raw_target, repo.get(), &oid, GIT_OBJECT_COMMIT) != 0)
    return fail(ErrorCode::io, "checkout: cannot read the commit: " + last_error());
  std::unique_ptr<git_object, Free> target(raw_target);
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_FORCE | (request.clean ? GIT_CHECKOUT_REMOVE_UNTRACKED : 0);
  if (git_checkout_tree(repo.get(), target.get(), &options) != 0 ||
      git_repository_set_head_detached(repo.get(), &oid) != 0)
    return fail(ErrorCode::io, "checkout: cannot check out in " + dir + ": " + last_error());
  char text[GIT_OID_HEXSZ + 1];
  git_oid_tostr(text, sizeof text, &oid);
  return std::string(text);
}

}  // namespace slipway::run
