#include "schedule/cron_expr.hpp"

#include <catch2/catch.hpp>

namespace opsd {

namespace {

std::string error_of(std::string_view text) {
  Result<CronExpr> c = parse_cron(text);
  return c ? "" : c.error().message;
}

}  // namespace

TEST_CASE("cron fields: lists, ranges, steps", "[schedule][cron]") {
  CronExpr c = *parse_cron("0,30 9-17/4 1-10/3 */5 1-5");
  CHECK(c.minutes.count() == 2);
  CHECK(c.minutes[0]);
  CHECK(c.minutes[30]);
  CHECK(c.hours.count() == 3);  // 9, 13, 17
  CHECK(c.hours[9]);
  CHECK(c.hours[13]);
  CHECK(c.hours[17]);
  CHECK(c.days_of_month.count() == 4);  // 1, 4, 7, 10
  CHECK(c.days_of_month[10]);
  CHECK(c.months.count() == 3);  // 1, 6, 11
  CHECK(c.months[6]);
  CHECK(c.days_of_week.count() == 5);
  CHECK_FALSE(c.days_of_week[0]);
  CHECK(c.dom_restricted);
  CHECK(c.dow_restricted);
  CHECK(parse_cron("5/15 * * * *")->minutes.count() == 4);  // 5, 20, 35, 50
}

TEST_CASE("cron names of months and days, any case; 7 is Sunday", "[schedule][cron]") {
  CronExpr c = *parse_cron("0 3 * JAN-mar,Dec sun,Sat");
  CHECK(c.months.count() == 4);
  CHECK(c.months[1]);
  CHECK(c.months[3]);
  CHECK(c.months[12]);
  CHECK(c.days_of_week.count() == 2);
  CHECK(c.days_of_week[0]);
  CHECK(c.days_of_week[6]);
  CHECK(parse_cron("0 3 * * 7")->days_of_week[0]);
  CHECK(parse_cron("0 3 * * mon-fri")->days_of_week.count() == 5);
}

TEST_CASE("cron day fields: star-led fields are unrestricted", "[schedule][cron]") {
  CHECK_FALSE(parse_cron("0 0 * * *")->dom_restricted);
  CHECK_FALSE(parse_cron("0 0 */2 * *")->dom_restricted);
  CHECK(parse_cron("0 0 1 * *")->dom_restricted);
  CHECK_FALSE(parse_cron("0 0 1 * *")->dow_restricted);
}

TEST_CASE("cron OR rule when both day fields are restricted", "[schedule][cron]") {
  CronExpr both = *parse_cron("0 0 13 * fri");
  CHECK(cron_day_matches(both, 5, 13, 2));  // the 13th, a Tuesday
  CHECK(cron_day_matches(both, 5, 16, 5));  // a Friday
  CHECK_FALSE(cron_day_matches(both, 5, 14, 3));
  CronExpr dom_only = *parse_cron("0 0 13 * *");
  CHECK_FALSE(cron_day_matches(dom_only, 5, 16, 5));
  CronExpr dow_only = *parse_cron("0 0 * * fri");
  CHECK_FALSE(cron_day_matches(dow_only, 5, 13, 2));
  CHECK_FALSE(cron_day_matches(*parse_cron("0 0 * jun *"), 5, 13, 2));
}

TEST_CASE("cron macros", "[schedule][cron]") {
  CHECK(parse_cron("@daily")->hours.count() == 1);
  CHECK(parse_cron("@hourly")->hours.count() == 24);
  CHECK(parse_cron("@weekly")->days_of_week[0]);
  CHECK(parse_cron("@yearly")->months.count() == 1);
  CHECK(error_of("@sometimes") ==
        "unknown macro \"@sometimes\" (use @hourly, @daily, @weekly, @monthly or @yearly)");
}

TEST_CASE("cron errors name the field and what is wrong in it", "[schedule][cron]") {
  CHECK(error_of("0 24 * * *") == "field 2 (hour): 24 is out of range 0-23");
  CHECK(error_of("60 * * * *") == "field 1 (minute): 60 is out of range 0-59");
  CHECK(error_of("0 0 0 * *") == "field 3 (day of month): 0 is out of range 1-31");
  CHECK(error_of("0 0 * 13 *") == "field 4 (month): 13 is out of range 1-12");
  CHECK(error_of("0 0 * * 8") == "field 5 (day of week): 8 is out of range 0-7");
  CHECK(error_of("0 0 * * 1 2") ==
        "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
  CHECK(error_of("0 0 * *") ==
        "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  CHECK(error_of("*/0 * * * *") == "field 1 (minute): step 0 is out of range 1-59");
  CHECK(error_of("*/x * * * *") == "field 1 (minute): step \"x\" is not a number");
  CHECK(error_of("0 5-2 * * *") == "field 2 (hour): range 5-2 goes backwards (5 > 2)");
  CHECK(error_of("0 0 * foo *") == "field 4 (month): unknown name \"foo\" (use jan-dec or 1-12)");
  CHECK(error_of("0 0 * * funday") ==
        "field 5 (day of week): unknown name \"funday\" (use sun-sat or 0-7)");
  CHECK(error_of("0 x * * *") == "field 2 (hour): \"x\" is not a number");
  CHECK(error_of("1,,2 * * * *") == "field 1 (minute): empty list element in \"1,,2\"");
  CHECK(error_of("1a * * * *") == "field 1 (minute): \"1a\" is not a number");
  CHECK(error_of("") == "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
}

}  // namespace opsd
