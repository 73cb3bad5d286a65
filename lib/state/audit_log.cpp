#include "state/audit_log.hpp"

#include <fcntl.h>

#include <boost/json.hpp>

#include "util/time_format.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace

AuditLog::AuditLog(FileSystem& fs, std::string path, const Clock* clock)
    : fs_(fs), path_(std::move(path)), clock_(clock ? clock : &system_clock()) {}

Status AuditLog::append(const json::object& entry) {
  json::object line;
  if (!entry.contains("at")) line["at"] = iso8601_utc(clock_->now());
  for (const auto& [key, value] : entry) line[key] = value;

  auto fail = [&](const Status& s) { return Error{"audit log " + path_ + ": " + s.message()}; };
  std::string dir = parent_dir(path_);
  if (!fs_.exists(dir)) {
    if (Status s = fs_.make_dirs(dir, 0700); !s) return fail(s);
  }
  bool created = !fs_.exists(path_);
  bool torn = false;
  if (!created) {
    // After a crash mid-append the file ends inside a line; start ours on a fresh one.
    Result<std::string> last = fs_.read_file_tail(path_, 1);
    torn = last && !last->empty() && last->back() != '\n';
  }
  std::string text(torn ? 1 : 0, '\n');
  text += json::serialize(line);
  text += "\n";
  Result<int> fd = fs_.open(path_, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (!fd) return fail(Status(fd.error()));
  Status s = fs_.write_all(*fd, text);
  if (s) s = fs_.fsync(*fd);
  Status closed = fs_.close(*fd);
  if (s && !closed) s = closed;
  if (s && created) s = fs_.fsync_dir(dir);
  return s ? Status::Ok() : fail(s);
}

Result<std::vector<std::string>> AuditLog::tail(std::size_t n) const {
  std::vector<std::string> lines;
  if (n == 0 || !fs_.exists(path_)) return lines;
  Result<std::string> text = fs_.read_file_tail(path_, kTailWindowBytes);
  if (!text) return Error{"audit log " + path_ + ": " + text.error().message};
  std::string_view rest = *text;
  // A full window may begin mid-line; that fragment is not a line.
  if (rest.size() == kTailWindowBytes) {
    auto nl = rest.find('\n');
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  // A last line without "\n" was torn by a crash mid-append: not a complete line.
  auto last_nl = rest.rfind('\n');
  rest = last_nl == std::string_view::npos ? std::string_view{} : rest.substr(0, last_nl + 1);
  while (!rest.empty() && lines.size() < n) {
    rest.remove_suffix(1);  // the '\n' ending the last remaining line
    auto nl = rest.rfind('\n');
    std::size_t start = nl == std::string_view::npos ? 0 : nl + 1;
    if (start < rest.size()) lines.emplace_back(rest.substr(start));
    rest.remove_suffix(rest.size() - start);
  }
  return std::vector<std::string>(lines.rbegin(), lines.rend());
}

}  // namespace opsd
