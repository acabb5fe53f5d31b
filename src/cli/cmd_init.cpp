// Placeholder: the init commands land with their module.
#include "cli/app.h"

namespace slipway::cli {

void add_init_commands(CLI::App& /*app*/, GlobalOptions& /*options*/) {}

}  // namespace slipway::cli
