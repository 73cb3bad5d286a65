#include "engine/progress_rate.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <string>

namespace opsd {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 7> kDoneKeys = {
    "done", "processed", "completed", "current", "scanned", "finished", "count"};
constexpr std::array<std::string_view, 3> kPercentKeys = {"percent", "pct", "percentage"};

// A reading closer than this to the one before the newest replaces the newest, so that samples
// are at least half of this apart and kMaxSamples of them cover the whole window.
constexpr TimeMs kMinSpacing = kRateWindow / (ProgressHistory::kMaxSamples / 2);

// The value at `path` in `o`: the key itself, else "a.b" walks into the object at "a".
const json::value* lookup(const json::object& o, std::string_view path) {
  if (const json::value* v = o.if_contains(path)) return v;
  const std::size_t dot = path.find('.');
  if (dot == std::string_view::npos) return nullptr;
  const json::value* head = o.if_contains(path.substr(0, dot));
  if (head == nullptr || !head->is_object()) return nullptr;
  return lookup(head->get_object(), path.substr(dot + 1));
}

// A non-negative finite number, or a string holding one (a trailing '%' when `percent`).
std::optional<double> number_at(const json::object& o, std::string_view path, bool percent) {
  const json::value* v = lookup(o, path);
  if (v == nullptr) return std::nullopt;
  double x = 0;
  if (v->is_double()) {
    x = v->get_double();
  } else if (v->is_int64()) {
    x = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    x = static_cast<double>(v->get_uint64());
  } else if (v->is_string()) {
    std::string_view s = v->get_string();
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (percent && !s.empty() && s.back() == '%') s.remove_suffix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(x) || x < 0) return std::nullopt;
  return x;
}

std::optional<ProgressSample> pair_at(const json::object& o, std::string_view done,
                                      std::string_view total, TimeMs at) {
  auto d = number_at(o, done, false);
  auto t = number_at(o, total, false);
  if (!d || !t || *t <= 0) return std::nullopt;
  return ProgressSample{at, *d, *t};
}

std::optional<ProgressSample> percent_at(const json::object& o, std::string_view key, TimeMs at) {
  auto p = number_at(o, key, true);
  if (!p) return std::nullopt;
  return ProgressSample{at, *p, 100};
}

}  // namespace

std::optional<ProgressSample> read_progress(std::string_view progress_json,
                                            const ProgressKeys& keys, TimeMs at) {
  if (progress_json.empty()) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(progress_json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  if (!keys.percent.empty()) return percent_at(o, keys.percent, at);
  if (!keys.done.empty()) return pair_at(o, keys.done, keys.total, at);
  if (o.contains("total"))
    for (std::string_view k : kDoneKeys)
      if (auto s = pair_at(o, k, "total", at)) return s;
  for (std::string_view k : kPercentKeys)
    if (auto s = percent_at(o, k, at)) return s;
  return std::nullopt;
}

void record_progress(ProgressHistory& h, const std::optional<ProgressSample>& reading, TimeMs now) {
  std::deque<ProgressSample>& s = h.samples;
  if (!reading) {
    s.clear();
    h.estimate = {};
    return;
  }
  if (!s.empty() && reading->done < s.back().done) s.clear();  // started over
  if (s.empty()) {
    s.push_back(*reading);
  } else if (reading->done != s.back().done || reading->total != s.back().total) {
    if (s.size() >= 2 && reading->at - s[s.size() - 2].at < kMinSpacing)
      s.back() = *reading;
    else
      s.push_back(*reading);
  }
  while (s.size() > ProgressHistory::kMaxSamples) s.pop_front();
  // The front is needed only while no later reading stands for the window's start.
  while (s.size() >= 2 && s[1].at <= now - kRateWindow) s.pop_front();
  h.estimate = estimate_progress(s, now);
}

void record_report_progress(ProgressHistory& h, const StatusReport& r, const ProgressKeys& keys,
                            TimeMs now) {
  std::optional<ProgressSample> reading = read_progress(r.progress_json, keys, now);
  if (r.running) {
    record_progress(h, reading, now);
    return;
  }
  h.samples.clear();
  h.estimate = {};
  if (reading) h.estimate.ratio = estimate_progress({*reading}, now).ratio;
}

ProgressEstimate estimate_progress(const std::deque<ProgressSample>& samples, TimeMs now) {
  ProgressEstimate e;
  if (samples.empty()) return e;
  const ProgressSample& last = samples.back();
  if (last.total > 0) e.ratio = std::clamp(last.done / last.total, 0.0, 1.0);
  // The reading in force at the window's start, else the first one.
  std::size_t anchor = 0;
  TimeMs span = now - samples.front().at;
  for (std::size_t i = samples.size(); i-- > 0;) {
    if (samples[i].at <= now - kRateWindow) {
      anchor = i;
      span = kRateWindow;
      break;
    }
  }
  if (span <= 0 || (samples.size() == 1 && span < kRateWindow)) return e;
  const double rate = (last.done - samples[anchor].done) / (static_cast<double>(span) / kSecond);
  e.rate_per_second = rate;
  const double left = last.total - last.done;
  if (rate <= 0 || last.total <= 0 || left <= 0) return e;
  double lo = last.total, hi = last.total;
  for (std::size_t i = anchor; i < samples.size(); ++i) {
    lo = std::min(lo, samples[i].total);
    hi = std::max(hi, samples[i].total);
  }
  if (hi > lo * (1 + kTotalTolerance)) return e;
  const double ahead_ms = left / rate * kSecond;
  if (ahead_ms > static_cast<double>(kMaxEtaAhead)) return e;
  e.eta = now + static_cast<TimeMs>(std::llround(ahead_ms));
  return e;
}

}  // namespace opsd
