#pragma once
// Helpers for messages that name the allowed values: a list joined for printing and the
// closest candidate to a misspelt name (optimal string alignment distance, so a swapped pair
// of letters such as "lau" for "lua" counts as one edit).

#include <string>
#include <string_view>
#include <vector>

namespace scenarios {

// Edits (insert, delete, substitute, swap adjacent) to turn a into b.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` if it is close enough to be a likely typo (at most a third
// of the name's length, at least one edit) or starts with the whole name (at least 3
// characters), else "". Ties go to the earlier candidate.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

// "(allowed: a, b, c)" or "(allowed: a, b, c; did you mean 'b'?)" for `name`.
std::string AllowedSuffix(std::string_view name, const std::vector<std::string>& allowed);

// "a, b, c"
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace scenarios
