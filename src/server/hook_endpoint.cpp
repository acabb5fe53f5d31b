#include "server/hook_endpoint.h"

#include <cstdlib>

namespace slipway::server {
namespace {

using nlohmann::json;

HookAnswer error_answer(int status, const std::string& code, const std::string& message) {
  return {status, {{"error", {{"code", code}, {"message", message}}}}};
}

// The host's secret: the workspace's file, else the environment; nullopt when neither is set.
Result<std::optional<std::string>> secret_of(service::RunService& runs, std::string_view host) {
  Result<std::optional<std::string>> from_workspace = runs.webhook_secret(std::string(host));
  if (!from_workspace || *from_workspace) return from_workspace;
  const char* value = std::getenv(webhook_secret_variable(host).c_str());
  if (!value || !*value) return std::optional<std::string>();
  return std::optional<std::string>(value);
}

std::string no_secret_message(std::string_view host) {
  const std::string name(host);
  return "no secret is configured for " + name + " webhooks: write `webhooks: {" + name +
         ": {secret_file: PATH}}` (or `{secret: NAME, environment: ENV}`) in slipway.yaml, or set " + webhook_secret_variable(host) + " for slipway serve";
}

HookAnswer accepted_answer(const service::WebhookDelivery& delivery, const service::DeliveryAnswer& answer) {
  json pushes = json::array();
  for (std::size_t i = 0; i < answer.pushes.size(); ++i)
    pushes.push_back({{"component", answer.components[i]}, {"ref", answer.pushes[i].ref}, {"after", answer.pushes[i].sha}});
  json body = {{"status", "accepted"}, {"delivery", delivery.id}, {"pushes", pushes}};
  if (!answer.reason.empty()) body["ignored"] = answer.reason;
  return {202, body};
}

}  // namespace

Result<HookAnswer> answer_hook(const service::Config& config, std::string_view host, const HeaderLookup& header,
                               std::string_view body, service::RunScheduler& scheduler) {
  service::Config as = config;
  as.actor = "webhook:" + std::string(host);
  Result<std::unique_ptr<service::RunService>> runs = service::RunService::open(as);
  if (!runs) return std::unexpected(runs.error());
  Result<std::optional<std::string>> secret = secret_of(**runs, host);
  // A slipway secret not generated yet: the host is not authenticated, and the message says why.
  if (!secret && secret.error().code == ErrorCode::not_found)
    return error_answer(401, "unauthorized", secret.error().message);
  if (!secret) return std::unexpected(secret.error());
  if (!*secret) return error_answer(401, "unauthorized", no_secret_message(host));
  WebhookVerdict verdict = read_webhook(host, header, body, **secret);
  switch (verdict.kind) {
    case WebhookVerdict::Kind::unauthorized: return error_answer(401, "unauthorized", verdict.reason);
    case WebhookVerdict::Kind::bad_request: return error_answer(400, "invalid_input", verdict.reason);
    case WebhookVerdict::Kind::ignored: return HookAnswer{202, {{"status", "ignored"}, {"reason", verdict.reason}}};
    case WebhookVerdict::Kind::push: break;
  }
  Result<service::DeliveryAnswer> answer = (*runs)->accept_delivery(verdict.delivery);
  if (!answer) return std::unexpected(answer.error());
  switch (answer->status) {
    case service::DeliveryAnswer::Status::duplicate:
      return HookAnswer{200, {{"status", "duplicate"}, {"reason", answer->reason}}};
    case service::DeliveryAnswer::Status::ignored:
      return HookAnswer{202, {{"status", "ignored"}, {"reason", answer->reason}}};
    case service::DeliveryAnswer::Status::accepted: break;
  }
  for (const service::Push& push : answer->pushes) scheduler.submit(push, as.actor);
  return accepted_answer(verdict.delivery, *answer);
}

}  // namespace slipway::server
