#include "run/conditions.h"

#include "core/strings.h"
#include "expr/expression.h"

namespace slipway::run {

namespace {

bool ok_result(TaskResult r) { return r == TaskResult::succeeded || r == TaskResult::succeeded_with_issues; }

Result<bool> status(std::string_view function, const std::vector<std::string>& names, const StatusFacts& facts) {
  std::vector<TaskResult> chosen;
  if (names.empty()) {
    for (const auto& [name, result] : facts.previous) chosen.push_back(result);
  } else {
    for (const std::string& wanted : names) {
      bool found = false;
      for (const auto& [name, result] : facts.previous) {
        if (iequals(name, wanted)) {
          chosen.push_back(result);
          found = true;
        }
      }
      if (!found)
        return fail(ErrorCode::invalid_input,
                    std::string(function) + "('" + wanted + "'): '" + wanted + "' is not a dependency");
    }
  }
  if (iequals(function, "always")) return true;
  if (iequals(function, "canceled")) return facts.canceled;
  if (facts.canceled) return false;
  if (iequals(function, "succeededOrFailed")) return true;
  if (iequals(function, "succeeded")) {
    for (TaskResult r : chosen)
      if (!ok_result(r)) return false;
    return true;
  }
  if (iequals(function, "failed")) {
    for (TaskResult r : chosen)
      if (r == TaskResult::failed) return true;
    return false;
  }
  return fail(ErrorCode::invalid_input, "unknown status function '" + std::string(function) + "'");
}

}  // namespace

Result<bool> evaluate_condition(std::string_view condition, const Position& where,
                                const expr::Value::Object& named_values, const StatusFacts& facts) {
  std::string text = std::string(trim(condition));
  if (text.empty()) text = "succeeded()";
  Result<expr::Expression> parsed = expr::Expression::parse(text, where, expr::Phase::run_time);
  if (!parsed) return std::unexpected(parsed.error());
  expr::Context context;
  context.named_values = named_values;
  context.phase = expr::Phase::run_time;
  context.status = [&facts](std::string_view function, const std::vector<std::string>& names) {
    return status(function, names, facts);
  };
  Result<expr::Value> value = parsed->evaluate(context);
  if (!value) return std::unexpected(value.error());
  return value->to_boolean();
}

Result<std::string> evaluate_runtime_value(std::string_view value, const Position& where,
                                           const expr::Value::Object& named_values) {
  std::string_view text = trim(value);
  if (!text.starts_with("$[") || !text.ends_with("]")) return std::string(value);
  std::string_view inner = text.substr(2, text.size() - 3);
  Result<expr::Expression> parsed = expr::Expression::parse(inner, where, expr::Phase::run_time);
  if (!parsed) return std::unexpected(parsed.error());
  expr::Context context;
  context.named_values = named_values;
  context.phase = expr::Phase::run_time;
  StatusFacts none;
  context.status = [&none](std::string_view function, const std::vector<std::string>& names) {
    return status(function, names, none);
  };
  Result<expr::Value> result = parsed->evaluate(context);
  if (!result) return std::unexpected(result.error());
  return result->to_string();
}

expr::Value variables_value(const Variables& variables) {
  expr::Value::Object members;
  for (const Variable& v : variables.all()) members.emplace_back(v.name, expr::Value::string(v.value));
  return expr::Value::object(std::move(members));
}

}  // namespace slipway::run
