#include "run/variables.h"

#include <algorithm>
#include <cctype>

#include "core/strings.h"

namespace slipway::run {

void Variables::set(std::string_view name, std::string value, bool secret) {
  for (Variable& item : m_items) {
    if (iequals(item.name, name)) {
      if (item.value == value && (item.secret || !secret)) return;
      ++m_revision;
      item.value = std::move(value);
      item.secret = item.secret || secret;
      return;
    }
  }
  ++m_revision;
  m_items.push_back(Variable{std::string(name), std::move(value), secret});
}

void Variables::set_all(const NameValues& values) {
  for (const auto& [name, value] : values) set(name, value);
}

const Variable* Variables::find(std::string_view name) const {
  for (const Variable& item : m_items)
    if (iequals(item.name, name)) return &item;
  return nullptr;
}

std::string Variables::expand(std::string_view text) const {
  // $(name): name is letters, digits, '.', '_', '-', ' ' and no nested parens;
  // anything else (e.g. $(echo hi) in a script) is left alone.
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("$(", i);
    if (start == std::string_view::npos) break;
    size_t end = text.find(')', start + 2);
    if (end == std::string_view::npos) break;
    std::string_view name = text.substr(start + 2, end - start - 2);
    bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ' ';
    });
    const Variable* found = plain ? find(name) : nullptr;
    out.append(text.substr(i, start - i));
    if (found) {
      out.append(found->value);
      i = end + 1;
    } else {
      out.append("$(");
      i = start + 2;
    }
  }
  out.append(text.substr(i));
  return out;
}

void Variables::expand_values() {
  ++m_revision;
  for (size_t i = 0; i < m_items.size(); ++i) m_items[i].value = expand(m_items[i].value);
}

std::vector<std::string> Variables::environment() const {
  std::vector<std::string> out;
  for (const Variable& item : m_items)
    if (!item.secret) out.push_back(environment_name(item.name) + "=" + item.value);
  return out;
}

std::string environment_name(std::string_view variable_name) {
  std::string out = to_upper(variable_name);
  for (char& c : out)
    if (c == '.' || c == ' ') c = '_';
  return out;
}

void SecretMasker::add(std::string secret) {
  if (secret.empty()) return;
  std::lock_guard lock(m_mutex);
  if (std::find(m_secrets.begin(), m_secrets.end(), secret) != m_secrets.end()) return;
  m_secrets.push_back(std::move(secret));
  std::stable_sort(m_secrets.begin(), m_secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool SecretMasker::empty() const {
  std::lock_guard lock(m_mutex);
  return m_secrets.empty();
}

std::string SecretMasker::mask(std::string_view text) const {
  std::lock_guard lock(m_mutex);
  std::string out(text);
  for (const std::string& secret : m_secrets) {
    size_t at = 0;
    while ((at = out.find(secret, at)) != std::string::npos) {
      out.replace(at, secret.size(), "***");
      at += 3;
    }
  }
  return out;
}

}  // namespace slipway::run
