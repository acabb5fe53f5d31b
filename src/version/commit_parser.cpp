// Hand-written equivalents of the presets' regular expressions (see the
// header). std::regex would be simpler to read but costs tens of microseconds
// per line, and the benchmark parses 20 000 messages; each function below
// names the expression it implements and follows its backtracking.
#include "version/commit_parser.h"

#include <cctype>

#include "core/strings.h"

namespace slipway::version {

namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

struct Header {
  std::string type;
  std::optional<std::string> scope;
  std::string subject;
};

// /^(\w*)(?:\((.*)\))?MARK: (.*)$/ where MARK is "" (angular), "!" (the
// breaking header) or "!?" (conventionalcommits). `.*` of the scope is greedy,
// so the scope ends at the last ")" that the rest of the pattern accepts.
std::optional<Header> match_header(std::string_view line, std::string_view mark) {
  size_t i = 0;
  while (i < line.size() && is_word(line[i])) ++i;
  Header h;
  h.type = std::string(line.substr(0, i));
  auto rest_matches = [&](size_t at, size_t& subject_at) {
    std::string_view rest = line.substr(at);
    if (mark == "!?") {
      if (rest.starts_with("!: ")) { subject_at = at + 3; return true; }
      if (rest.starts_with(": ")) { subject_at = at + 2; return true; }
      return false;
    }
    std::string want = std::string(mark) + ": ";
    if (rest.starts_with(want)) { subject_at = at + want.size(); return true; }
    return false;
  };
  size_t subject_at = 0;
  if (i < line.size() && line[i] == '(') {
    for (size_t close = line.size(); close-- > i + 1;) {
      if (line[close] == ')' && rest_matches(close + 1, subject_at)) {
        h.scope = std::string(line.substr(i + 1, close - i - 1));
        h.subject = std::string(line.substr(subject_at));
        return h;
      }
    }
  }
  if (!rest_matches(i, subject_at)) return std::nullopt;
  h.subject = std::string(line.substr(subject_at));
  return h;
}

// /^[\s|*]*(KEYWORDS)[:\s]+(.*)/i
std::optional<CommitNote> match_note(std::string_view line, Preset preset) {
  size_t i = 0;
  while (i < line.size() && (is_space(line[i]) || line[i] == '|' || line[i] == '*')) ++i;
  std::string_view rest = line.substr(i);
  const size_t keyword_size = 15;  // "BREAKING CHANGE" and "BREAKING-CHANGE"
  if (rest.size() <= keyword_size) return std::nullopt;
  std::string_view keyword = rest.substr(0, keyword_size);
  bool ok = iequals(keyword, "BREAKING CHANGE") ||
            (preset == Preset::conventionalcommits && iequals(keyword, "BREAKING-CHANGE"));
  if (!ok) return std::nullopt;
  size_t j = keyword_size;
  if (!(rest[j] == ':' || is_space(rest[j]))) return std::nullopt;
  while (j < rest.size() && (rest[j] == ':' || is_space(rest[j]))) ++j;
  return CommitNote{std::string(keyword), std::string(rest.substr(j))};
}

// fieldPattern /^-(.*?)-$/: the field name, or nullopt when the line is no field.
std::optional<std::string> match_field(std::string_view line) {
  if (line.size() < 2 || line.front() != '-' || line.back() != '-') return std::nullopt;
  return std::string(line.substr(1, line.size() - 2));
}

// A line the parser reads as holding an issue reference ("#123"), which ends a note.
bool has_reference(std::string_view line) {
  if (line.find("://") != std::string_view::npos) return false;
  for (size_t p = line.find('#'); p != std::string_view::npos; p = line.find('#', p + 1)) {
    size_t e = p + 1;
    while (e < line.size() && (is_word(line[e]) || line[e] == '-')) ++e;
    if (e == p + 1) continue;
    if (e == line.size() || is_space(line[e]) || line[e] == ',' || line[e] == ';' ||
        line[e] == ')' || line[e] == ']')
      return true;
  }
  return false;
}

// revertPattern: /^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit HASH/i
// with HASH (\w{7,40})\b for angular and (\w*)\. for conventionalcommits.
void match_revert(std::string_view message, Preset preset, ParsedCommit& commit) {
  size_t start = 0;
  if (starts_with_icase(message, "revert") && message.size() > 6 && is_space(message[6])) {
    start = 7;
  } else if (starts_with_icase(message, "revert:") && message.size() > 7 && is_space(message[7])) {
    start = 8;
  } else {
    return;
  }
  if (to_lower(message).find("this reverts commit") == std::string::npos) return;
  if (start < message.size() && message[start] == '"') ++start;
  const std::string_view phrase = "this reverts commit ";
  for (size_t end = start + 1; end <= message.size(); ++end) {
    size_t k = end;
    if (k < message.size() && message[k] == '"') ++k;
    while (k < message.size() && is_space(message[k])) ++k;
    if (!iequals(message.substr(k, phrase.size()), phrase)) continue;
    k += phrase.size();
    size_t h = k;
    while (h < message.size() && is_word(message[h])) ++h;
    size_t length = h - k;
    if (preset == Preset::angular) {
      if (length < 7 || length > 40) continue;
    } else if (h >= message.size() || message[h] != '.') {
      continue;
    }
    commit.revert_header = std::string(message.substr(start, end - start));
    commit.revert_hash = std::string(message.substr(k, length));
    return;
  }
}

std::vector<std::string_view> message_lines(std::string_view message) {
  size_t first = message.find_first_not_of("\r\n");
  if (first == std::string_view::npos) return {};
  size_t last = message.find_last_not_of("\r\n");
  message = message.substr(first, last - first + 1);
  std::vector<std::string_view> lines;
  size_t pos = 0;
  for (;;) {
    size_t nl = message.find('\n', pos);
    std::string_view line = message.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // gpgFilter drops lines starting with "gpg:".
    std::string_view t = line;
    while (!t.empty() && is_space(t.front())) t.remove_prefix(1);
    if (!t.starts_with("gpg:")) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return lines;
}

// The body/footer walk of CommitParser.parse, reduced to what decides notes.
class NoteScanner {
 public:
  NoteScanner(const std::vector<std::string_view>& lines, Preset preset, ParsedCommit& commit)
      : m_lines(lines), m_preset(preset), m_commit(commit) {}

  void run() {
    m_index = 1;
    while (available()) {
      parse_meta();
      parse_notes();
      if (available()) ++m_index;  // a body or footer line
    }
  }

 private:
  bool available() const { return m_index < m_lines.size(); }

  bool parse_meta() {
    std::optional<std::string> field;
    bool parsed = false;
    while (available()) {
      if (auto name = match_field(m_lines[m_index])) {
        field = name->empty() ? std::nullopt : std::optional<std::string>(*name);
        ++m_index;
        continue;
      }
      if (!field) break;
      parsed = true;
      ++m_index;
    }
    return parsed;
  }

  bool parse_notes() {
    if (!available()) return false;
    std::optional<CommitNote> note = match_note(m_lines[m_index], m_preset);
    if (!note) return false;
    size_t slot = m_commit.notes.size();
    m_commit.notes.push_back(*note);
    ++m_index;
    while (available()) {
      if (parse_meta()) return true;
      if (parse_notes()) return true;
      if (!available()) return true;
      std::string_view line = m_lines[m_index];
      bool reference = has_reference(line);
      if (!reference) {
        std::string& text = m_commit.notes[slot].text;
        text = text.empty() ? std::string(line) : text + "\n" + std::string(line);
      }
      ++m_index;
      if (reference) break;
    }
    return true;
  }

  const std::vector<std::string_view>& m_lines;
  Preset m_preset;
  ParsedCommit& m_commit;
  size_t m_index = 0;
};

std::string trim_newlines(std::string_view s) {
  size_t first = s.find_first_not_of("\r\n");
  if (first == std::string_view::npos) return {};
  size_t last = s.find_last_not_of("\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

const char* preset_name(Preset preset) {
  return preset == Preset::angular ? "angular" : "conventionalcommits";
}

Result<Preset> parse_preset(std::string_view name) {
  if (name == "conventionalcommits") return Preset::conventionalcommits;
  if (name == "angular") return Preset::angular;
  return fail(ErrorCode::invalid_input, "unknown preset '" + std::string(name) +
                                            "': expected conventionalcommits or angular");
}

ParsedCommit parse_commit_message(std::string_view message, Preset preset) {
  ParsedCommit commit;
  std::vector<std::string_view> lines = message_lines(message);
  if (lines.empty()) return commit;
  commit.header = std::string(lines[0]);
  std::optional<Header> header;
  bool breaking_header = false;
  if (preset == Preset::conventionalcommits) {
    header = match_header(lines[0], "!");
    breaking_header = header.has_value();
    if (!header) header = match_header(lines[0], "!?");
  } else {
    header = match_header(lines[0], "");
  }
  if (header) {
    commit.type = header->type;
    commit.scope = header->scope;
    commit.subject = header->subject;
  }
  NoteScanner(lines, preset, commit).run();
  if (breaking_header && commit.notes.empty())
    commit.notes.push_back(CommitNote{"BREAKING CHANGE", *commit.subject});
  for (CommitNote& note : commit.notes) note.text = trim_newlines(note.text);
  match_revert(message, preset, commit);
  return commit;
}

std::optional<Bump> release_type(const ParsedCommit& commit) {
  if (commit.breaking()) return Bump::major;
  std::optional<Bump> bump;
  if (commit.is_revert()) bump = Bump::patch;
  if (commit.type) {
    const std::string& t = *commit.type;
    if (t == "feat" || t == "FEAT") return Bump::minor;
    if (t == "fix" || t == "FIX" || t == "perf") bump = Bump::patch;
  }
  return bump;
}

}  // namespace slipway::version
