#include "process/process_identity.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>

using opsd::parse_proc_stat;
using opsd::ProcessIdentity;

TEST_CASE("a /proc stat line gives pid, group, start time and zombie state", "[process][adopt]") {
  // Field 22 is the start time; the name may hold spaces and parentheses.
  const std::string line =
      "4242 (my (odd) job) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 "
      "1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
  auto id = parse_proc_stat(line);
  REQUIRE(id);
  CHECK(id->pid == 4242);
  CHECK(id->pgid == 4240);
  CHECK(id->start_ticks == 987654);
  CHECK_FALSE(id->zombie);
  auto z = parse_proc_stat("7 (x) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0");
  REQUIRE(z);
  CHECK(z->zombie);
  CHECK(z->start_ticks == 55);
}

TEST_CASE("a malformed stat line is refused", "[process][adopt]") {
  CHECK_FALSE(parse_proc_stat(""));
  CHECK_FALSE(parse_proc_stat("12 (short) S 1 2"));
  CHECK_FALSE(parse_proc_stat("x (name) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0"));
  CHECK_FALSE(parse_proc_stat("12 (name) S 1 g 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0"));
}

TEST_CASE("the same pid with another start time or group is another process", "[process][adopt]") {
  auto self = opsd::read_process_identity(::getpid());
  REQUIRE(self);
  CHECK(self->pid == ::getpid());
  CHECK(self->pgid == ::getpgrp());
  CHECK(self->start_ticks > 0);
  CHECK(opsd::still_same_process(*self));
  ProcessIdentity other = *self;
  other.start_ticks += 1;
  CHECK_FALSE(opsd::still_same_process(other));
  other = *self;
  other.pgid += 1;
  CHECK_FALSE(opsd::still_same_process(other));
  other = *self;
  other.start_ticks = 0;  // unknown matches nothing
  CHECK_FALSE(opsd::still_same_process(other));
  auto age = opsd::process_age_seconds(*self);
  REQUIRE(age);
  CHECK(*age >= 0);
}
