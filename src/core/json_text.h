// JSON text that never throws. nlohmann::json throws on a string that is not
// UTF-8 when it writes it, and such strings reach slipway from outside: a
// step's output variables and log lines, commit messages, file names. An
// exception there killed a run mid-write (exit 70, the run left "running").
// Bad bytes become U+FFFD instead; everything else is written as dump() does.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace slipway {

template <class Json>
std::string json_text(const Json& json, int indent = -1) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace slipway
