#include "version/analyzer.h"

#include <list>

#include "core/files.h"
#include "core/strings.h"

namespace slipway::version {

namespace {

std::string trimmed(std::string_view s) { return std::string(trim(s)); }

// conventional-commits-filter's RevertedCommitsFilter: reverts are held until
// the commit they revert shows up (then both vanish); while any revert is
// held, other commits are held too, so the output order is preserved.
class RevertFilter {
 public:
  explicit RevertFilter(std::vector<AnalyzedCommit>& out) : m_out(out) {}

  void process(AnalyzedCommit commit) {
    for (auto it = m_hold.begin(); it != m_hold.end(); ++it) {
      if (it->parsed.is_revert() && matches(commit, *it)) {
        m_hold.erase(it);
        --m_held_reverts;
        return;
      }
    }
    if (commit.parsed.is_revert()) {
      m_hold.push_back(std::move(commit));
      ++m_held_reverts;
      return;
    }
    if (m_held_reverts > 0) {
      m_hold.push_back(std::move(commit));
      return;
    }
    flush();
    m_out.push_back(std::move(commit));
  }

  void flush() {
    for (AnalyzedCommit& held : m_hold) m_out.push_back(std::move(held));
    m_hold.clear();
  }

 private:
  static bool matches(const AnalyzedCommit& commit, const AnalyzedCommit& revert) {
    const ParsedCommit& r = revert.parsed;
    if (r.revert_header && trimmed(commit.parsed.header) != trimmed(*r.revert_header)) return false;
    if (r.revert_hash && trimmed(commit.hash) != trimmed(*r.revert_hash)) return false;
    return true;
  }

  std::vector<AnalyzedCommit>& m_out;
  std::list<AnalyzedCommit> m_hold;
  int m_held_reverts = 0;
};

std::string short_hash(const std::string& hash) { return hash.substr(0, 7); }

std::string entry(const std::optional<std::string>& scope, const std::string& text) {
  std::string out = "* ";
  if (scope && !scope->empty() && *scope != "*") out += "**" + *scope + ":** ";
  return out + text;
}

}  // namespace

Analysis analyze_commits(const std::vector<CommitInput>& commits, Preset preset) {
  Analysis analysis;
  analysis.commits.reserve(commits.size());
  RevertFilter filter(analysis.commits);
  for (const CommitInput& input : commits) {
    std::string_view message = trim(input.message);
    if (message.empty()) continue;
    AnalyzedCommit commit{input.hash, parse_commit_message(message, preset), std::nullopt};
    commit.bump = release_type(commit.parsed);
    filter.process(std::move(commit));
  }
  filter.flush();
  for (const AnalyzedCommit& c : analysis.commits)
    if (c.bump && (!analysis.bump || *analysis.bump < *c.bump)) analysis.bump = c.bump;
  return analysis;
}

std::string render_release_notes(const Analysis& analysis, const NotesContext& context) {
  struct Group {
    const char* title;
    std::vector<std::string> lines;
  };
  Group breaking{"BREAKING CHANGES", {}};
  Group features{"Features", {}};
  Group fixes{"Bug Fixes", {}};
  Group perf{"Performance Improvements", {}};
  Group reverts{"Reverts", {}};
  for (const AnalyzedCommit& c : analysis.commits) {
    const ParsedCommit& p = c.parsed;
    std::string hash = " (" + short_hash(c.hash) + ")";
    for (const CommitNote& note : p.notes) breaking.lines.push_back(entry(p.scope, note.text));
    std::string subject = p.subject ? *p.subject : p.header;
    if (p.type == "feat" || p.type == "FEAT") {
      features.lines.push_back(entry(p.scope, subject) + hash);
    } else if (p.type == "fix" || p.type == "FIX") {
      fixes.lines.push_back(entry(p.scope, subject) + hash);
    } else if (p.type == "perf") {
      perf.lines.push_back(entry(p.scope, subject) + hash);
    } else if (p.is_revert()) {
      std::string what = p.revert_header ? *p.revert_header : p.header;
      reverts.lines.push_back("* revert \"" + what + "\"" + hash);
    }
  }
  std::string out = "## " + context.version + " (" + context.date + ")\n";
  for (const Group* g : {&breaking, &features, &fixes, &perf, &reverts}) {
    if (g->lines.empty()) continue;
    out += "\n### " + std::string(g->title) + "\n\n";
    for (const std::string& line : g->lines) out += line + "\n";
  }
  return out;
}

Status prepend_changelog(const std::filesystem::path& file, const std::string& notes) {
  std::string existing;
  if (std::filesystem::exists(file)) {
    auto text = read_text_file(file);
    if (!text) return std::unexpected(text.error());
    existing = *text;
  }
  std::string title;
  std::string_view rest = existing;
  if (rest.starts_with("# ")) {
    size_t nl = rest.find('\n');
    title = std::string(rest.substr(0, nl)) + "\n\n";
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  std::string body = std::string(trim(notes)) + "\n";
  std::string_view old = trim(rest);
  if (!old.empty()) body += "\n" + std::string(old) + "\n";
  return write_file_atomic(file, title + body);
}

}  // namespace slipway::version
