// The helm driver: one helm release per component, named after it.
//
// apply:    helm upgrade --install C CHART --atomic --wait --version V
//           [--namespace NS] [--kube-context CTX] -f STATE/helm/ENV/C.values.yaml
// rollback: nothing when helm's --atomic already left the previous version
//           deployed; else helm rollback C --wait; after a failed first
//           install, helm uninstall when a release is left.
// remove:   helm uninstall C --wait (a release already gone is success).
// observe:  helm status C -o json: absent, or the deployed chart version;
//           then helm get values C -o json, compared with the values file
//           slipway applied: drift "values changed: a.b, c" names the keys
//           (never the values) that differ, were added or were removed.
//
// The values file is the environment's merged values (blocks, environment,
// platform layers) overlaid with the component's `deploy.helm.values`, whose
// ${{ values.a.b }} and ${{ secrets.n }} references are substituted with real
// values (a scalar that is exactly one reference keeps the value's type). It
// holds secrets: written 0600 in a 0700 folder under the state folder.
// A chart path that exists inside the component's repo folder is used from
// there; anything else (repo/chart, oci://...) goes to helm as written.
#pragma once

#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "deploy/driver.h"
#include "deploy/tool_binary.h"

namespace slipway::deploy {

inline constexpr const char* k_helm_override = "SLIPWAY_HELM";

// A helm driver looking for `helm` with `locator` (ToolLocator::from_environment(k_helm_override) in slipway).
std::unique_ptr<Driver> make_helm_driver(ToolLocator locator);

// The values of `component` in the context's environment. invalid_input
// "component C: ${{ values.x }} is not set in environment E" /
// "component C: secret n is not available in environment E".
Result<nlohmann::ordered_json> render_helm_values(const model::Component& component, const DriverContext& context);

// Where apply writes the values file of `component`.
std::filesystem::path helm_values_path(const DriverContext& context, const std::string& component);

// The chart argument for `component` (see above).
std::string helm_chart_argument(const model::Component& component, const model::Workspace& workspace);

}  // namespace slipway::deploy
