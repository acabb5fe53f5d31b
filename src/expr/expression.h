// Parsing and evaluating Azure Pipelines expressions: the text inside
// `${{ }}` (compile time), `$[ ]` (run time) and conditions.
//
// The grammar has no infix operators: literals, named values, function calls
// and accessors (a.b, a['b'], a[0], a.*.b). Limits are Azure's: 21 000
// characters, 50 levels of nesting. Errors name the expression, the column
// inside it and the file position of the text that contained it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "expr/value.h"

namespace slipway::expr {

struct Node;  // the parsed tree; defined in expression.cpp

// Which functions are allowed: compile-time `${{ }}` forbids counter and the
// status functions; run-time conditions allow them.
enum class Phase { compile_time, run_time };

// What a parsed expression may read. Named values (parameters, variables,
// dependencies, ...) are looked up ignoring case; an unknown name is an error
// naming it. `status` answers succeeded()/failed()/canceled()/always()/
// succeededOrFailed() (with optional job names) at run time.
struct Context {
  Value::Object named_values;
  Phase phase = Phase::compile_time;
  std::function<Result<bool>(std::string_view function, const std::vector<std::string>& jobs)>
      status;
  std::function<Result<Value>(std::string_view prefix)> counter;  // run time only
};

class Expression {
 public:
  // Parses `text` (the inside of ${{ }} or $[ ], without the delimiters).
  // `where` is the file position of the first character of `text`.
  static Result<Expression> parse(std::string_view text, Position where, Phase phase);

  Result<Value> evaluate(const Context& context) const;
  const std::string& text() const;

 private:
  std::shared_ptr<const Node> m_root;
  std::string m_text;
  Position m_where;
};

// A string mixing literal text and `${{ }}` expressions, e.g. "build-${{ parameters.os }}".
struct Segment {
  std::string literal;                // used when !is_expression
  std::string expression;             // the inside of ${{ }}
  bool is_expression = false;
  Position where;                     // position of the segment's first character
};
// Splits text into segments; an unterminated `${{` is an error with its position.
Result<std::vector<Segment>> split_template_string(std::string_view text, Position where);

// Run-time macros: the names of every $(name) in text, in order.
std::vector<std::string> macro_names(std::string_view text);
// Replaces $(name) with lookup(name) when it returns a value; unknown names stay as written (Azure).
std::string expand_macros(std::string_view text,
                          const std::function<std::optional<std::string>(std::string_view)>& lookup);

}  // namespace slipway::expr
