// Helpers shared by the expression tests: a fixed context and a renderer
// that shows a value's kind, so tables can say exactly what came out.
#pragma once

#include <string>
#include <string_view>

#include "expr/expression.h"

namespace slipway::expr::testing {

// parameters, variables, pipeline and dependencies as the tables expect them
// (see expr_test_support.cpp).
const Context& sample_context();

// null → "null"; booleans → "True"/"False"; numbers → "n:1.5"; strings →
// "'text'"; versions → "v:1.2.3"; arrays → "[a, b]"; objects → "{k: v}".
std::string render(const Value& value);

// Parses (compile time unless told) and evaluates `text` with `context`;
// the rendered value, or "error: " + Error::to_string().
std::string run(std::string_view text, const Context& context = sample_context(),
                Phase phase = Phase::compile_time);

}  // namespace slipway::expr::testing
