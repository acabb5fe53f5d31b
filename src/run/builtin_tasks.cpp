#include "run/builtin_tasks.h"

#include <mutex>

#include "core/strings.h"

namespace slipway::run {
namespace {

std::mutex g_mutex;
std::map<std::string, BuiltinTask>& registry() {
  static std::map<std::string, BuiltinTask> tasks;
  return tasks;
}

}  // namespace

void register_builtin_task(const std::string& name, BuiltinTask handler) {
  std::lock_guard lock(g_mutex);
  registry()[to_lower(name)] = std::move(handler);
}

std::optional<BuiltinTask> find_builtin_task(const std::string& name) {
  std::lock_guard lock(g_mutex);
  auto it = registry().find(to_lower(name));
  if (it == registry().end()) return std::nullopt;
  return it->second;
}

}  // namespace slipway::run
