// Expands every components/*/azure-pipelines.yml of a generated workspace
// (bench/expand/gen.py) and prints total time, time per pipeline, MB/s of
// expanded YAML and peak RSS, first re-reading template files per pipeline,
// then with parsed templates (and expressions) cached across pipelines.
//
// usage: slipway_bench_expand WORKSPACE
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "pipeline/pipeline.h"

namespace fs = std::filesystem;
using slipway::pipeline::ExpandOptions;
using slipway::pipeline::TemplateCache;

namespace {

double peak_rss_mb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Expands all files (timed), then prints them as YAML (timed apart: yaml-cpp's
// emitter is core's, not the expander's); false after printing the first error.
bool run(const char* label, const std::vector<fs::path>& files, ExpandOptions options, TemplateCache* cache) {
  options.cache = cache;
  std::vector<slipway::pipeline::ExpandedPipeline> results;
  results.reserve(files.size());
  auto start = std::chrono::steady_clock::now();
  for (const fs::path& file : files) {
    auto expanded = slipway::pipeline::expand_pipeline(file, options);
    if (!expanded) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), expanded.error().to_string().c_str());
      return false;
    }
    results.push_back(std::move(*expanded));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double rss = peak_rss_mb();
  std::size_t bytes = 0;
  auto emit_start = std::chrono::steady_clock::now();
  for (const auto& result : results) bytes += slipway::pipeline::to_yaml_text(result).size();
  double emit = std::chrono::duration<double>(std::chrono::steady_clock::now() - emit_start).count();
  double mb = static_cast<double>(bytes) / 1e6;
  std::printf("%-18s %zu pipelines expanded in %.3f s | %.3f ms/pipeline | %.1f MB of YAML, %.1f MB/s | "
              "peak RSS %.1f MB | printing the YAML: %.3f s more\n",
              label, files.size(), seconds, seconds * 1000.0 / static_cast<double>(files.size()), mb,
              mb / seconds, rss, emit);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s WORKSPACE\n", argv[0]);
    return 2;
  }
  fs::path workspace = argv[1];
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(workspace / "components"))
    if (fs::exists(entry.path() / "azure-pipelines.yml")) files.push_back(entry.path() / "azure-pipelines.yml");
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "no components in %s\n", workspace.c_str());
    return 2;
  }
  ExpandOptions options;
  options.template_sources["templates"] = workspace / "templates";
  options.display_root = workspace;
  options.self_root = workspace;
  if (!run("no template cache:", files, options, nullptr)) return 1;
  TemplateCache cache;
  if (!run("template cache:", files, options, &cache)) return 1;
  return 0;
}
