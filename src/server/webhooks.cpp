#include "server/webhooks.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>

namespace slipway::server {
namespace {

using nlohmann::json;

constexpr std::size_t k_mac_bytes = crypto_auth_hmacsha256_BYTES;
using Mac = std::array<unsigned char, k_mac_bytes>;
const std::string k_zeros(40, '0');

// HMAC-SHA256 of the concatenated `parts` under a key of any length.
Mac hmac(std::string_view key, std::initializer_list<std::string_view> parts) {
  static const int k_ready = sodium_init();
  (void)k_ready;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  for (std::string_view part : parts)
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  Mac out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

// Equal in constant time whatever the lengths: compares the SHA-256 of each.
bool same_secret(std::string_view a, std::string_view b) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> ha{}, hb{};
  crypto_hash_sha256(ha.data(), reinterpret_cast<const unsigned char*>(a.data()), a.size());
  crypto_hash_sha256(hb.data(), reinterpret_cast<const unsigned char*>(b.data()), b.size());
  return sodium_memcmp(ha.data(), hb.data(), ha.size()) == 0;
}

bool hex_mac_holds(std::string_view hex, const Mac& expected) {
  Mac given{};
  std::size_t length = 0;
  if (hex.size() != 2 * k_mac_bytes ||
      sodium_hex2bin(given.data(), given.size(), hex.data(), hex.size(), nullptr, &length, nullptr) != 0 ||
      length != k_mac_bytes)
    return false;
  return sodium_memcmp(given.data(), expected.data(), k_mac_bytes) == 0;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

// ---- signatures: nullopt when the request is signed with `secret`, else why not

using Refusal = std::optional<std::string>;

// "sha256=<hex>" in `name` (GitHub's X-Hub-Signature-256, Bitbucket's X-Hub-Signature).
Refusal prefixed_hex_signature(const HeaderLookup& header, std::string_view name, std::string_view body,
                               std::string_view secret) {
  const std::string value = header(name);
  if (value.empty()) return "no " + std::string(name) + " header: the webhook has no secret set on the host";
  if (!value.starts_with("sha256=") || !hex_mac_holds(std::string_view(value).substr(7), hmac(secret, {body})))
    return std::string(name) + " does not match the body signed with the configured secret";
  return std::nullopt;
}

Refusal verify_github(const HeaderLookup& header, std::string_view body, std::string_view secret) {
  return prefixed_hex_signature(header, "X-Hub-Signature-256", body, secret);
}

Refusal verify_bitbucket(const HeaderLookup& header, std::string_view body, std::string_view secret) {
  return prefixed_hex_signature(header, "X-Hub-Signature", body, secret);
}

Refusal verify_gitea(const HeaderLookup& header, std::string_view body, std::string_view secret) {
  std::string name = "X-Gitea-Signature";
  std::string value = header(name);
  if (value.empty()) value = header(name = "X-Forgejo-Signature");
  if (value.empty()) return "no X-Gitea-Signature or X-Forgejo-Signature header: the webhook has no secret set on the host";
  if (!hex_mac_holds(value, hmac(secret, {body}))) return name + " does not match the body signed with the configured secret";
  return std::nullopt;
}

// GitLab's signing token (Standard Webhooks): one or more "v1,<base64>" over
// "<webhook-id>.<webhook-timestamp>.<body>"; a `whsec_` token's key is its base64.
Refusal verify_gitlab_signature(const HeaderLookup& header, const std::string& signatures, std::string_view body,
                                std::string_view secret) {
  std::optional<std::string> key = std::string(secret);
  if (secret.starts_with("whsec_")) key = base64_decode(secret.substr(6));
  if (!key) return "the configured gitlab signing token is not whsec_<base64>";
  const Mac expected = hmac(*key, {header("webhook-id"), ".", header("webhook-timestamp"), ".", body});
  std::size_t start = 0;
  while (start < signatures.size()) {
    std::size_t end = signatures.find(' ', start);
    if (end == std::string::npos) end = signatures.size();
    std::string_view one = std::string_view(signatures).substr(start, end - start);
    std::optional<std::string> given = one.starts_with("v1,") ? base64_decode(one.substr(3)) : std::nullopt;
    if (given && given->size() == k_mac_bytes && sodium_memcmp(given->data(), expected.data(), k_mac_bytes) == 0)
      return std::nullopt;
    start = end + 1;
  }
  return "webhook-signature does not match the body signed with the configured signing token";
}

Refusal verify_gitlab(const HeaderLookup& header, std::string_view body, std::string_view secret) {
  if (std::string signatures = header("webhook-signature"); !signatures.empty())
    return verify_gitlab_signature(header, signatures, body, secret);
  const std::string token = header("X-Gitlab-Token");
  if (token.empty()) return "no X-Gitlab-Token or webhook-signature header: the webhook has no secret set on GitLab";
  if (!same_secret(token, secret)) return "X-Gitlab-Token is not the configured secret";
  return std::nullopt;
}

Refusal verify_azure_devops(const HeaderLookup& header, std::string_view, std::string_view secret) {
  const std::string value = header("Authorization");
  if (!value.starts_with("Basic ")) return "no basic authentication: set a user name and password on the service hook";
  std::optional<std::string> credentials = base64_decode(std::string_view(value).substr(6));
  if (!credentials) return "the Authorization header is not base64";
  const bool with_user = secret.find(':') != std::string_view::npos;
  const std::size_t colon = credentials->find(':');
  const std::string given = with_user || colon == std::string::npos ? *credentials : credentials->substr(colon + 1);
  if (!same_secret(given, secret)) return "the basic authentication is not the configured secret";
  return std::nullopt;
}

// ---- payloads

std::string text_at(const json& node, std::initializer_list<const char*> path) {
  const json* at = &node;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

std::vector<std::string> urls_at(const json& node, const char* object, std::initializer_list<const char*> keys) {
  std::vector<std::string> out;
  for (const char* key : keys)
    if (std::string url = text_at(node, {object, key}); !url.empty()) out.push_back(url);
  return out;
}

// GitHub, Gitea and Forgejo: one ref per delivery; `deleted` or a zero `after` for a deleted ref.
std::vector<service::WebhookPush> github_pushes(const json& body) {
  service::WebhookPush push{urls_at(body, "repository", {"clone_url", "ssh_url", "html_url", "git_url"}),
                            text_at(body, {"ref"}), text_at(body, {"before"}), text_at(body, {"after"})};
  if (body.value("deleted", false)) push.after = k_zeros;
  return {push};
}

std::vector<service::WebhookPush> gitlab_pushes(const json& body) {
  std::vector<std::string> urls = urls_at(body, "project", {"git_http_url", "git_ssh_url", "web_url"});
  for (std::string& url : urls_at(body, "repository", {"git_http_url", "git_ssh_url", "homepage"}))
    urls.push_back(std::move(url));
  return {{urls, text_at(body, {"ref"}), text_at(body, {"before"}), text_at(body, {"after"})}};
}

// Bitbucket Cloud: push.changes[], each with `new` and `old` ({type, name, target.hash}; null when absent).
std::vector<service::WebhookPush> bitbucket_pushes(const json& body) {
  std::vector<std::string> urls;
  if (std::string web = text_at(body, {"repository", "links", "html", "href"}); !web.empty()) urls.push_back(web);
  if (std::string name = text_at(body, {"repository", "full_name"}); !name.empty())
    urls.push_back("https://bitbucket.org/" + name);
  std::vector<service::WebhookPush> out;
  const json changes = body.contains("push") && body["push"].is_object() ? body["push"].value("changes", json()) : json();
  for (const json& change : changes.is_array() ? changes : json::array()) {
    const json side = change.value("new", json()).is_object() ? change["new"] : change.value("old", json());
    const std::string kind = text_at(side, {"type"});
    const std::string ref = (kind == "branch" ? "refs/heads/" : "refs/tags/") + text_at(side, {"name"});
    const std::string after = change.value("new", json()).is_object() ? text_at(change, {"new", "target", "hash"}) : k_zeros;
    out.push_back({urls, ref, text_at(change, {"old", "target", "hash"}), after});
  }
  return out;
}

// Azure DevOps git.push: resource.refUpdates[] over resource.repository.
std::vector<service::WebhookPush> azure_devops_pushes(const json& body) {
  const json resource = body.value("resource", json::object());
  std::vector<std::string> urls = urls_at(resource, "repository", {"remoteUrl", "sshUrl", "webUrl"});
  std::vector<service::WebhookPush> out;
  const json updates = resource.is_object() ? resource.value("refUpdates", json::array()) : json::array();
  for (const json& update : updates.is_array() ? updates : json::array())
    out.push_back({urls, text_at(update, {"name"}), text_at(update, {"oldObjectId"}), text_at(update, {"newObjectId"})});
  return out;
}

// ---- hosts

struct HostRules {
  std::string_view name;
  Refusal (*verify)(const HeaderLookup&, std::string_view body, std::string_view secret);
  std::string (*event)(const HeaderLookup&, const json& body);     // the event's name as the host says it
  std::vector<std::string_view> push_events;                        // the names of push events
  std::string (*delivery)(const HeaderLookup&, const json& body);  // its id; "" when absent
  std::string_view delivery_where;                                 // where the id is, for the error
  std::vector<service::WebhookPush> (*pushes)(const json& body);
};

std::string first_header(const HeaderLookup& header, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names)
    if (std::string value = header(name); !value.empty()) return value;
  return "";
}

const std::vector<HostRules>& host_rules() {
  static const std::vector<HostRules> k_rules = {
      {"github", verify_github, [](const HeaderLookup& h, const json&) { return h("X-GitHub-Event"); }, {"push"},
       [](const HeaderLookup& h, const json&) { return h("X-GitHub-Delivery"); }, "X-GitHub-Delivery", github_pushes},
      {"gitea", verify_gitea,
       [](const HeaderLookup& h, const json&) { return first_header(h, {"X-Gitea-Event", "X-Forgejo-Event"}); },
       {"push"},
       [](const HeaderLookup& h, const json&) { return first_header(h, {"X-Gitea-Delivery", "X-Forgejo-Delivery"}); },
       "X-Gitea-Delivery or X-Forgejo-Delivery", github_pushes},
      {"gitlab", verify_gitlab, [](const HeaderLookup& h, const json&) { return h("X-Gitlab-Event"); },
       {"Push Hook", "Tag Push Hook"},
       [](const HeaderLookup& h, const json&) {
         return first_header(h, {"X-Gitlab-Event-UUID", "webhook-id", "Idempotency-Key"});
       },
       "X-Gitlab-Event-UUID", gitlab_pushes},
      {"bitbucket", verify_bitbucket, [](const HeaderLookup& h, const json&) { return h("X-Event-Key"); },
       {"repo:push"}, [](const HeaderLookup& h, const json&) { return first_header(h, {"X-Request-UUID", "X-Request-Id"}); },
       "X-Request-UUID", bitbucket_pushes},
      {"azure-devops", verify_azure_devops, [](const HeaderLookup&, const json& b) { return text_at(b, {"eventType"}); },
       {"git.push"}, [](const HeaderLookup&, const json& b) { return text_at(b, {"id"}); }, "the payload's id",
       azure_devops_pushes},
  };
  return k_rules;
}

WebhookVerdict verdict(WebhookVerdict::Kind kind, std::string reason) {
  WebhookVerdict out;
  out.kind = kind;
  out.reason = std::move(reason);
  return out;
}

// The verified body as a delivery of pushes, or why it is ignored or malformed.
WebhookVerdict read_verified(const HostRules& rules, const HeaderLookup& header, std::string_view body) {
  const json payload = json::parse(body, nullptr, false);
  if (payload.is_discarded() || !payload.is_object())
    return verdict(WebhookVerdict::Kind::bad_request, "the body is not a JSON object");
  const std::string event = rules.event(header, payload);
  if (std::find(rules.push_events.begin(), rules.push_events.end(), event) == rules.push_events.end())
    return verdict(WebhookVerdict::Kind::ignored, std::string(rules.name) + " event '" + event +
                                                      "' is not a push: slipway starts runs for pushes");
  WebhookVerdict out = verdict(WebhookVerdict::Kind::push, "");
  out.delivery = {std::string(rules.name), rules.delivery(header, payload), rules.pushes(payload)};
  if (out.delivery.id.empty())
    return verdict(WebhookVerdict::Kind::bad_request, "no delivery id (" + std::string(rules.delivery_where) + ")");
  for (const service::WebhookPush& push : out.delivery.pushes)
    if (push.ref.empty() || push.after.empty())
      return verdict(WebhookVerdict::Kind::bad_request, "a push without its ref or new commit");
  return out;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  const Mac mac = hmac(key, {message});
  std::string hex(2 * k_mac_bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return hex;
}

std::string webhook_secret_variable(std::string_view host) {
  std::string out = "SLIPWAY_WEBHOOK_SECRET_";
  for (char c : host) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

WebhookVerdict read_webhook(std::string_view host, const HeaderLookup& header, std::string_view body,
                            std::string_view secret) {
  for (const HostRules& rules : host_rules()) {
    if (rules.name != host) continue;
    if (Refusal refused = rules.verify(header, body, secret)) return verdict(WebhookVerdict::Kind::unauthorized, *refused);
    return read_verified(rules, header, body);
  }
  return verdict(WebhookVerdict::Kind::bad_request, "unknown webhook host '" + std::string(host) + "'");
}

}  // namespace slipway::server
