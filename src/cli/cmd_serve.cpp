// slipway serve: the long-running process of a state folder. With
// `--listen HOST:PORT` it serves the HTTP API (server/http_server.h) while
// it hosts the process platform's supervisors (deploy/service_host.h): takes the state's serve lease (one
// serve per state; a second one is refused naming the holder), starts or
// adopts the supervisor of every deployed process service, restarts those
// that die, and takes the process driver's hand-offs until SIGINT/SIGTERM
// (service/state.h does the work; this file parses and prints).
//
// On exit the services keep running by default: like services started by
// `slipway apply` alone, they outlive the CLI, and restarting serve (an
// upgrade of slipway) must not take them down; the next serve adopts them.
// `--stop-services-on-exit` stops them (what `make demo` uses on Ctrl-C).
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "core/interrupt.h"
#include "server/http_server.h"
#include "service/run_scheduler.h"
#include "service/state.h"

namespace slipway::cli {

namespace {

namespace fs = std::filesystem;

struct ServeArgs {
  bool stop = false;
  std::string listen;
  std::string tls_cert, tls_key;
  int run_slots = 2;
  double watch_seconds = 0;  // 0: no polling (webhooks and notify tell of pushes)
};

Result<std::optional<server::TlsFiles>> tls_files(const ServeArgs& args) {
  if (args.tls_cert.empty() && args.tls_key.empty()) return std::optional<server::TlsFiles>();
  if (args.tls_cert.empty() || args.tls_key.empty())
    return fail(ErrorCode::invalid_input, "--tls-cert and --tls-key go together");
  if (args.listen.empty()) return fail(ErrorCode::invalid_input, "--tls-cert and --tls-key need --listen");
  for (const std::string& file : {args.tls_cert, args.tls_key})
    if (!fs::is_regular_file(file)) return fail(ErrorCode::not_found, "no file " + file);
  return std::optional<server::TlsFiles>(server::TlsFiles{args.tls_cert, args.tls_key});
}

Status serve(const GlobalOptions& options, const ServeArgs& args) {
  const service::OnExit on_exit = args.stop ? service::OnExit::stop_services : service::OnExit::keep_services;
  const std::string& listen = args.listen;
  Result<std::optional<server::TlsFiles>> tls = tls_files(args);
  if (!tls) return std::unexpected(tls.error());
  if (Status local = check_local_state(options); !local) return local;
  service::Config config = service_config(options, "");
  if (!service::is_database_url(config.store)) {
    fs::path db = fs::absolute(config.store).lexically_normal();
    if (fs::is_directory(db)) db /= "state.db";  // `--state DIR` names the state folder
    config.store = db.string();
    config.state_root = db.parent_path();
  }
  config.state_root = fs::absolute(config.state_root).lexically_normal();
  const bool stop = on_exit == service::OnExit::stop_services;
  // Bound before the lease so a taken port fails at once; served only once
  // the lease is held, so a refused second serve never answers requests.
  // Runs the pushes webhooks deliver; its slots print what each push did.
  std::unique_ptr<service::RunScheduler> scheduler;
  std::unique_ptr<server::HttpServer> http;
  if (args.watch_seconds > 0 && config.actor.empty())
    return fail(ErrorCode::invalid_input, "--watch starts runs as serve's identity: " + config.no_actor);
  if (!listen.empty() || args.watch_seconds > 0)
    scheduler = std::make_unique<service::RunScheduler>(config, args.run_slots, 0, [](const std::string& line) {
      std::cout << "slipway serve: " << line << std::endl;
    });
  if (!listen.empty()) {
    http = std::make_unique<server::HttpServer>(config, *scheduler, *tls);
    if (Status bound = http->bind(listen); !bound) return bound;
  }
  service::ServeHooks hooks;
  hooks.say = [](const std::string& line) { std::cout << line << std::endl; };
  hooks.started = [&](std::size_t count) {
    if (args.watch_seconds > 0)
      scheduler->watch_every(Millis(static_cast<long long>(args.watch_seconds * 1000)), config.actor);
    if (http) {
      http->start();
      std::cout << "slipway serve: listening on " << http->scheme() << "://" << listen.substr(0, listen.rfind(':')) << ":" << http->port()
                << "/api/v1" << std::endl;
    }
    std::cout << "slipway serve: supervising " << count << " service" << (count == 1 ? "" : "s") << " of "
              << config.state_root.string() << " (Ctrl-C to stop" << (stop ? " them" : "") << ")" << std::endl;
  };
  ::signal(SIGPIPE, SIG_IGN);
  InterruptGuard interrupts;  // Ctrl-C and SIGTERM end the loop; the lease is released
  Result<int> stopped = service::serve(config, on_exit, hooks);
  if (http) http->stop();            // stops accepting; requests in flight answer first
  if (scheduler) scheduler->stop();  // runs in flight end (interrupted), queued pushes are dropped
  if (!stopped) return std::unexpected(stopped.error());
  if (stop)
    std::cout << "slipway serve: stopped " << *stopped << " service" << (*stopped == 1 ? "" : "s") << std::endl;
  else
    std::cout << "slipway serve: exiting; the services keep running" << std::endl;
  return {};
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& options) {
  CLI::App* cmd = app.add_subcommand("serve", "serve the HTTP API (--listen) and supervise the state's services until Ctrl-C");
  auto args = std::make_shared<ServeArgs>();
  cmd->add_option("--listen", args->listen, "serve /api/v1 and /hooks/<host> on HOST:PORT (port 0: a free one, printed)");
  cmd->add_option("--tls-cert", args->tls_cert, "serve HTTPS with this certificate (PEM; with --tls-key)");
  cmd->add_option("--tls-key", args->tls_key, "the certificate's private key (PEM)");
  cmd->add_option("--run-slots", args->run_slots, "runs started by webhooks that may go at once (default 2)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--watch", args->watch_seconds,
                  "poll the component repositories for pushes every SECONDS, as `slipway watch` (acting as SLIPWAY_USER)")
      ->check(seconds_range(0.1, 24 * 3600));
  cmd->add_flag("--stop-services-on-exit", args->stop, "stop the services when serve exits (default: they keep running)");
  cmd->callback([=, &options] {
    if (Status s = serve(options, *args); !s) options.exit_code = report(s.error());
  });
}

}  // namespace slipway::cli
