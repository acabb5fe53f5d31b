// The HTTP front-end of the service layer: /api/v1 (routes.h) over
// cpp-httplib (the only file including it is http_server.cpp). Each request
// carries `Authorization: Bearer TOKEN`; the token's identity acts, so the
// service layer's permissions apply as on the CLI.
//
// POST /hooks/<host> takes webhook deliveries (hook_endpoint.h) and hands
// their pushes to the scheduler given; bodies over 5 MB are 413.
//
// Each request opens its own Service (the workspace as it is now, the
// store's own connection) under one mutex: the Store is single-threaded,
// and one request at a time is what the state allows anyway (changes take
// the environment's lock).
//
// Ownership: owns the listening socket and its worker threads.
// Thread-safety: start and stop from one thread; requests run on workers.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/error.h"
#include "service/run_scheduler.h"
#include "service/service.h"

namespace slipway::server {

// A certificate and its private key (PEM files) to serve HTTPS instead of HTTP.
struct TlsFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
};

class HttpServer {
 public:
  // `scheduler` (outliving the server) runs the pushes webhooks deliver.
  HttpServer(service::Config config, service::RunScheduler& scheduler, std::optional<TlsFiles> tls = std::nullopt);
  ~HttpServer();  // stops

  // "https" with TLS files, else "http".
  const char* scheme() const;
  // Binds `address` ("HOST:PORT"; port 0 picks a free one) without serving
  // yet: a taken port is an error before anything else starts.
  Status bind(const std::string& address);
  // The bound port (after bind).
  int port() const { return m_port; }
  // Serves on a thread until stop.
  void start();
  // Stops accepting; returns when the requests in flight have answered.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
  std::thread m_thread;
};

}  // namespace slipway::server
