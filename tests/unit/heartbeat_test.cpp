#include "metrics/heartbeat.hpp"

#include <catch2/catch.hpp>

using namespace opsd;

namespace {

Config one_job(bool enabled = true) {
  Config c;
  Job j;
  j.id = "scan";
  j.kind = JobKind::long_running_read;
  j.enabled = enabled;
  c.jobs.push_back(j);
  return c;
}

}  // namespace

TEST_CASE("heartbeat: ok without an unresolved alert", "[heartbeat]") {
  State s;
  s.jobs["scan"].state = JobState::running;
  CHECK_FALSE(heartbeat_verdict(one_job(), s, {}, 1'000'000).fail);
}

TEST_CASE("heartbeat: an alerted, unrecovered job fails the check", "[heartbeat]") {
  State s;
  s.jobs["scan"].state = JobState::stalled;
  s.jobs["scan"].last_anomaly_key = "stalled:k";
  auto v = heartbeat_verdict(one_job(), s, {}, 1'000'000);
  CHECK(v.fail);
  CHECK_THAT(v.reason, Catch::Contains("scan") && Catch::Contains("stalled"));
  // a disabled job no longer counts
  CHECK_FALSE(heartbeat_verdict(one_job(false), s, {}, 1'000'000).fail);
}

TEST_CASE("heartbeat: an outbox message older than 10 minutes fails the check", "[heartbeat]") {
  State s;
  OutboxState outbox;
  OutboxItem m;
  m.created_at = 1'000'000;
  outbox.items.push_back(m);
  CHECK_FALSE(heartbeat_verdict(one_job(), s, outbox, 1'000'000 + kOutboxStuckAfter).fail);
  auto v = heartbeat_verdict(one_job(), s, outbox, 1'000'001 + kOutboxStuckAfter);
  CHECK(v.fail);
  CHECK_THAT(v.reason, Catch::Contains("outbox"));
}

TEST_CASE("heartbeat: /fail goes at the end of the path, before the query", "[heartbeat]") {
  CHECK(fail_url("https://hc-ping.com/abc") == "https://hc-ping.com/abc/fail");
  CHECK(fail_url("https://hc-ping.com/abc/") == "https://hc-ping.com/abc/fail");
  CHECK(fail_url("https://h/p?x=1") == "https://h/p/fail?x=1");
  CHECK(fail_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/fail");
}

TEST_CASE("heartbeat: the URL's secret parts never show", "[heartbeat]") {
  CHECK(redact_url("https://hc-ping.com/1234-secret") == "https://hc-ping.com/<redacted>");
  CHECK(redact_url("https://kuma:3001/api/push/TOKEN?status=up") == "https://kuma:3001/<redacted>");
  CHECK(redact_url("https://hc-ping.com") == "https://hc-ping.com");
  CHECK(redact_url("https://user:pw@host/x").find("pw") == std::string::npos);
  CHECK(redact_url("garbage") == "<redacted URL>");
}

TEST_CASE("heartbeat: URLs split into host, port and target", "[heartbeat]") {
  auto u = parse_ping_url("https://hc-ping.com/abc?x=1#frag");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "hc-ping.com");
  CHECK(u->port == "443");
  CHECK(u->target == "/abc?x=1");
  auto p = parse_ping_url("http://[::1]:8080");
  REQUIRE(p);
  CHECK_FALSE(p->tls);
  CHECK(p->host == "::1");
  CHECK(p->port == "8080");
  CHECK(p->target == "/");
  CHECK_FALSE(parse_ping_url("ftp://h/x"));
  CHECK_FALSE(parse_ping_url("https://h:port/x"));
  CHECK_FALSE(parse_ping_url("https://u@h/x"));
}
