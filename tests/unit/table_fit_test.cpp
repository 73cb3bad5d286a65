#include "cli/table_fit.hpp"

#include <catch2/catch.hpp>

using opsd::fit_columns;
using opsd::FitStep;
using opsd::fitted_width;

TEST_CASE("fit_columns leaves a table that fits, or has no limit, as it is", "[table_fit]") {
  const std::vector<std::size_t> natural = {10, 20, 5};
  const std::vector<FitStep> steps = {{1, 4}, {0, 0, true}};
  for (std::size_t max : {0u, 39u, 100u}) {
    auto fit = fit_columns(natural, 2, max, steps);
    CHECK(fit.width == natural);
    CHECK(fit.shown == std::vector<bool>{true, true, true});
    CHECK(fitted_width(fit, 2) == 39);
  }
}

TEST_CASE("fit_columns narrows to floors and drops columns in the given order", "[table_fit]") {
  const std::vector<std::size_t> natural = {10, 20, 5, 8};  // 43 + 3 gaps of 2 = 49
  const std::vector<FitStep> steps = {{1, 12}, {3, 0, true}, {0, 6}, {2, 0, true}};
  auto a = fit_columns(natural, 2, 45, steps);  // narrowing column 1 is enough
  CHECK(a.width == std::vector<std::size_t>{10, 16, 5, 8});
  CHECK(fitted_width(a, 2) == 45);
  auto b = fit_columns(natural, 2, 36, steps);  // 1 to its floor, 3 dropped: 31, 5 given back
  CHECK(b.shown == std::vector<bool>{true, true, true, false});
  CHECK(b.width[1] == 17);
  CHECK(fitted_width(b, 2) == 36);
  auto c = fit_columns(natural, 2, 24, steps);  // every step: 6 + 12 + a gap = 20, 4 given back
  CHECK(c.shown == std::vector<bool>{true, true, false, false});
  CHECK(c.width[0] == 10);  // the latest narrowed gets the room first
  CHECK(c.width[1] == 12);
  CHECK(fitted_width(c, 2) == 24);
  auto d = fit_columns(natural, 2, 5, steps);  // cannot fit: every step taken, then it wraps
  CHECK(d.width == std::vector<std::size_t>{6, 12, 5, 8});
  CHECK(fitted_width(d, 2) == 20);
}
