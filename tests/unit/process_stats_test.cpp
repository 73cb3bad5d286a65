#include "metrics/process_stats.hpp"

#include <catch2/catch.hpp>
#include <ctime>

using namespace opsd;

TEST_CASE("process stats: /proc/<pid>/stat fields, a comm with spaces and parentheses",
          "[metrics]") {
  // Fields 3.. after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt
  // cmajflt utime(14) stime(15) cutime cstime priority nice threads itreal starttime(22)
  // vsize(23) rss(24) ...
  const std::string stat =
      "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 1000 "
      "123456789 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  auto s = parse_proc_stat(stat, 100, 4096, 1'700'000'000);
  REQUIRE(s);
  CHECK(s->cpu_seconds == Approx(3.0));
  CHECK(s->start_time_seconds == Approx(1'700'000'010.0));
  CHECK(s->virtual_bytes == 123456789u);
  CHECK(s->resident_bytes == 300u * 4096u);
}

TEST_CASE("process stats: malformed input is nullopt", "[metrics]") {
  CHECK_FALSE(parse_proc_stat("", 100, 4096, 0));
  CHECK_FALSE(parse_proc_stat("1 (x) S 1 2 3", 100, 4096, 0));
  CHECK_FALSE(
      parse_proc_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 ab 5 0 0 20 0 1 0 10 10 10", 100, 4096, 0));
  CHECK(parse_boot_time("cpu 1 2\nbtime 1700000000\nprocesses 5\n") == Approx(1'700'000'000.0));
  CHECK_FALSE(parse_boot_time("cpu 1 2\n"));
}

TEST_CASE("process stats: the real /proc/self reading is plausible", "[metrics]") {
  RealProcessStats real;
  auto s = real.read();
  REQUIRE(s);
  CHECK(s->resident_bytes > 0);
  CHECK(s->virtual_bytes >= s->resident_bytes);
  CHECK(s->open_fds >= 3);
  CHECK(s->max_fds != 0);
  const double now = static_cast<double>(std::time(nullptr));
  CHECK(s->start_time_seconds <= now + 5);
  CHECK(s->start_time_seconds > now - 24 * 3600.0);
}
