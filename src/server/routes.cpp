#include "server/routes.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "core/strings.h"
#include "release/codec.h"
#include "release/views.h"
#include "service/codec.h"

namespace slipway::server {

namespace {

using nlohmann::json;

// A use case's result in its JSON form (release::to_json or service::to_json), or its error.
template <class T>
Result<Answer> json_or_error(Result<T> result) {
  if (!result) return std::unexpected(result.error());
  if constexpr (std::is_same_v<T, json>) {
    return Answer(std::move(*result));
  } else {
    using release::to_json;
    using service::to_json;
    return Answer(to_json(*result));
  }
}

std::optional<std::string> optional_text(const Call& call, const std::string& name) {
  std::string text = call.text(name);
  if (text.empty()) return std::nullopt;
  return text;
}

// {"force"?, "wait_seconds"? (0 to 3600: how long to wait for the environment's lock)}.
Result<service::ApplyOptions> apply_options(const Call& call) {
  service::ApplyOptions options;
  options.force = call.body.is_object() && call.body.value("force", false);
  if (call.body.is_object() && call.body.contains("wait_seconds") && call.body["wait_seconds"].is_number()) {
    const double seconds = call.body["wait_seconds"].get<double>();
    if (!(seconds >= 0 && seconds <= 3600)) return fail(ErrorCode::invalid_input, "wait_seconds is between 0 and 3600");
    options.wait = Millis(static_cast<long long>(seconds * 1000));
  }
  return options;
}

// A hotfix's versions: the body's {"api": "2.1.0"}, or the query's "api=2.1.0,web=1.0.0".
Result<std::map<std::string, std::string>> versions_of(const Call& call) {
  std::map<std::string, std::string> out;
  if (call.body.is_object() && call.body.contains("versions")) {
    for (const auto& [component, version] : call.body["versions"].items()) {
      if (!version.is_string()) return fail(ErrorCode::invalid_input, "versions must map component names to versions");
      out[component] = version.get<std::string>();
    }
    return out;
  }
  const std::string query = call.query_or("versions");
  if (query.empty()) return out;
  for (const std::string& pair : split(query, ',')) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
      return fail(ErrorCode::invalid_input, "versions takes COMPONENT=VERSION pairs, got '" + pair + "'");
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return out;
}

bool follows(const Call& call) { return call.query_or("follow") == "1" || call.query_or("follow") == "true"; }

// One server-sent event: "id: 7\nevent: line\ndata: {...}\n\n".
std::string sse(const std::string& event, const json& data, const std::string& id = "") {
  std::string out = id.empty() ? "" : "id: " + id + "\n";
  return out + "event: " + event + "\ndata: " + data.dump() + "\n\n";
}

Result<std::int64_t> to_int(const std::string& text, const std::string& what) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    return fail(ErrorCode::invalid_input, what + " must be a non-negative integer, not '" + text + "'");
  return value;
}

// ---- environments

Result<Answer> status(Session& s, const Call&) {
  return json_or_error(s.service.status());
}

// The environments with what runs there: status's rows without the components.
Result<Answer> environments(Session& s, const Call&) {
  auto rows = s.service.status();
  if (!rows) return std::unexpected(rows.error());
  json out = json::array();
  for (const release::EnvironmentStatus& row : *rows)
    out.push_back({{"name", row.name}, {"mode", row.mode}, {"upstream", row.upstream}, {"release", row.release},
                   {"product_version", row.product_version}, {"last_result", row.last_result}});
  return Answer(out);
}

Result<Answer> history(Session& s, const Call& call) {
  auto entries = s.service.history(call.params.at("env"));
  if (!entries) return std::unexpected(entries.error());
  return page_of(release::to_json(*entries), call);
}

Result<Answer> plan(Session& s, const Call& call) {
  const std::string& env = call.params.at("env");
  std::optional<std::string> release;
  if (std::string id = call.query_or("release"); !id.empty()) release = id;
  Result<std::map<std::string, std::string>> versions = versions_of(call);
  if (!versions) return std::unexpected(versions.error());
  if (release && !versions->empty()) return fail(ErrorCode::invalid_input, "plan takes release or versions, not both");
  auto planned = s.service.plan(env, release, *versions);
  if (!planned) return std::unexpected(planned.error());
  return Answer(json(service::to_json(*planned, env)));
}

Result<Answer> apply(Session& s, const Call& call) {
  Result<std::map<std::string, std::string>> versions = versions_of(call);
  if (!versions) return std::unexpected(versions.error());
  Result<service::ApplyOptions> options = apply_options(call);
  if (!options) return std::unexpected(options.error());
  const std::optional<std::string> release = optional_text(call, "release");
  if (versions->empty()) return json_or_error(s.service.apply(call.params.at("env"), release, *options));
  if (release) return fail(ErrorCode::invalid_input, "apply takes release or versions, not both");
  return json_or_error(s.service.hotfix(call.params.at("env"), *versions, *options));
}

Result<Answer> rollback(Session& s, const Call& call) {
  Result<service::ApplyOptions> options = apply_options(call);
  if (!options) return std::unexpected(options.error());
  return json_or_error(s.service.rollback(call.params.at("env"), optional_text(call, "to"), *options));
}

Result<Answer> secrets(Session& s, const Call& call) {
  const std::string& env = call.params.at("env");
  auto infos = s.service.secrets(env);
  if (!infos) return std::unexpected(infos.error());
  auto fingerprints = s.service.secret_fingerprints(env);
  if (!fingerprints) return std::unexpected(fingerprints.error());
  return Answer(json(service::to_json(*infos, *fingerprints)));
}

Result<Answer> reveal(Session& s, const Call& call) {
  auto value = s.service.reveal_secret(call.params.at("env"), call.params.at("name"));
  if (!value) return std::unexpected(value.error());
  return Answer(json{{"name", call.params.at("name")}, {"value", *value}});
}

Result<Answer> rotate(Session& s, const Call& call) {
  if (Status done = s.service.rotate_secret(call.params.at("env"), call.params.at("name")); !done)
    return std::unexpected(done.error());
  return Answer(json{{"name", call.params.at("name")}, {"rotated", true}});
}

Result<Answer> locks(Session& s, const Call&) {
  auto all = s.service.locks();
  if (!all) return std::unexpected(all.error());
  json out = json::array();
  for (const service::LockView& lock : *all) out.push_back(service::to_json(lock));
  return Answer(out);
}

Result<Answer> break_lock(Session& s, const Call& call) {
  auto broken = s.service.break_lock(call.params.at("env"));
  if (!broken) return std::unexpected(broken.error());
  return Answer(json(service::to_json(*broken)));
}

Result<Answer> diff(Session& s, const Call& call) {
  const std::string a = call.query_or("a"), b = call.query_or("b");
  if (a.empty() || b.empty())
    return fail(ErrorCode::invalid_input, "diff needs ?a=...&b=... (environments or release ids)");
  return json_or_error(s.service.diff(a, b));
}

// ---- components and releases

Result<Answer> components(Session& s, const Call&) {
  json out = json::array();
  for (const model::Component& c : s.service.workspace().components)
    out.push_back({{"name", c.name}, {"repo", s.service.workspace().repo_location(c)}});
  return Answer(out);
}

Result<Answer> versions(Session& s, const Call& call) {
  auto all = s.service.component_versions(call.params.at("name"));
  if (!all) return std::unexpected(all.error());
  json out = json::array();
  for (const store::ComponentVersionRecord& v : *all) out.push_back(service::to_json(v));
  return page_of(out, call);
}

// A successful build reported by hand: {"version", "digest", "branch"? (main), "run"?}; the
// auto environments tracking the branch follow (their applies are the answer).
Result<Answer> record_build(Session& s, const Call& call) {
  const std::string branch = call.text("branch").empty() ? "main" : call.text("branch");
  auto applied = s.service.record_build(call.params.at("name"), call.text("version"), call.text("digest"), branch,
                                        call.text("run"));
  if (!applied) return std::unexpected(applied.error());
  json out = json::array();
  for (const release::ApplyRecord& record : *applied) out.push_back(service::to_json(record));
  Answer answer(json{{"component", call.params.at("name")}, {"version", call.text("version")}, {"applied", out}});
  answer.status = 201;
  return answer;
}

Result<Answer> releases(Session& s, const Call& call) {
  auto all = s.service.releases();
  if (!all) return std::unexpected(all.error());
  json out = json::array();
  for (const release::Release& r : *all) out.push_back(release::to_json(r));
  return page_of(out, call);
}

Result<Answer> show_release(Session& s, const Call& call) {
  return json_or_error(s.service.release(call.params.at("id")));
}

// {"from": ENV, "pins": {"api": "1.2.0"}, "excludes": ["worker"]}
Result<Answer> create_release(Session& s, const Call& call) {
  release::CreateOptions options{.from = call.text("from")};
  try {
    if (call.body.contains("pins")) options.pins = call.body["pins"].get<std::map<std::string, std::string>>();
    if (call.body.contains("excludes")) options.excludes = call.body["excludes"].get<std::vector<std::string>>();
  } catch (const json::exception&) {
    return fail(ErrorCode::invalid_input, "pins must map component names to versions, excludes list component names");
  }
  auto made = s.service.create_release(options);
  if (!made) return std::unexpected(made.error());
  Answer answer(release::to_json(*made));
  answer.status = 201;
  return answer;
}

Result<Answer> approve(Session& s, const Call& call) {
  const std::string& id = call.params.at("id");
  const std::string environment = call.text("environment");
  if (Status done = s.service.approve(id, environment); !done) return std::unexpected(done.error());
  return Answer(json{{"release", id}, {"environment", environment}, {"approved_by", s.service.config().actor}});
}

// A promotion that ran but failed is still an answer (200, succeeded false):
// the request was valid and is recorded in the history like a success.
Result<Answer> promote(Session& s, const Call& call) {
  Result<service::ApplyOptions> options = apply_options(call);
  if (!options) return std::unexpected(options.error());
  return json_or_error(s.service.promote(call.params.at("id"), call.text("environment"), *options));
}

// ---- runs

Result<Answer> runs(Session& s, const Call& call) {
  auto all = s.runs.runs();
  if (!all) return std::unexpected(all.error());
  json out = json::array();
  for (auto it = all->rbegin(); it != all->rend(); ++it) out.push_back(service::to_json(*it));  // newest first
  return page_of(out, call);
}

Result<Answer> show_run(Session& s, const Call& call) { return json_or_error(s.feed.run(call.params.at("id"))); }

Result<Answer> logs(Session& s, const Call& call) {
  const std::string id = call.params.at("id"), job = call.query_or("job");
  if (!follows(call)) {
    auto steps = s.runs.logs(id, job);
    if (!steps) return std::unexpected(steps.error());
    json out = json::array();
    for (const service::StepLog& step : *steps)
      out.push_back({{"job", step.job}, {"step", step.step}, {"result", step.result}, {"lines", step.lines}});
    return Answer(out);
  }
  if (auto known = s.runs.logs(id, job); !known) return std::unexpected(known.error());
  Answer answer;
  answer.content_type = "text/event-stream";
  answer.stream = [id, job, hub = s.log_hub](service::Feed& feed, const Write& write) {
    bool open = true;
    auto line = [&](const std::string& from_job, std::string_view text) {
      open = open && write(sse("line", {{"job", from_job}, {"line", std::string(text)}}));
    };
    int polls = 0;  // a comment every few seconds finds a client that left while the run is quiet
    auto keep_going = [&] { return open && write(++polls % 25 != 0 ? "" : ": keep-alive\n\n"); };
    auto batch = [&](const LogHub::Lines& lines) {  // one write for the batch
      std::string events;
      for (const auto& [from_job, text] : lines) events += sse("line", {{"job", from_job}, {"line", text}});
      open = open && write(events);
    };
    Result<std::string> result =
        hub ? hub->follow(id, job, batch, keep_going) : feed.follow_logs(id, job, line, keep_going);
    if (open) write(sse("end", {{"result", result ? *result : ""}}));
  };
  return answer;
}

// Starts `start` on a scheduler slot and answers 202 with the run's id once
// it is numbered, or the error that stopped it before (a bad pipeline, a
// permission). When every slot is busy for a while the run waits its turn:
// 202 without an id, the run to be found in GET /runs.
Result<Answer> start_on_slot(Session& s, std::function<Result<service::RunOutcome>(service::RunService&,
                                                                                     const service::RunSettings&)> start) {
  if (!s.scheduler) return fail(ErrorCode::unsupported, "runs start through slipway serve's run slots");
  auto numbered = std::make_shared<std::promise<Result<std::string>>>();
  auto told = std::make_shared<std::atomic<bool>>(false);
  auto tell = [numbered, told](Result<std::string> id) {
    if (!told->exchange(true)) numbered->set_value(std::move(id));
  };
  std::future<Result<std::string>> id = numbered->get_future();
  const bool queued = s.scheduler->submit_job(
      [start, tell](service::RunService& runs, service::RunSettings& settings) {
        settings.listener.started = [tell](const std::string& run) { tell(run); };
        Result<service::RunOutcome> outcome = start(runs, settings);
        tell(outcome ? Result<std::string>(outcome->record.id) : Result<std::string>(std::unexpected(outcome.error())));
      },
      s.service.config().actor);
  if (!queued) return fail(ErrorCode::conflict, "slipway serve is stopping; no run starts now");
  Answer deferred;
  deferred.later = [id = std::make_shared<std::future<Result<std::string>>>(std::move(id))]() -> Result<Answer> {
    Answer answer(json{{"queued", true}});
    answer.status = 202;
    if (id->wait_for(std::chrono::seconds(10)) != std::future_status::ready) return answer;
    Result<std::string> run = id->get();
    if (!run) return std::unexpected(run.error());
    answer.body = {{"id", *run}, {"url", std::string(k_api_prefix) + "/runs/" + *run}};
    answer.headers.emplace_back("Location", std::string(k_api_prefix) + "/runs/" + *run);
    return answer;
  };
  return deferred;
}

// {"component": "api", "branch": "main", "commit": "..."}: a build, as `slipway run COMPONENT`.
Result<Answer> start_run(Session& s, const Call& call) {
  service::RunRequest request;
  request.component = call.text("component");
  if (std::string branch = call.text("branch"); !branch.empty()) request.branch = branch;
  request.commit = call.text("commit");
  if (Result<const model::Component*> known = s.service.workspace().require_component(request.component); !known)
    return std::unexpected(known.error());
  if (Status allowed = s.service.permit(service::Permission::run, nullptr, "run " + request.component); !allowed)
    return std::unexpected(allowed.error());
  return start_on_slot(s, [request](service::RunService& runs, const service::RunSettings& settings) {
    return runs.start(request, settings);
  });
}

Result<Answer> retry_run(Session& s, const Call& call) {
  const std::string id = call.params.at("id");
  if (Result<json> old = s.feed.run(id); !old) return std::unexpected(old.error());
  else if (old->value("state", "") == "running") return fail(ErrorCode::conflict, "run " + id + " is still running");
  return start_on_slot(s, [id](service::RunService& runs, const service::RunSettings& settings) {
    return runs.retry(id, settings);
  });
}

Result<Answer> cancel(Session& s, const Call& call) {
  auto done = s.runs.cancel(call.params.at("id"));
  if (!done) return std::unexpected(done.error());
  Answer answer(json{{"run", done->run_id}, {"requested_by", done->actor}, {"already_requested", done->already_requested}});
  answer.status = 202;
  return answer;
}

// The artifacts of one run (GET /runs/{id}/artifacts), or of every run (GET /artifacts, paged).
Result<Answer> artifacts(Session& s, const Call& call) {
  const bool of_run = call.params.contains("id");
  auto all = s.runs.artifacts(of_run ? std::optional<std::string>(call.params.at("id")) : std::nullopt);
  if (!all) return std::unexpected(all.error());
  json out = json::array();
  for (const run::ArtifactRecord& a : *all) out.push_back(service::to_json(a));
  if (!of_run) return page_of(out, call);
  return Answer(out);
}

// ---- artifacts and events: read through a Feed, outside the server's lock

Result<Answer> artifact(Session& s, const Call& call) {
  const std::string& digest = call.params.at("digest");
  auto files = s.feed.artifact_manifest(digest);
  if (!files) return std::unexpected(files.error());
  return Answer(json{{"digest", digest}, {"files", *files}});
}

Result<Answer> blob(Session& s, const Call& call) {
  Result<std::string> bytes = s.feed.artifact_blob(call.params.at("digest"), call.params.at("sha256"));
  if (!bytes) return std::unexpected(bytes.error());
  Answer answer;
  answer.content_type = "application/octet-stream";
  answer.stream = [bytes = std::move(*bytes)](service::Feed&, const Write& write) {
    constexpr std::size_t k_chunk = 64 * 1024;
    for (std::size_t at = 0; at < bytes.size(); at += k_chunk)
      if (!write(std::string_view(bytes).substr(at, k_chunk))) return;
  };
  return answer;
}

// GET /events: the event log after ?after= (or Last-Event-ID); ?follow=1
// streams it as server-sent events, each with its id, so a client that
// reconnects with Last-Event-ID misses nothing and sees nothing twice.
Result<Answer> events(Session& s, const Call& call) {
  std::string from = call.last_event_id.empty() ? call.query_or("after", "0") : call.last_event_id;
  Result<std::int64_t> after = to_int(from, "the event id to start after");
  if (!after) return std::unexpected(after.error());
  if (!follows(call)) {
    auto batch = s.feed.events_after(*after, 1000);
    if (!batch) return std::unexpected(batch.error());
    json out = json::array();
    for (const store::Event& e : *batch) out.push_back(service::to_json(e));
    return Answer(out);
  }
  Answer answer;
  answer.content_type = "text/event-stream";
  answer.stream = [last = *after](service::Feed& feed, const Write& write) mutable {
    for (int idle = 0;; ++idle) {
      Result<std::vector<store::Event>> batch = feed.events_after(last, 500);
      if (!batch) return;
      for (const store::Event& e : *batch) {
        if (!write(sse(e.kind, service::to_json(e), std::to_string(e.id)))) return;
        last = e.id;
      }
      if (!batch->empty()) continue;
      if (!write(idle % 50 == 49 ? ": keep-alive\n\n" : "")) return;  // a comment finds a client that left
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  };
  return answer;
}

}  // namespace

std::string Call::query_or(const std::string& name, const std::string& otherwise) const {
  auto found = query.find(name);
  return found == query.end() ? otherwise : found->second;
}

std::string Call::text(const std::string& name) const {
  if (!body.is_object() || !body.contains(name) || !body[name].is_string()) return "";
  return body[name].get<std::string>();
}

Result<Answer> page_of(json items, const Call& call) {
  Result<std::int64_t> page = to_int(call.query_or("page", "1"), "page");
  if (!page) return std::unexpected(page.error());
  Result<std::int64_t> per_page = to_int(call.query_or("per_page", "100"), "per_page");
  if (!per_page) return std::unexpected(per_page.error());
  if (*page < 1 || *per_page < 1 || *per_page > 1000)
    return fail(ErrorCode::invalid_input, "page starts at 1 and per_page is between 1 and 1000");
  const std::size_t total = items.size(), size = static_cast<std::size_t>(*per_page);
  const std::size_t first = std::min(total, static_cast<std::size_t>(*page - 1) * size);
  const std::size_t last = std::min(total, first + size);
  Answer answer(json(items.begin() + static_cast<std::ptrdiff_t>(first), items.begin() + static_cast<std::ptrdiff_t>(last)));
  answer.headers.emplace_back("X-Total-Count", std::to_string(total));
  if (last < total)
    answer.headers.emplace_back("Link", "<" + call.path + "?page=" + std::to_string(*page + 1) +
                                            "&per_page=" + std::to_string(size) + ">; rel=\"next\"");
  return answer;
}

const std::vector<Route>& routes() {
  const std::vector<std::string> paged = {"page", "per_page"};
  const Field environment{"environment"}, force{"force", "boolean", false}, wait{"wait_seconds", "number", false};
  static const std::vector<Route> k_routes = {
      {"GET", "/status", "the environments x components matrix", {}, {}, status},
      {"GET", "/environments", "the environments and the release each runs", {}, {}, environments},
      {"GET", "/environments/{env}/history", "every release applied, failed or refused in an environment", {}, paged,
       history},
      {"GET", "/environments/{env}/plan",
       "what applying a release (default: the one running), or it with other versions (a hotfix), would change", {},
       {"release", "versions"}, plan},
      {"POST", "/environments/{env}/apply",
       "apply a release (default: the one running, to repair drift), or it with other `versions` (a hotfix)",
       {{"release", "string", false}, force, {"versions", "object", false}, wait}, {},
       apply},
      {"POST", "/environments/{env}/rollbacks", "roll back to the release before (or `to`)",
       {{"to", "string", false}, force, wait}, {}, rollback},
      {"GET", "/environments/{env}/secrets", "the environment's secrets: names, ages, fingerprints", {}, {}, secrets},
      {"POST", "/environments/{env}/secrets/{name}/reveal", "a secret's value (permission reveal; recorded)", {}, {},
       reveal},
      {"POST", "/environments/{env}/secrets/{name}/rotations", "rotate a secret (permission rotate)", {}, {}, rotate},
      {"GET", "/locks", "the environments' locks and their holders", {}, {}, locks},
      {"POST", "/environments/{env}/lock/break", "release an environment's lock (permission lock; recorded)", {}, {},
       break_lock},
      {"GET", "/diff", "two environments or releases side by side", {}, {"a", "b"}, diff},
      {"GET", "/components", "the workspace's components", {}, {}, components},
      {"GET", "/components/{name}/versions", "every version of a component its builds recorded", {}, paged, versions},
      {"POST", "/components/{name}/versions", "record a successful build (the auto environments following it apply)",
       {{"version"}, {"digest"}, {"branch", "string", false}, {"run", "string", false}}, {}, record_build},
      {"GET", "/releases", "every release", {}, paged, releases},
      {"POST", "/releases", "create a release from an environment's versions",
       {{"from"}, {"pins", "object", false}, {"excludes", "array", false}}, {}, create_release},
      {"GET", "/releases/{id}", "one release", {}, {}, show_release},
      {"POST", "/releases/{id}/approvals", "approve a release for an environment", {environment}, {}, approve},
      {"POST", "/releases/{id}/promotions", "promote a release into an environment (its gates apply)",
       {environment, force, wait}, {}, promote},
      {"GET", "/runs", "every run, newest first", {}, paged, runs},
      {"POST", "/runs", "start a build of a component (202 with the run's id)",
       {{"component"}, {"branch", "string", false}, {"commit", "string", false}}, {}, start_run},
      {"POST", "/runs/{id}/retry", "rerun a run's failed and canceled jobs (202 with the new run's id)", {}, {},
       retry_run},
      {"GET", "/runs/{id}", "one run: stages, jobs, steps, results and times", {}, {}, show_run},
      {"GET", "/runs/{id}/logs", "a run's step logs; ?follow=1 streams them as server-sent events", {},
       {"job", "follow"}, logs},
      {"POST", "/runs/{id}/cancel", "ask the process running a run to cancel it", {}, {}, cancel},
      {"GET", "/runs/{id}/artifacts", "the artifacts a run published", {}, {}, artifacts},
      {"GET", "/artifacts", "the artifacts every run published, oldest first", {}, paged, artifacts},
      {"GET", "/artifacts/{digest}", "an artifact's files by digest", {}, {}, artifact},
      {"GET", "/artifacts/{digest}/blobs/{sha256}", "the bytes of one file of an artifact", {}, {}, blob},
      {"GET", "/events", "the event log after an id; ?follow=1 streams it (resumable with Last-Event-ID)", {},
       {"after", "follow"}, events},
      {"GET", "/openapi.json", "this document (OpenAPI 3.1)", {}, {}, {}},
  };
  return k_routes;
}

std::vector<std::string> path_params(const std::string& path) {
  std::vector<std::string> out;
  for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    const std::size_t close = path.find('}', open);
    if (close == std::string::npos) break;
    out.push_back(path.substr(open + 1, close - open - 1));
  }
  return out;
}

}  // namespace slipway::server
