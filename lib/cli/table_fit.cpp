#include "cli/table_fit.hpp"

#include <algorithm>

namespace opsd {

std::size_t fitted_width(const TableFit& fit, std::size_t gap) {
  std::size_t total = 0, shown = 0;
  for (std::size_t i = 0; i < fit.width.size(); ++i) {
    if (!fit.shown[i]) continue;
    total += fit.width[i];
    ++shown;
  }
  return shown == 0 ? 0 : total + gap * (shown - 1);
}

TableFit fit_columns(const std::vector<std::size_t>& natural, std::size_t gap,
                     std::size_t max_width, const std::vector<FitStep>& steps) {
  TableFit fit{natural, std::vector<bool>(natural.size(), true)};
  if (max_width == 0) return fit;
  std::vector<std::size_t> narrowed;  // in the order they were narrowed
  for (const FitStep& s : steps) {
    std::size_t total = fitted_width(fit, gap);
    if (total <= max_width) break;
    if (s.column >= natural.size() || !fit.shown[s.column]) continue;
    std::size_t& w = fit.width[s.column];
    if (s.drop) {
      fit.shown[s.column] = false;
      continue;
    }
    const std::size_t cut = std::min(total - max_width, w > s.floor ? w - s.floor : 0);
    if (cut == 0) continue;
    w -= cut;
    narrowed.push_back(s.column);
  }
  for (auto it = narrowed.rbegin(); it != narrowed.rend(); ++it) {
    const std::size_t total = fitted_width(fit, gap);
    if (total >= max_width) break;
    if (!fit.shown[*it]) continue;
    fit.width[*it] = std::min(natural[*it], fit.width[*it] + (max_width - total));
  }
  return fit;
}

}  // namespace opsd
