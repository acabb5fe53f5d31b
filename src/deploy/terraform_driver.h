// The terraform (or OpenTofu) driver: components with `deploy.terraform` and
// the environment's infrastructure entries ("infra:NAME").
//
// apply, in the module folder (component: REPO/MODULE; infrastructure:
// the workspace's MODULE):
//   T init -input=false
//   T workspace select -or-create ENV
//   T plan -input=false -detailed-exitcode -var-file=VARS -out=PLAN
//     exit 0: no changes, nothing more runs; exit 2: changes; else failure
//   T apply -input=false PLAN
// remove: init, workspace select, T destroy -input=false -auto-approve -var-file=VARS.
// rollback: terraform has none; it fails with "TARGET: terraform cannot roll
//   back; the module's state is what the failed apply left" so the engine
//   records the revert as failed rather than pretending.
// observe: with the var file of the last apply (nullopt when there is none:
//   nothing was applied through this state folder): T init -input=false (only
//   when the module has no .terraform folder), T workspace select ENV,
//   T plan -input=false -refresh-only -detailed-exitcode -lock=false
//   -var-file=VARS; exit 0: no drift; exit 2: drift "changed outside slipway:
//   ADDR, ..." from its "# ADDR has changed / has been deleted" lines; any
//   failure: nullopt (cannot look). Its output is not logged.
//
// VARS is STATE/terraform/ENV/TARGET.tfvars.json (0600, 0700 folder): the
// entry's vars with ${{ values.a.b }} / ${{ secrets.n }} references
// substituted (same rules as the helm values); PLAN sits beside it.
// T is `terraform`, else `tofu`, found with the locator (override SLIPWAY_TERRAFORM).
#pragma once

#include <memory>

#include "deploy/driver.h"
#include "deploy/tool_binary.h"

namespace slipway::deploy {

inline constexpr const char* k_terraform_override = "SLIPWAY_TERRAFORM";

std::unique_ptr<Driver> make_terraform_driver(ToolLocator locator);

}  // namespace slipway::deploy
