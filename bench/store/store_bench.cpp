// bench/store: the state store's hot paths on both backends side by side,
// SQLite (a file: WAL, synchronous=NORMAL) and PostgreSQL (a URL naming an
// empty schema), and `slipway status` over a store holding RUNS runs and
// RELEASES releases. Each figure is the median of REPS repetitions. Prints
// one table; run.sh adds the references (sqlite3 CLI, pgbench) below it.
//
//   store_bench WORKDIR SQLITE_FILE [POSTGRES_URL]
//
// Without POSTGRES_URL the postgresql column says n/a. Sizes come from the
// environment: EVENTS (per repetition, 2000), REPS (5), RUNS (100000),
// RELEASES (10000).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "service/service.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using slipway::Status;
using slipway::store::Store;
using Steady = std::chrono::steady_clock;

struct Sizes {
  int events, reps, runs, releases;
};

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::stoi(value) : fallback;
}

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// A benchmark has no use for a figure measured after a failure: stop at once.
[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "store_bench: %s\n", message.c_str());
  std::exit(1);
}

template <class R>
auto must(R&& result, const std::string& what) {
  if (!result) die(what + ": " + result.error().to_string());
  if constexpr (!std::is_void_v<typename std::remove_cvref_t<R>::value_type>) return std::move(*result);
}

// Runs `body` `reps` times; the median of its wall times, in seconds.
template <class Body>
double median_seconds(int reps, Body&& body) {
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    auto start = Steady::now();
    body();
    times.push_back(seconds_since(start));
  }
  return median(times);
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

slipway::store::NewEvent event(const char* kind, int i) {
  return {.actor = "bench", .kind = kind, .subject = "env:e" + std::to_string(i % 50), .detail = {{"i", i}}};
}

// Runs `count` calls of `one(i)` in transactions of `batch`: seeding speed is
// not a figure, and one transaction per row would take minutes.
template <class One>
void in_batches(Store& store, int count, int batch, const std::string& what, One&& one) {
  for (int first = 0; first < count; first += batch)
    must(store.transaction([&]() -> Status {
      for (int i = first; i < std::min(first + batch, count); ++i)
        if (Status s = one(i); !s) return s;
      return {};
    }),
         what);
}

std::string release_id(int i) { return "1.0." + std::to_string(i); }

// What months of use leave behind: finished runs (one job, one step each),
// releases that each bring one new build of one of three components, a qa
// approval for prod of every 10th release, and dev, staging and prod at the
// last releases (staging's not yet approved for prod, so status computes a
// pending gate). `status` reads none of the runs; they make the store the size
// a real one is.
void seed(Store& store, const Sizes& n) {
  using namespace slipway::store;
  in_batches(store, n.runs, 1000, "seed runs", [&](int i) {
    const std::string id = std::to_string(i + 1);
    const std::int64_t start = 1'700'000'000'000 + std::int64_t{i} * 60'000;
    StoredStep step;
    step.name = "s1";
    step.display_name = "build";
    step.result = "succeeded";
    step.start_ms = start;
    step.finish_ms = start + 30'000;
    StoredJob job;
    job.id = "build.build";
    job.stage = "build";
    job.result = step.result;
    job.start_ms = step.start_ms;
    job.finish_ms = step.finish_ms;
    job.steps = {step};
    StoredRun run;
    run.id = id;
    run.pipeline = "p" + std::to_string(i % 3);
    run.build_number = "2026." + id;
    run.branch = "main";
    run.commit = std::string(40, 'a');
    run.state = "finished";
    run.result = step.result;
    run.start_ms = step.start_ms;
    run.finish_ms = step.finish_ms;
    run.document = {{"id", id}, {"result", run.result}};
    run.jobs = {job};
    return store.runs().save_run(run);
  });

  const std::vector<std::string> components = {"api", "web", "worker"};
  std::vector<std::string> current(components.size(), "1.0.0");
  auto build = [&](size_t c, int i) {
    ComponentVersionRecord record;
    record.component = components[c];
    record.version = current[c];
    record.artifact_digest = "d" + std::to_string(i);
    record.branch = "main";
    return store.releases().record_component_version(record);
  };
  for (size_t c = 0; c < components.size(); ++c) must(build(c, 0), "seed builds");
  in_batches(store, n.releases, 500, "seed releases", [&](int index) -> Status {
    const int i = index + 1;
    const size_t bumped = static_cast<size_t>(i) % components.size();
    current[bumped] = "1.0." + std::to_string(i);
    if (Status s = build(bumped, i); !s) return s;
    nlohmann::json pinned = nlohmann::json::array();
    for (size_t c = 0; c < components.size(); ++c)
      pinned.push_back({{"name", components[c]}, {"version", current[c]}, {"artifact_digest", "d"}});
    ReleaseRecord release;
    release.id = release_id(i);
    release.created_by = "alice";
    release.body = {{"components", pinned}, {"config_digest", "c"}, {"source", "bench"}};
    if (Status s = store.releases().add_release(release); !s) return s;
    if (i % 10 != 0) return {};
    ApprovalRecord approval;
    approval.release = release.id;
    approval.environment = "prod";
    approval.actor = "carol";
    return store.releases().add_approval(approval);
  });

  const std::pair<const char*, int> states[] = {{"dev", n.releases}, {"staging", n.releases - 5}, {"prod", n.releases - 100}};
  for (const auto& [env, release] : states) {
    EnvironmentState state;
    state.environment = env;
    state.release = state.product_version = state.last_release = release_id(release);
    state.last_result = "succeeded";
    state.last_actor = "alice";
    must(store.releases().set_environment_state(state), "seed environment states");
  }
}

// dev, staging and prod of three components, plus `docs` in dev and staging
// that no release pins and no build made (status then looks its builds up).
void write_workspace(const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "slipway.yaml") << R"(product: {name: shop, version: "1.0"}
components:
  api: {repo: "https://example.com/api.git", deploy: {process: {command: api}}}
  web: {repo: "https://example.com/web.git", deploy: {process: {command: web}}}
  worker: {repo: "https://example.com/worker.git", deploy: {process: {command: worker}}}
  docs: {repo: "https://example.com/docs.git", deploy: {process: {command: docs}}}
roles:
  developer: [alice]
  qa: [carol]
  admin: [frank]
environments:
  dev:
    platform: process
    components: [api, web, worker, docs]
    policy: {mode: auto, branch: main}
  staging:
    platform: process
    components: [api, web, worker, docs]
    policy: {promote_from: dev}
  prod:
    platform: process
    components: [api, web, worker]
    policy:
      promote_from: staging
      approvals: [{role: qa, count: 1}]
)";
}

// Every figure of one backend, in the order of the table's rows.
std::vector<std::string> measure(const std::string& location, const Sizes& n, const fs::path& workdir) {
  std::vector<std::string> cells;
  auto start = Steady::now();
  std::unique_ptr<Store> store = must(slipway::store::open_store(location), "open " + location);
  cells.push_back(fixed(seconds_since(start) * 1e3, 1));

  double one = median_seconds(n.reps, [&] {
    for (int i = 0; i < n.events; ++i) must(store->events().append(event("bench.one", i)), "append");
  });
  cells.push_back(fixed(n.events / one, 0));

  const int batches = n.events / 100;
  double batched = median_seconds(n.reps, [&] {
    in_batches(*store, batches * 100, 100, "append batch",
               [&](int i) -> Status {
                 if (auto id = store->events().append(event("bench.batch", i)); !id) return std::unexpected(id.error());
                 return {};
               });
  });
  cells.push_back(fixed(batches * 100 / batched, 0));

  const int locks = n.events / 2;
  double locked = median_seconds(n.reps, [&] {
    for (int i = 0; i < locks; ++i) {
      auto got = must(store->locks().try_acquire("env:bench", {.holder = "bench", .actor = "bench"},
                                                 std::chrono::seconds(30)),
                      "lock");
      if (!got.acquired) die("lock: held by " + slipway::store::describe_holder(got.lease));
      must(store->locks().release(got.lease), "unlock");
    }
  });
  cells.push_back(fixed(locks / locked, 0));

  size_t listed = 0;
  double history = median_seconds(n.reps, [&] { listed = must(store->events().list({.subject = "env:e7"}), "list").size(); });
  cells.push_back(fixed(history * 1e3, 2) + " (" + std::to_string(listed) + ")");

  std::vector<double> opens;
  for (int r = 0; r < n.reps; ++r) {
    store.reset();
    start = Steady::now();
    store = must(slipway::store::open_store(location), "reopen");
    opens.push_back(seconds_since(start));
  }
  cells.push_back(fixed(median(opens) * 1e3, 2));

  start = Steady::now();
  seed(*store, n);
  cells.push_back(fixed(seconds_since(start), 1));
  store.reset();

  // The use case itself, as `slipway status` runs it in process.
  const fs::path workspace = workdir / "workspace";
  write_workspace(workspace);
  slipway::service::Config config;
  config.workspace = workspace;
  config.store = location;
  config.state_root = workdir / "state";
  auto service = must(slipway::service::Service::open(config), "open the service");
  size_t rows = 0;
  double status = median_seconds(n.reps, [&] { rows = must(service->status(), "status").size(); });
  if (rows != 3) die("status: " + std::to_string(rows) + " rows, not 3");
  cells.push_back(fixed(status * 1e3, 2));
  return cells;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: store_bench WORKDIR SQLITE_FILE [POSTGRES_URL]\n");
    return 2;
  }
  const Sizes n{env_int("EVENTS", 2000), env_int("REPS", 5), env_int("RUNS", 100'000), env_int("RELEASES", 10'000)};
  const fs::path workdir = argv[1];
  fs::remove(argv[2]);
  std::vector<std::string> sqlite = measure(argv[2], n, workdir / "sqlite");
  std::vector<std::string> postgresql = argc > 3 ? measure(argv[3], n, workdir / "postgresql")
                                                 : std::vector<std::string>(sqlite.size(), "n/a");

  const std::string runs = std::to_string(n.runs), releases = std::to_string(n.releases);
  const std::vector<std::string> rows = {
      "create + migrate a new store (ms)",
      "append, one event per transaction (events/s)",
      "append, 100 events per transaction (events/s)",
      "lock try_acquire + release (pairs/s)",
      "history of one subject: ms (events listed)",
      "open an existing store (ms; postgresql: pooled connection)",
      "seed " + runs + " runs, " + releases + " releases (s, setup)",
      "status, Service::status in process (ms)",
  };
  std::printf("median of %d repetitions; %d events per append repetition; status over %s runs, %s releases\n",
              n.reps, n.events, runs.c_str(), releases.c_str());
  std::printf("%-60s %12s | %s\n", "", "sqlite", "postgresql");
  for (size_t i = 0; i < rows.size(); ++i)
    std::printf("%-60s %12s | %s\n", rows[i].c_str(), sqlite[i].c_str(), postgresql[i].c_str());
  return 0;
}
