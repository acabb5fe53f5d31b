// slipway token create|list|revoke: API tokens for `slipway serve --listen`.
// create prints the token once (stdout, alone on its line, so scripts can
// take it with $(...); --json: an object); the store keeps only its hash, so
// it cannot be shown again. list and revoke name a token by its prefix.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/print.h"
#include "core/json_text.h"

namespace slipway::cli {

namespace {

struct TokenArgs {
  std::string user;
  std::string expires;  // a duration ("30d"); empty: never
  bool read_only = false;
  std::string prefix;   // revoke
  std::string as;
};

nlohmann::ordered_json optional_time(const std::optional<TimePoint>& t) {
  return t ? nlohmann::ordered_json(format_utc(*t)) : nlohmann::ordered_json();
}

// A token as JSON: never the token or its hash (the store gives neither back).
nlohmann::ordered_json token_json(const store::TokenRecord& t) {
  return {{"prefix", t.prefix},          {"user", t.user},
          {"created_by", t.created_by},  {"created", format_utc(t.created)},
          {"expires", optional_time(t.expires)}, {"read_only", t.read_only},
          {"last_used", optional_time(t.last_used)}, {"revoked", optional_time(t.revoked)},
          {"revoked_by", t.revoked ? nlohmann::ordered_json(t.revoked_by) : nlohmann::ordered_json()}};
}

Result<service::TokenOptions> token_options(const TokenArgs& args) {
  service::TokenOptions out{.user = args.user, .expires_in = std::nullopt, .read_only = args.read_only};
  if (args.expires.empty()) return out;
  out.expires_in = parse_duration(args.expires);
  if (!out.expires_in)
    return fail(ErrorCode::invalid_input, "--expires " + args.expires + ": expected " + k_duration_help);
  return out;
}

Status create_token(const GlobalOptions& options, const TokenArgs& args) {
  Result<service::TokenOptions> wanted = token_options(args);
  if (!wanted) return std::unexpected(wanted.error());
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<service::CreatedToken> created = (*service)->create_token(*wanted);
  if (!created) return std::unexpected(created.error());
  const store::TokenRecord& t = created->record;
  if (options.json) {
    nlohmann::ordered_json out{{"token", created->token}};
    out.update(token_json(t));
    std::cout << json_text(out, 2) << std::endl;
    return {};
  }
  std::cout << created->token << std::endl;
  std::cerr << "slipway: token " << t.prefix << " for " << t.user << (t.read_only ? ", read-only" : "")
            << (t.expires ? ", expires " + format_utc(*t.expires) : ", never expires")
            << " (shown once; requests send it as Authorization: Bearer)" << std::endl;
  return {};
}

std::string state_of(const store::TokenRecord& t, TimePoint now) {
  if (t.revoked) return "revoked " + format_utc(*t.revoked) + " by " + t.revoked_by;
  if (t.expires && *t.expires <= now) return "expired";
  return "active";
}

Status list_tokens(const GlobalOptions& options, const TokenArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<std::vector<store::TokenRecord>> tokens = (*service)->tokens();
  if (!tokens) return std::unexpected(tokens.error());
  if (options.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const store::TokenRecord& t : *tokens) out.push_back(token_json(t));
    std::cout << json_text(out, 2) << "\n";
    return {};
  }
  if (tokens->empty()) {
    std::cout << "no tokens (slipway token create --user NAME)\n";
    return {};
  }
  const TimePoint now = (*service)->config().clock->now();
  std::vector<std::vector<std::string>> rows{
      {"PREFIX", "USER", "ACCESS", "CREATED", "BY", "EXPIRES", "LAST USED", "STATE"}};
  for (const store::TokenRecord& t : *tokens)
    rows.push_back({t.prefix, t.user, t.read_only ? "read-only" : "full", format_utc(t.created), t.created_by,
                    t.expires ? format_utc(*t.expires) : "never", t.last_used ? format_utc(*t.last_used) : "never",
                    state_of(t, now)});
  print_table(rows);
  return {};
}

Status revoke_token(const GlobalOptions& options, const TokenArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<service::RevokedToken> revoked = (*service)->revoke_token(args.prefix);
  if (!revoked) return std::unexpected(revoked.error());
  const store::TokenRecord& t = revoked->record;
  std::cout << (revoked->already ? "token " + t.prefix + " of " + t.user + " was already revoked at " +
                                       format_utc(*t.revoked) + " by " + t.revoked_by
                                 : "revoked token " + t.prefix + " of " + t.user)
            << "\n";
  return {};
}

}  // namespace

void add_token_commands(CLI::App& app, GlobalOptions& options) {
  CLI::App* token = app.add_subcommand("token", "API tokens for slipway serve --listen");
  token->require_subcommand(1);
  auto args = std::make_shared<TokenArgs>();
  auto run = [&options, args](Status (*body)(const GlobalOptions&, const TokenArgs&)) {
    return [&options, args, body] {
      if (Status s = body(options, *args); !s) options.exit_code = report(s.error());
    };
  };
  auto json = [&](CLI::App* cmd) { cmd->add_flag("--json", options.json, "print JSON"); };

  CLI::App* create = token->add_subcommand("create", "create a token acting as a user (printed once)");
  create->add_option("--user", args->user, "the identity the token acts as (a member of a role)")->required();
  create->add_option("--expires", args->expires, "lifetime such as 90m, 12h or 30d (default: never expires)");
  create->add_flag("--read-only", args->read_only, "the token reads only: every request that acts is refused");
  json(create);
  add_as_option(create, args->as);
  create->callback(run(create_token));

  CLI::App* list = token->add_subcommand("list", "every token: prefix, user, expiry, last use (never the token)");
  json(list);
  add_as_option(list, args->as);
  list->callback(run(list_tokens));

  CLI::App* revoke = token->add_subcommand("revoke", "revoke a token by its prefix (token list)");
  revoke->add_option("prefix", args->prefix, "the token's prefix, e.g. slw_1a2b3c4d")->required();
  add_as_option(revoke, args->as);
  revoke->callback(run(revoke_token));
}

}  // namespace slipway::cli
