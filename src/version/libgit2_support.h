// Small helpers shared by the code that calls libgit2 directly (the mirror
// cache here, the checkout step in run/): its last error as text, and
// deleters for its handles.
#pragma once

#include <git2.h>

#include <string>

namespace slipway::version {

inline std::string last_git_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

struct GitFree {
  void operator()(git_repository* p) const { git_repository_free(p); }
  void operator()(git_remote* p) const { git_remote_free(p); }
  void operator()(git_object* p) const { git_object_free(p); }
};

}  // namespace slipway::version
