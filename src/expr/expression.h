// Parsing and evaluating Azure Pipelines expressions: the text inside
// `${{ }}` (compile time), `$[ ]` (run time) and conditions.
//
// The grammar has no infix operators: literals, named values, function calls
// and accessors (a.b, a['b'], a[0], a.*.b). Limits are Azure's: 21 000
// characters, 50 levels of nesting. Errors name the expression, the column
// inside it and the file position of the text that contained it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
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
// "Unrecognized named-value: 'x'." `status` answers succeeded()/failed()/
// canceled()/always()/succeededOrFailed() (function name as Azure spells it,
// plus the job names given, possibly none) at run time. A missing status or
// counter callback makes those functions fail with a clear error.
//
// CHANGE from the first contract: `counter` also receives the seed (the
// second argument of counter(prefix, seed)), as Azure's counter needs it.
struct Context {
  Value::Object named_values;  // searched in order: put loop variables first to shadow
  Phase phase = Phase::compile_time;  // informational: the parse phase decides which functions exist
  std::function<Result<bool>(std::string_view function, const std::vector<std::string>& jobs)>
      status;
  std::function<Result<Value>(std::string_view prefix, const Decimal& seed)> counter;  // run time only
  // Named values whose members must exist, e.g. {"parameters"}: reading
  // parameters.nope (or parameters['nope']) is then the error
  // "Unrecognized parameter: 'nope'." instead of null. Empty by default.
  std::vector<std::string> strict_members;
};

// Error messages (asserted in tests/expr): Azure's sentence, then where it is:
//   "Unexpected symbol: ')'. Located at column 7 in expression 'eq(a, )'."
// Column counts characters of the expression text from 1. Error::where is the
// file position of the offending character when `where` is known and no line
// break precedes it in the text (else the position of the text's start).
// Sentences: Unexpected symbol: 'x'. / Unexpected end of expression. /
// Unrecognized value: 'x'. / Unrecognized function: 'x'. / Unrecognized
// named-value: 'x'. / Too few (many) parameters supplied: 'eq'. / Exceeded max
// expression length 21000. / Exceeded max expression depth 50. / Function 'x'
// is only available in run-time expressions. / evaluation errors (casts,
// format strings, unknown parameters).
//
// Thread-safety: a parsed Expression is immutable; evaluate() may run
// concurrently on many threads with different contexts.
class Expression {
 public:
  static constexpr size_t k_max_length = 21000;
  static constexpr int k_max_depth = 50;

  // Parses `text` (the inside of ${{ }} or $[ ], without the delimiters).
  // `where` is the file position of the first character of `text`. Syntax,
  // unknown functions, argument counts (and run-time-only functions in the
  // compile-time phase) are checked here; named values at evaluation.
  static Result<Expression> parse(std::string_view text, Position where, Phase phase);
  // The same, and also checks named values now: one not in `known_names`
  // (ignoring case) is the error "Unrecognized named-value: 'x'." at its column.
  // For texts whose names are fixed, such as run-time conditions (see
  // run_time_named_values()).
  static Result<Expression> parse(std::string_view text, Position where, Phase phase,
                                  const std::vector<std::string>& known_names);
  // What run-time conditions and $[ ] values may read: variables,
  // dependencies, stageDependencies, pipeline, resources.
  static const std::vector<std::string>& run_time_named_values();

  // Never throws; errors as described above. A default-constructed
  // Expression evaluates to an error. iif evaluates all three
  // arguments (as Azure does); and/or/coalesce short-circuit.
  Result<Value> evaluate(const Context& context) const;
  const std::string& text() const;
  const Position& where() const { return m_where; }
  // The text as evaluate() quotes it in errors: shortened past 200 characters.
  std::string quoted_text() const;

 private:
  std::shared_ptr<const Node> m_root;
  std::string m_text;
  Position m_where;
};

// A string mixing literal text and `${{ }}` expressions, e.g. "build-${{ parameters.os }}".
struct Segment {
  std::string literal;                // used when !is_expression
  std::string expression;             // the inside of ${{ }}, as written (not trimmed)
  bool is_expression = false;
  // Literal: position of its first character. Expression: position of the first
  // character after `${{` (what Expression::parse wants as `where`).
  Position where;
};
// Splits text into segments; an unterminated `${{` is an error at its position:
// "Unterminated expression: '${{' without a matching '}}'." `}}` inside a quoted
// string of the expression does not close it. Text without `${{` gives one literal
// segment (none for empty text). Positions advance through line breaks.
Result<std::vector<Segment>> split_template_string(std::string_view text, Position where);

// A run-time expression value, "$[ eq(a, b) ]": text that (ignoring white
// space around it) starts with "$[" and ends with "]", as Azure accepts in
// variables. The inside (to parse with Phase::run_time) and the position of
// its first character; nullopt when the text is not one.
struct RuntimeExpression {
  std::string text;
  Position where;
};
std::optional<RuntimeExpression> runtime_expression(std::string_view text, Position where);

// Run-time macros: the names of every $(name) in text, in order.
std::vector<std::string> macro_names(std::string_view text);
// Replaces $(name) with lookup(name) when it returns a value; unknown names stay as written (Azure).
std::string expand_macros(std::string_view text,
                          const std::function<std::optional<std::string>(std::string_view)>& lookup);

}  // namespace slipway::expr
