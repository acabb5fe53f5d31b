// The expression parser: text → Node tree, checked against Azure's limits.
//
// Grammar (Azure Pipelines has no infix operators):
//
//   expression := primary postfix*
//   primary    := literal | NAME | NAME '(' [expression (',' expression)*] ')'
//   postfix    := '.' NAME | '.' '*' | '[' expression ']' | '[' '*' ']'
//   literal    := 'string' ('' escapes a quote) | number | version
//               | true | false | null            (any case)
//   number     := ['-'] digits ['.' digits] | ['-'] '.' digits   (a .NET decimal)
//   version    := digits '.' digits '.' digits ['.' digits]      (2 or 3 dots)
//   NAME       := [A-Za-z_][A-Za-z0-9_]*
//
// Lexing follows Azure's: a token that starts like a number ('-', a digit, or
// '.' followed by a digit where a value may start) runs to the next white
// space or punctuation other than '.', and is a version when it holds two or
// more dots, else a decimal; anything else is "Unrecognized value". A NAME
// followed by '(' is a function, after '.' a member name, else a named value
// (resolved at evaluation, because which names exist depends on the caller:
// parameters, variables, each-loop variables...). Function names and arities
// are checked here, so syntax errors surface even in branches never taken.
//
// The parser is recursive descent; recursion is bounded by the depth limit
// (50 levels, counted as the height of the tree, accessors included), and the
// text by the length limit (21 000 characters), both checked before any
// evaluation.
#include <cctype>

#include "core/strings.h"
#include "expr/node.h"

namespace slipway::expr {

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_punctuation(char c) {
  return c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '.';
}

// Columns count characters (UTF-8 code points), not bytes.
int column_of(std::string_view text, size_t offset) {
  int column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return column;
}

struct Token {
  enum class Kind { end, lparen, rparen, lbracket, rbracket, comma, dot, star, literal, name, bad };
  Kind kind = Kind::end;
  size_t offset = 0;
  std::string_view text;
  Value value;            // literal
  std::string sentence;   // bad: the error sentence
};

class Parser {
 public:
  Parser(std::string_view text, const Position& where, Phase phase)
      : m_text(text), m_where(where), m_phase(phase) {}

  Result<Node> parse() {
    if (m_text.size() > Expression::k_max_length)
      return std::unexpected(error_at(0, "Exceeded max expression length " +
                                             std::to_string(Expression::k_max_length) + "."));
    advance();
    Result<Node> root = parse_expression(1);
    if (!root) return root;
    if (m_token.kind != Token::Kind::end) return std::unexpected(unexpected(m_token));
    if (const Node* deep = too_deep(*root, 1))
      return std::unexpected(error_at_column(deep->column, depth_sentence()));
    return root;
  }

 private:
  static std::string depth_sentence() {
    return "Exceeded max expression depth " + std::to_string(Expression::k_max_depth) + ".";
  }

  // The first node found deeper than the limit, or nullptr.
  static const Node* too_deep(const Node& node, int depth) {
    if (depth > Expression::k_max_depth) return &node;
    for (const Node& child : node.children)
      if (const Node* deep = too_deep(child, depth + 1)) return deep;
    return nullptr;
  }

  Error error_at(size_t offset, std::string sentence) const {
    return located_error(m_text, m_where, column_of(m_text, offset), std::move(sentence));
  }
  Error error_at_column(int column, std::string sentence) const {
    return located_error(m_text, m_where, column, std::move(sentence));
  }

  Error unexpected(const Token& token) const {
    if (token.kind == Token::Kind::end) return error_at(m_text.size(), "Unexpected end of expression.");
    if (token.kind == Token::Kind::bad) return error_at(token.offset, token.sentence);
    return error_at(token.offset, "Unexpected symbol: '" + std::string(token.text) + "'.");
  }

  // Reads the next token into m_token; m_previous keeps the kind of the last one.
  void advance() {
    m_previous = m_token.kind;
    m_token = Token{};
    while (m_pos < m_text.size() && is_space(m_text[m_pos])) ++m_pos;
    m_token.offset = m_pos;
    if (m_pos >= m_text.size()) return;
    char c = m_text[m_pos];
    auto single = [&](Token::Kind kind) {
      m_token.kind = kind;
      m_token.text = m_text.substr(m_pos, 1);
      ++m_pos;
    };
    bool value_may_start = m_previous != Token::Kind::name && m_previous != Token::Kind::rparen &&
                           m_previous != Token::Kind::rbracket && m_previous != Token::Kind::literal;
    bool dot_number = c == '.' && value_may_start && m_pos + 1 < m_text.size() &&
                      std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1]));
    switch (c) {
      case '(': return single(Token::Kind::lparen);
      case ')': return single(Token::Kind::rparen);
      case '[': return single(Token::Kind::lbracket);
      case ']': return single(Token::Kind::rbracket);
      case ',': return single(Token::Kind::comma);
      case '*': return single(Token::Kind::star);
      case '.':
        if (!dot_number) return single(Token::Kind::dot);
        return read_number();
      case '\'': return read_string();
      default: break;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return read_number();
    if (is_name_start(c)) return read_name();
    // One character (a whole UTF-8 sequence) that starts no token.
    size_t length = 1;
    while (m_pos + length < m_text.size() &&
           (static_cast<unsigned char>(m_text[m_pos + length]) & 0xC0) == 0x80)
      ++length;
    m_token.kind = Token::Kind::bad;
    m_token.text = m_text.substr(m_pos, length);
    m_token.sentence = "Unexpected symbol: '" + std::string(m_token.text) + "'.";
    m_pos += length;
  }

  void read_string() {
    size_t start = m_pos++;
    std::string value;
    while (m_pos < m_text.size()) {
      char c = m_text[m_pos++];
      if (c != '\'') {
        value.push_back(c);
        continue;
      }
      if (m_pos < m_text.size() && m_text[m_pos] == '\'') {
        value.push_back('\'');
        ++m_pos;
        continue;
      }
      m_token.kind = Token::Kind::literal;
      m_token.text = m_text.substr(start, m_pos - start);
      m_token.value = Value::string(std::move(value));
      return;
    }
    m_token.kind = Token::Kind::bad;
    m_token.text = m_text.substr(start);
    m_token.sentence = "Unterminated string: " + std::string(m_token.text) + " has no closing quote.";
  }

  void read_number() {
    size_t start = m_pos++;
    int dots = m_text[start] == '.' ? 1 : 0;
    while (m_pos < m_text.size() && !is_space(m_text[m_pos]) &&
           (!is_punctuation(m_text[m_pos]) || m_text[m_pos] == '.')) {
      if (m_text[m_pos] == '.') ++dots;
      ++m_pos;
    }
    m_token.text = m_text.substr(start, m_pos - start);
    m_token.kind = Token::Kind::literal;
    if (dots >= 2) {
      if (std::optional<std::string> version = normalize_version(m_token.text)) {
        m_token.value = Value::version(std::move(*version));
        return;
      }
    } else if (m_token.text[0] != '+') {
      if (std::optional<Decimal> number = Decimal::parse(m_token.text)) {
        m_token.value = Value::number(*number);
        return;
      }
    }
    m_token.kind = Token::Kind::bad;
    m_token.sentence = "Unrecognized value: '" + std::string(m_token.text) + "'.";
  }

  void read_name() {
    size_t start = m_pos;
    while (m_pos < m_text.size() && is_name_char(m_text[m_pos])) ++m_pos;
    m_token.text = m_text.substr(start, m_pos - start);
    m_token.kind = Token::Kind::name;
    if (m_previous == Token::Kind::dot) return;  // a member name, whatever it spells
    if (equals_ignore_case(m_token.text, "true") || equals_ignore_case(m_token.text, "false")) {
      m_token.kind = Token::Kind::literal;
      m_token.value = Value::boolean(equals_ignore_case(m_token.text, "true"));
    } else if (equals_ignore_case(m_token.text, "null")) {
      m_token.kind = Token::Kind::literal;
    }
  }

  bool next_is_lparen() const {
    size_t pos = m_pos;
    while (pos < m_text.size() && is_space(m_text[pos])) ++pos;
    return pos < m_text.size() && m_text[pos] == '(';
  }

  Result<Node> parse_expression(int depth) {
    if (depth > Expression::k_max_depth) return std::unexpected(error_at(m_token.offset, depth_sentence()));
    Node node;
    node.column = column_of(m_text, m_token.offset);
    switch (m_token.kind) {
      case Token::Kind::literal:
        node.type = Node::Type::literal;
        node.literal = std::move(m_token.value);
        advance();
        break;
      case Token::Kind::name:
        if (next_is_lparen()) {
          Result<Node> call = parse_call(depth);
          if (!call) return call;
          node = std::move(*call);
        } else {
          node.type = Node::Type::named_value;
          node.name = std::string(m_token.text);
          advance();
        }
        break;
      default: return std::unexpected(unexpected(m_token));
    }
    return parse_postfix(std::move(node), depth);
  }

  Result<Node> parse_call(int depth) {
    Node node;
    node.type = Node::Type::function;
    node.column = column_of(m_text, m_token.offset);
    node.name = std::string(m_token.text);
    node.function = find_function(node.name);
    if (!node.function)
      return std::unexpected(error_at(m_token.offset, "Unrecognized function: '" + node.name + "'."));
    if (node.function->run_time_only && m_phase == Phase::compile_time)
      return std::unexpected(error_at(m_token.offset, "Function '" + std::string(node.function->name) +
                                                          "' is only available in run-time expressions."));
    advance();  // the name
    advance();  // '('
    if (m_token.kind == Token::Kind::rparen) {
      advance();
    } else {
      while (true) {
        Result<Node> argument = parse_expression(depth + 1);
        if (!argument) return argument;
        node.children.push_back(std::move(*argument));
        if (m_token.kind == Token::Kind::comma) {
          advance();
          continue;
        }
        if (m_token.kind != Token::Kind::rparen) return std::unexpected(unexpected(m_token));
        advance();
        break;
      }
    }
    int count = static_cast<int>(node.children.size());
    if (count < node.function->min_args)
      return std::unexpected(error_at_column(node.column, "Too few parameters supplied: '" + node.name + "'."));
    if (count > node.function->max_args)
      return std::unexpected(error_at_column(node.column, "Too many parameters supplied: '" + node.name + "'."));
    return node;
  }

  Result<Node> parse_postfix(Node node, int depth) {
    while (true) {
      Node access;
      access.column = node.column;  // errors point at the start of the whole chain
      if (m_token.kind == Token::Kind::dot) {
        advance();
        if (m_token.kind == Token::Kind::star) {
          access.type = Node::Type::wildcard;
        } else if (m_token.kind == Token::Kind::name) {
          access.type = Node::Type::index;
          Node key;
          key.column = column_of(m_text, m_token.offset);
          key.literal = Value::string(std::string(m_token.text));
          access.children.push_back(std::move(node));
          access.children.push_back(std::move(key));
        } else {
          return std::unexpected(unexpected(m_token));
        }
        if (access.type == Node::Type::wildcard) access.children.push_back(std::move(node));
        advance();
      } else if (m_token.kind == Token::Kind::lbracket) {
        advance();
        if (m_token.kind == Token::Kind::star) {
          access.type = Node::Type::wildcard;
          access.children.push_back(std::move(node));
          advance();
        } else {
          Result<Node> key = parse_expression(depth + 1);
          if (!key) return key;
          access.type = Node::Type::index;
          access.children.push_back(std::move(node));
          access.children.push_back(std::move(*key));
        }
        if (m_token.kind != Token::Kind::rbracket) return std::unexpected(unexpected(m_token));
        advance();
      } else {
        return node;
      }
      node = std::move(access);
    }
  }

 private:
  std::string_view m_text;
  const Position& m_where;
  Phase m_phase;
  size_t m_pos = 0;
  Token m_token;
  Token::Kind m_previous = Token::Kind::end;
};

}  // namespace

Error located_error(std::string_view text, const Position& where, int column, std::string sentence) {
  // Quote the trimmed text; columns follow it.
  size_t lead = 0;
  while (lead < text.size() && is_space(text[lead])) ++lead;
  std::string_view shown = trim(text);
  int shown_column = std::max(1, column - column_of(text, lead) + 1);
  std::string quoted(shown.substr(0, 200));
  if (shown.size() > 200) quoted += "...";
  Error error{ErrorCode::invalid_input,
              sentence + " Located at column " + std::to_string(shown_column) + " in expression '" +
                  quoted + "'.",
              where};
  // The exact file column when the expression sits on one line up to there.
  size_t offset = 0;
  for (int c = 1; offset < text.size() && c < column; ++c) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
  }
  if (where.known() && where.line > 0 && text.substr(0, offset).find('\n') == std::string_view::npos)
    error.where.column = where.column + column - 1;
  return error;
}

Result<Expression> Expression::parse(std::string_view text, Position where, Phase phase) {
  Parser parser(text, where, phase);
  Result<Node> root = parser.parse();
  if (!root) return std::unexpected(std::move(root.error()));
  Expression expression;
  expression.m_root = std::make_shared<const Node>(std::move(*root));
  expression.m_text = std::string(text);
  expression.m_where = std::move(where);
  return expression;
}

namespace {

// The first named value (in source order) not among `known`, or nullptr.
const Node* unknown_name(const Node& node, const std::vector<std::string>& known) {
  if (node.type == Node::Type::named_value) {
    for (const std::string& name : known)
      if (equals_ignore_case(name, node.name)) return nullptr;
    return &node;
  }
  for (const Node& child : node.children)
    if (const Node* unknown = unknown_name(child, known)) return unknown;
  return nullptr;
}

}  // namespace

Result<Expression> Expression::parse(std::string_view text, Position where, Phase phase,
                                     const std::vector<std::string>& known_names) {
  Result<Expression> expression = parse(text, where, phase);
  if (!expression) return expression;
  if (const Node* unknown = unknown_name(*expression->m_root, known_names))
    return std::unexpected(located_error(text, where, unknown->column,
                                         "Unrecognized named-value: '" + unknown->name + "'."));
  return expression;
}

const std::vector<std::string>& Expression::run_time_named_values() {
  static const std::vector<std::string> names = {"variables", "dependencies", "stageDependencies", "pipeline",
                                                 "resources"};
  return names;
}

const std::string& Expression::text() const { return m_text; }

std::string Expression::quoted_text() const {
  std::string_view shown = trim(m_text);
  std::string quoted(shown.substr(0, 200));
  if (shown.size() > 200) quoted += "...";
  return quoted;
}

}  // namespace slipway::expr
