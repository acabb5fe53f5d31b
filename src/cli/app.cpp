#include "cli/app.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace slipway::cli {

int exit_code_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_input:
    case ErrorCode::not_found:
    case ErrorCode::unsupported:
      return k_exit_bad_input;
    default:
      return k_exit_failed;
  }
}

int report(const Error& error) {
  std::cerr << "slipway: error: " << error.to_string() << "\n";
  return exit_code_for(error);
}

std::string state_path(const GlobalOptions& options) {
  if (!options.state.empty()) return options.state;
  if (const char* env = std::getenv("SLIPWAY_STATE"); env && *env) return env;
  return (std::filesystem::path(options.workspace) / ".slipway" / "state.db").string();
}

}  // namespace slipway::cli
