// Repository URLs as webhook payloads give them: normalized to one identity,
// and matched against workspace components (URL repos and local folders).
#include <gtest/gtest.h>

#include <filesystem>

#include "model/repo_url.h"
#include "support/test_support.h"

namespace slipway::model {
namespace {

TEST(RepoUrl, SchemeCredentialsPortGitSuffixAndHostCaseAreIgnored) {
  const std::string id = "github.com/Acme/API";
  EXPECT_EQ(normalize_repo_url("https://github.com/Acme/API.git"), id);
  EXPECT_EQ(normalize_repo_url("https://user:secret@GitHub.COM:443/Acme/API"), id);
  EXPECT_EQ(normalize_repo_url("ssh://git@github.com:22/Acme/API.git/"), id);
  EXPECT_EQ(normalize_repo_url("git@github.com:Acme/API.git"), id);
  EXPECT_EQ(normalize_repo_url("git://github.com/Acme/API"), id);
  EXPECT_EQ(normalize_repo_url("  http://github.com/Acme/API/  "), id);
}

TEST(RepoUrl, PathCaseAndOtherRepositoriesStayDistinct) {
  EXPECT_NE(normalize_repo_url("https://github.com/acme/api"), normalize_repo_url("https://github.com/Acme/API"));
  EXPECT_NE(normalize_repo_url("https://github.com/acme/api"), normalize_repo_url("https://gitlab.com/acme/api"));
  EXPECT_NE(normalize_repo_url("https://github.com/acme/api"), normalize_repo_url("https://github.com/acme/api2"));
  EXPECT_EQ(normalize_repo_url(""), "");
}

TEST(RepoUrl, FileUrlsAreAbsolutePaths) {
  EXPECT_EQ(normalize_repo_url("file:///srv/git/api.git"), "/srv/git/api");
  EXPECT_EQ(normalize_repo_url("file://localhost/srv/git/./api/"), "/srv/git/api");
  EXPECT_EQ(normalize_repo_url("/srv/git/api.git"), "/srv/git/api");
}

TEST(RepoUrl, MatchesUrlComponentsByIdentity) {
  Workspace ws;
  ws.dir = "/ws";
  Component api;
  api.name = "api";
  api.repo = "https://github.com/acme/api.git";
  api.repo_is_url = true;
  EXPECT_TRUE(repo_matches_url(ws, api, "git@github.com:acme/api.git"));
  EXPECT_FALSE(repo_matches_url(ws, api, "https://github.com/acme/web"));
  EXPECT_FALSE(repo_matches_url(ws, api, ""));
}

TEST(RepoUrl, MatchesLocalFoldersByFileUrl) {
  test::TempDir tmp;
  const std::filesystem::path repo = tmp.path() / "repos" / "api";
  std::filesystem::create_directories(repo);
  std::filesystem::create_directory_symlink(tmp.path() / "repos", tmp.path() / "link");
  Workspace ws;
  ws.dir = tmp.path();
  Component api;
  api.name = "api";
  api.repo = "repos/api";
  EXPECT_TRUE(repo_matches_url(ws, api, "file://" + repo.string()));
  EXPECT_TRUE(repo_matches_url(ws, api, "file://" + repo.string() + ".git"));
  EXPECT_TRUE(repo_matches_url(ws, api, "file://" + (tmp.path() / "link" / "api").string()));
  EXPECT_FALSE(repo_matches_url(ws, api, "file://" + (tmp.path() / "repos" / "web").string()));
  EXPECT_FALSE(repo_matches_url(ws, api, "https://example.com" + repo.string()));
}

}  // namespace
}  // namespace slipway::model
