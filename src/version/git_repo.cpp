#include "version/git_repo.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <unordered_set>

namespace slipway::version {

namespace {

void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Reading history re-hashes every object by default (SHA-1 with collision
    // detection), which costs more than inflating it; git itself does not
    // verify on read either.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

std::string last_error(const std::string& context) {
  const git_error* e = git_error_last();
  return context + ": " + (e && e->message ? e->message : "unknown libgit2 error");
}

std::unexpected<Error> git_fail(const std::string& context, ErrorCode code = ErrorCode::io) {
  return fail(code, last_error(context));
}

std::string oid_hex(const git_oid* oid) {
  char buffer[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buffer, sizeof buffer, oid);
  return buffer;
}

std::optional<git_oid> parse_oid(const std::string& hex) {
  git_oid oid;
  if (git_oid_fromstr(&oid, hex.c_str()) != 0) return std::nullopt;
  return oid;
}

// RAII for libgit2 objects.
template <class T, void (*Free)(T*)>
struct Owned {
  T* ptr = nullptr;
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (ptr) Free(ptr);
  }
  T** out() { return &ptr; }
  T* get() const { return ptr; }
};

using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Object = Owned<git_object, git_object_free>;
using Note = Owned<git_note, git_note_free>;
using Signature = Owned<git_signature, git_signature_free>;
using TreeEntry = Owned<git_tree_entry, git_tree_entry_free>;

std::optional<git_oid> entry_oid(git_tree* tree, const std::string& path) {
  if (path.empty() || path == ".") return *git_tree_id(tree);
  TreeEntry entry;
  if (git_tree_entry_bypath(entry.out(), tree, path.c_str()) != 0) return std::nullopt;
  return *git_tree_entry_id(entry.get());
}

bool same_under(git_tree* a, git_tree* b, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::optional<git_oid> x = entry_oid(a, path);
    std::optional<git_oid> y = b ? entry_oid(b, path) : std::nullopt;
    if (x.has_value() != y.has_value()) return false;
    if (x && git_oid_cmp(&*x, &*y) != 0) return false;
  }
  return true;
}

struct OidHash {
  size_t operator()(const git_oid& oid) const {
    size_t h;
    std::memcpy(&h, oid.id, sizeof h);
    return h;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};
template <class V>
using OidMap = std::unordered_map<git_oid, V, OidHash, OidEqual>;
using OidSet = std::unordered_set<git_oid, OidHash, OidEqual>;

// `git log -- PATHS`: a commit counts when its tree differs under a path from
// every parent's (a merge TREESAME to one parent there does not count).
Result<bool> touches_paths(git_repository* repo, git_commit* commit, const std::vector<std::string>& paths) {
  Tree tree;
  if (git_commit_tree(tree.out(), commit) != 0) return fail(ErrorCode::io, last_error("cannot read a tree"));
  unsigned parents = git_commit_parentcount(commit);
  if (parents == 0) return !same_under(tree.get(), nullptr, paths);
  for (unsigned i = 0; i < parents; ++i) {
    Commit parent;
    Tree parent_tree;
    if (git_commit_parent(parent.out(), commit, i) != 0 || git_commit_tree(parent_tree.out(), parent.get()) != 0)
      return fail(ErrorCode::io, last_error("cannot read a parent commit"));
    if (same_under(tree.get(), parent_tree.get(), paths)) return false;
  }
  (void)repo;
  return true;
}

// git_tree_walk's state while write_tree writes a commit's files.
struct TreeWriter {
  git_repository* repo;
  std::filesystem::path root;
  std::optional<Error> error;
};

Status write_blob(git_repository* repo, const git_tree_entry* entry, const std::filesystem::path& path) {
  Owned<git_blob, git_blob_free> blob;
  if (git_blob_lookup(blob.out(), repo, git_tree_entry_id(entry)) != 0) return git_fail("cannot read " + path.string());
  const bool executable = git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE;
  // O_EXCL: a tree naming an entry twice cannot make a write go through something written before.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, executable ? 0755 : 0644);
  if (fd < 0) return fail(ErrorCode::io, "cannot create " + path.string() + ": " + std::strerror(errno));
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  auto left = static_cast<size_t>(git_blob_rawsize(blob.get()));
  while (left > 0) {
    ssize_t written = ::write(fd, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      ::close(fd);
      return fail(ErrorCode::io, "cannot write " + path.string() + ": " + std::strerror(errno));
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  if (::close(fd) != 0) return fail(ErrorCode::io, "cannot write " + path.string() + ": " + std::strerror(errno));
  return {};
}

int write_tree_entry(const char* parent, const git_tree_entry* entry, void* payload) {
  auto& writer = *static_cast<TreeWriter*>(payload);
  const std::string name = git_tree_entry_name(entry);
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    writer.error = Error{ErrorCode::corrupt, "the tree holds an entry named '" + name + "'", {}};
    return -1;
  }
  const std::filesystem::path path = writer.root / parent / name;
  Status written;
  switch (git_tree_entry_filemode(entry)) {
    case GIT_FILEMODE_TREE:
      if (::mkdir(path.c_str(), 0755) != 0)
        written = fail(ErrorCode::io, "cannot create " + path.string() + ": " + std::strerror(errno));
      break;
    case GIT_FILEMODE_BLOB:
    case GIT_FILEMODE_BLOB_EXECUTABLE:
      written = write_blob(writer.repo, entry, path);
      break;
    default:  // symbolic links and submodules: nothing a pipeline's files need
      return 0;
  }
  if (written) return 0;
  writer.error = written.error();
  return -1;
}

}  // namespace

struct GitRepository::Handle {
  git_repository* repo = nullptr;
  ~Handle() {
    if (repo) git_repository_free(repo);
  }
};

GitRepository::GitRepository(std::unique_ptr<Handle> handle) : m_handle(std::move(handle)) {}
GitRepository::GitRepository(GitRepository&&) noexcept = default;
GitRepository& GitRepository::operator=(GitRepository&&) noexcept = default;
GitRepository::~GitRepository() = default;

Result<GitRepository> GitRepository::open(const std::filesystem::path& dir) {
  init_libgit2();
  auto handle = std::make_unique<Handle>();
  if (git_repository_open_ext(&handle->repo, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
    return fail(ErrorCode::not_found, "not a git repository: " + dir.string());
  return GitRepository(std::move(handle));
}

bool GitRepository::is_shallow() const { return git_repository_is_shallow(m_handle->repo) == 1; }

Result<std::optional<std::string>> GitRepository::current_branch() const {
  if (git_repository_head_unborn(m_handle->repo) == 1)
    return fail(ErrorCode::not_found, "the repository has no commit yet");
  if (git_repository_head_detached(m_handle->repo) == 1) return std::optional<std::string>();
  Reference head;
  if (git_repository_head(head.out(), m_handle->repo) != 0) return git_fail("cannot read HEAD");
  return std::optional<std::string>(git_reference_shorthand(head.get()));
}

Result<std::string> GitRepository::head_commit() const {
  git_oid oid;
  if (git_reference_name_to_id(&oid, m_handle->repo, "HEAD") != 0)
    return fail(ErrorCode::not_found, "the repository has no commit yet");
  return oid_hex(&oid);
}

Result<long long> GitRepository::commit_time(const std::string& commit) const {
  auto oid = parse_oid(commit);
  Commit c;
  if (!oid || git_commit_lookup(c.out(), m_handle->repo, &*oid) != 0) return git_fail("cannot read commit " + commit);
  return static_cast<long long>(git_commit_time(c.get()));
}

std::optional<std::string> GitRepository::resolve(const std::string& spec) const {
  Object object;
  if (git_revparse_single(object.out(), m_handle->repo, spec.c_str()) != 0) return std::nullopt;
  Object peeled;
  if (git_object_peel(peeled.out(), object.get(), GIT_OBJECT_COMMIT) != 0) return std::nullopt;
  return oid_hex(git_object_id(peeled.get()));
}

Result<std::vector<GitRef>> GitRepository::branches() const {
  std::vector<GitRef> local;
  std::vector<GitRef> remote;
  git_branch_iterator* it = nullptr;
  if (git_branch_iterator_new(&it, m_handle->repo, GIT_BRANCH_ALL) != 0)
    return git_fail("cannot list branches");
  git_reference* ref = nullptr;
  git_branch_t type;
  while (git_branch_next(&ref, &type, it) == 0) {
    const git_oid* target = git_reference_target(ref);
    std::string name = git_reference_shorthand(ref);
    if (target) {
      if (type == GIT_BRANCH_LOCAL) {
        local.push_back({name, oid_hex(target)});
      } else if (name.starts_with("origin/") && name != "origin/HEAD") {
        remote.push_back({name.substr(7), oid_hex(target)});
      }
    }
    git_reference_free(ref);
  }
  git_branch_iterator_free(it);
  for (GitRef& r : remote) {
    bool known = std::any_of(local.begin(), local.end(), [&](const GitRef& l) { return l.name == r.name; });
    if (!known) local.push_back(std::move(r));
  }
  return local;
}

Result<std::vector<GitRef>> GitRepository::local_branches() const {
  std::vector<GitRef> out;
  git_branch_iterator* it = nullptr;
  if (git_branch_iterator_new(&it, m_handle->repo, GIT_BRANCH_LOCAL) != 0) return git_fail("cannot list branches");
  git_reference* ref = nullptr;
  git_branch_t type;
  while (git_branch_next(&ref, &type, it) == 0) {
    if (const git_oid* target = git_reference_target(ref)) out.push_back({git_reference_shorthand(ref), oid_hex(target)});
    git_reference_free(ref);
  }
  git_branch_iterator_free(it);
  std::sort(out.begin(), out.end(), [](const GitRef& a, const GitRef& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<std::string>> GitRepository::changed_paths(const std::string& before,
                                                              const std::string& after) const {
  auto lookup = [&](const std::string& spec, Commit& commit) -> Status {
    std::optional<std::string> sha = resolve(spec);
    std::optional<git_oid> oid = sha ? parse_oid(*sha) : std::nullopt;
    if (!oid || git_commit_lookup(commit.out(), m_handle->repo, &*oid) != 0)
      return fail(ErrorCode::not_found, "no commit '" + spec + "'");
    return {};
  };
  Commit new_commit, old_commit;
  if (Status s = lookup(after, new_commit); !s) return std::unexpected(s.error());
  if (!before.empty()) {
    if (Status s = lookup(before, old_commit); !s) return std::unexpected(s.error());
  } else if (git_commit_parentcount(new_commit.get()) > 0 && git_commit_parent(old_commit.out(), new_commit.get(), 0) != 0) {
    return git_fail("cannot read the parent of " + after);
  }
  Tree new_tree, old_tree;
  if (git_commit_tree(new_tree.out(), new_commit.get()) != 0 ||
      (old_commit.get() && git_commit_tree(old_tree.out(), old_commit.get()) != 0))
    return git_fail("cannot read a tree");
  Owned<git_diff, git_diff_free> diff;
  if (git_diff_tree_to_tree(diff.out(), m_handle->repo, old_tree.get(), new_tree.get(), nullptr) != 0)
    return git_fail("cannot diff " + (before.empty() ? after + "^" : before) + " and " + after);
  std::vector<std::string> paths;
  for (size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    if (delta->old_file.path) paths.emplace_back(delta->old_file.path);
    if (delta->new_file.path) paths.emplace_back(delta->new_file.path);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

Result<std::vector<GitRef>> GitRepository::tags() const {
  struct Context {
    git_repository* repo;
    std::vector<GitRef> tags;
  } context{m_handle->repo, {}};
  auto callback = [](const char* name, git_oid* oid, void* payload) -> int {
    auto* ctx = static_cast<Context*>(payload);
    Object object;
    if (git_object_lookup(object.out(), ctx->repo, oid, GIT_OBJECT_ANY) != 0) return 0;
    Object peeled;
    if (git_object_peel(peeled.out(), object.get(), GIT_OBJECT_COMMIT) != 0) return 0;
    std::string short_name = name;
    if (short_name.starts_with("refs/tags/")) short_name = short_name.substr(10);
    ctx->tags.push_back({short_name, oid_hex(git_object_id(peeled.get()))});
    return 0;
  };
  if (git_tag_foreach(m_handle->repo, callback, &context) != 0) return git_fail("cannot list tags");
  std::sort(context.tags.begin(), context.tags.end(),
            [](const GitRef& a, const GitRef& b) { return a.name < b.name; });
  return context.tags;
}

Result<bool> GitRepository::is_ancestor(const std::string& ancestor, const std::string& commit) const {
  auto a = parse_oid(ancestor);
  auto c = parse_oid(commit);
  if (!a || !c) return fail(ErrorCode::invalid_input, "invalid commit id");
  if (git_oid_equal(&*a, &*c)) return true;
  int rc = git_graph_descendant_of(m_handle->repo, &*c, &*a);
  if (rc < 0) return git_fail("cannot compare commits " + ancestor + " and " + commit);
  return rc == 1;
}

Result<std::vector<std::string>> GitRepository::semantic_release_notes(const std::string& commit) const {
  auto oid = parse_oid(commit);
  if (!oid) return fail(ErrorCode::invalid_input, "invalid commit id " + commit);
  git_strarray refs{};
  if (git_reference_list(&refs, m_handle->repo) != 0) return git_fail("cannot list references");
  std::vector<std::string> names;
  for (size_t i = 0; i < refs.count; ++i) {
    std::string name = refs.strings[i];
    if (name.starts_with("refs/notes/semantic-release")) names.push_back(name);
  }
  git_strarray_dispose(&refs);
  std::sort(names.begin(), names.end());
  std::vector<std::string> texts;
  for (const std::string& name : names) {
    Note note;
    if (git_note_read(note.out(), m_handle->repo, name.c_str(), &*oid) == 0)
      texts.emplace_back(git_note_message(note.get()));
  }
  return texts;
}

// Commits are read with git_commit_lookup only, so each is inflated and
// parsed once per process (libgit2's object cache serves the second look);
// git_revwalk would parse every commit a second time on its own.
Result<std::vector<bool>> GitRepository::reachable_from(const std::string& tip,
                                                        const std::vector<std::string>& candidates) const {
  std::vector<bool> found(candidates.size(), false);
  OidMap<std::vector<size_t>> wanted;
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto oid = parse_oid(candidates[i]);
    if (!oid) return fail(ErrorCode::invalid_input, "invalid commit id " + candidates[i]);
    wanted[*oid].push_back(i);
  }
  size_t remaining = wanted.size();
  auto start = parse_oid(tip);
  if (!start) return fail(ErrorCode::invalid_input, "invalid commit id " + tip);
  OidSet seen{*start};
  seen.reserve(4096);
  std::vector<git_oid> stack{*start};
  while (!stack.empty() && remaining > 0) {
    git_oid oid = stack.back();
    stack.pop_back();
    if (auto it = wanted.find(oid); it != wanted.end()) {
      for (size_t i : it->second) found[i] = true;
      wanted.erase(it);
      --remaining;
    }
    Commit commit;
    if (git_commit_lookup(commit.out(), m_handle->repo, &oid) != 0)
      return git_fail("cannot read commit " + oid_hex(&oid), ErrorCode::corrupt);
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()); ++i) {
      const git_oid* parent = git_commit_parent_id(commit.get(), i);
      if (seen.insert(*parent).second) stack.push_back(*parent);
    }
  }
  return found;
}

// `git log TIP ^HIDE...`: a walk newest-first by committer time; commits
// reached from a hidden one are marked uninteresting (and the mark spreads
// to ancestors already seen); the walk ends when only uninteresting commits
// are queued, and the output drops anything marked late.
Result<std::vector<GitCommit>> GitRepository::log(const std::string& tip,
                                                  const std::vector<std::string>& hide,
                                                  const std::vector<std::string>& paths) const {
  struct Node {
    git_oid oid;
    long long time = 0;
    bool uninteresting = false;
    bool queued = false;
    std::vector<git_oid> parents;
  };
  OidMap<Node> nodes;
  nodes.reserve(1024);
  struct Entry {
    long long time;
    size_t order;
    Node* node;
    bool operator<(const Entry& o) const { return time != o.time ? time < o.time : order > o.order; }
  };
  std::priority_queue<Entry> queue;
  size_t order = 0;
  size_t interesting_queued = 0;
  std::vector<Node*> output;

  auto load = [&](const git_oid& oid, bool uninteresting) -> Result<Node*> {
    auto it = nodes.find(oid);
    if (it != nodes.end()) return &it->second;
    Commit commit;
    if (git_commit_lookup(commit.out(), m_handle->repo, &oid) != 0)
      return git_fail("cannot read commit " + oid_hex(&oid), ErrorCode::corrupt);
    Node node{oid, static_cast<long long>(git_commit_time(commit.get())), uninteresting, false, {}};
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()); ++i)
      node.parents.push_back(*git_commit_parent_id(commit.get(), i));
    return &nodes.emplace(oid, std::move(node)).first->second;
  };
  auto enqueue = [&](Node* node) {
    if (node->queued) return;
    node->queued = true;
    if (!node->uninteresting) ++interesting_queued;
    queue.push({node->time, order++, node});
  };
  // Marks `node` and its already-loaded ancestors uninteresting.
  auto mark_uninteresting = [&](Node* start) {
    std::vector<Node*> stack{start};
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      if (n->uninteresting) continue;
      n->uninteresting = true;
      if (n->queued) --interesting_queued;
      for (const git_oid& p : n->parents)
        if (auto it = nodes.find(p); it != nodes.end()) stack.push_back(&it->second);
    }
  };

  auto tip_oid = parse_oid(tip);
  if (!tip_oid) return fail(ErrorCode::invalid_input, "invalid commit id " + tip);
  for (const std::string& h : hide) {
    auto oid = parse_oid(h);
    if (!oid) return fail(ErrorCode::invalid_input, "invalid commit id " + h);
    auto node = load(*oid, true);
    if (!node) return std::unexpected(node.error());
    mark_uninteresting(*node);
    enqueue(*node);
  }
  auto tip_node = load(*tip_oid, false);
  if (!tip_node) return std::unexpected(tip_node.error());
  enqueue(*tip_node);

  while (!queue.empty() && interesting_queued > 0) {
    Entry entry = queue.top();
    queue.pop();
    Node* node = entry.node;
    node->queued = false;
    bool uninteresting = node->uninteresting;
    if (!uninteresting) --interesting_queued;
    std::vector<git_oid> parents = node->parents;  // `nodes` may rehash below; Node* stays valid
    for (const git_oid& p : parents) {
      auto parent = load(p, uninteresting);
      if (!parent) return std::unexpected(parent.error());
      if (uninteresting) mark_uninteresting(*parent);
      enqueue(*parent);
    }
    if (!uninteresting) output.push_back(node);
  }

  std::vector<GitCommit> commits;
  commits.reserve(output.size());
  for (const Node* node : output) {
    if (node->uninteresting) continue;
    GitCommit item{oid_hex(&node->oid), {}, node->parents.size(), node->time};
    Commit commit;
    if (git_commit_lookup(commit.out(), m_handle->repo, &node->oid) != 0)
      return git_fail("cannot read commit " + item.hash, ErrorCode::corrupt);
    if (!paths.empty()) {
      auto touches = touches_paths(m_handle->repo, commit.get(), paths);
      if (!touches) return std::unexpected(touches.error());
      if (!*touches) continue;
    }
    const char* message = git_commit_message_raw(commit.get());
    item.message = message ? message : "";
    commits.push_back(std::move(item));
  }
  return commits;
}

Status GitRepository::write_tree(const std::string& spec, const std::filesystem::path& dir) const {
  std::optional<std::string> sha = resolve(spec);
  std::optional<git_oid> oid = sha ? parse_oid(*sha) : std::nullopt;
  Commit commit;
  if (!oid || git_commit_lookup(commit.out(), m_handle->repo, &*oid) != 0)
    return fail(ErrorCode::not_found, "no commit '" + spec + "'");
  Tree tree;
  if (git_commit_tree(tree.out(), commit.get()) != 0) return git_fail("cannot read the tree of " + spec);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io, "cannot create " + dir.string() + ": " + ec.message());
  TreeWriter writer{m_handle->repo, dir, std::nullopt};
  if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, write_tree_entry, &writer) != 0) {
    if (writer.error) return std::unexpected(*writer.error);
    return git_fail("cannot write the files of " + spec);
  }
  return {};
}

Status GitRepository::create_annotated_tag(const std::string& name, const std::string& commit,
                                           const std::string& message) {
  auto oid = parse_oid(commit);
  if (!oid) return fail(ErrorCode::invalid_input, "invalid commit id " + commit);
  Object target;
  if (git_object_lookup(target.out(), m_handle->repo, &*oid, GIT_OBJECT_COMMIT) != 0)
    return git_fail("cannot find commit " + commit);
  Signature tagger;
  if (git_signature_default(tagger.out(), m_handle->repo) != 0 &&
      git_signature_now(tagger.out(), "slipway", "slipway@localhost") != 0)
    return git_fail("cannot make a tagger signature");
  git_oid tag_oid;
  int rc = git_tag_create(&tag_oid, m_handle->repo, name.c_str(), target.get(), tagger.get(),
                          message.c_str(), 0);
  if (rc == GIT_EEXISTS) return fail(ErrorCode::conflict, "tag " + name + " already exists");
  if (rc != 0) return git_fail("cannot create tag " + name);
  return {};
}

Status GitRepository::set_note(const std::string& notes_ref, const std::string& commit,
                               const std::string& text) {
  auto oid = parse_oid(commit);
  if (!oid) return fail(ErrorCode::invalid_input, "invalid commit id " + commit);
  Signature author;
  if (git_signature_default(author.out(), m_handle->repo) != 0 &&
      git_signature_now(author.out(), "slipway", "slipway@localhost") != 0)
    return git_fail("cannot make a signature");
  git_oid note_oid;
  std::string ref = "refs/notes/" + notes_ref;
  if (git_note_create(&note_oid, m_handle->repo, ref.c_str(), author.get(), author.get(), &*oid,
                      text.c_str(), 1) != 0)
    return git_fail("cannot write note " + ref);
  return {};
}

}  // namespace slipway::version
