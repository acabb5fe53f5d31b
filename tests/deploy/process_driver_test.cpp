// The process driver with real processes: a tiny python3 HTTP service packed
// as a tar.gz artifact, supervised by the real `slipway supervise`, probed
// over loopback. TearDown stops every supervisor a test started.
#include "deploy/process_driver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/files.h"
#include "core/process_marks.h"
#include "deploy/engine.h"
#include "run/artifacts.h"
#include "support/test_support.h"

namespace slipway::deploy {
namespace {

using test::TempDir;

constexpr const char* k_app = R"(import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
V = os.environ.get("VERSION", "")
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        code, body = 200, (V + " " + os.environ.get("GREETING", "")).encode()
        if self.path == "/health":
            code, body = (500 if V.startswith("9.") else 200), b"ok"
        elif self.path == "/secret":
            same = os.environ.get("TOKEN") and os.environ.get("TOKEN") == os.environ.get("SECRET_TOKEN")
            body = b"match" if same else b"nomatch"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print("listening", flush=True)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
)";

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The body of a 200 answer to GET path, or nullopt.
std::optional<std::string> http_get(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  if (!answer.starts_with("HTTP/1.0 200") && !answer.starts_with("HTTP/1.1 200")) return std::nullopt;
  size_t body = answer.find("\r\n\r\n");
  return body == std::string::npos ? "" : answer.substr(body + 4);
}

class ProcessDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port = free_port();
    std::string ws = std::string(R"(product:
  name: tiny
  version: "1.0"
components:
  web:
    repo: repos/web
    deploy:
      process:
        argv: [python3, app.py]
        port: )") + std::to_string(port) + R"(
        env:
          GREETING: ${{ values.greeting }}
          TOKEN: ${{ secrets.token }}
        health:
          http: /health
          timeout: 3
          retries: 2
blocks:
  core:
    components: [web]
    values:
      greeting: hello
    secrets:
      token:
        generate: {length: 24, charset: alphanumeric}
environments:
  test:
    platform: {kind: process}
    blocks: [core]
    policy: {mode: manual}
)";
    test::write_file(dir / "ws/slipway.yaml", ws);
    test::write_file(dir / "ws/repos/web/azure-pipelines.yml", "steps:\n- script: echo web\n");
    workspace = model::load_workspace(dir / "ws").value();
    store = std::move(store::open_store((dir / "state/state.db").string()).value());
    key.fill(7);
    driver = make_process_driver(SLIPWAY_BINARY);
    test::write_file(dir / "src/app.py", k_app);
    std::filesystem::create_directories(dir / "pack");
    ASSERT_EQ(test::run_command({"tar", "-czf", (dir / "pack/web.tar.gz").string(), "-C", (dir / "src").string(), "app.py"}).exit_code, 0);
    digest = run::ArtifactStore(store::folder_blob_store(dir / "state/artifacts")).put("web", dir / "pack").value().digest;
  }
  void TearDown() override { (void)stop_services(dir / "state"); }

  Result<ApplyResult> apply(const std::string& version) {
    ApplyRequest request;
    request.workspace = &workspace;
    request.environment = "test";
    request.wanted = {{"web", {version, digest}}};
    request.actor = "alice";
    request.state_dir = dir / "state";
    return apply_environment(*store, *driver, key, request);
  }
  std::filesystem::path state_file() { return service_dir(dir / "state", "test", "web") / "state.json"; }
  int child_pid() { return nlohmann::json::parse(read_text_file(state_file()).value()).value("child", 0); }
  int supervisor_pid() {
    return std::atoi(read_text_file(service_dir(dir / "state", "test", "web") / "supervisor.pid").value().c_str());
  }

  TempDir dir;
  int port = 0;
  std::string digest;
  model::Workspace workspace;
  std::unique_ptr<store::Store> store;
  MasterKey key{};
  std::unique_ptr<Driver> driver;
};

TEST_F(ProcessDriverTest, DeploysTheServiceBehindItsStablePort) {
  ApplyResult result = apply("1.0.0").value();
  ASSERT_TRUE(result.succeeded) << result.message;
  EXPECT_EQ(http_get(port, "/"), "1.0.0 hello");
  std::string log = test::read_file(service_dir(dir / "state", "test", "web") / "service.log");
  EXPECT_NE(log.find("listening"), std::string::npos);
}

TEST_F(ProcessDriverTest, UpgradeLosesNoRequest) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0}, new_seen{0};
  std::thread client([&] {
    while (!done) {
      std::optional<std::string> body = http_get(port, "/");
      if (!body) failed++;
      else if (*body == "2.0.0 hello") new_seen++;
      else ok++;
    }
  });
  ApplyResult result = apply("2.0.0").value();
  // Keep probing until the new version answered a few times.
  while (result.succeeded && new_seen < 5) std::this_thread::yield();
  done = true;
  client.join();
  ASSERT_TRUE(result.succeeded) << result.message;
  EXPECT_EQ(failed, 0);
  EXPECT_GT(ok, 0);
  EXPECT_EQ(http_get(port, "/"), "2.0.0 hello");
}

TEST_F(ProcessDriverTest, FailedHealthCheckIsRevertedAndTheOldVersionKeepsServing) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  int old_pid = child_pid();
  ApplyResult failed = apply("9.0.0").value();
  EXPECT_FALSE(failed.succeeded);
  EXPECT_EQ(failed.message, "web: version 9.0.0 failed its health check; the previous version keeps serving");
  EXPECT_EQ(http_get(port, "/"), "1.0.0 hello");
  EXPECT_EQ(child_pid(), old_pid);
  EXPECT_EQ(store->deploys().applied("test").value().at(0).version, "1.0.0");
}

TEST_F(ProcessDriverTest, ApplyingTwiceDoesNothingTheSecondTime) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  int pid = child_pid();
  ApplyResult again = apply("1.0.0").value();
  EXPECT_TRUE(again.succeeded);
  EXPECT_EQ(again.message, "no changes");
  EXPECT_EQ(child_pid(), pid);
}

TEST_F(ProcessDriverTest, SecretsReachTheServiceAndStayOutOfLogs) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  EXPECT_EQ(http_get(port, "/secret"), "match");
  std::string token = SecretVault(*store, key).values("test").value().at("token");
  ASSERT_FALSE(token.empty());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "state")) {
    if (entry.path().extension() != ".log") continue;
    EXPECT_EQ(test::read_file(entry.path()).find(token), std::string::npos) << entry.path();
  }
}

TEST_F(ProcessDriverTest, ObserveReportsWhatRunsAndStoppingLeavesNoProcess) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  DriverContext context;
  context.workspace = &workspace;
  model::ResolvedEnvironment env;
  env.name = "test";
  context.environment = &env;
  context.state_dir = dir / "state";
  std::optional<Observation> seen = driver->observe("web", context);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->present);
  EXPECT_EQ(seen->version, "1.0.0");
  int pid = child_pid();
  EXPECT_EQ(stop_services(dir / "state"), 1);
  EXPECT_NE(::kill(pid, 0), 0);
  EXPECT_FALSE(driver->observe("web", context)->present);
  EXPECT_FALSE(http_get(port, "/"));
}

TEST_F(ProcessDriverTest, CrashedServiceIsRestarted) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  int pid = child_pid();
  ::kill(pid, SIGKILL);
  std::optional<std::string> body;
  while (!(body = http_get(port, "/")) || child_pid() == pid || child_pid() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(body, "1.0.0 hello");
}

// Waits up to 10 s for `pid` to be gone (not even a zombie of ours left running).
bool gone(int pid) {
  for (int i = 0; i < 500; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_F(ProcessDriverTest, AKilledSupervisorsServiceIsStoppedByTheNextOne) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  const int child = child_pid(), supervisor = supervisor_pid();
  ASSERT_GT(child, 0);
  ::kill(supervisor, SIGKILL);
  ASSERT_TRUE(gone(supervisor));
  EXPECT_EQ(::kill(child, 0), 0) << "the service lives on in its own process group";
  ASSERT_TRUE(apply("1.0.0").value().succeeded);  // a new supervisor, which ends the one left behind
  EXPECT_TRUE(gone(child));
  EXPECT_EQ(http_get(port, "/"), "1.0.0 hello");
}

// A pid in state.json is checked with its start time: after the service is
// gone, its pid may lead another process group, which is not stopped.
TEST_F(ProcessDriverTest, APidRecycledSinceIsNotTakenForTheServiceLeftBehind) {
  ASSERT_TRUE(apply("1.0.0").value().succeeded);
  ASSERT_EQ(stop_services(dir / "state"), 1);
  const pid_t stranger = ::fork();
  if (stranger == 0) {
    ::setsid();
    ::execlp("sleep", "sleep", "300", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(stranger, 0);
  for (int i = 0; i < 100 && ::getpgid(stranger) != stranger; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(::getpgid(stranger), stranger) << "a process group leader, as a service is";
  for (const nlohmann::json& recorded : {nlohmann::json(1), nlohmann::json()}) {  // another start time; none (older files)
    nlohmann::json state = nlohmann::json::parse(read_text_file(state_file()).value());
    state["child"] = stranger;
    state["child_start"] = recorded;
    ASSERT_TRUE(write_file_atomic(state_file(), state.dump()));
    Result<ApplyResult> applied = apply("1.0.0");
    ASSERT_TRUE(applied && applied->succeeded)
        << read_text_file(service_dir(dir / "state", "test", "web") / "service.log").value_or("no log");
    EXPECT_TRUE(process_start_time(stranger))  // running, not a zombie of ours
        << "the supervisor stopped a process that was not its service";
    ASSERT_EQ(stop_services(dir / "state"), 1);
  }
  ::kill(stranger, SIGKILL);
  ::waitpid(stranger, nullptr, 0);
}

}  // namespace
}  // namespace slipway::deploy
