// Printing what the service layer returns, shared by the command groups.
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "release/service.h"

namespace slipway::cli {

// "promote 2.3.5 to staging: applied (applied 4 components)", a lock taken
// over, what --force overrode; an error (exit 1) when the apply failed or
// was interrupted.
Status print_apply(const release::ApplyRecord& record, std::ostream& out = std::cout);

// Rows padded into aligned columns, on stdout.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace slipway::cli
