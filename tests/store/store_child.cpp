// A helper process for the store's multi-process tests (not part of slipway).
//
//   store_child events DB BATCH      forever: in one transaction, take the next
//                                    "batches" counter value N and append BATCH
//                                    events about "batch:N"; print N once committed
//   store_child lock DB NAME ROUNDS  ROUNDS times: take lock NAME (polling), check
//                                    nobody else is inside, bump a shared count with
//                                    a non-atomic read-then-write, release
//   store_child hold DB NAME TTL_MS  take lock NAME, print "held", then sleep forever
//
// Exit codes: 0 done, 3 mutual exclusion was violated, 4 store error.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "store/store.h"

namespace {

using slipway::Status;
using namespace slipway::store;

int die(const slipway::Error& error) {
  std::cerr << "store_child: " << error.to_string() << "\n";
  return 4;
}

int write_events(Store& store, int batch_size) {
  const std::string padding(2000, 'x');  // several pages per transaction
  for (;;) {
    std::int64_t batch = 0;
    Status status = store.transaction([&]() -> Status {
      auto n = store.meta().next_counter("batches");
      if (!n) return std::unexpected(n.error());
      batch = *n;
      for (int i = 0; i < batch_size; ++i) {
        nlohmann::json detail = {{"batch", batch}, {"index", i}, {"of", batch_size}, {"pad", padding}};
        auto id = store.events().append({.actor = "child",
                                         .kind = "test.batch",
                                         .subject = "batch:" + std::to_string(batch),
                                         .detail = detail});
        if (!id) return std::unexpected(id.error());
      }
      return {};
    });
    if (!status) return die(status.error());
    std::cout << batch << std::endl;
  }
}

int contend(Store& store, const std::string& name, int rounds) {
  const std::string me = std::to_string(::getpid());
  for (int round = 0; round < rounds; ++round) {
    Lease lease;
    for (;;) {
      auto attempt = store.locks().try_acquire(name, {.holder = "child " + me, .actor = "test"},
                                               std::chrono::seconds(60));
      if (!attempt) return die(attempt.error());
      if (attempt->acquired) {
        lease = attempt->lease;
        break;
      }
      ::usleep(200);
    }
    auto occupant = store.meta().get_setting("occupant");
    if (!occupant) return die(occupant.error());
    if (occupant->has_value() && !(*occupant)->empty()) {
      std::cerr << "store_child: " << me << " found " << **occupant << " inside\n";
      return 3;
    }
    if (auto s = store.meta().set_setting("occupant", me); !s) return die(s.error());
    auto count = store.meta().get_setting("count");
    if (!count) return die(count.error());
    long value = count->has_value() ? std::stol(**count) : 0;
    ::usleep(100);
    if (auto s = store.meta().set_setting("count", std::to_string(value + 1)); !s) return die(s.error());
    if (auto s = store.meta().set_setting("occupant", ""); !s) return die(s.error());
    if (auto s = store.locks().release(lease); !s) return die(s.error());
  }
  return 0;
}

int hold(Store& store, const std::string& name, long ttl_ms) {
  auto attempt = store.locks().try_acquire(name, {.holder = "child", .actor = "test"},
                                           std::chrono::milliseconds(ttl_ms));
  if (!attempt) return die(attempt.error());
  if (!attempt->acquired) return 3;
  std::cout << "held" << std::endl;
  for (;;) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: store_child events|lock|hold DB ARG [ARG]\n";
    return 2;
  }
  const std::string mode = argv[1];
  auto store = open_store(argv[2]);
  if (!store) return die(store.error());
  if (mode == "events") return write_events(**store, std::stoi(argv[3]));
  if (argc < 5) return 2;
  if (mode == "lock") return contend(**store, argv[3], std::stoi(argv[4]));
  if (mode == "hold") return hold(**store, argv[3], std::stol(argv[4]));
  return 2;
}
