// `slipway init [DIR]`: scaffolds a minimal valid workspace and creates its
// state database.
//
// Written: slipway.yaml (the product and one component), the component's
// folder with an Azure-Pipelines-compatible azure-pipelines.yml, and
// environments/dev.yaml (auto-deployed from main on the embedded `process`
// platform); then the state database (default DIR/.slipway/state.db, with a
// .gitignore beside it so state is never committed) and a "workspace.init"
// event in its history. Nothing is ever overwritten: when any file to be
// written exists, init refuses, naming it, before writing anything (exit 2).
// The keys follow src/model/workspace.h and docs/workspace.md; the state is
// made by service/state.h. The e2e test tests/e2e/init.sh checks the result
// passes `slipway validate`.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/app.h"
#include "core/strings.h"
#include "service/state.h"

namespace slipway::cli {

namespace {

namespace fs = std::filesystem;

struct InitArgs {
  std::string dir;        // empty: the -C workspace
  std::string product;    // empty: from the folder's name
  std::string component = "app";
};

struct ScaffoldFile {
  fs::path relative;
  std::string content;
};

// Same rule as workspace names: a letter or digit, then letters, digits, - _ .
bool valid_name(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// The folder's name made into a valid product name ("My Shop" -> "my-shop").
std::string product_name_for(const fs::path& dir) {
  std::string base = fs::weakly_canonical(fs::absolute(dir)).filename().string();
  std::string name;
  for (char c : to_lower(base)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (ok) name += c;
    else if (!name.empty() && name.back() != '-') name += '-';
  }
  while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
  return valid_name(name) ? name : "product";
}

std::string current_user() {
  for (const char* var : {"SLIPWAY_USER", "USER", "LOGNAME"})
    if (const char* value = std::getenv(var); value && *value) return value;
  return "slipway";
}

std::vector<ScaffoldFile> scaffold(const std::string& product, const std::string& component,
                                   const std::string& user) {
  const std::string repo = "components/" + component;
  std::vector<ScaffoldFile> files;
  files.push_back({"slipway.yaml", "# " + product + R"(: a product delivered with slipway.
# Every key is described in slipway's docs/workspace.md.
product:
  name: )" + product + R"(
  version: "0.1"        # MAJOR.MINOR by hand; PATCH is set on each successful deployment
  patch: counter        # or: timestamp

components:
  )" + component + R"(:
    description: the first component of )" + product + R"(
    repo: )" + repo + R"(   # a folder (relative to this file) or a git URL
    pipeline: azure-pipelines.yml
    deploy:
      process:           # the embedded default: run it as a local process
        argv: [python3, -m, http.server, "8080"]
        port: 8080
        health:
          tcp: true

roles:
  admin: [)" + user + R"(]
)"});
  files.push_back({fs::path(repo) / "azure-pipelines.yml", "# " + component + R"(: built on every push to main (Azure Pipelines syntax).
trigger:
  branches:
    include:
      - main

steps:
  - script: echo "building )" + component + R"("
    displayName: Build
  - script: echo "testing )" + component + R"("
    displayName: Test
)"});
  files.push_back({"environments/dev.yaml", R"(# dev: always current; every successful build of main is deployed here.
description: development, deployed automatically from main
platform:
  kind: process
components: [)" + component + R"(]
policy:
  mode: auto
  branch: main
)"});
  return files;
}

// Creates `path` (and its folders) with `content`; never replaces a file.
Status write_new_file(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return fail(ErrorCode::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
  std::FILE* file = std::fopen(path.c_str(), "wx");
  if (!file) return fail(ErrorCode::invalid_input, path.string() + " already exists; init does not overwrite files");
  bool ok = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok) return fail(ErrorCode::io, "cannot write " + path.string());
  return {};
}

Status run_init(const GlobalOptions& options, const InitArgs& args) {
  GlobalOptions target = options;
  if (!args.dir.empty()) target.workspace = args.dir;
  const fs::path dir = target.workspace;
  const std::string product = args.product.empty() ? product_name_for(dir) : args.product;
  if (!valid_name(product))
    return fail(ErrorCode::invalid_input, "invalid product name '" + product +
                                              "': use letters, digits, '-', '_' and '.'");
  if (!valid_name(args.component))
    return fail(ErrorCode::invalid_input, "invalid component name '" + args.component +
                                              "': use letters, digits, '-', '_' and '.'");
  const std::string user = current_user();
  std::vector<ScaffoldFile> files = scaffold(product, args.component, user);

  // Refuse before writing anything.
  for (const ScaffoldFile& file : files) {
    fs::path path = dir / file.relative;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec)))
      return fail(ErrorCode::invalid_input, path.string() + " already exists; init does not overwrite files");
  }
  for (const ScaffoldFile& file : files)
    if (Status s = write_new_file(dir / file.relative, file.content); !s) return s;

  const service::Config config = service_config(target, user);
  const bool default_state = options.state.empty() && !std::getenv("SLIPWAY_STATE");
  const service::InitRecord init{product, args.component, dir, user};
  if (Status s = service::init_state(config, init, default_state ? service::GitIgnore::write : service::GitIgnore::skip);
      !s)
    return s;

  std::cout << "initialized product " << product << " in " << dir.string() << "\n";
  for (const ScaffoldFile& file : files) std::cout << "  created " << (dir / file.relative).string() << "\n";
  std::cout << "  state   " << service::shown_location(config.store) << "\n"
            << "next: slipway -C " << dir.string() << " validate\n";
  return {};
}

}  // namespace

void add_init_commands(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* init = app.add_subcommand("init", "scaffold a new workspace and its state database");
  init->add_option("dir", args->dir, "the workspace folder to create (default: the -C workspace)");
  init->add_option("--name", args->product, "product name (default: from the folder's name)");
  init->add_option("--component", args->component, "name of the first component (default: app)");
  init->callback([&options, args] {
    if (Status s = run_init(options, *args); !s) options.exit_code = report(s.error());
  });
}

}  // namespace slipway::cli
