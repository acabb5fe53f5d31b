// Text around expressions: "build-${{ parameters.os }}" split into segments,
// and run-time $(name) macros.
//
// The closing "}}" of an expression is searched outside quoted strings, so
// ${{ '}}' }} is one expression. Macro names are what Azure accepts in
// $(name): letters, digits, '_', '.', '-' (Build.SourceBranch, my-var);
// anything else after "$(" is left as plain text.
#include "expr/expression.h"

namespace slipway::expr {

namespace {

// Moves `position` over `text`: line breaks start a new line; columns count
// characters (UTF-8 code points). Unknown positions stay unknown.
void move_over(Position& position, std::string_view text) {
  if (position.line <= 0) return;
  for (unsigned char c : text) {
    if (c == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++position.column;
    }
  }
}

bool is_macro_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

// The name of a macro starting at text[pos] ("$(") and its end, or an empty name.
std::string_view macro_at(std::string_view text, size_t pos, size_t& end) {
  size_t i = pos + 2;
  while (i < text.size() && is_macro_char(text[i])) ++i;
  if (i == pos + 2 || i >= text.size() || text[i] != ')') return {};
  end = i + 1;
  return text.substr(pos + 2, i - pos - 2);
}

}  // namespace

Result<std::vector<Segment>> split_template_string(std::string_view text, Position where) {
  std::vector<Segment> segments;
  Position position = where;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("${{", pos);
    if (open == std::string_view::npos) open = text.size();
    if (open > pos) {
      Segment literal;
      literal.literal = std::string(text.substr(pos, open - pos));
      literal.where = position;
      move_over(position, literal.literal);
      segments.push_back(std::move(literal));
    }
    if (open == text.size()) break;
    Position opening = position;
    size_t start = open + 3;
    bool quoted = false;
    size_t close = std::string_view::npos;
    for (size_t i = start; i < text.size(); ++i) {
      if (text[i] == '\'') quoted = !quoted;
      else if (!quoted && text[i] == '}' && i + 1 < text.size() && text[i + 1] == '}') {
        close = i;
        break;
      }
    }
    if (close == std::string_view::npos)
      return fail(ErrorCode::invalid_input, "Unterminated expression: '${{' without a matching '}}'.", opening);
    move_over(position, "${{");
    Segment expression;
    expression.is_expression = true;
    expression.expression = std::string(text.substr(start, close - start));
    expression.where = position;
    move_over(position, expression.expression);
    move_over(position, "}}");
    segments.push_back(std::move(expression));
    pos = close + 2;
  }
  return segments;
}

std::optional<RuntimeExpression> runtime_expression(std::string_view text, Position where) {
  size_t begin = 0;
  size_t end = text.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (begin < end && space(text[begin])) ++begin;
  while (end > begin && space(text[end - 1])) --end;
  if (end - begin < 3 || text.substr(begin, 2) != "$[" || text[end - 1] != ']') return std::nullopt;
  move_over(where, text.substr(0, begin + 2));
  return RuntimeExpression{std::string(text.substr(begin + 2, end - 1 - begin - 2)), std::move(where)};
}

std::vector<std::string> macro_names(std::string_view text) {
  std::vector<std::string> names;
  size_t pos = 0;
  while ((pos = text.find("$(", pos)) != std::string_view::npos) {
    size_t end = 0;
    std::string_view name = macro_at(text, pos, end);
    if (name.empty()) {
      pos += 2;
      continue;
    }
    names.emplace_back(name);
    pos = end;
  }
  return names;
}

std::string expand_macros(std::string_view text,
                          const std::function<std::optional<std::string>(std::string_view)>& lookup) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    size_t found = text.find("$(", pos);
    if (found == std::string_view::npos) break;
    size_t end = 0;
    std::string_view name = macro_at(text, found, end);
    if (name.empty()) {
      out.append(text.substr(pos, found + 2 - pos));
      pos = found + 2;
      continue;
    }
    out.append(text.substr(pos, found - pos));
    if (std::optional<std::string> value = lookup(name)) out += *value;
    else out.append(text.substr(found, end - found));
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace slipway::expr
