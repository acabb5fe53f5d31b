#include "cli/print.h"

#include <algorithm>

namespace slipway::cli {

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], row[i].size());
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

Status print_apply(const release::ApplyRecord& record, std::ostream& out) {
  if (record.took_over)
    out << "took over the lock of " << record.environment << " held by " << store::describe_holder(*record.took_over)
        << ": " << record.takeover_reason << "\n";
  for (const release::ComponentOutcome& c : record.outcome.components)
    out << (c.succeeded ? "  ok      " : "  FAILED  ") << c.action << " " << c.component << ": " << c.message << "\n";
  const char* result = record.outcome.succeeded ? "applied" : record.interrupted ? "INTERRUPTED" : "FAILED";
  out << release::apply_reason_name(record.reason) << " " << record.release << " to " << record.environment << ": "
      << result << " (" << record.outcome.message << ")\n";
  for (const std::string& o : record.overridden) out << "  forced: " << o << "\n";
  if (record.outcome.succeeded) return {};
  return fail(ErrorCode::conflict, "applying " + record.release + " to " + record.environment +
                                       (record.interrupted ? " was interrupted: " : " failed: ") +
                                       record.outcome.message);
}

}  // namespace slipway::cli
