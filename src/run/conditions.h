// Azure's run-time conditions and `$[ ]` variable values, evaluated with the
// expr module (Phase::run_time).
//
// Status functions follow Azure's semantics over a set of "previous" results
// (a job's or stage's direct dependencies; for a step, the job so far):
//   succeeded()          every previous result is succeeded/succeededWithIssues, run not canceled
//   failed()             some previous result is failed, run not canceled
//   succeededOrFailed()  run not canceled
//   always()             true
//   canceled()           the run was canceled
// With names (succeeded('A', 'B')) only those are considered; naming one that
// is not a dependency is an error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "expr/value.h"
#include "run/job.h"

namespace slipway::run {

struct StatusFacts {
  bool canceled = false;
  std::vector<std::pair<std::string, TaskResult>> previous;  // name → result
};

// Evaluates `condition` (empty: "succeeded()") to a boolean. Errors name the
// condition and its position.
Result<bool> evaluate_condition(std::string_view condition, const Position& where,
                                const expr::Value::Object& named_values, const StatusFacts& facts);

// A variable value written as `$[ expression ]` is evaluated and converted to
// a string; any other value is returned unchanged.
Result<std::string> evaluate_runtime_value(std::string_view value, const Position& where,
                                           const expr::Value::Object& named_values);

// The "variables" named value for expressions.
expr::Value variables_value(const Variables& variables);

}  // namespace slipway::run
