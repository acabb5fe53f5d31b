#include "core/host.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace slipway {

long current_pid() { return static_cast<long>(::getpid()); }

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "unknown";
  return buffer;
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) == 0) return true;
  return errno == EPERM;
}

}  // namespace slipway
