// POST /hooks/<host>: a webhook delivery from verification to the queue,
// without HTTP types (http_server.cpp passes the request's parts in and
// writes the answer out).
//
// The order is the contract with the hosts: the secret (the workspace's
// `webhooks:` file, else SLIPWAY_WEBHOOK_SECRET_<HOST>), then the signature
// (401 and nothing else when it fails, or when no secret is configured),
// then the event (202 "ignored" with the reason for anything but a push),
// then the service layer's accept_delivery (the id claimed: 200 "duplicate"
// for a replay; 202 "ignored" when no component has the repository), and
// last the pushes queued for the scheduler: 202 "accepted" goes out before
// any run starts. The delivery acts as the identity "webhook:<host>".
//
// Thread-safety: one call at a time (the caller holds the server's Store mutex).
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

#include "core/error.h"
#include "server/webhooks.h"
#include "service/run_scheduler.h"

namespace slipway::server {

inline constexpr const char* k_hooks_prefix = "/hooks/";

struct HookAnswer {
  int status = 202;
  nlohmann::json body;
};

// Service errors (a workspace that does not load, denied) are returned for the server to map.
Result<HookAnswer> answer_hook(const service::Config& config, std::string_view host, const HeaderLookup& header,
                               std::string_view body, service::RunScheduler& scheduler);

}  // namespace slipway::server
