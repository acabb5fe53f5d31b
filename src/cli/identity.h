// Who is acting on the command line. Releases record it, gates check its
// roles, so it is configured, never guessed from the login name:
//
//   1. `--as NAME` on the command,
//   2. else the environment variable SLIPWAY_USER,
//   3. else `user: NAME` in the user config file: $SLIPWAY_CONFIG when set,
//      else $XDG_CONFIG_HOME/slipway/config.yaml, else
//      $HOME/.config/slipway/config.yaml (docs/identity.md).
//
// Thread-safety: reads the environment and one file; reentrant.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace slipway::cli {

// The user config file's path by the rules above (it may not exist).
std::filesystem::path user_config_path();

// The acting identity. Errors: invalid_input "no identity: give --as NAME, set
// SLIPWAY_USER, or write 'user: NAME' in PATH" when none is set; a config file
// that exists but is not YAML, or whose `user:` is not a name, gives its error
// with the file position.
Result<std::string> acting_identity(const std::string& as);

// The API token for a server: SLIPWAY_TOKEN, else `token:` in the user
// config file; invalid_input saying where to put one when neither is set.
Result<std::string> api_token();

}  // namespace slipway::cli
