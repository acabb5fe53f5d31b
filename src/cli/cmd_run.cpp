// Placeholder: the run commands land with their module.
#include "cli/app.h"

namespace slipway::cli {

void add_run_commands(CLI::App& /*app*/, GlobalOptions& /*options*/) {}

}  // namespace slipway::cli
