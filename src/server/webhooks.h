// Webhook deliveries of each git host, read and verified: pure functions
// from the request's headers, raw body and the host's secret to the pushes
// it tells, the reason it is ignored, or why it is refused (401).
//
// Each host signs as it documents, and every comparison is constant time
// (libsodium's sodium_memcmp; a token is compared through its SHA-256 so
// its length does not leak either):
//   github        X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>
//   gitea         X-Gitea-Signature / X-Forgejo-Signature: <hex HMAC-SHA256>
//   gitlab        webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">
//                 (a `whsec_<base64>` signing token is its key), else X-Gitlab-Token
//   bitbucket     X-Hub-Signature: sha256=<hex HMAC-SHA256>
//   azure-devops  Authorization: Basic (the secret is "USER:PASSWORD", or a
//                 password with any user name)
// The signature is checked before the body is read: an unsigned request
// learns nothing about what slipway would do with it.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/runs.h"

namespace slipway::server {

// A request header by name, case-insensitively; "" when absent.
using HeaderLookup = std::function<std::string(std::string_view name)>;

struct WebhookVerdict {
  enum class Kind {
    push,          // verified: `delivery` with its pushes
    ignored,       // verified, but not a push slipway builds (reason says why): 202
    unauthorized,  // no valid signature: 401, nothing else happens
    bad_request,   // verified, but the body or the delivery id is not what the host sends: 400
  };
  Kind kind = Kind::unauthorized;
  std::string reason;
  service::WebhookDelivery delivery;
};

// Reads a delivery to POST /hooks/<host> (`host` one of model::k_webhook_hosts).
WebhookVerdict read_webhook(std::string_view host, const HeaderLookup& header, std::string_view body,
                            std::string_view secret);

// The environment variable holding a host's secret when the workspace names
// none: "azure-devops" → SLIPWAY_WEBHOOK_SECRET_AZURE_DEVOPS.
std::string webhook_secret_variable(std::string_view host);

// Lower-case hex HMAC-SHA256 of `message` under `key` (what hosts send; tests sign with it).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace slipway::server
