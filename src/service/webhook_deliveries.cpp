// Webhook deliveries in the service layer: the host's secret from the
// workspace, and a verified delivery turned into pushes of components.
//
// A delivery id is claimed as a trigger key ("webhook:<host>:<id>") in the
// same transaction that records the delivery in the history, so a replay
// (the host retrying, or someone resending a captured request) is answered
// "duplicate" and starts nothing. The pushes themselves go through
// handle_push afterwards, which dedups each push by its commit as for
// notify and watch: a delivery and a git hook telling the same push start
// one run.
#include "core/clock.h"
#include "core/files.h"
#include "core/strings.h"
#include "model/repo_url.h"
#include "service/runs.h"

namespace slipway::service {
namespace {

namespace fs = std::filesystem;

bool all_zeros(const std::string& sha) { return !sha.empty() && sha.find_first_not_of('0') == std::string::npos; }

std::string delivery_key(const WebhookDelivery& delivery) { return "webhook:" + delivery.host + ":" + delivery.id; }

std::string urls_text(const WebhookPush& push) {
  std::string out;
  for (const std::string& url : push.repo_urls) out += (out.empty() ? "" : ", ") + url;
  return out.empty() ? "(no repository URL in the payload)" : out;
}

// The component whose repo one of the push's URLs names; nullptr when none.
const model::Component* component_of(const model::Workspace& ws, const WebhookPush& push) {
  for (const model::Component& component : ws.components)
    for (const std::string& url : push.repo_urls)
      if (model::repo_matches_url(ws, component, url)) return &component;
  return nullptr;
}

nlohmann::json push_detail(const std::string& component, const WebhookPush& push) {
  return {{"component", component}, {"ref", push.ref}, {"before", push.before}, {"after", push.after}};
}

}  // namespace

Result<std::optional<std::string>> RunService::webhook_secret(const std::string& host) const {
  Result<const model::Workspace*> ws = need_workspace("read the " + host + " webhook secret");
  if (!ws) return std::unexpected(ws.error());
  const model::WebhookSource* source = (*ws)->webhook(host);
  if (!source) return std::optional<std::string>();
  if (!source->secret.empty()) {
    Result<std::string> value = m_service->secret_for_slipway(source->environment, source->secret);
    if (!value) return std::unexpected(value.error());
    return std::optional<std::string>(std::move(*value));
  }
  fs::path file = source->secret_file;
  if (file.is_relative()) file = (*ws)->dir / file;
  std::string secret = read_text_file(file).value_or("");
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty())
    return fail(ErrorCode::io, "webhooks: " + host + ": cannot read a secret from " + file.string() +
                                   " (secret_file in slipway.yaml)");
  return std::optional<std::string>(std::move(secret));
}

Result<DeliveryAnswer> RunService::accept_delivery(const WebhookDelivery& delivery) {
  Result<const model::Workspace*> ws = need_workspace("accept " + delivery.host + " webhooks");
  if (!ws) return std::unexpected(ws.error());
  DeliveryAnswer answer;
  std::vector<std::string> ignored;
  nlohmann::json accepted = nlohmann::json::array();
  for (const WebhookPush& push : delivery.pushes) {
    const model::Component* component = component_of(**ws, push);
    if (!component) {
      ignored.push_back("no component of the workspace has its repo at " + urls_text(push));
    } else if (all_zeros(push.after)) {
      ignored.push_back(push.ref + " of component '" + component->name + "' was deleted");
    } else {
      answer.pushes.push_back(Push{repository_of(*component), push.ref, push.after, push.before});
      answer.components.push_back(component->name);
      accepted.push_back(push_detail(component->name, push));
    }
  }
  if (answer.pushes.empty()) {
    answer.reason = ignored.empty() ? "the delivery carries no push" : join(ignored, "; ");
    return answer;
  }
  if (Status s = permit_run("run " + answer.components.front() + " for a " + delivery.host + " webhook"); !s)
    return std::unexpected(s.error());
  const std::int64_t now = to_epoch_ms(m_config.clock->now());
  Result<bool> first = store().transaction([&]() -> Result<bool> {
    Result<bool> claimed = store().runs().claim_trigger(delivery_key(delivery), now);
    if (!claimed || !*claimed) return claimed;
    Result<std::int64_t> event = store().events().append({.actor = m_config.actor,
                                                          .kind = "webhook.delivery",
                                                          .subject = "webhook:" + delivery.host,
                                                          .detail = {{"delivery", delivery.id}, {"pushes", accepted}}});
    if (!event) return std::unexpected(event.error());
    return true;
  });
  if (!first) return std::unexpected(first.error());
  if (!*first) {
    answer = DeliveryAnswer{DeliveryAnswer::Status::duplicate, "delivery " + delivery.id + " was accepted before", {}, {}};
    return answer;
  }
  answer.status = DeliveryAnswer::Status::accepted;
  answer.reason = join(ignored, "; ");
  return answer;
}

}  // namespace slipway::service
