#include "config/policy_loader.hpp"

#include <charconv>
#include <string>

#include <boost/json.hpp>

#include "config/config_loader.hpp"
#include "config/json_fields.hpp"
#include "config/progress_keys_loader.hpp"

namespace opsd {

namespace json = boost::json;
using config_detail::is_falsy;
using config_detail::key_path;
using config_detail::PolicyLevel;
using config_detail::trim;
using config_detail::type_name;

namespace {

constexpr std::int64_t kMaxSeconds = 366LL * 24 * 3600;  // bound for opsd's own intervals
constexpr std::int64_t kMaxAutoResumesLimit = 1000;

// Minutes after midnight for "HH:MM" (exactly two digits each, spaces around allowed).
std::optional<int> parse_hhmm(std::string_view text) {
  std::string s = trim(text);
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 5 || s[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
    return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::optional<std::int64_t> parse_integer_text(std::string_view text) {
  std::string s = trim(text);
  std::string_view sv = s;
  if (!sv.empty() && sv.front() == '+') sv.remove_prefix(1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), n);
  if (ec != std::errc() || end != sv.data() + sv.size() || sv.empty()) return std::nullopt;
  return n;
}

// A number truncated toward zero as Python's int() does, clamped to int64.
std::int64_t truncate_number(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    auto u = v.get_uint64();
    return u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(u);
  }
  double x = v.get_double();
  if (x >= 9.2e18) return INT64_MAX;
  if (x <= -9.2e18) return INT64_MIN;
  return static_cast<std::int64_t>(x);
}

class PolicyReader {
 public:
  PolicyReader(std::string_view path, PolicyLevel level, Diagnostics& d)
      : path_(path), level_(level), d_(d) {}

  // One of the original tool's intervals (seconds): reportEverySeconds, stallSeconds,
  // autoResumeBackoffSeconds.
  std::int64_t interval(const json::value* v, std::string_view key, std::int64_t fallback) {
    if (v == nullptr || v->is_null()) return fallback;
    std::string path = key_path(path_, key);
    auto use_default = [&](const std::string& why) {
      d_.warning(path, why + "; using the default " + std::to_string(fallback));
      return fallback;
    };
    auto checked = [&](std::int64_t n) {
      if (n == 0) return use_default("0 is not a usable interval");
      if (n < 0) return use_default("a negative interval makes no sense");
      return n;
    };
    if (v->is_number()) return checked(truncate_number(*v));
    bool defaults = level_ == PolicyLevel::defaults;
    std::string got = "expected a number of seconds, got " + std::string(type_name(*v));
    if (v->is_string() && !is_falsy(*v)) {
      auto n = parse_integer_text(v->get_string());
      if (n && defaults) {
        d_.warning(path, "should be a number, not a string");
        return checked(*n);
      }
      if (defaults) {
        d_.error(path, "must be a number of seconds, got \"" + std::string(v->get_string()) + "\"");
        return fallback;
      }
      return use_default(got + " (ignored)");
    }
    if (defaults && (v->is_array() || v->is_object()) && !is_falsy(*v)) {
      d_.error(path, "must be a number of seconds, got " + std::string(type_name(*v)));
      return fallback;
    }
    return use_default(got);
  }

  // One of opsd's own positive integers (no compatibility to keep: wrong = error).
  std::int64_t positive(const json::value* v, std::string_view key, std::int64_t fallback,
                        std::int64_t max, std::string_view unit) {
    if (v == nullptr || v->is_null()) return fallback;
    auto n = config_detail::as_integer(*v);
    if (!n || *n <= 0 || *n > max) {
      d_.error(key_path(path_, key), "must be a whole number of " + std::string(unit) +
                                         " between 1 and " + std::to_string(max));
      return fallback;
    }
    return *n;
  }

  QuietHours quiet_hours(const json::value* v, const QuietHours& base) {
    if (v == nullptr || v->is_null()) return base;
    std::string path = key_path(path_, "quietHours");
    if (!v->is_object()) {
      d_.warning(path, "expected {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}, got " +
                           std::string(type_name(*v)) + "; using the defaults");
      return base;
    }
    const auto& obj = v->get_object();
    config_detail::warn_unknown_keys(obj, {"start", "end"}, path, d_);
    if (level_ == PolicyLevel::job) return job_quiet_hours(obj, path, base);
    // defaults: `str(start or "23:00")`; an invalid time meant "never quiet".
    auto text = [&](std::string_view key, std::string_view dflt) -> std::string {
      const json::value* x = config_detail::member(obj, key);
      if (x == nullptr || is_falsy(*x)) return std::string(dflt);
      return x->is_string() ? std::string(x->get_string()) : json::serialize(*x);
    };
    QuietHours out;
    for (auto [key, dflt, slot] : {std::tuple{"start", "23:00", &out.start_minute},
                                   std::tuple{"end", "08:00", &out.end_minute}}) {
      std::string s = text(key, dflt);
      auto minute = parse_hhmm(s);
      if (!minute) {
        d_.warning(key_path(path, key),
                   "\"" + s + "\" is not a valid HH:MM time; quiet hours are off");
        return QuietHours{0, 0};
      }
      *slot = *minute;
    }
    return out;
  }

 private:
  QuietHours job_quiet_hours(const json::object& obj, const std::string& path,
                             const QuietHours& base) {
    const json::value* s = config_detail::member(obj, "start");
    const json::value* e = config_detail::member(obj, "end");
    if (s && e && s->is_string() && e->is_string()) {
      auto r = parse_quiet_hours(s->get_string(), e->get_string());
      if (r) return *r;
      d_.warning(path, r.error().message + "; using the defaults");
      return base;
    }
    d_.warning(path, "needs both start and end as \"HH:MM\" strings; using the defaults");
    return base;
  }

  std::string_view path_;
  PolicyLevel level_;
  Diagnostics& d_;
};

OnStall read_on_stall(const json::value* v, const std::string& path, OnStall fallback,
                      Diagnostics& d) {
  if (v == nullptr || v->is_null()) return fallback;
  if (v->is_string() && v->get_string() == "alert") return OnStall::alert;
  if (v->is_string() && v->get_string() == "restart") return OnStall::restart;
  d.error(path, "must be \"alert\" or \"restart\", got " +
                    (v->is_string() ? "\"" + std::string(v->get_string()) + "\""
                                    : std::string(type_name(*v))));
  return fallback;
}

}  // namespace

Result<QuietHours> parse_quiet_hours(std::string_view start, std::string_view end) {
  auto s = parse_hhmm(start);
  if (!s) return Error{"start \"" + std::string(start) + "\" is not a valid HH:MM time"};
  auto e = parse_hhmm(end);
  if (!e) return Error{"end \"" + std::string(end) + "\" is not a valid HH:MM time"};
  return QuietHours{*s, *e};
}

namespace config_detail {

void check_on_stall(const Job& job, const json::value* job_policy, std::string_view job_path,
                    Diagnostics& d) {
  if (job.policy.on_stall != OnStall::restart) return;
  const json::object* own = job_policy ? job_policy->if_object() : nullptr;
  const bool explicit_here = own && member(*own, "onStall") != nullptr;
  const std::string path = explicit_here ? key_path(key_path(job_path, "policy"), "onStall")
                                         : std::string("defaults.onStall");
  const std::string who = explicit_here ? "" : " (inherited by " + std::string(job_path) + ")";
  if (job.kind != JobKind::long_running_read) {
    if (explicit_here)
      d.error(path, "\"restart\" applies only to long_running_read jobs, not " +
                        std::string(to_string(job.kind)));
    return;
  }
  if (job.risk != Risk::read_only)
    d.error(path, "\"restart\" needs risk read_only, not " + std::string(to_string(job.risk)) +
                      who + ": opsd never restarts a write job by itself");
  else if (!job.policy.auto_resume)
    d.error(path,
            "\"restart\" needs autoResume: true" + who + ": a restart on stall is an auto-resume");
}

Policy read_policy(const json::value* v, const Policy& base, std::string_view path,
                   PolicyLevel level, Diagnostics& d) {
  if (v == nullptr || v->is_null()) return base;
  if (!v->is_object()) {
    d.warning(std::string(path),
              "expected an object, got " + std::string(type_name(*v)) + "; ignored");
    return base;
  }
  const auto& o = v->get_object();
  warn_unknown_keys(
      o,
      {"quietHours", "reportEverySeconds", "stallSeconds", "autoResume", "autoResumeBackoffSeconds",
       "onlyOnChange", "reportWhileRunning", "pollSeconds", "statusTimeoutSeconds",
       "stopTimeoutSeconds", "maxAutoResumes", "runTimeoutSeconds", "autoResumeBackoffMaxSeconds",
       "healthyAfterSeconds", "onStall", "progressKeys"},
      path, d);
  PolicyReader r(path, level, d);
  auto m = [&](std::string_view k) { return member(o, k); };
  auto flag = [&](std::string_view k, bool fallback) {
    return read_bool(m(k), key_path(path, k), fallback, d);
  };
  Policy p = base;
  p.quiet_hours = r.quiet_hours(m("quietHours"), base.quiet_hours);
  p.progress_keys = config_detail::read_progress_keys(m("progressKeys"), base.progress_keys,
                                                      key_path(path, "progressKeys"), d);
  p.report_every_seconds =
      r.interval(m("reportEverySeconds"), "reportEverySeconds", base.report_every_seconds);
  p.stall_seconds = r.interval(m("stallSeconds"), "stallSeconds", base.stall_seconds);
  p.auto_resume = flag("autoResume", base.auto_resume);
  p.auto_resume_backoff_seconds = r.interval(
      m("autoResumeBackoffSeconds"), "autoResumeBackoffSeconds", base.auto_resume_backoff_seconds);
  p.only_on_change = flag("onlyOnChange", base.only_on_change);
  p.report_while_running = flag("reportWhileRunning", base.report_while_running);
  p.poll_seconds =
      r.positive(m("pollSeconds"), "pollSeconds", base.poll_seconds, kMaxSeconds, "seconds");
  p.status_timeout_seconds = r.positive(m("statusTimeoutSeconds"), "statusTimeoutSeconds",
                                        base.status_timeout_seconds, kMaxSeconds, "seconds");
  p.stop_timeout_seconds = r.positive(m("stopTimeoutSeconds"), "stopTimeoutSeconds",
                                      base.stop_timeout_seconds, kMaxSeconds, "seconds");
  p.max_auto_resumes =
      static_cast<int>(r.positive(m("maxAutoResumes"), "maxAutoResumes", base.max_auto_resumes,
                                  kMaxAutoResumesLimit, "resumes per hour"));
  p.run_timeout_seconds = r.positive(m("runTimeoutSeconds"), "runTimeoutSeconds",
                                     base.run_timeout_seconds, kMaxSeconds, "seconds");
  p.auto_resume_backoff_max_seconds =
      r.positive(m("autoResumeBackoffMaxSeconds"), "autoResumeBackoffMaxSeconds",
                 base.auto_resume_backoff_max_seconds, kMaxSeconds, "seconds");
  p.healthy_after_seconds = r.positive(m("healthyAfterSeconds"), "healthyAfterSeconds",
                                       base.healthy_after_seconds, kMaxSeconds, "seconds");
  p.on_stall = read_on_stall(m("onStall"), key_path(path, "onStall"), base.on_stall, d);
  return p;
}

}  // namespace config_detail
}  // namespace opsd
