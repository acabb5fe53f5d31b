// The generic walk of the expander: ${{ if }}, ${{ elseif }}, ${{ else }},
// ${{ each }}, ${{ insert }}, key expressions, whole-scalar and embedded
// expressions, in mappings and sequences. See expander.cpp for the design.
#include <algorithm>

#include "core/strings.h"
#include "pipeline/expander.h"

namespace slipway::pipeline {

namespace {

// Classifies a scalar: not an expression, a directive, or a whole ${{ }} expression.
Result<Parsed> classify(const yaml::Node& scalar) {
  Parsed parsed;
  const std::string& text = scalar.text();
  if (text.find("${{") == std::string::npos) return parsed;
  Result<std::vector<expr::Segment>> segments = expr::split_template_string(text, scalar.position());
  if (!segments) return std::unexpected(segments.error());
  const expr::Segment* whole = nullptr;
  for (const expr::Segment& segment : *segments) {
    if (segment.is_expression) {
      if (whole) return parsed;  // several expressions: interpolation
      whole = &segment;
    } else if (!trim(segment.literal).empty()) {
      return parsed;
    }
  }
  if (!whole) return parsed;
  std::string inner(trim(whole->expression));
  parsed.where = whole->where;
  auto keyword = [&](std::string_view word) {
    return inner.size() > word.size() && inner.starts_with(word) &&
           (inner[word.size()] == ' ' || inner[word.size()] == '(' || inner[word.size()] == '\t');
  };
  if (inner == "else") {
    parsed.kind = Directive::else_;
  } else if (inner == "insert") {
    parsed.kind = Directive::insert;
  } else if (keyword("elseif")) {
    parsed.kind = Directive::elseif;
    parsed.expression = std::string(trim(inner.substr(6)));
  } else if (keyword("if")) {
    parsed.kind = Directive::if_;
    parsed.expression = std::string(trim(inner.substr(2)));
  } else if (keyword("each")) {
    parsed.kind = Directive::each;
    std::string rest(trim(inner.substr(4)));
    size_t space = rest.find_first_of(" \t");
    std::string name = rest.substr(0, space);
    std::string tail = space == std::string::npos ? std::string() : std::string(trim(rest.substr(space)));
    if (name.empty() || !tail.starts_with("in") || tail.size() < 3 || (tail[2] != ' ' && tail[2] != '\t'))
      return fail(ErrorCode::invalid_input,
                  "'${{ each }}' must read 'each NAME in EXPRESSION', got '${{ " + inner + " }}'",
                  whole->where);
    parsed.variable = name;
    parsed.expression = std::string(trim(tail.substr(2)));
  } else {
    parsed.kind = Directive::expression;
    parsed.expression = whole->expression;
  }
  return parsed;
}

bool is_list_slot(int slot_value, int stages, int jobs, int steps, int variables) {
  return slot_value == stages || slot_value == jobs || slot_value == steps || slot_value == variables;
}

}  // namespace

Result<const ParsedExpression*> Expander::parse(const std::string& text, const Position& where) {
  std::string key = where.to_string() + "|" + text;
  auto* cache = m_loader.cache() ? &m_loader.cache()->expressions : &m_local_expressions;
  if (auto found = cache->find(key); found != cache->end()) return &found->second;
  Result<expr::Expression> parsed = expr::Expression::parse(text, where, expr::Phase::compile_time);
  if (!parsed) return std::unexpected(wrap(parsed.error(), where));
  bool reads_variables = to_lower(text).find("variables") != std::string::npos;
  return &cache->emplace(std::move(key), ParsedExpression{std::move(*parsed), reads_variables}).first->second;
}

Result<expr::Value> Expander::evaluate(const std::string& text, const Position& where, Scope& scope) {
  Result<const ParsedExpression*> expression = parse(text, where);
  if (!expression) return std::unexpected(expression.error());
  expr::Context context;
  context.phase = expr::Phase::compile_time;
  // Azure refuses to read a parameter the template never declared.
  static const std::vector<std::string> k_strict{"parameters"};
  context.strict_members = k_strict;
  context.named_values.reserve(scope.locals.size() + 2);
  for (auto local = scope.locals.rbegin(); local != scope.locals.rend(); ++local)
    context.named_values.push_back(*local);
  context.named_values.emplace_back("parameters", scope.parameters);
  // Building the variables object costs a copy; only expressions naming it need it.
  context.named_values.emplace_back(
      "variables", expr::Value::object((*expression)->reads_variables ? scope.variables.values : expr::Value::Object{}));
  Result<expr::Value> value = (*expression)->expression.evaluate(context);
  if (!value) return std::unexpected(wrap(named_value_error(text, where, context).value_or(value.error()), where));
  return value;
}

// Azure checks named values when it parses, before it evaluates anything, so an
// unknown name wins over an evaluation error. Only the failure path pays for it.
std::optional<Error> Expander::named_value_error(const std::string& text, const Position& where,
                                                 const expr::Context& context) {
  std::vector<std::string> known;
  for (const auto& named : context.named_values) known.push_back(named.first);
  Result<expr::Expression> checked =
      expr::Expression::parse(text, where, expr::Phase::compile_time, known);
  if (checked) return std::nullopt;
  return checked.error();
}

Status Expander::check_text(const yaml::Node& scalar, bool is_key) {
  if (scalar.text().find("${{") == std::string::npos) return {};
  Result<Parsed> parsed = classify(scalar);
  if (!parsed) return std::unexpected(wrap(parsed.error(), scalar.position()));
  switch (parsed->kind) {
    case Directive::none: {
      Result<std::vector<expr::Segment>> segments =
          expr::split_template_string(scalar.text(), scalar.position());
      if (!segments) return std::unexpected(wrap(segments.error(), scalar.position()));
      for (const expr::Segment& segment : *segments)
        if (segment.is_expression) {
          auto result = parse(segment.expression, segment.where);
          if (!result) return std::unexpected(result.error());
        }
      return {};
    }
    case Directive::expression: {
      auto result = parse(parsed->expression, parsed->where);
      if (!result) return std::unexpected(result.error());
      return {};
    }
    default:
      break;
  }
  if (!is_key)
    return std::unexpected(error(scalar.position(), "'" + scalar.text() +
                                                        "' is a directive and must be a mapping key "
                                                        "(add ':' after it)"));
  if (!parsed->expression.empty()) {
    auto result = parse(parsed->expression, parsed->where);
    if (!result) return std::unexpected(result.error());
  }
  return {};
}

Status Expander::check_syntax(const yaml::Node& node, bool is_key) {
  switch (node.kind()) {
    case yaml::Node::Kind::null:
      return {};
    case yaml::Node::Kind::scalar:
      return check_text(node, is_key);
    case yaml::Node::Kind::sequence:
      for (const yaml::Node& item : node.items()) {
        if (Status status = check_syntax(item); !status) return status;
      }
      return {};
    case yaml::Node::Kind::mapping:
      for (const auto& entry : node.entries()) {
        if (Status status = check_syntax(entry.key, true); !status) return status;
        if (Status status = check_syntax(entry.value); !status) return status;
      }
      return {};
  }
  return {};
}

Result<yaml::Node> Expander::interpolate(const yaml::Node& scalar, Scope& scope) {
  Result<std::vector<expr::Segment>> segments =
      expr::split_template_string(scalar.text(), scalar.position());
  if (!segments) return std::unexpected(wrap(segments.error(), scalar.position()));
  std::string text;
  for (const expr::Segment& segment : *segments) {
    if (!segment.is_expression) {
      text += segment.literal;
      continue;
    }
    Result<expr::Value> value = evaluate(segment.expression, segment.where, scope);
    if (!value) return std::unexpected(value.error());
    text += value->to_string();
  }
  return yaml::Node::make_scalar(std::move(text), true, scalar.mark());
}

Result<yaml::Node> Expander::expand(const yaml::Node& in, Scope& scope, Slot slot, Mode mode) {
  switch (in.kind()) {
    case yaml::Node::Kind::null:
      return in;
    case yaml::Node::Kind::scalar: {
      if (mode == Mode::literal || in.text().find("${{") == std::string::npos) return in;
      Result<Parsed> parsed = classify(in);
      if (!parsed) return std::unexpected(wrap(parsed.error(), in.position()));
      if (parsed->kind == Directive::none) return interpolate(in, scope);
      if (parsed->kind != Directive::expression)
        return std::unexpected(error(in.position(), "'" + in.text() +
                                                        "' is a directive and must be a mapping key "
                                                        "(add ':' after it)"));
      Result<expr::Value> value = evaluate(parsed->expression, parsed->where, scope);
      if (!value) return std::unexpected(value.error());
      yaml::Node node = to_node(*value, in.mark());
      if (is_list_slot(int(slot), int(Slot::stages), int(Slot::jobs), int(Slot::steps), int(Slot::variables)) ||
          slot == Slot::stage || slot == Slot::job || slot == Slot::step || slot == Slot::variable)
        return expand(node, scope, slot, Mode::literal);
      return node;
    }
    case yaml::Node::Kind::sequence: {
      yaml::Node out = yaml::Node::make_sequence(in.mark());
      if (Status status = expand_sequence_into(in, scope, slot, mode, out); !status)
        return std::unexpected(status.error());
      return out;
    }
    case yaml::Node::Kind::mapping: {
      yaml::Node out = yaml::Node::make_mapping(in.mark());
      if (slot == Slot::stage || slot == Slot::job) {
        // Variables defined by a stage or job are seen only inside it.
        Variables saved = scope.variables;
        Status status = expand_mapping_into(in, scope, slot, mode, out);
        scope.variables = std::move(saved);
        if (!status) return std::unexpected(status.error());
        return out;
      }
      if (Status status = expand_mapping_into(in, scope, slot, mode, out); !status)
        return std::unexpected(status.error());
      return out;
    }
  }
  return in;
}

Status Expander::expand_mapping_into(const yaml::Node& in, Scope& scope, Slot slot, Mode mode,
                                     yaml::Node& out) {
  if (!in.is_mapping()) {
    if (in.is_null()) return {};
    return std::unexpected(error(in.position(), std::string("expected a mapping here, got a ") +
                                                    in.kind_name()));
  }
  bool opened = m_open_mappings.empty() || m_open_mappings.back().node != &out;
  if (opened) {
    OpenMapping open{&out, {}};
    for (const auto& entry : out.entries()) open.keys.insert(entry.key.text());
    m_open_mappings.push_back(std::move(open));
  }
  Status status = expand_mapping_entries(in, scope, slot, mode, out);
  if (opened) m_open_mappings.pop_back();
  return status;
}

Status Expander::expand_mapping_entries(const yaml::Node& in, Scope& scope, Slot slot, Mode mode, yaml::Node& out) {
  IfState state = IfState::none;
  // Variables first: later expressions of the same object may read them.
  bool scoped = slot == Slot::root || slot == Slot::stage || slot == Slot::job;
  if (scoped) {
    for (const auto& entry : in.entries())
      if (entry.key.text() == "variables") {
        IfState ignored = IfState::none;
        if (Status status = expand_entry(entry, scope, slot, mode, ignored, out); !status) return status;
      }
  }
  for (const auto& entry : in.entries()) {
    if (scoped && entry.key.text() == "variables") continue;
    if (slot == Slot::root && entry.key.text() == "parameters") continue;
    if (Status status = expand_entry(entry, scope, slot, mode, state, out); !status) return status;
  }
  return {};
}

Status Expander::add_entry(yaml::Node key, yaml::Node value, Scope& scope, Slot slot, yaml::Node& out) {
  bool defined = false;
  auto open = std::find_if(m_open_mappings.rbegin(), m_open_mappings.rend(),
                           [&](const OpenMapping& m) { return m.node == &out; });
  if (open != m_open_mappings.rend()) defined = !open->keys.insert(key.text()).second;
  else defined = out.get(key.text()) != nullptr;
  if (defined) return std::unexpected(error(key.position(), "'" + key.text() + "' is already defined"));
  if (slot == Slot::variables) register_variable(key.text(), value, scope);
  out.entries().push_back({std::move(key), std::move(value)});
  return {};
}

// Whether the body of an if / elseif / else directive is expanded, advancing
// `state` along the chain. Branches not taken still have their expression
// syntax checked, as Azure does; only a taken chain's conditions are evaluated.
Result<bool> Expander::take_branch(const Parsed& parsed, const yaml::Node& key, Scope& scope,
                                   IfState& state) {
  if (parsed.kind != Directive::if_ && state == IfState::none)
    return std::unexpected(
        error(key.position(), "'" + key.text() + "' must follow '${{ if }}' or '${{ elseif }}'"));
  bool run = false;
  if (parsed.kind == Directive::else_ || (parsed.kind == Directive::elseif && state == IfState::taken)) {
    run = parsed.kind == Directive::else_ && state == IfState::not_taken;
    if (parsed.kind == Directive::elseif) {
      if (auto checked = parse(parsed.expression, parsed.where); !checked)
        return std::unexpected(checked.error());
    }
  } else {
    Result<expr::Value> condition = evaluate(parsed.expression, parsed.where, scope);
    if (!condition) return std::unexpected(condition.error());
    run = condition->to_boolean();
  }
  if (parsed.kind == Directive::else_)
    state = IfState::none;
  else if (state != IfState::taken)
    state = run ? IfState::taken : IfState::not_taken;
  return run;
}

Status Expander::expand_entry(const yaml::Node::Entry& entry, Scope& scope, Slot slot, Mode mode,
                              IfState& state, yaml::Node& out) {
  const yaml::Node& key = entry.key;
  Parsed parsed;
  if (mode == Mode::evaluate && key.text().find("${{") != std::string::npos) {
    Result<Parsed> classified = classify(key);
    if (!classified) return std::unexpected(wrap(classified.error(), key.position()));
    parsed = std::move(*classified);
  }
  auto merge_body = [&](const yaml::Node& body) -> Status {
    if (body.is_null()) return {};
    if (!body.is_mapping())
      return std::unexpected(error(body.position(), "the body of '" + key.text() +
                                                        "' must be a mapping here, got a " +
                                                        body.kind_name()));
    IfState inner = IfState::none;
    for (const auto& child : body.entries())
      if (Status status = expand_entry(child, scope, slot, mode, inner, out); !status) return status;
    return {};
  };
  switch (parsed.kind) {
    case Directive::if_:
    case Directive::elseif:
    case Directive::else_: {
      Result<bool> run = take_branch(parsed, key, scope, state);
      if (!run) return std::unexpected(run.error());
      if (!*run) return check_syntax(entry.value);
      return merge_body(entry.value);
    }
    case Directive::each: {
      state = IfState::none;
      Result<expr::Value> collection = evaluate(parsed.expression, parsed.where, scope);
      if (!collection) return std::unexpected(collection.error());
      std::vector<expr::Value> items;
      if (collection->kind() == expr::Value::Kind::array) {
        items = collection->as_array();
      } else if (collection->kind() == expr::Value::Kind::object) {
        for (const auto& [name, value] : collection->as_object())
          items.push_back(expr::Value::object({{"key", expr::Value::string(name)}, {"value", value}}));
      } else if (!collection->is_null()) {
        return std::unexpected(error(parsed.where, "'${{ each }}' needs a sequence or a mapping, got a scalar from '" +
                                                       parsed.expression + "'"));
      }
      if (items.empty()) return check_syntax(entry.value);
      for (expr::Value& item : items) {
        scope.locals.emplace_back(parsed.variable, std::move(item));
        Status status = merge_body(entry.value);
        scope.locals.pop_back();
        if (!status) return status;
      }
      return {};
    }
    case Directive::insert: {
      state = IfState::none;
      Result<yaml::Node> value = expand(entry.value, scope, Slot::data, mode);
      if (!value) return std::unexpected(value.error());
      if (value->is_null()) return {};
      if (!value->is_mapping())
        return std::unexpected(error(entry.value.position(),
                                     "'${{ insert }}' in a mapping needs a mapping, got a " +
                                         std::string(value->kind_name())));
      for (auto& child : value->entries())
        if (Status status = add_entry(child.key, child.value, scope, slot, out); !status) return status;
      return {};
    }
    case Directive::expression:
    case Directive::none:
      break;
  }
  state = IfState::none;
  yaml::Node new_key = key;
  if (parsed.kind == Directive::expression) {
    Result<expr::Value> value = evaluate(parsed.expression, parsed.where, scope);
    if (!value) return std::unexpected(value.error());
    new_key = yaml::Node::make_scalar(value->to_string(), false, key.mark());
  } else if (mode == Mode::evaluate && key.text().find("${{") != std::string::npos) {
    Result<yaml::Node> text = interpolate(key, scope);
    if (!text) return std::unexpected(text.error());
    new_key = yaml::Node::make_scalar(text->text(), false, key.mark());
  }
  const std::string& name = new_key.text();
  Slot child = Slot::other;
  if (slot == Slot::data) {
    child = Slot::data;
  } else if (name == "parameters" || (slot == Slot::root && name == "extends")) {
    child = Slot::data;
  } else if (name == "stages") {
    child = Slot::stages;
  } else if (name == "jobs") {
    child = Slot::jobs;
  } else if (name == "steps") {
    child = Slot::steps;
  } else if (name == "variables" && (slot == Slot::root || slot == Slot::stage || slot == Slot::job)) {
    child = Slot::variables;
  }
  Result<yaml::Node> value = expand(entry.value, scope, child, mode);
  if (!value) return std::unexpected(value.error());
  return add_entry(std::move(new_key), std::move(*value), scope, slot, out);
}

Status Expander::expand_sequence_into(const yaml::Node& in, Scope& scope, Slot slot, Mode mode,
                                      yaml::Node& out) {
  if (!in.is_sequence()) {
    if (in.is_null()) return {};
    return std::unexpected(error(in.position(), std::string("expected a sequence here, got a ") +
                                                    in.kind_name()));
  }
  IfState state = IfState::none;
  for (const yaml::Node& item : in.items())
    if (Status status = expand_item(item, scope, slot, mode, state, out); !status) return status;
  return {};
}

Status Expander::expand_item(const yaml::Node& item, Scope& scope, Slot slot, Mode mode,
                             IfState& state, yaml::Node& out) {
  Slot item_slot = slot == Slot::stages ? Slot::stage
                   : slot == Slot::jobs ? Slot::job
                   : slot == Slot::steps ? Slot::step
                   : slot == Slot::variables ? Slot::variable
                   : slot;
  Parsed parsed;
  const yaml::Node* body = nullptr;
  const yaml::Node* key = nullptr;
  if (mode == Mode::evaluate && item.is_mapping() && item.entries().size() == 1 &&
      item.entries()[0].key.text().find("${{") != std::string::npos) {
    key = &item.entries()[0].key;
    Result<Parsed> classified = classify(*key);
    if (!classified) return std::unexpected(wrap(classified.error(), key->position()));
    parsed = std::move(*classified);
    body = &item.entries()[0].value;
  }
  auto splice = [&](const yaml::Node& content) -> Status {
    if (content.is_null()) return {};
    if (content.is_sequence()) {
      IfState inner = IfState::none;
      for (const yaml::Node& child : content.items())
        if (Status status = expand_item(child, scope, slot, mode, inner, out); !status) return status;
      return {};
    }
    IfState inner = IfState::none;
    return expand_item(content, scope, slot, mode, inner, out);
  };
  switch (parsed.kind) {
    case Directive::if_:
    case Directive::elseif:
    case Directive::else_: {
      Result<bool> run = take_branch(parsed, *key, scope, state);
      if (!run) return std::unexpected(run.error());
      if (!*run) return check_syntax(*body);
      return splice(*body);
    }
    case Directive::each: {
      state = IfState::none;
      Result<expr::Value> collection = evaluate(parsed.expression, parsed.where, scope);
      if (!collection) return std::unexpected(collection.error());
      std::vector<expr::Value> items;
      if (collection->kind() == expr::Value::Kind::array) {
        items = collection->as_array();
      } else if (collection->kind() == expr::Value::Kind::object) {
        for (const auto& [name, value] : collection->as_object())
          items.push_back(expr::Value::object({{"key", expr::Value::string(name)}, {"value", value}}));
      } else if (!collection->is_null()) {
        return std::unexpected(error(parsed.where, "'${{ each }}' needs a sequence or a mapping, got a scalar from '" +
                                                       parsed.expression + "'"));
      }
      if (items.empty()) return check_syntax(*body);
      for (expr::Value& value : items) {
        scope.locals.emplace_back(parsed.variable, std::move(value));
        Status status = splice(*body);
        scope.locals.pop_back();
        if (!status) return status;
      }
      return {};
    }
    case Directive::insert: {
      state = IfState::none;
      Result<yaml::Node> value = expand(*body, scope, Slot::data, mode);
      if (!value) return std::unexpected(value.error());
      if (value->is_null()) return {};
      if (value->is_sequence()) {
        for (const yaml::Node& child : value->items()) {
          Result<yaml::Node> resolved = expand(child, scope, item_slot, Mode::literal);
          if (!resolved) return std::unexpected(resolved.error());
          if (Status status = emit_item(std::move(*resolved), scope, slot, out); !status) return status;
        }
        return {};
      }
      Result<yaml::Node> resolved = expand(*value, scope, item_slot, Mode::literal);
      if (!resolved) return std::unexpected(resolved.error());
      return emit_item(std::move(*resolved), scope, slot, out);
    }
    case Directive::expression:
    case Directive::none:
      break;
  }
  state = IfState::none;
  // A whole-scalar expression item: arrays splice, null disappears.
  if (mode == Mode::evaluate && item.is_scalar() && item.text().find("${{") != std::string::npos) {
    Result<Parsed> classified = classify(item);
    if (!classified) return std::unexpected(wrap(classified.error(), item.position()));
    if (classified->kind != Directive::none && classified->kind != Directive::expression)
      return std::unexpected(error(item.position(), "'" + item.text() +
                                                        "' is a directive and must be a mapping key "
                                                        "(add ':' after it)"));
    if (classified->kind == Directive::expression) {
      Result<expr::Value> value = evaluate(classified->expression, classified->where, scope);
      if (!value) return std::unexpected(value.error());
      if (value->is_null()) return {};
      yaml::Node node = to_node(*value, item.mark());
      if (node.is_sequence()) {
        for (const yaml::Node& child : node.items()) {
          Result<yaml::Node> resolved = expand(child, scope, item_slot, Mode::literal);
          if (!resolved) return std::unexpected(resolved.error());
          if (Status status = emit_item(std::move(*resolved), scope, slot, out); !status) return status;
        }
        return {};
      }
      Result<yaml::Node> resolved = expand(node, scope, item_slot, Mode::literal);
      if (!resolved) return std::unexpected(resolved.error());
      return emit_item(std::move(*resolved), scope, slot, out);
    }
  }
  Result<yaml::Node> expanded = expand(item, scope, item_slot, mode);
  if (!expanded) return std::unexpected(expanded.error());
  return emit_item(std::move(*expanded), scope, slot, out);
}

}  // namespace slipway::pipeline
