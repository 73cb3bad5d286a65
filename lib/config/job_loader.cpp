#include "config/job_loader.hpp"

#include <filesystem>

#include <boost/json.hpp>

#include "config/job_id.hpp"
#include "config/json_fields.hpp"
#include "config/paths.hpp"
#include "config/policy_loader.hpp"
#include "config/schedule_loader.hpp"

namespace opsd::config_detail {

namespace json = boost::json;

namespace {

constexpr std::string_view kArgvExpected = "must be a non-empty array of non-empty strings";

class JobReader {
 public:
  JobReader(const json::object& o, JobDraft& draft, Diagnostics& d)
      : o_(o), draft_(draft), job_(draft.job), d_(d) {}

  std::string at(std::string_view key) const { return key_path(draft_.path, key); }
  const json::value* m(std::string_view key) const { return member(o_, key); }

  void identity() {
    const json::value* id = m("id");
    if (id && id->is_string() && !trim(id->get_string()).empty()) {
      job_.id = trim(id->get_string());
      if (job_.id != id->get_string())
        d_.warning(at("id"), "surrounding whitespace removed: \"" + job_.id + "\"");
      if (std::optional<std::string> bad = job_id_error(job_.id)) {
        d_.error(at("id"), *bad);
      } else if (!job_id_is_plain(job_.id)) {
        d_.warning(at("id"), "\"" + job_.id +
                                 "\" has characters outside [A-Za-z0-9._-] (or starts with '.'); "
                                 "its log file is named \"" +
                                 job_file_stem(job_.id) + ".log\"");
      }
    } else {
      d_.error(at("id"), "must be a non-empty string");
    }
    const json::value* name = m("name");
    if (name && name->is_string() && !trim(name->get_string()).empty())
      job_.name = trim(name->get_string());
    else
      job_.name = job_.id;
    if (name && !name->is_null() && !name->is_string())
      d_.warning(at("name"), "expected a string; using the id");

    auto kind =
        enum_field("kind", "long_running_read, one_shot_read, one_shot_write", parse_job_kind);
    auto risk = enum_field("risk", "read_only, write_local, write_external", parse_risk);
    kind_ok_ = kind.has_value();
    if (kind) job_.kind = *kind;
    if (risk) job_.risk = *risk;
    draft_.identified = !job_.id.empty() && kind && risk;
    job_.enabled = read_bool(m("enabled"), at("enabled"), false, d_);
  }

  void cwd(const ConfigContext& ctx) {
    const json::value* v = m("cwd");
    if (v == nullptr || v->is_null()) {
      job_.cwd = ctx.state_dir;
      return;
    }
    if (!v->is_string() || trim(v->get_string()).empty()) {
      d_.error(at("cwd"), "must be a non-empty path string");
      return;
    }
    namespace fs = std::filesystem;
    fs::path p = expand_user_path(v->get_string(), ctx.home);
    if (p.is_relative() && !ctx.config_dir.empty()) p = fs::path(ctx.config_dir) / p;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    job_.cwd = s;
  }

  void commands() {
    const json::value* v = m("commands");
    if (v == nullptr || !v->is_object()) {
      d_.error(at("commands"), "must be an object of argv arrays");
      return;
    }
    std::string path = at("commands");
    Commands& c = job_.commands;
    for (const auto& kv : v->get_object()) {
      std::string p = key_path(path, kv.key());
      auto argv = read_argv(kv.value());
      if (!argv) {
        d_.error(p, std::string(kArgvExpected));
        continue;  // one diagnostic per command: no "ignored" warning beside its error
      }
      std::vector<std::string>* slot = kv.key() == "start"    ? &c.start
                                       : kv.key() == "status" ? &c.status
                                       : kv.key() == "stop"   ? &c.stop
                                       : kv.key() == "run"    ? &c.run
                                       : kv.key() == "verify" ? &c.verify
                                                              : nullptr;
      if (slot == nullptr) {
        d_.warning(p, "unknown command, ignored");
        continue;
      }
      slot->assign(argv->begin(), argv->end());
      if (kind_ok_ && !used_by_kind(kv.key()))
        d_.warning(p, "not used by " + std::string(to_string(job_.kind)) + " jobs, ignored");
    }
    const auto& obj = v->get_object();
    auto require = [&](std::string_view key) {
      if (!obj.contains(key))
        d_.error(key_path(path, key), "is required for " + std::string(to_string(job_.kind)) +
                                          " jobs (" + std::string(kArgvExpected) + ")");
    };
    if (!kind_ok_) return;
    if (job_.kind == JobKind::long_running_read) {
      require("start");
      require("status");
    } else {
      require("run");
    }
  }

  void approval() {
    const json::value* v = m("approval");
    bool write = job_.kind == JobKind::one_shot_write;
    if (v == nullptr || v->is_null()) return;
    if (!v->is_object()) {
      d_.warning(at("approval"), "expected an object or null, got " + std::string(type_name(*v)) +
                                     "; using {\"required\": true, \"granted\": false}");
      return;
    }
    std::string path = at("approval");
    const auto& o = v->get_object();
    warn_unknown_keys(o, {"required", "granted"}, path, d_);
    if (!write) {
      if (!o.empty()) d_.warning(path, "only one_shot_write jobs use approval; ignored");
      return;
    }
    ApprovalConfig& a = job_.approval;
    a.required = read_bool(member(o, "required"), key_path(path, "required"), true, d_);
    a.granted = read_bool(member(o, "granted"), key_path(path, "granted"), false, d_);
    if (!a.required && job_.risk != Risk::write_local) {
      d_.warning(key_path(path, "required"), "false is honoured only for write_local jobs; this " +
                                                 std::string(to_string(job_.risk)) +
                                                 " job still needs an approval");
      a.required = true;
    }
    if (a.granted && a.required)
      d_.warning(key_path(path, "granted"),
                 "true is a standing approval: `opsctl run` runs this write job without "
                 "`opsctl approve`");
  }

  void after() {
    const json::value* v = m("after");
    if (v == nullptr || v->is_null()) return;
    std::string path = at("after");
    if (!v->is_array()) {
      d_.warning(path, "expected an array, got " + std::string(type_name(*v)) + "; ignored");
      return;
    }
    std::size_t i = 0;
    for (const auto& e : v->get_array()) {
      std::string p = index_path(path, i++);
      if (!e.is_object()) {
        d_.warning(p, "expected an object, got " + std::string(type_name(e)) + "; ignored");
        continue;
      }
      draft_.after.push_back(after_entry(e.get_object(), p));
    }
  }

  void risk_sanity() {
    if (!draft_.identified) return;
    if (job_.kind == JobKind::one_shot_read && job_.risk != Risk::read_only)
      d_.warning(at("risk"), "a one_shot_read job runs only when read_only; it will be refused");
  }

 private:
  template <class Parse>
  auto enum_field(std::string_view key, std::string_view allowed, Parse parse)
      -> decltype(parse(std::string_view{})) {
    const json::value* v = m(key);
    decltype(parse(std::string_view{})) out;
    if (v && v->is_string()) out = parse(v->get_string());
    if (!out) d_.error(at(key), "must be one of " + std::string(allowed));
    return out;
  }

  static std::optional<std::vector<std::string>> read_argv(const json::value& v) {
    if (!v.is_array() || v.get_array().empty()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& x : v.get_array()) {
      if (!x.is_string() || x.get_string().empty()) return std::nullopt;
      out.emplace_back(x.get_string());
    }
    return out;
  }

  bool used_by_kind(std::string_view key) const {
    switch (job_.kind) {
      case JobKind::long_running_read:
        return key == "start" || key == "status" || key == "stop";
      case JobKind::one_shot_read:
        return key == "run";
      case JobKind::one_shot_write:
        return key == "run" || key == "verify";
    }
    return false;
  }

  AfterDraft after_entry(const json::object& o, const std::string& p) {
    AfterDraft a;
    a.path = p;
    warn_unknown_keys(o, {"jobId", "when", "delaySeconds"}, p, d_);
    const json::value* id = member(o, "jobId");
    if (id && id->is_string() && !id->get_string().empty()) {
      a.has_job_id = true;
      a.entry.job_id = std::string(id->get_string());
    }
    const json::value* when = member(o, "when");
    if (when && !is_falsy(*when)) {
      std::optional<AfterWhen> w;
      if (when->is_string()) w = parse_after_when(when->get_string());
      a.when_valid = w.has_value();
      if (w) a.entry.when = *w;
    }
    const json::value* delay = member(o, "delaySeconds");
    if (delay && !delay->is_null()) {
      auto n = delay->is_number() ? delay->to_number<double>() : 0.0;
      if (!delay->is_number())
        d_.warning(key_path(p, "delaySeconds"), "expected a number of seconds, got " +
                                                    std::string(type_name(*delay)) + "; using 0");
      else if (n < 0)
        d_.warning(key_path(p, "delaySeconds"), "a negative delay makes no sense; using 0");
      else
        a.entry.delay_seconds = n > 9.0e18 ? INT64_MAX : static_cast<std::int64_t>(n);
    }
    return a;
  }

  const json::object& o_;
  JobDraft& draft_;
  Job& job_;
  Diagnostics& d_;
  bool kind_ok_ = false;
};

}  // namespace

JobDraft read_job(const json::value& v, std::size_t index, const Policy& defaults,
                  const ConfigContext& ctx, Diagnostics& d) {
  JobDraft draft;
  draft.path = index_path("jobs", index);
  draft.job.policy = defaults;
  if (!v.is_object()) {
    d.error(draft.path, "must be an object, got " + std::string(type_name(v)));
    return draft;
  }
  const auto& o = v.get_object();
  warn_unknown_keys(o,
                    {"id", "name", "kind", "risk", "enabled", "cwd", "commands", "policy",
                     "approval", "after", "schedule"},
                    draft.path, d);
  JobReader r(o, draft, d);
  r.identity();
  r.cwd(ctx);
  r.commands();
  draft.job.policy = read_policy(r.m("policy"), defaults, r.at("policy"), PolicyLevel::job, d);
  r.approval();
  r.after();
  r.risk_sanity();
  if (draft.identified) check_on_stall(draft.job, r.m("policy"), draft.path, d);
  draft.job.schedule =
      read_schedule(r.m("schedule"), r.at("schedule"), draft.job, draft.identified, d);
  return draft;
}

}  // namespace opsd::config_detail
