#include "model/repo_url.h"

#include <filesystem>

#include "core/strings.h"

namespace slipway::model {
namespace {

namespace fs = std::filesystem;

// "user:pw@Host:22" → "host": credentials and port do not name another repository.
std::string host_of(std::string_view authority) {
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos && authority.find(']') == std::string_view::npos)
    authority = authority.substr(0, colon);
  std::string host = to_lower(authority);
  return host == "localhost" ? "" : host;  // file://localhost/x is file:///x
}

std::string trim_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.size() > 4 && path.ends_with(".git")) path.resize(path.size() - 4);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// scp-like syntax: "[user@]host:path" with no slash before the colon.
bool scp_like(std::string_view url) {
  const std::size_t colon = url.find(':');
  return colon != std::string_view::npos && colon > 0 && url.find('/') > colon;
}

}  // namespace

std::string normalize_repo_url(std::string_view url) {
  url = trim(url);
  if (url.empty()) return "";
  if (const std::size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    const std::size_t slash = rest.find('/');
    const std::string host = host_of(rest.substr(0, slash));
    const std::string path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    const bool file = iequals(url.substr(0, scheme), "file");
    return host + trim_path(file ? fs::path(path).lexically_normal().string() : path);
  }
  if (scp_like(url)) {
    const std::size_t colon = url.find(':');
    std::string path(url.substr(colon + 1));
    if (!path.starts_with('/')) path.insert(0, "/");
    return host_of(url.substr(0, colon)) + trim_path(path);
  }
  return trim_path(fs::path(url).lexically_normal().string());  // a bare local path
}

bool repo_matches_url(const Workspace& workspace, const Component& component, std::string_view url) {
  const std::string wanted = normalize_repo_url(url);
  if (wanted.empty()) return false;
  const std::string location = workspace.repo_location(component);
  if (component.repo_is_url) return normalize_repo_url(location) == wanted;
  if (!wanted.starts_with('/')) return false;  // a local folder is only ever a file:// URL
  if (trim_path(location) == wanted) return true;
  std::error_code ec1, ec2;
  const fs::path real = fs::weakly_canonical(location, ec1);
  return !ec1 && trim_path(real.string()) == trim_path(fs::weakly_canonical(wanted, ec2).string()) && !ec2;
}

}  // namespace slipway::model
