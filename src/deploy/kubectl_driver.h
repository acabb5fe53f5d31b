// The kubectl driver: a component's plain Kubernetes manifests, server-side
// applied, with the objects it no longer renders pruned.
//
// Render: every file (.yaml, .yml, .json; folders walked in name order) of the
// component's `deploy.kubectl.manifests` (inside its repo) is split into
// documents ("---" lines), each document's ${{ values.a.b }} and
// ${{ secrets.n }} references substituted (same rules as the helm values),
// labelled
//   app.kubernetes.io/managed-by=slipway, slipway.dev/environment=ENV,
//   slipway.dev/component=C
// and annotated slipway.dev/version=V, and written as one JSON file per object
// under STATE/kubectl/ENV/C/rendered/ (0600 files, 0700 folders: they may hold
// secrets). After a successful apply that folder becomes .../applied/: the
// record of what slipway last put in the cluster.
//
// apply:    kubectl apply --server-side --field-manager=slipway --force-conflicts
//           -f RENDERED [--namespace NS] [--context CTX]; then prune.
// prune:    kubectl get TYPES -l SELECTOR -o json (TYPES: every object type
//           rendered now or applied before; -n NS, or --all-namespaces without
//           a platform namespace); every listed object not rendered now is
//           deleted (kubectl delete TYPE/NAME ... -n ITS_NS --ignore-not-found).
// rollback: re-applies .../applied/ and prunes to it; with nothing applied
//           before, deletes every object of the component (remove).
// remove:   kubectl delete TYPES -l SELECTOR --ignore-not-found, folder removed.
// observe:  kubectl get TYPES -l SELECTOR -o json against .../applied/:
//           absent when nothing is there; the version from the annotation;
//           drift names objects missing, objects not rendered, and fields of
//           applied objects whose live value differs ("Deployment/api
//           spec.replicas"). nullopt when nothing was applied through this
//           state folder or kubectl cannot answer.
//
// SELECTOR is slipway.dev/environment=ENV,slipway.dev/component=C. A TYPE is
// the lower-cased kind with its API group ("deployment.apps", "service").
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/driver.h"
#include "deploy/tool_binary.h"

namespace slipway::deploy {

inline constexpr const char* k_kubectl_override = "SLIPWAY_KUBECTL";

std::unique_ptr<Driver> make_kubectl_driver(ToolLocator locator);

// The component's objects rendered for the context's environment (labels and
// annotation added), in file order. invalid_input "component C: manifest
// PATH not found" / "component C: PATH:LINE:COL: <yaml error>" / "component C:
// a manifest document in PATH is not a Kubernetes object (no kind or
// metadata.name)" / the reference errors of render_references.
Result<std::vector<nlohmann::ordered_json>> render_kubectl_objects(const model::Component& component,
                                                                 const std::string& version,
                                                                 const DriverContext& context);

// Where the rendered (and, after success, applied) manifests of `component` live.
std::filesystem::path kubectl_folder(const DriverContext& context, const std::string& component);

}  // namespace slipway::deploy
