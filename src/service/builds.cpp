// A successful build becomes a component version: worked out from the
// component's repo (conventional commits), recorded, tagged, and handed to
// the auto environments tracking its branch.
#include "service/run_sources.h"
#include "service/service.h"
#include "version/mirrors.h"
#include "version/next_version.h"

namespace slipway::service {
namespace {

// The version a build of `component` at `commit` on `branch` stands for: the
// next version (with the computation, to tag it once recorded), or the
// released one when the commit already carries its tag; nullopt when the
// branch releases nothing (a feature branch, a remote repo).
struct BuiltVersion {
  std::string version;
  std::optional<version::VersionResult> untagged;
};

Result<std::optional<BuiltVersion>> build_version(const std::filesystem::path& repo, const model::Component& component,
                                                  const std::string& branch, const std::string& commit) {
  version::VersionOptions options = version::options_for(component);
  options.branch = branch;
  if (!commit.empty()) options.head = commit;
  Result<version::VersionResult> result = version::compute_next_version(repo, options);
  if (!result) return std::unexpected(result.error());
  if (result->next_version) return std::optional<BuiltVersion>(BuiltVersion{result->next_version->to_string(), *result});
  if (result->head_is_released && result->last_version)
    return std::optional<BuiltVersion>(BuiltVersion{result->last_version->to_string(), std::nullopt});
  return std::optional<BuiltVersion>();
}

}  // namespace

Result<BuildOutcome> Service::build_succeeded(const std::string& component, const run::RunRecord& run) {
  BuildOutcome out;
  const run::ArtifactRecord* artifact = nullptr;
  for (const run::ArtifactRecord& a : run.artifacts)
    if (a.name == component) artifact = &a;
  if (!artifact) {
    out.notes.push_back(component + ": the run published no artifact named " + component + "; no release");
    return out;
  }
  const model::Component* declared = m_workspace.component(component);
  if (!declared) return fail(ErrorCode::invalid_input, "unknown component '" + component + "'");
  const std::string branch = short_branch(run.branch);
  // A repository given as a URL is versioned in its mirror (the run fetched it).
  version::MirrorCache mirrors(m_config.state_root / "mirrors");
  const std::filesystem::path repo = declared->repo_is_url ? mirrors.mirror_path(declared->repo)
                                                           : std::filesystem::path(m_workspace.repo_location(*declared));
  Result<std::optional<BuiltVersion>> built = build_version(repo, *declared, branch, run.commit);
  if (!built && built.error().code == ErrorCode::not_found) {  // e.g. the repo is a plain folder
    out.notes.push_back(component + ": " + built.error().message + "; no release");
    return out;
  }
  if (!built) return std::unexpected(built.error());
  if (!*built) {
    out.notes.push_back(component + ": branch " + branch + " releases no version; no release");
    return out;
  }
  const std::string& version = (*built)->version;
  // A version is built once: a rebuild of it (same commits, new artifact) is not a new version.
  Result<std::optional<store::ComponentVersionRecord>> known = m_store->releases().component_version(component, version);
  if (!known) return std::unexpected(known.error());
  if (*known && (*known)->artifact_digest != artifact->digest) {
    out.notes.push_back(component + " " + version + " was already built by run " + (*known)->run_id +
                        "; this build is not a new version (no release)");
    return out;
  }
  Result<std::vector<release::ApplyRecord>> done =
      m_releases->on_build_succeeded(component, version, artifact->digest, branch, run.id, applier());
  if (!done) return std::unexpected(done.error());
  out.version = version;
  out.applies = std::move(*done);
  out.notes.push_back("recorded " + component + " " + version);
  if ((*built)->untagged) {
    Result<bool> tagged = version::create_release_tag(repo, *(*built)->untagged);
    if (!tagged) return std::unexpected(tagged.error());
    out.tag = (*built)->untagged->next_tag;
    if (*tagged) out.notes.push_back("tagged " + out.tag + " in " + component + "'s " +
                                     (declared->repo_is_url ? "mirror" : "repository"));
    if (*tagged && declared->repo_is_url && declared->versioning.push_tags) {
      Status pushed = mirrors.push_tag(declared->repo, out.tag);
      out.notes.push_back(pushed ? "pushed tag " + out.tag + " to " + version::shown_url(declared->repo)
                                 : pushed.error().message);
    }
  }
  return out;
}

}  // namespace slipway::service
