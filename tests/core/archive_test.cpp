#include "core/archive.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "support/test_support.h"

namespace slipway {
namespace {

using test::TempDir;
using test::read_file;
using test::write_file;
using test::CommandResult;
using test::run_command;

namespace fs = std::filesystem;

// Builds `archive` with python3's tarfile from `entries`, a Python list of
// (name, type, mode) with type 'file', 'dir', 'fifo', 'chr' or 'link:<target>'.
void make_tar(const fs::path& archive, const std::string& entries) {
  std::string script =
      "import io, sys, tarfile\n"
      "with tarfile.open(sys.argv[1], 'w:gz') as t:\n"
      "    for name, kind, mode in " + entries + ":\n"
      "        info = tarfile.TarInfo(name)\n"
      "        info.mode = mode\n"
      "        info.uid = info.gid = 4242\n"
      "        data = b''\n"
      "        if kind == 'file': data = b'content'; info.size = len(data)\n"
      "        elif kind == 'dir': info.type = tarfile.DIRTYPE\n"
      "        elif kind == 'fifo': info.type = tarfile.FIFOTYPE\n"
      "        elif kind == 'chr': info.type = tarfile.CHRTYPE; info.devmajor = 1; info.devminor = 3\n"
      "        elif kind.startswith('link:'): info.type = tarfile.SYMTYPE; info.linkname = kind[5:]\n"
      "        t.addfile(info, io.BytesIO(data))\n";
  CommandResult made = run_command({"python3", "-c", script, archive.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
}

// The names in `dir` (a failed unpack must leave none).
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Archive, UnpacksWithoutSpecialBitsOrOwners) {
  TempDir dir;
  make_tar(dir / "a.tgz", "[('bin', 'dir', 0o7755), ('bin/tool', 'file', 0o4755), ('shared', 'file', 0o2644),"
                          " ('link', 'link:bin/tool', 0o777)]");
  ASSERT_TRUE(extract_archive(dir / "a.tgz", dir / "app"));
  struct stat info {};
  ASSERT_EQ(::stat((dir / "app" / "bin" / "tool").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07000, 0u) << "setuid kept";
  EXPECT_NE(info.st_mode & 0100, 0u) << "executable bit lost";
  EXPECT_EQ(info.st_uid, ::getuid()) << "owner kept from the archive";
  ASSERT_EQ(::stat((dir / "app" / "shared").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07000, 0u) << "setgid kept";
  ASSERT_EQ(::stat((dir / "app" / "bin").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07000, 0u) << "sticky or setgid folder kept";
  EXPECT_EQ(read_file(dir / "app" / "link"), "content");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"a.tgz", "app"}));
}

TEST(Archive, RefusesDeviceNodesAndLeavesNothing) {
  TempDir dir;
  make_tar(dir / "a.tgz", "[('ok', 'file', 0o644), ('null', 'chr', 0o666)]");
  Status s = extract_archive(dir / "a.tgz", dir / "app");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, (dir / "a.tgz").string() + ": null: device nodes are not unpacked");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"a.tgz"}));
}

TEST(Archive, RefusesFifos) {
  TempDir dir;
  make_tar(dir / "a.tgz", "[('pipe', 'fifo', 0o644)]");
  Status s = extract_archive(dir / "a.tgz", dir / "app");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, (dir / "a.tgz").string() + ": pipe: FIFOs are not unpacked");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"a.tgz"}));
}

TEST(Archive, RefusesPathsLeavingTheFolder) {
  TempDir dir;
  make_tar(dir / "up.tgz", "[('ok', 'file', 0o644), ('../evil', 'file', 0o644)]");
  Status s = extract_archive(dir / "up.tgz", dir / "app");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, (dir / "up.tgz").string() + ": ../evil: the path leaves the target folder");
  make_tar(dir / "abs.tgz", "[('/tmp/evil', 'file', 0o644)]");
  EXPECT_FALSE(extract_archive(dir / "abs.tgz", dir / "app"));
  // Through a symbolic link the archive made itself.
  make_tar(dir / "via.tgz", "[('out', 'link:..', 0o777), ('out/evil', 'file', 0o644)]");
  EXPECT_FALSE(extract_archive(dir / "via.tgz", dir / "app"));
  EXPECT_FALSE(fs::exists(dir / "evil"));
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"abs.tgz", "up.tgz", "via.tgz"}));
}

TEST(Archive, TruncatedArchiveFailsAndLeavesNothing) {
  TempDir dir;
  make_tar(dir / "a.tgz", "[('a', 'file', 0o644), ('b', 'file', 0o644)]");
  std::string bytes = read_file(dir / "a.tgz");
  write_file(dir / "a.tgz", bytes.substr(0, bytes.size() / 2));
  EXPECT_FALSE(extract_archive(dir / "a.tgz", dir / "app"));
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"a.tgz"}));
}

}  // namespace
}  // namespace slipway
