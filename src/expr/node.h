// Internal to src/expr: the parsed tree, the function table and the
// evaluator shared by parser.cpp, evaluate.cpp, functions.cpp and format.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "expr/expression.h"

namespace slipway::expr {

enum class FunctionId {
  and_, or_, not_, xor_, eq, ne, gt, ge, lt, le, in, not_in, contains, contains_value,
  starts_with, ends_with, format, join, split, replace, substring, lower, upper, trim, coalesce,
  convert_to_json, length, iif, counter, always, canceled, failed, succeeded,
  succeeded_or_failed,
};

struct FunctionInfo {
  std::string_view name;  // as Azure documents it
  FunctionId id;
  int min_args;
  int max_args;  // k_unbounded for "N"
  bool run_time_only;
};
constexpr int k_unbounded = 1 << 30;

// The function named `name` (ignoring case), or nullptr.
const FunctionInfo* find_function(std::string_view name);

struct Node {
  // literal: `literal`. named_value: `name`. function: `function` + `children`
  // (arguments). index: children[0] indexed by children[1] (a.b is an index by
  // the literal 'b'). wildcard: children[0].* (a filtered array).
  enum class Type { literal, named_value, function, index, wildcard };
  Type type = Type::literal;
  int column = 1;  // 1-based within the expression text
  Value literal;
  std::string name;
  const FunctionInfo* function = nullptr;
  std::vector<Node> children;
};

// The result of evaluating a node: either a reference to a value that
// outlives the evaluation (a named value, a literal, or an item inside
// one) or an owned value. `filtered` marks the result of a wildcard, whose
// further accessors apply to each item.
struct Ref {
  const Value* ptr = nullptr;
  Value owned;
  bool filtered = false;

  const Value& get() const { return ptr ? *ptr : owned; }
  Value take() && { return ptr ? *ptr : std::move(owned); }
  static Ref borrow(const Value& value) { return Ref{&value, {}, false}; }
  static Ref own(Value value) { return Ref{nullptr, std::move(value), false}; }
};

class Evaluator {
 public:
  Evaluator(const Expression& expression, const Context& context)
      : m_expression(expression), m_context(context) {}

  Result<Ref> evaluate(const Node& node);
  // An error located at `column` of the expression.
  Error error(int column, std::string sentence) const;
  const Context& context() const { return m_context; }

 private:
  Result<Ref> index(const Node& node, Ref target, const Value& key);

  const Expression& m_expression;
  const Context& m_context;
};

// Calls node.function on node.children (functions.cpp).
Result<Ref> call_function(const Node& node, Evaluator& evaluator);
// format(): `pattern` with {0}, {1:yyyyMMdd}, {{ and }} (format.cpp). Errors
// are sentences, e.g. "The following format string is invalid: {0".
std::expected<std::string, std::string> format_string(std::string_view pattern,
                                                      const std::vector<Value>& args);

// "Unexpected symbol: ')'. Located at column 7 in expression 'eq(a, )'." with
// Error::where as documented in expression.h (parser.cpp).
Error located_error(std::string_view text, const Position& where, int column, std::string sentence);

}  // namespace slipway::expr
