#include "scenarios/spec/names.h"

#include <algorithm>

namespace scenarios {

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rolling rows of the optimal string alignment table.
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(1, name.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const size_t d = EditDistance(name, c);
    if (d > 0 && d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (best.empty() && name.size() >= 3) {
    // A name cut short ("chaos" for "chaos_ms") is far in edits but plainly meant.
    for (const std::string& c : candidates) {
      if (c.size() > name.size() && c.compare(0, name.size(), name) == 0) return c;
    }
  }
  return best;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string AllowedSuffix(std::string_view name, const std::vector<std::string>& allowed) {
  std::string out = "(allowed: " + (allowed.empty() ? std::string("none") : JoinNames(allowed));
  const std::string closest = ClosestName(name, allowed);
  if (!closest.empty()) out += "; did you mean '" + closest + "'?";
  return out + ")";
}

}  // namespace scenarios
