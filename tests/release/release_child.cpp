// A helper process for the concurrency test of src/release (not part of
// slipway): promotes (or applies) a release with an Applier double that
// writes "enter ENV PID" / "leave ENV PID" lines to a shared log (O_APPEND,
// one write per line) around a short sleep, so the test can check that no
// two processes were inside the same environment at once.
//
//   release_child STATE WORKSPACE promote|apply RELEASE ENV ACTOR LOG
//
// Exit codes: 0 applied, 1 refused or failed (message on stderr).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "model/workspace.h"
#include "release/service.h"
#include "store/store.h"

namespace {

using namespace slipway;

class LoggingApplier final : public release::Applier {
 public:
  explicit LoggingApplier(std::string log) : m_log(std::move(log)) {}
  Result<release::ApplyOutcome> apply(const model::Workspace&, const model::Environment& env,
                                      const release::Release&, const release::ApplyContext& context) override {
    write_line("enter " + env.name);
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (Status s = context.keep_alive(); !s) return std::unexpected(s.error());
    }
    write_line("leave " + env.name);
    return release::ApplyOutcome{true, "applied", {}};
  }

 private:
  void write_line(const std::string& what) {
    std::string line = what + " " + std::to_string(getpid()) + "\n";
    int fd = ::open(m_log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) return;
    [[maybe_unused]] ssize_t n = ::write(fd, line.data(), line.size());
    ::close(fd);
  }
  std::string m_log;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr << "usage: release_child STATE WORKSPACE promote|apply RELEASE ENV ACTOR LOG\n";
    return 2;
  }
  Result<std::unique_ptr<store::Store>> store = store::open_store(argv[1]);
  if (!store) {
    std::cerr << store.error().to_string() << "\n";
    return 1;
  }
  Result<model::Workspace> workspace = model::load_workspace(argv[2]);
  if (!workspace) {
    std::cerr << workspace.error().to_string() << "\n";
    return 1;
  }
  release::ReleaseService service(**store, *workspace);
  LoggingApplier applier(argv[7]);
  release::PromoteOptions options;
  options.wait = std::chrono::milliseconds(60000);
  std::string mode = argv[3];
  Result<release::ApplyRecord> done = mode == "promote" ? service.promote(argv[4], argv[5], argv[6], applier, options)
                                                        : service.apply(argv[4], argv[5], argv[6], applier, options);
  if (!done) {
    std::cerr << done.error().to_string() << "\n";
    return 1;
  }
  return done->outcome.succeeded ? 0 : 1;
}
