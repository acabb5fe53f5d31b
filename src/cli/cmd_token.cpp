// slipway token create NAME: an API token for `slipway serve --listen`.
// The token is printed once (stdout, alone on its line, so scripts can take
// it with $(...)); the store keeps only its hash, so it cannot be shown again.
#include <iostream>
#include <memory>

#include "cli/app.h"

namespace slipway::cli {

namespace {

struct TokenArgs {
  std::string name;
  std::string as;
};

Status create_token(const GlobalOptions& options, const TokenArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<std::string> token = (*service)->create_token(args.name);
  if (!token) return std::unexpected(token.error());
  std::cout << *token << std::endl;
  std::cerr << "slipway: token for " << args.name << " (shown once; requests send it as Authorization: Bearer)"
            << std::endl;
  return {};
}

}  // namespace

void add_token_commands(CLI::App& app, GlobalOptions& options) {
  CLI::App* token = app.add_subcommand("token", "API tokens for slipway serve --listen");
  token->require_subcommand(1);
  CLI::App* create = token->add_subcommand("create", "create a token acting as NAME (printed once)");
  auto args = std::make_shared<TokenArgs>();
  create->add_option("name", args->name, "the identity the token acts as (a member of a role)")->required();
  add_as_option(create, args->as);
  create->callback([=, &options] {
    if (Status s = create_token(options, *args); !s) options.exit_code = report(s.error());
  });
}

}  // namespace slipway::cli
