// Landlock rulesets (sandbox.h). glibc has no wrappers for the three
// Landlock system calls, so they are made with syscall(2). The installed
// <linux/landlock.h> may predate the running kernel: the rights and the
// ruleset attribute fields of later ABIs are defined here when missing, and
// only what landlock_abi() reports is ever handled.
#include "core/sandbox.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

namespace slipway {

namespace fs = std::filesystem;

namespace {

// struct landlock_ruleset_attr as of ABI 6; the kernel reads the size given.
struct RulesetAttr {
  std::uint64_t handled_access_fs = 0;
  std::uint64_t handled_access_net = 0;
  std::uint64_t scoped = 0;
};

constexpr std::uint64_t k_read = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
// The rights a rule on a file (not a folder) may hold.
constexpr std::uint64_t k_file_rights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                        LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
                                        LANDLOCK_ACCESS_FS_IOCTL_DEV;

// The filesystem rights ABI `abi` knows.
std::uint64_t handled_rights(int abi) {
  std::uint64_t rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: execute .. make_sym
  if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return rights;
}

std::uint64_t rights_of(PathAccess access, std::uint64_t handled) {
  switch (access) {
    case PathAccess::none: return 0;
    case PathAccess::read: return k_read & handled;
    case PathAccess::read_write: return handled;
  }
  return 0;
}

// The rules as a tree of path components; a node without access only leads
// to deeper rules.
struct RuleNode {
  std::optional<PathAccess> access;
  std::map<std::string, RuleNode> children;
};

RuleNode rule_tree(std::span<const PathRule> rules) {
  RuleNode root;
  for (const PathRule& rule : rules) {
    std::error_code ec;
    fs::path real = fs::weakly_canonical(fs::absolute(rule.path), ec);
    if (ec) real = fs::absolute(rule.path).lexically_normal();
    RuleNode* node = &root;
    for (const fs::path& part : real.relative_path())
      if (!part.empty()) node = &node->children[part.string()];
    node->access = rule.access;
  }
  return root;
}

class RulesetBuilder {
 public:
  RulesetBuilder(int fd, std::uint64_t handled) : m_fd(fd), m_handled(handled) {}

  // Grants `rights` on `path` (and beneath it); a path gone meanwhile is skipped.
  Status grant(const fs::path& path, std::uint64_t rights) {
    if (rights == 0) return {};
    int target = ::open(path.c_str(), O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (target < 0) return errno == ENOENT ? Status{} : refused(path);
    struct stat info {};
    if (::fstat(target, &info) != 0 || S_ISLNK(info.st_mode)) {
      ::close(target);
      return {};
    }
    if (!S_ISDIR(info.st_mode)) rights &= k_file_rights;
    landlock_path_beneath_attr attr{};
    attr.allowed_access = rights;
    attr.parent_fd = target;
    long rc = rights == 0 ? 0 : ::syscall(SYS_landlock_add_rule, m_fd, LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
    int error = errno;
    ::close(target);
    if (rc != 0) {
      errno = error;
      return refused(path);
    }
    return {};
  }

  // Grants each entry of folder `dir` the access it inherits or its own
  // rule's; entries on the way to deeper rules get the right to be listed
  // and are walked in turn.
  Status walk(const fs::path& dir, const RuleNode& node, PathAccess inherited) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      auto rule = node.children.find(name);
      PathAccess access = rule != node.children.end() && rule->second.access ? *rule->second.access : inherited;
      bool leads_deeper = rule != node.children.end() && !rule->second.children.empty();
      std::error_code type_ec;
      if (leads_deeper && it->is_directory(type_ec) && !it->is_symlink(type_ec)) {
        if (Status s = grant(it->path(), rights_of(access, m_handled) & LANDLOCK_ACCESS_FS_READ_DIR); !s) return s;
        if (Status s = walk(it->path(), rule->second, access); !s) return s;
      } else if (Status s = grant(it->path(), rights_of(access, m_handled)); !s) {
        return s;
      }
    }
    return {};  // an unreadable folder: its entries stay out of reach
  }

 private:
  static Status refused(const fs::path& path) {
    return fail(ErrorCode::io, "sandbox: cannot grant access to " + path.string() + ": " + std::strerror(errno));
  }

  int m_fd;
  std::uint64_t m_handled;
};

}  // namespace

int landlock_abi() {
  static const int abi = [] {
    long version = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return version > 0 ? static_cast<int>(version) : 0;
  }();
  return abi;
}

Result<Sandbox> Sandbox::build(PathAccess everywhere, std::span<const PathRule> rules) {
  int abi = landlock_abi();
  if (abi == 0) return fail(ErrorCode::unsupported, "sandbox: this kernel has no Landlock");
  RulesetAttr attr;
  attr.handled_access_fs = handled_rights(abi);
  size_t size = sizeof(std::uint64_t);  // ABI 1-3: handled_access_fs only
  if (abi >= 6) {
    attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
    size = sizeof attr;
  }
  long fd = ::syscall(SYS_landlock_create_ruleset, &attr, size, 0);
  if (fd < 0) return fail(ErrorCode::io, std::string("sandbox: cannot create a ruleset: ") + std::strerror(errno));
  Sandbox sandbox(static_cast<int>(fd));
  RuleNode root = rule_tree(rules);
  RulesetBuilder builder(sandbox.m_fd, attr.handled_access_fs);
  PathAccess top = root.access.value_or(everywhere);
  if (root.children.empty()) {
    if (Status s = builder.grant("/", rights_of(top, attr.handled_access_fs)); !s) return std::unexpected(s.error());
    return sandbox;
  }
  if (Status s = builder.grant("/", rights_of(top, attr.handled_access_fs) & LANDLOCK_ACCESS_FS_READ_DIR); !s)
    return std::unexpected(s.error());
  if (Status s = builder.walk("/", root, top); !s) return std::unexpected(s.error());
  return sandbox;
}

Sandbox::Sandbox(Sandbox&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

Sandbox::~Sandbox() {
  if (m_fd >= 0) ::close(m_fd);
}

// Runs in a child sharing the parent's memory (core/process.cpp): not instrumented.
__attribute__((no_sanitize("address", "undefined"))) bool enter_sandbox(int ruleset_fd) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  return ::syscall(SYS_landlock_restrict_self, ruleset_fd, 0) == 0;
}

}  // namespace slipway
