// Template parameters: declarations (typed list form, or the older untyped
// mapping form), binding passed values, type checks, `values:`, defaults.
//
// Typed form: `- name: x, type: T, default: D, values: [...]`. A missing
// `type` means string (Azure). Passing an undeclared parameter is an error;
// a declared one without default must be passed. Untyped form: `x: default`;
// values are taken as written (YAML scalars are strings) and undeclared ones
// are accepted. Messages reuse Azure's wording where the suites assert it.
#include <algorithm>
#include <optional>

#include "core/strings.h"
#include "expr/decimal.h"
#include "pipeline/internal.h"

namespace slipway::pipeline {

namespace {

using Fail = std::unexpected<ParameterError>;

const std::vector<std::string> k_types = {
    "string", "number",   "boolean",        "object", "step",       "stepList",
    "job",    "jobList",  "deployment",     "deploymentList",       "stage",
    "stageList", "stringList", "container", "containerList",        "legacyObject"};

const char* not_expected(const yaml::Node& node) {
  if (node.is_mapping()) return "A mapping was not expected";
  if (node.is_sequence()) return "A sequence was not expected";
  return "A string was not expected";
}

std::string values_text(const yaml::Node& values) {
  std::vector<std::string> texts;
  for (const yaml::Node& item : values.items()) texts.push_back(item.text());
  return join(texts, ", ");
}

bool allowed(const yaml::Node* values, const std::string& text) {
  if (!values || !values->is_sequence()) return true;
  for (const yaml::Node& item : values->items())
    if (item.is_scalar() && item.text() == text) return true;
  return false;
}

Position where_of(const yaml::Node& node, const Position& fallback) {
  Position where = node.position();
  return where.known() && where.line > 0 ? where : fallback;
}

// Converts `node` to the declared type.
std::expected<expr::Value, ParameterError> convert(const std::string& name, const std::string& type,
                                                   const yaml::Node& node, const yaml::Node* values,
                                                   const Position& fallback) {
  Position where = where_of(node, fallback);
  std::string prefix = "parameter '" + name + "': ";
  auto out_of_values = [&](const std::string& got) {
    return Fail(ParameterError{"parameter '" + name + "' must be one of " + values_text(*values) +
                                   "; got '" + got + "'",
                               where});
  };
  if (type == "string" || type == "number" || type == "boolean") {
    if (node.is_mapping() || node.is_sequence()) return Fail(ParameterError{prefix + not_expected(node), where});
    std::string text = node.is_null() ? std::string() : node.text();
    if (!allowed(values, text)) return out_of_values(text);
    if (type == "string") return expr::Value::string(text);
    if (type == "number") {
      std::optional<expr::Decimal> number = expr::Decimal::parse(text);
      if (!number) return Fail(ParameterError{prefix + "'" + text + "' is not a valid number", where});
      return expr::Value::number(*number);
    }
    if (iequals(text, "true")) return expr::Value::boolean(true);
    if (iequals(text, "false")) return expr::Value::boolean(false);
    return Fail(ParameterError{prefix + "'" + text + "' is not a valid boolean", where});
  }
  if (type == "object" || type == "legacyObject") return to_value(node);
  bool list = type.ends_with("List");
  if (list) {
    if (node.is_null()) return expr::Value::array({});
    if (!node.is_sequence()) return Fail(ParameterError{prefix + not_expected(node), where});
    if (type == "stringList") {
      for (const yaml::Node& item : node.items()) {
        if (!item.is_scalar()) return Fail(ParameterError{prefix + not_expected(item), where_of(item, where)});
        if (!allowed(values, item.text())) return out_of_values(item.text());
      }
    } else {
      for (const yaml::Node& item : node.items())
        if (!item.is_mapping())
          return Fail(ParameterError{prefix + not_expected(item), where_of(item, where)});
    }
    return to_value(node);
  }
  if (!node.is_mapping()) return Fail(ParameterError{prefix + not_expected(node), where});
  if (type == "deployment") {
    // Azure reads `environment: NAME` as `environment: {name: NAME}`.
    if (const yaml::Node* environment = node.get("environment"); environment && environment->is_scalar()) {
      yaml::Node copy = node;
      yaml::Node full = yaml::Node::make_mapping(environment->mark());
      full.set("name", *environment);
      copy.set("environment", std::move(full));
      return to_value(copy);
    }
  }
  return to_value(node);
}

std::expected<expr::Value::Object, ParameterError> bind_untyped(
    const yaml::Node* declared, const yaml::Node* passed,
    const std::map<std::string, std::string>* runtime) {
  expr::Value::Object result;
  auto set = [&](const std::string& name, expr::Value value) {
    for (auto& [key, existing] : result)
      if (iequals(key, name)) {
        existing = std::move(value);
        return;
      }
    result.emplace_back(name, std::move(value));
  };
  if (declared && declared->is_mapping())
    for (const auto& entry : declared->entries()) set(entry.key.text(), to_value(entry.value));
  if (passed && passed->is_mapping())
    for (const auto& entry : passed->entries()) set(entry.key.text(), to_value(entry.value));
  if (runtime)
    for (const auto& [name, text] : *runtime) set(name, expr::Value::string(text));
  return result;
}

}  // namespace

std::expected<expr::Value::Object, ParameterError> bind_parameters(
    const yaml::Node* declared, const yaml::Node* passed, const Position& reference,
    const std::map<std::string, std::string>* runtime) {
  if (passed && !passed->is_null() && !passed->is_mapping())
    return Fail(ParameterError{"template parameters must be a mapping", where_of(*passed, reference)});
  if (!declared || declared->is_null() || declared->is_mapping())
    return bind_untyped(declared, passed, runtime);
  if (!declared->is_sequence())
    return Fail(ParameterError{"'parameters' must be a sequence of declarations or a mapping",
                               where_of(*declared, reference)});

  expr::Value::Object result;
  std::vector<std::string> names;
  for (const yaml::Node& decl : declared->items())
    if (const yaml::Node* name = decl.is_mapping() ? decl.get("name") : nullptr; name && name->is_scalar())
      names.push_back(name->text());
  if (passed && passed->is_mapping()) {
    for (const auto& entry : passed->entries())
      if (std::find(names.begin(), names.end(), entry.key.text()) == names.end())
        return Fail(ParameterError{"Unexpected parameter '" + entry.key.text() + "'" +
                                       did_you_mean(entry.key.text(), names),
                                   where_of(entry.key, reference)});
  }
  for (const yaml::Node& decl : declared->items()) {
    Position at = where_of(decl, reference);
    if (!decl.is_mapping()) return Fail(ParameterError{"a parameter declaration must be a mapping", at});
    for (const auto& entry : decl.entries()) {
      static const std::vector<std::string> keys = {"name", "displayName", "type", "default", "values"};
      bool known = false;
      for (const std::string& key : keys) known = known || entry.key.text() == key;
      if (!known)
        return Fail(ParameterError{"unexpected key '" + entry.key.text() + "' in a parameter declaration" +
                                       did_you_mean(entry.key.text(), keys),
                                   where_of(entry.key, at)});
    }
    const yaml::Node* name_node = decl.get("name");
    if (!name_node || !name_node->is_scalar() || name_node->text().empty())
      return Fail(ParameterError{"a parameter declaration needs a 'name'", at});
    std::string name = name_node->text();
    const yaml::Node* type_node = decl.get("type");
    std::string type = type_node && type_node->is_scalar() ? type_node->text() : "string";
    bool known_type = false;
    for (const std::string& candidate : k_types) known_type = known_type || candidate == type;
    if (!known_type)
      return Fail(ParameterError{"parameter '" + name + "' has unknown type '" + type + "'" +
                                     did_you_mean(type, k_types),
                                 where_of(*type_node, at)});
    const yaml::Node* values = decl.get("values");

    const yaml::Node* given = passed && passed->is_mapping() ? passed->get(name) : nullptr;
    std::optional<yaml::Node> runtime_node;
    if (runtime) {
      if (auto found = runtime->find(name); found != runtime->end()) {
        if (type == "string" || type == "number" || type == "boolean") {
          runtime_node = yaml::Node::make_scalar(found->second, true);
        } else {
          Result<yaml::Node> parsed = yaml::parse(found->second, "parameter " + name);
          if (!parsed) return Fail(ParameterError{"parameter '" + name + "': " + parsed.error().message, at});
          runtime_node = std::move(*parsed);
        }
        given = &*runtime_node;
      }
    }
    const yaml::Node* source = given ? given : decl.get("default");
    if (!source)
      return Fail(ParameterError{"A value for the '" + name + "' parameter must be provided.", reference});
    auto value = convert(name, type, *source, values, given ? reference : at);
    if (!value) return Fail(value.error());
    result.emplace_back(name, std::move(*value));
  }
  if (runtime)
    for (const auto& [name, text] : *runtime) {
      bool found = false;
      for (const std::string& declared_name : names) found = found || declared_name == name;
      if (!found) return Fail(ParameterError{"unknown pipeline parameter '" + name + "'", reference});
    }
  return result;
}

}  // namespace slipway::pipeline
