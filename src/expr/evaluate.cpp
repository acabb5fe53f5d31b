// Evaluation of the parsed tree: literals, named values and accessors.
// Functions live in functions.cpp.
//
// Speed matters (the expander evaluates millions of expressions), so a
// node's result is a Ref: a pointer to a value that outlives the evaluation
// (a named value of the context, a literal of the tree, or an item inside
// one of those) whenever possible, and an owned value only when something new
// is computed. `parameters.a.b` therefore copies nothing until the final
// result leaves evaluate(). Items of owned containers are copied out, so a
// pointer never refers to a temporary.
#include "core/strings.h"
#include "expr/node.h"

namespace slipway::expr {

namespace {

// The item `key` selects in `target`, or nullptr: arrays by whole non-negative
// number, objects by string ignoring case; anything else finds nothing.
const Value* lookup(const Value& target, const Value& key) {
  if (target.kind() == Value::Kind::array) {
    std::optional<Decimal> number = key.kind() == Value::Kind::number ? key.as_number() : key.to_number();
    if (!number || key.kind() == Value::Kind::null) return nullptr;
    std::optional<long long> index = number->to_integer();
    const Value::Array& items = target.as_array();
    if (!index || *index < 0 || static_cast<size_t>(*index) >= items.size()) return nullptr;
    return &items[static_cast<size_t>(*index)];
  }
  if (target.kind() == Value::Kind::object) {
    if (key.kind() == Value::Kind::string) return target.member(key.as_string());
    std::optional<std::string> name = key.try_to_string();
    return name ? target.member(*name) : nullptr;
  }
  return nullptr;
}

}  // namespace

Error Evaluator::error(int column, std::string sentence) const {
  return located_error(m_expression.text(), m_expression.where(), column, std::move(sentence));
}

Result<Ref> Evaluator::evaluate(const Node& node) {
  switch (node.type) {
    case Node::Type::literal: return Ref::borrow(node.literal);
    case Node::Type::named_value:
      for (const auto& [name, value] : m_context.named_values)
        if (equals_ignore_case(name, node.name)) return Ref::borrow(value);
      return std::unexpected(error(node.column, "Unrecognized named-value: '" + node.name + "'."));
    case Node::Type::function: return call_function(node, *this);
    case Node::Type::index: {
      Result<Ref> target = evaluate(node.children[0]);
      if (!target) return target;
      Result<Ref> key = evaluate(node.children[1]);
      if (!key) return key;
      return index(node, std::move(*target), key->get());
    }
    case Node::Type::wildcard: {
      Result<Ref> target = evaluate(node.children[0]);
      if (!target) return target;
      const Value& value = target->get();
      if (value.kind() == Value::Kind::array && !target->filtered) {
        target->filtered = true;  // the same items, now filtered: no copy
        return target;
      }
      Value::Array items;
      auto add_children = [&items](const Value& container) {
        if (container.kind() == Value::Kind::array) {
          for (const Value& item : container.as_array()) items.push_back(item);
        } else if (container.kind() == Value::Kind::object) {
          for (const auto& member : container.as_object()) items.push_back(member.second);
        }
      };
      if (target->filtered) {
        for (const Value& item : value.as_array()) add_children(item);
      } else {
        add_children(value);
      }
      Ref result = Ref::own(Value::array(std::move(items)));
      result.filtered = true;
      return result;
    }
  }
  return std::unexpected(error(node.column, "Internal error: unknown node."));
}

Result<Ref> Evaluator::index(const Node& node, Ref target, const Value& key) {
  const Value& value = target.get();
  if (target.filtered) {
    // a.*.b: apply the accessor to every item, keeping what is found.
    Value::Array items;
    for (const Value& item : value.as_array())
      if (const Value* found = lookup(item, key)) items.push_back(*found);
    Ref result = Ref::own(Value::array(std::move(items)));
    result.filtered = true;
    return result;
  }
  const Value* found = lookup(value, key);
  if (!found) {
    const Node& base = node.children[0];
    if (base.type == Node::Type::named_value && value.kind() == Value::Kind::object) {
      for (const std::string& strict : m_context.strict_members) {
        if (!equals_ignore_case(strict, base.name)) continue;
        std::string what = equals_ignore_case(base.name, "parameters") ? "parameter" : "member of '" + base.name + "'";
        return std::unexpected(error(node.children[1].column,
                                     "Unrecognized " + what + ": '" + key.to_string() + "'."));
      }
    }
    return Ref::own(Value());
  }
  if (target.ptr) return Ref::borrow(*found);
  return Ref::own(*found);
}

Result<Value> Expression::evaluate(const Context& context) const {
  if (!m_root) return fail(ErrorCode::internal, "evaluate() called on an expression that was never parsed", m_where);
  Evaluator evaluator(*this, context);
  Result<Ref> result = evaluator.evaluate(*m_root);
  if (!result) return std::unexpected(std::move(result.error()));
  return std::move(*result).take();
}

}  // namespace slipway::expr
