#include "core/interrupt.h"

#include <atomic>

namespace slipway {
namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void note_interrupt(int) { g_interrupted.store(true); }

}  // namespace

InterruptGuard::InterruptGuard() {
  struct sigaction action {};
  action.sa_handler = note_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // blocking reads and waits go on; the flag is polled
  sigaction(SIGINT, &action, &m_previous_int);
  sigaction(SIGTERM, &action, &m_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &m_previous_int, nullptr);
  sigaction(SIGTERM, &m_previous_term, nullptr);
}

bool interrupt_requested() { return g_interrupted.load(); }

}  // namespace slipway
