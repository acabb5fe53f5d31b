// Ctrl-C and SIGTERM during a change that must be finished and recorded (a
// promotion, an apply, a rollback). While an InterruptGuard lives, SIGINT and
// SIGTERM only set a flag: the work in progress reads interrupt_requested(),
// starts nothing new, lets what runs finish or revert, records the attempt and
// releases its locks. Killed outright instead, it left no history and a lock
// held by a dead process. The previous handlers are restored with the guard.
//
// Thread-safety: the flag is a lock-free atomic, read from any thread; guards
// are made by the main thread and do not nest across threads.
#pragma once

#include <csignal>

namespace slipway {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction m_previous_int {};
  struct sigaction m_previous_term {};
};

// A SIGINT or SIGTERM arrived while a guard lived (it stays set for the process).
bool interrupt_requested();

// The exit code of a command that stopped on an interrupt (128 + SIGINT).
inline constexpr int k_exit_interrupted = 130;

}  // namespace slipway
