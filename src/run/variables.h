// Run-time variables: an ordered set of (name, value, secret) with Azure's
// rules - names compare ignoring case, later sets replace earlier ones,
// `$(name)` macros expand from the set, and each variable reaches a step's
// environment as its name upper-cased with '.' and ' ' turned into '_'
// (Build.SourceBranch → BUILD_SOURCEBRANCH). Secret variables are not mapped
// into the environment (Azure): a step gets them only through `env:`.
//
// Also here: SecretMasker, which replaces every known secret by "***".
//
// Thread-safety: Variables is a value type (no locking). SecretMasker is
// safe to use from many threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/spec.h"

namespace slipway::run {

struct Variable {
  std::string name;
  std::string value;
  bool secret = false;
};

class Variables {
 public:
  // Creates or replaces (keeping the original position in the order).
  void set(std::string_view name, std::string value, bool secret = false);
  void set_all(const NameValues& values);
  // nullptr when absent.
  const Variable* find(std::string_view name) const;
  const std::vector<Variable>& all() const { return m_items; }

  // `$(name)` replaced by the value; unknown names stay as written (Azure).
  std::string expand(std::string_view text) const;
  // Each value has its macros expanded once, in order (a value may use earlier ones).
  void expand_values();

  // "NAME=value" for every non-secret variable.
  std::vector<std::string> environment() const;

  // Grows with every set(): what was derived from the set at one revision
  // still holds while the revision is the same.
  std::uint64_t revision() const { return m_revision; }

 private:
  std::vector<Variable> m_items;
  std::uint64_t m_revision = 0;
};

// BUILD_SOURCEBRANCH for Build.SourceBranch.
std::string environment_name(std::string_view variable_name);

class SecretMasker {
 public:
  void add(std::string secret);  // empty secrets are ignored
  std::string mask(std::string_view text) const;
  bool empty() const;

 private:
  mutable std::mutex m_mutex;
  std::vector<std::string> m_secrets;  // longest first
};

}  // namespace slipway::run
