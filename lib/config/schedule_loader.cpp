#include "config/schedule_loader.hpp"

#include <boost/json.hpp>

#include "config/json_fields.hpp"
#include "schedule/cron_next.hpp"
#include "schedule/duration.hpp"
#include "schedule/time_zone.hpp"

namespace opsd::config_detail {

namespace json = boost::json;

namespace {

constexpr std::string_view kShape =
    "must be an object like {\"every\": \"15m\"} or {\"cron\": \"0 3 * * *\"}";

// A reference time for the "never matches" check: 2001-01-01T00:00:00Z.
constexpr TimeMs kProbeFrom = 978'307'200'000;

bool read_every(const json::value& v, const std::string& p, Schedule& s, Diagnostics& d) {
  if (!v.is_string()) {
    d.error(p, "must be a duration string like \"30s\", \"15m\", \"6h\" or \"1d\", got " +
                   std::string(type_name(v)));
    return false;
  }
  Result<std::int64_t> secs = parse_schedule_duration(v.get_string());
  if (!secs) {
    d.error(p, secs.error().message);
    return false;
  }
  s.every_seconds = *secs;
  return true;
}

bool read_cron(const json::value& v, const std::string& p, Schedule& s, Diagnostics& d) {
  if (!v.is_string()) {
    d.error(
        p, "must be a five-field cron string like \"0 3 * * *\", got " + std::string(type_name(v)));
    return false;
  }
  Result<CronExpr> c = parse_cron(trim(v.get_string()));
  if (!c) {
    d.error(p, c.error().message);
    return false;
  }
  s.cron = std::move(*c);
  return true;
}

bool read_zone(const json::value* v, const std::string& p, bool cron, Schedule& s, Diagnostics& d) {
  if (v != nullptr && !v->is_null()) {
    if (!v->is_string() || trim(v->get_string()).empty()) {
      d.error(p, "must be a time zone name like \"Europe/Berlin\"");
      return false;
    }
    s.timezone = trim(v->get_string());
    if (!cron) d.warning(p, "only cron schedules use a time zone; ignored");
  }
  if (!cron) return true;
  std::optional<cctz::time_zone> tz = load_time_zone(s.timezone);
  if (!tz) {
    d.error(p, "unknown time zone \"" + s.timezone + "\" (not in the system's tzdata)");
    return false;
  }
  s.zone = *tz;
  return true;
}

}  // namespace

std::optional<Schedule> read_schedule(const json::value* v, const std::string& path, const Job& job,
                                      bool kind_known, Diagnostics& d) {
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (kind_known && job.kind == JobKind::one_shot_write) {
    d.error(path,
            "one_shot_write jobs cannot have a schedule: they run only on an explicit, approved "
            "`opsctl run`");
    return std::nullopt;
  }
  if (!v->is_object()) {
    d.error(path, std::string(kShape) + ", got " + std::string(type_name(*v)));
    return std::nullopt;
  }
  const json::object& o = v->get_object();
  warn_unknown_keys(o, {"every", "cron", "timezone", "jitterSeconds", "catchUp"}, path, d);
  const json::value* every = member(o, "every");
  const json::value* cron = member(o, "cron");
  if (every && every->is_null()) every = nullptr;
  if (cron && cron->is_null()) cron = nullptr;
  if (!every && !cron) {
    d.error(path, "needs \"every\" (like \"15m\") or \"cron\" (like \"0 3 * * *\")");
    return std::nullopt;
  }
  if (every && cron) {
    d.error(path, "has both \"every\" and \"cron\"; use one");
    return std::nullopt;
  }
  Schedule s;
  bool ok = every ? read_every(*every, key_path(path, "every"), s, d)
                  : read_cron(*cron, key_path(path, "cron"), s, d);
  ok = read_zone(member(o, "timezone"), key_path(path, "timezone"), cron != nullptr, s, d) && ok;
  if (const json::value* j = member(o, "jitterSeconds"); j && !j->is_null()) {
    std::optional<std::int64_t> n = as_integer(*j);
    if (!n || *n < 0 || *n > kMaxScheduleSeconds) {
      d.error(key_path(path, "jitterSeconds"), "must be a whole number of seconds from 0 to " +
                                                   std::to_string(kMaxScheduleSeconds) + ", got " +
                                                   json::serialize(*j));
      ok = false;
    } else {
      s.jitter_seconds = *n;
    }
  }
  if (const json::value* c = member(o, "catchUp"); c && !c->is_null()) {
    if (c->is_string() && c->get_string() == "once") {
      s.catch_up = CatchUp::once;
    } else if (c->is_string() && c->get_string() == "skip") {
      s.catch_up = CatchUp::skip;
    } else {
      d.error(key_path(path, "catchUp"),
              "must be \"once\" or \"skip\", got " + json::serialize(*c));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (!every && !next_cron_time(s.cron, s.zone, kProbeFrom)) {
    d.error(key_path(path, "cron"), "\"" + s.cron.text + "\" never matches a date");
    return std::nullopt;
  }
  if (kind_known && job.risk != Risk::read_only) {
    d.error(path, "only read_only jobs can have a schedule (this one is " +
                      std::string(to_string(job.risk)) + ")");
    return std::nullopt;
  }
  if (!job.enabled)
    d.warning(path, "the job is not enabled: the schedule applies only with \"enabled\": true");
  s.spec = describe(s);
  return s;
}

}  // namespace opsd::config_detail
