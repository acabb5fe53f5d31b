// Webhook deliveries of each host: signatures (known vectors, tampering,
// constant-time paths) and payloads shaped like each host's documented
// samples read as pushes or ignored with a reason.
#include <gtest/gtest.h>

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "server/webhooks.h"

namespace slipway::server {
namespace {

using Kind = WebhookVerdict::Kind;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Headers as httplib gives them: looked up case-insensitively.
struct Headers {
  std::map<std::string, std::string> values;
  Headers(std::initializer_list<std::pair<const std::string, std::string>> list) {
    for (const auto& [name, value] : list) values[lower(name)] = value;
  }
  HeaderLookup lookup() const {
    return [this](std::string_view name) {
      auto found = values.find(lower(name));
      return found == values.end() ? std::string() : found->second;
    };
  }
};

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::string from_hex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr, nullptr,
                 nullptr);
  return out;
}

const std::string k_secret = "s3cret";
const std::string k_before = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
const std::string k_after = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

const std::string k_github_push = R"({"ref": "refs/heads/main", "before": ")" + k_before + R"(", "after": ")" +
                                  k_after + R"(", "created": false, "deleted": false,
  "repository": {"full_name": "octo/hello", "html_url": "https://github.com/octo/hello",
                 "clone_url": "https://github.com/octo/hello.git", "ssh_url": "git@github.com:octo/hello.git"},
  "commits": []})";

TEST(WebhookSignatures, GitHubsDocumentedExample) {
  EXPECT_EQ(hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(WebhookSignatures, Rfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignatures, SecretVariableNames) {
  EXPECT_EQ(webhook_secret_variable("github"), "SLIPWAY_WEBHOOK_SECRET_GITHUB");
  EXPECT_EQ(webhook_secret_variable("azure-devops"), "SLIPWAY_WEBHOOK_SECRET_AZURE_DEVOPS");
}

TEST(GitHubWebhook, SignedPushIsRead) {
  Headers headers{{"X-GitHub-Event", "push"},
                  {"X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
                  {"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(k_secret, k_github_push)}};
  WebhookVerdict verdict = read_webhook("github", headers.lookup(), k_github_push, k_secret);
  ASSERT_EQ(verdict.kind, Kind::push) << verdict.reason;
  EXPECT_EQ(verdict.delivery.host, "github");
  EXPECT_EQ(verdict.delivery.id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  ASSERT_EQ(verdict.delivery.pushes.size(), 1u);
  const service::WebhookPush& push = verdict.delivery.pushes[0];
  EXPECT_EQ(push.ref, "refs/heads/main");
  EXPECT_EQ(push.before, k_before);
  EXPECT_EQ(push.after, k_after);
  EXPECT_EQ(push.repo_urls, (std::vector<std::string>{"https://github.com/octo/hello.git",
                                                      "git@github.com:octo/hello.git", "https://github.com/octo/hello"}));
}

TEST(GitHubWebhook, TamperedUnsignedOrWronglyKeyedIsUnauthorized) {
  const std::string signature = "sha256=" + hmac_sha256_hex(k_secret, k_github_push);
  std::string tampered = k_github_push;
  tampered.replace(tampered.find("main"), 4, "prod");
  Headers signed_headers{{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "1"}, {"X-Hub-Signature-256", signature}};
  EXPECT_EQ(read_webhook("github", signed_headers.lookup(), tampered, k_secret).kind, Kind::unauthorized);
  EXPECT_EQ(read_webhook("github", signed_headers.lookup(), k_github_push, "other").kind, Kind::unauthorized);
  Headers unsigned_headers{{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "1"}};
  WebhookVerdict none = read_webhook("github", unsigned_headers.lookup(), k_github_push, k_secret);
  EXPECT_EQ(none.kind, Kind::unauthorized);
  EXPECT_NE(none.reason.find("X-Hub-Signature-256"), std::string::npos);
  Headers short_sig{{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "1"}, {"X-Hub-Signature-256", "sha256=00"}};
  EXPECT_EQ(read_webhook("github", short_sig.lookup(), k_github_push, k_secret).kind, Kind::unauthorized);
  EXPECT_EQ(none.reason.find(k_secret), std::string::npos);
}

TEST(GitHubWebhook, PingIsIgnoredWithItsReasonAndADeletedRefIsADeletion) {
  const std::string ping = R"({"zen": "Keep it logically awesome.", "hook_id": 1})";
  Headers headers{{"X-GitHub-Event", "ping"}, {"X-GitHub-Delivery", "2"},
                  {"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(k_secret, ping)}};
  WebhookVerdict verdict = read_webhook("github", headers.lookup(), ping, k_secret);
  EXPECT_EQ(verdict.kind, Kind::ignored);
  EXPECT_EQ(verdict.reason, "github event 'ping' is not a push: slipway starts runs for pushes");
  std::string deleted = k_github_push;
  deleted.replace(deleted.find("\"deleted\": false"), 16, "\"deleted\": true");
  Headers push{{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "3"},
               {"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(k_secret, deleted)}};
  WebhookVerdict gone = read_webhook("github", push.lookup(), deleted, k_secret);
  ASSERT_EQ(gone.kind, Kind::push);
  EXPECT_EQ(gone.delivery.pushes[0].after, std::string(40, '0'));
}

TEST(GitHubWebhook, SignedButMalformedIsABadRequest) {
  const std::string body = "not json";
  Headers headers{{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "4"},
                  {"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(k_secret, body)}};
  EXPECT_EQ(read_webhook("github", headers.lookup(), body, k_secret).kind, Kind::bad_request);
  Headers no_id{{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(k_secret, k_github_push)}};
  WebhookVerdict verdict = read_webhook("github", no_id.lookup(), k_github_push, k_secret);
  EXPECT_EQ(verdict.kind, Kind::bad_request);
  EXPECT_EQ(verdict.reason, "no delivery id (X-GitHub-Delivery)");
}

TEST(GiteaWebhook, GiteaAndForgejoSignaturesAreBareHex) {
  const std::string sig = hmac_sha256_hex(k_secret, k_github_push);
  Headers gitea{{"X-Gitea-Event", "push"}, {"X-Gitea-Delivery", "g1"}, {"X-Gitea-Signature", sig}};
  WebhookVerdict verdict = read_webhook("gitea", gitea.lookup(), k_github_push, k_secret);
  ASSERT_EQ(verdict.kind, Kind::push) << verdict.reason;
  EXPECT_EQ(verdict.delivery.id, "g1");
  Headers forgejo{{"X-Forgejo-Event", "push"}, {"X-Forgejo-Delivery", "f1"}, {"X-Forgejo-Signature", sig}};
  EXPECT_EQ(read_webhook("gitea", forgejo.lookup(), k_github_push, k_secret).kind, Kind::push);
  Headers prefixed{{"X-Gitea-Event", "push"}, {"X-Gitea-Delivery", "g2"}, {"X-Gitea-Signature", "sha256=" + sig}};
  EXPECT_EQ(read_webhook("gitea", prefixed.lookup(), k_github_push, k_secret).kind, Kind::unauthorized);
}

const std::string k_gitlab_push = R"({"object_kind": "push", "event_name": "push", "before": ")" + k_before +
                                  R"(", "after": ")" + k_after + R"(", "ref": "refs/heads/main",
  "checkout_sha": ")" + k_after + R"(", "project": {"path_with_namespace": "mike/diaspora",
    "web_url": "http://example.com/mike/diaspora", "git_ssh_url": "git@example.com:mike/diaspora.git",
    "git_http_url": "http://example.com/mike/diaspora.git"},
  "repository": {"url": "git@example.com:mike/diaspora.git", "homepage": "http://example.com/mike/diaspora"},
  "commits": [], "total_commits_count": 0})";

TEST(GitLabWebhook, SecretTokenIsComparedWhole) {
  Headers headers{{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Event-UUID", "u1"}, {"X-Gitlab-Token", k_secret}};
  WebhookVerdict verdict = read_webhook("gitlab", headers.lookup(), k_gitlab_push, k_secret);
  ASSERT_EQ(verdict.kind, Kind::push) << verdict.reason;
  EXPECT_EQ(verdict.delivery.id, "u1");
  EXPECT_EQ(verdict.delivery.pushes[0].repo_urls.front(), "http://example.com/mike/diaspora.git");
  Headers wrong{{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Event-UUID", "u1"}, {"X-Gitlab-Token", k_secret + "x"}};
  EXPECT_EQ(read_webhook("gitlab", wrong.lookup(), k_gitlab_push, k_secret).kind, Kind::unauthorized);
  Headers issue{{"X-Gitlab-Event", "Issue Hook"}, {"X-Gitlab-Event-UUID", "u2"}, {"X-Gitlab-Token", k_secret}};
  EXPECT_EQ(read_webhook("gitlab", issue.lookup(), R"({"object_kind": "issue"})", k_secret).kind, Kind::ignored);
}

TEST(GitLabWebhook, SigningTokenSignsIdTimestampAndBody) {
  const std::string key(32, '\x07');
  const std::string token = "whsec_" + base64(key);
  const std::string id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp = "1674087231";
  const std::string mac = from_hex(hmac_sha256_hex(key, id + "." + timestamp + "." + k_gitlab_push));
  Headers headers{{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Event-UUID", "u3"}, {"webhook-id", id},
                  {"webhook-timestamp", timestamp}, {"webhook-signature", "v1,bm90LWl0 v1," + base64(mac)}};
  WebhookVerdict verdict = read_webhook("gitlab", headers.lookup(), k_gitlab_push, token);
  EXPECT_EQ(verdict.kind, Kind::push) << verdict.reason;
  Headers replayed_later = headers;
  replayed_later.values["webhook-timestamp"] = "1674087232";
  EXPECT_EQ(read_webhook("gitlab", replayed_later.lookup(), k_gitlab_push, token).kind, Kind::unauthorized);
  EXPECT_EQ(read_webhook("gitlab", headers.lookup(), k_gitlab_push, "whsec_" + base64(std::string(32, 'x'))).kind,
            Kind::unauthorized);
}

const std::string k_bitbucket_push = R"({"push": {"changes": [
    {"new": {"type": "branch", "name": "main", "target": {"type": "commit", "hash": ")" + k_after + R"("}},
     "old": {"type": "branch", "name": "main", "target": {"type": "commit", "hash": ")" + k_before + R"("}},
     "created": false, "closed": false, "forced": false, "truncated": false},
    {"new": null, "old": {"type": "branch", "name": "gone", "target": {"hash": ")" + k_before + R"("}},
     "created": false, "closed": true}]},
  "repository": {"type": "repository", "full_name": "team/api", "name": "api",
                 "links": {"html": {"href": "https://bitbucket.org/team/api"}}},
  "actor": {"display_name": "Emma"}})";

TEST(BitbucketWebhook, EachChangeIsAPush) {
  Headers headers{{"X-Event-Key", "repo:push"}, {"X-Request-UUID", "b1"},
                  {"X-Hub-Signature", "sha256=" + hmac_sha256_hex(k_secret, k_bitbucket_push)}};
  WebhookVerdict verdict = read_webhook("bitbucket", headers.lookup(), k_bitbucket_push, k_secret);
  ASSERT_EQ(verdict.kind, Kind::push) << verdict.reason;
  ASSERT_EQ(verdict.delivery.pushes.size(), 2u);
  EXPECT_EQ(verdict.delivery.pushes[0].ref, "refs/heads/main");
  EXPECT_EQ(verdict.delivery.pushes[0].before, k_before);
  EXPECT_EQ(verdict.delivery.pushes[0].after, k_after);
  EXPECT_EQ(verdict.delivery.pushes[0].repo_urls.front(), "https://bitbucket.org/team/api");
  EXPECT_EQ(verdict.delivery.pushes[1].ref, "refs/heads/gone");
  EXPECT_EQ(verdict.delivery.pushes[1].after, std::string(40, '0'));
  Headers fork{{"X-Event-Key", "repo:fork"}, {"X-Request-UUID", "b2"},
               {"X-Hub-Signature", "sha256=" + hmac_sha256_hex(k_secret, "{}")}};
  EXPECT_EQ(read_webhook("bitbucket", fork.lookup(), "{}", k_secret).kind, Kind::ignored);
}

const std::string k_azure_push = R"({"subscriptionId": "00000000-0000-0000-0000-000000000000", "notificationId": 3,
  "id": "03c164c2-8912-4d5e-8009-3707d5f83734", "eventType": "git.push", "publisherId": "tfs",
  "resource": {"refUpdates": [{"name": "refs/heads/main", "oldObjectId": ")" + k_before + R"(",
                               "newObjectId": ")" + k_after + R"("}],
    "repository": {"name": "Fabrikam-Fiber-Git",
      "remoteUrl": "https://fabrikam-fiber-inc.visualstudio.com/DefaultCollection/_git/Fabrikam-Fiber-Git"},
    "pushId": 14}})";

TEST(AzureDevOpsWebhook, BasicAuthenticationAndRefUpdates) {
  Headers with_user{{"Authorization", "Basic " + base64("hook:" + k_secret)}};
  WebhookVerdict verdict = read_webhook("azure-devops", with_user.lookup(), k_azure_push, k_secret);
  ASSERT_EQ(verdict.kind, Kind::push) << verdict.reason;
  EXPECT_EQ(verdict.delivery.id, "03c164c2-8912-4d5e-8009-3707d5f83734");
  ASSERT_EQ(verdict.delivery.pushes.size(), 1u);
  EXPECT_EQ(verdict.delivery.pushes[0].ref, "refs/heads/main");
  EXPECT_EQ(verdict.delivery.pushes[0].after, k_after);
  EXPECT_EQ(read_webhook("azure-devops", with_user.lookup(), k_azure_push, "hook:" + k_secret).kind, Kind::push);
  EXPECT_EQ(read_webhook("azure-devops", with_user.lookup(), k_azure_push, "other:" + k_secret).kind,
            Kind::unauthorized);
  Headers wrong{{"Authorization", "Basic " + base64("hook:nope")}};
  EXPECT_EQ(read_webhook("azure-devops", wrong.lookup(), k_azure_push, k_secret).kind, Kind::unauthorized);
  Headers none{};
  EXPECT_EQ(read_webhook("azure-devops", none.lookup(), k_azure_push, k_secret).kind, Kind::unauthorized);
  const std::string build = R"({"id": "x", "eventType": "build.complete"})";
  EXPECT_EQ(read_webhook("azure-devops", with_user.lookup(), build, k_secret).kind, Kind::ignored);
}

}  // namespace
}  // namespace slipway::server
