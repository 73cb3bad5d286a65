#include "config/config_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "config/job_loader.hpp"
#include "config/json_fields.hpp"
#include "config/metrics_loader.hpp"
#include "config/notify_loader.hpp"
#include "config/policy_loader.hpp"

namespace opsd {

namespace json = boost::json;
using namespace config_detail;

namespace {

constexpr std::uintmax_t kMaxConfigBytes = 8u << 20;

std::optional<json::value> parse_json(std::string_view text, Diagnostics& d) {
  if (trim(text).empty()) {
    d.error("", "not valid JSON: the text is empty");
    return std::nullopt;
  }
  json::parse_options opts;
  opts.max_depth = 256;
  json::stream_parser p({}, opts);
  boost::system::error_code ec;
  std::size_t offset = p.write(text.data(), text.size(), ec);
  if (!ec) {
    p.finish(ec);
    offset = text.size();
  }
  if (!ec) return p.release();
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  d.error("", "not valid JSON at line " + std::to_string(line) + ", column " +
                  std::to_string(column) + " (byte " + std::to_string(offset) +
                  "): " + ec.message());
  return std::nullopt;
}

// The original accepted any version whose Python int() is 1 (1, 1.0, 1.9, true, "1").
void check_version(const json::value* v, Diagnostics& d) {
  const std::string expected = "must be 1 (the only config version)";
  if (v == nullptr || v->is_null()) {
    d.error("version", "is missing; " + expected);
    return;
  }
  if ((v->is_int64() && v->get_int64() == 1) || (v->is_uint64() && v->get_uint64() == 1)) return;
  bool loose = (v->is_double() && v->get_double() >= 1.0 && v->get_double() < 2.0) ||
               (v->is_bool() && v->get_bool());
  if (v->is_string()) {
    std::string s = trim(v->get_string());
    if (!s.empty() && s.front() == '+') s.erase(0, 1);
    loose = !s.empty() && s.find_first_not_of('0') == s.size() - 1 && s.back() == '1';
  }
  if (loose)
    d.warning("version", "should be the number 1, got " + json::serialize(*v));
  else
    d.error("version", expected + ", got " + json::serialize(*v));
}

NotifyConfig read_notify(const json::value* v, Diagnostics& d) {
  NotifyConfig n;
  if (v == nullptr || v->is_null()) return n;
  if (!v->is_object()) {
    d.error("notify", "must be an object, got " + std::string(type_name(*v)));
    return n;
  }
  const auto& o = v->get_object();
  warn_unknown_keys(o,
                    {"target", "channel", "locale", "silentRoutine", "heartbeat", "progress",
                     "cardEditSeconds", "groupWaitSeconds", "threadId", "alerts"},
                    "notify", d);
  if (const auto* t = member(o, "target"); t && !t->is_null()) {
    if (t->is_string())
      n.target = trim(t->get_string());
    else if (t->is_int64() || t->is_uint64())
      n.target = json::serialize(*t);
    else
      d.error("notify.target", "must be a chat id (string or integer)");
  }
  if (const auto* c = member(o, "channel"); c && !c->is_null()) {
    if (!c->is_string() || c->get_string() != "telegram")
      d.error("notify.channel", "must be \"telegram\" (the only channel)");
  }
  if (const auto* l = member(o, "locale"); l && !l->is_null()) {
    if (l->is_string() && (l->get_string() == "zh" || l->get_string() == "en"))
      n.locale = std::string(l->get_string());
    else
      d.error("notify.locale", "must be \"zh\" or \"en\"");
  }
  if (const auto* s = member(o, "silentRoutine"); s && !s->is_null()) {
    if (s->is_bool())
      n.silent_routine = s->get_bool();
    else
      d.error("notify.silentRoutine", "must be true or false");
  }
  n.heartbeat = read_heartbeat(member(o, "heartbeat"), d);
  read_notify_delivery(o, n, d);
  return n;
}

// Unique ids, `after` targets and the write-verification rule over all jobs.
void resolve_jobs(std::vector<JobDraft>& drafts, Diagnostics& d) {
  std::map<std::string, std::size_t, std::less<>> by_id;
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    const std::string& id = drafts[i].job.id;
    if (id.empty()) continue;
    auto [it, inserted] = by_id.emplace(id, i);
    if (!inserted)
      d.error(drafts[i].path + ".id",
              "duplicate job id \"" + id + "\" (also " + drafts[it->second].path + ")");
  }
  for (auto& draft : drafts) {
    for (const auto& a : draft.after) {
      if (!a.has_job_id) {
        d.warning(a.path + ".jobId", "must name a job; entry ignored");
        continue;
      }
      auto it = by_id.find(a.entry.job_id);
      if (it == by_id.end()) {
        d.warning(a.path + ".jobId", "no job has id \"" + a.entry.job_id + "\"; entry ignored");
        continue;
      }
      if (!a.when_valid) {
        d.warning(a.path + ".when", "must be success, failure or always; entry ignored");
        continue;
      }
      const JobDraft& target = drafts[it->second];
      if (target.identified &&
          (target.job.risk != Risk::read_only || target.job.kind == JobKind::one_shot_write)) {
        d.warning(a.path + ".jobId", "\"" + a.entry.job_id +
                                         "\" is not a read-only job and after chains run only "
                                         "read-only jobs; entry ignored");
        continue;
      }
      if (&target == &draft)
        d.warning(a.path + ".jobId", "names its own job: it runs again after every run");
      draft.job.after.push_back(a.entry);
    }
    if (draft.identified && draft.job.kind == JobKind::one_shot_write) {
      bool verified = false;
      for (const auto& a : draft.job.after) verified = verified || a.when == AfterWhen::success;
      if (!verified)
        d.error(draft.path + ".after",
                "a one_shot_write job needs an entry with when \"success\" naming a "
                "read_only job (its verification)");
    }
  }
}

}  // namespace

ConfigLoad parse_config(std::string_view json_text, const ConfigContext& ctx) {
  Diagnostics d;
  ConfigLoad out;
  auto root = parse_json(json_text, d);
  if (root && !root->is_object())
    d.error("", "the top level must be a JSON object, got " + std::string(type_name(*root)));
  if (d.has_errors()) {
    out.diagnostics = d.take();
    return out;
  }
  const auto& o = root->get_object();
  warn_unknown_keys(o, {"version", "defaults", "jobs", "notify", "metrics", "$schema"}, "", d);
  check_version(member(o, "version"), d);

  Config c;
  c.defaults = read_policy(member(o, "defaults"), Policy{}, "defaults", PolicyLevel::defaults, d);
  c.notify = read_notify(member(o, "notify"), d);
  c.metrics = read_metrics(member(o, "metrics"), d);
  const json::value* jobs = member(o, "jobs");
  std::vector<JobDraft> drafts;
  if (jobs == nullptr || !jobs->is_array()) {
    d.error("jobs", "must be an array of jobs");
  } else {
    for (std::size_t i = 0; i < jobs->get_array().size(); ++i)
      drafts.push_back(read_job(jobs->get_array()[i], i, c.defaults, ctx, d));
  }
  resolve_jobs(drafts, d);
  for (auto& draft : drafts) c.jobs.push_back(std::move(draft.job));
  if (!d.has_errors()) out.config = std::move(c);
  out.diagnostics = d.take();
  return out;
}

ConfigLoad load_config_file(const std::string& path, const ConfigContext& ctx,
                            std::string* text_out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  abs = abs.lexically_normal();
  auto fail = [&](const std::string& why) {
    ConfigLoad out;
    out.diagnostics.push_back(
        {Diagnostic::Severity::error, "", "cannot read config file " + abs.string() + ": " + why});
    return out;
  };
  if (fs::is_directory(abs, ec)) return fail("it is a directory");
  std::ifstream in(abs, std::ios::binary);
  if (!in) return fail(std::strerror(errno));
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) return fail("larger than 8 MiB");
  }
  if (in.bad()) return fail("read error");
  ConfigContext c = ctx;
  if (c.config_dir.empty()) c.config_dir = abs.parent_path().string();
  ConfigLoad out = parse_config(text, c);
  for (auto& diag : out.diagnostics)
    if (diag.path.empty()) diag.message = abs.string() + ": " + diag.message;
  if (out.config) out.config->source_path = abs.string();
  if (text_out) *text_out = std::move(text);
  return out;
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.severity == Diagnostic::Severity::error ? "error: " : "warning: ";
  if (!d.path.empty()) out += d.path + ": ";
  return out + d.message;
}

std::string config_summary(const Config& c) {
  auto count = [&](JobKind k) {
    return std::count_if(c.jobs.begin(), c.jobs.end(), [k](const Job& j) { return j.kind == k; });
  };
  std::ostringstream s;
  s << c.jobs.size() << " jobs (" << count(JobKind::long_running_read) << " long, "
    << count(JobKind::one_shot_read) << " read, " << count(JobKind::one_shot_write) << " write)";
  return s.str();
}

}  // namespace opsd
