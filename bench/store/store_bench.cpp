// bench/store: the state store's hot paths on a real file (SQLite, WAL).
// Prints one figure per line; run.sh adds the sqlite3 CLI floor beside it.
//   store_bench DIR [EVENTS]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "store/store.h"

namespace {

using Seconds = std::chrono::duration<double>;
using slipway::store::Store;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

std::unique_ptr<Store> open_or_die(const std::string& path) {
  auto store = slipway::store::open_store(path);
  if (!store) {
    std::fprintf(stderr, "store_bench: %s\n", store.error().to_string().c_str());
    std::exit(1);
  }
  return std::move(*store);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_bench DIR [EVENTS]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const int events = argc > 2 ? std::stoi(argv[2]) : 5000;
  const std::string path = (dir / "bench.db").string();
  std::filesystem::remove(path);

  auto start = std::chrono::steady_clock::now();
  auto store = open_or_die(path);
  std::printf("create + migrate a new database: %.1f ms\n", seconds_since(start) * 1e3);

  start = std::chrono::steady_clock::now();
  for (int i = 0; i < events; ++i) {
    auto id = store->events().append({.actor = "bench", .kind = "bench.one",
                                      .subject = "env:e" + std::to_string(i % 50),
                                      .detail = {{"i", i}}});
    if (!id) return 1;
  }
  double one = seconds_since(start);
  std::printf("append, one event per transaction: %d events in %.3f s = %.0f events/s (%.1f us each)\n",
              events, one, events / one, one / events * 1e6);

  start = std::chrono::steady_clock::now();
  for (int batch = 0; batch < events / 100; ++batch) {
    auto status = store->transaction([&]() -> slipway::Status {
      for (int i = 0; i < 100; ++i) {
        auto id = store->events().append({.actor = "bench", .kind = "bench.batch",
                                          .subject = "env:e" + std::to_string(i % 50),
                                          .detail = {{"i", i}}});
        if (!id) return std::unexpected(id.error());
      }
      return {};
    });
    if (!status) return 1;
  }
  double batched = seconds_since(start);
  std::printf("append, 100 events per transaction: %.0f events/s\n", (events / 100 * 100) / batched);

  start = std::chrono::steady_clock::now();
  const int locks = events / 2;
  for (int i = 0; i < locks; ++i) {
    auto got = store->locks().try_acquire("env:bench", {.holder = "bench", .actor = "bench"},
                                          std::chrono::seconds(30));
    if (!got || !got->acquired || !store->locks().release(got->lease)) return 1;
  }
  double lock = seconds_since(start);
  std::printf("lock try_acquire + release: %.0f pairs/s (%.1f us per pair)\n", locks / lock,
              lock / locks * 1e6);

  start = std::chrono::steady_clock::now();
  auto history = store->events().list({.subject = "env:e7"});
  double listed = seconds_since(start);
  if (!history) return 1;
  std::printf("history of one subject: %zu of %d events in %.2f ms\n", history->size(),
              events * 2, listed * 1e3);

  store.reset();
  start = std::chrono::steady_clock::now();
  store = open_or_die(path);
  std::printf("open an existing database: %.2f ms\n", seconds_since(start) * 1e3);
  return 0;
}
