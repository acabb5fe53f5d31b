// Small string helpers shared by every module: case-insensitive comparison
// (Azure names are case-insensitive), "did you mean" suggestions, splitting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// The byte offset of the first byte that does not belong to a well-formed
// UTF-8 sequence (overlong forms, surrogates and code points above U+10FFFF
// are ill-formed), or nullopt when all of `text` is valid UTF-8.
std::optional<size_t> invalid_utf8_offset(std::string_view text);

// Levenshtein distance, for suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate to `word` when it is close enough to be a likely typo
// (distance at most a third of the longer of the two, at least 1, at most 3).
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace slipway
