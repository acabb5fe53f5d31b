#include "service/codec.h"

#include "core/clock.h"
#include "deploy/plan.h"

namespace slipway::service {

using nlohmann::json;

json to_json(const PlanResult& planned, const std::string& environment) {
  json out{{"environment", environment},
                   {"changes", planned.plan.has_changes()},
                   {"driver_problems", planned.driver_problems},
                   {"entries", json::array()}};
  for (const deploy::PlanEntry& e : planned.plan.entries)
    out["entries"].push_back(json{{"target", e.target},
                                          {"action", deploy::plan_action_name(e.action)},
                                          {"from", e.from_version},
                                          {"to", e.to_version},
                                          {"changed_keys", e.changed_keys},
                                          {"why", e.why},
                                          {"drift", e.drift},
                                          {"wave", e.wave}});
  return out;
}

json to_json(const std::vector<deploy::SecretInfo>& secrets,
                     const std::map<std::string, std::string>& fingerprints) {
  json out = json::array();
  for (const deploy::SecretInfo& s : secrets) {
    json item{{"name", s.name}, {"block", s.block.empty() ? json() : json(s.block)},
                      {"generated", s.exists}};
    if (s.exists) {
      item["generation"] = s.generation;
      item["created"] = format_utc(s.created);
      item["rotated"] = format_utc(s.rotated);
    }
    if (auto found = fingerprints.find(s.name); found != fingerprints.end()) item["fingerprint"] = found->second;
    out.push_back(item);
  }
  return out;
}

json to_json(const run::ArtifactRecord& a) {
  return {{"run", a.run_id},       {"job", a.job_id},         {"name", a.name},   {"component", a.component},
          {"version", a.version},  {"digest", a.digest},      {"size", a.size},   {"files", a.files},
          {"created", format_utc(from_epoch_ms(a.created_ms))}};
}

json to_json(const LockView& l) {
  return {{"resource", l.lease.resource}, {"holder", l.lease.holder}, {"actor", l.lease.actor},
          {"pid", l.lease.owner_pid}, {"host", l.lease.owner_host}, {"acquired", format_utc(l.lease.acquired)},
          {"expires", format_utc(l.lease.expires)}, {"expired", l.expired}, {"holder_running", !l.holder_gone},
          {"described", l.holder}};
}

json to_json(const release::ApplyRecord& record) {
  json components = json::array();
  for (const release::ComponentOutcome& c : record.outcome.components)
    components.push_back({{"component", c.component}, {"action", c.action}, {"succeeded", c.succeeded},
                          {"message", c.message}});
  json out{{"release", record.release},
                   {"environment", record.environment},
                   {"reason", release::apply_reason_name(record.reason)},
                   {"succeeded", record.outcome.succeeded},
                   {"message", record.outcome.message},
                   {"components", components},
                   {"overridden", record.overridden},
                   {"interrupted", record.interrupted}};
  if (record.took_over)
    out["took_over"] = {{"holder", store::describe_holder(*record.took_over)}, {"why", record.takeover_reason}};
  return out;
}

json to_json(const store::ComponentVersionRecord& v) {
  return {{"component", v.component}, {"version", v.version}, {"artifact", v.artifact_digest},
          {"run", v.run_id}, {"branch", v.branch}, {"created", format_utc(v.created)}};
}

json to_json(const store::Event& e) {
  return {{"id", e.id}, {"time", format_utc(e.time)}, {"actor", e.actor}, {"kind", e.kind},
          {"subject", e.subject}, {"detail", e.detail}};
}

}  // namespace slipway::service
