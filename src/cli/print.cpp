#include "cli/print.h"

namespace slipway::cli {

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
