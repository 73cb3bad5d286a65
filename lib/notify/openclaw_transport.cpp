#include "notify/openclaw_transport.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <boost/json.hpp>

#include "notify/redact.hpp"
#include "process/command_runner.hpp"
#include "util/utf8.hpp"

namespace opsd {
namespace {

constexpr std::size_t kErrorTail = 400;         // bytes of stderr quoted in the error
constexpr std::size_t kStdoutKeep = 4096;       // the CLI's stdout is not read; bytes kept
constexpr std::size_t kMaxConcurrentSends = 4;  // more sends wait for a slot

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// The end of stderr on one line, cut at a UTF-8 boundary.
std::string error_tail(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  const auto last = s.find_last_not_of(' ');
  s.erase(last == std::string::npos ? 0 : last + 1);
  s = std::string(utf8_last_bytes(s, kErrorTail));
  const auto first = s.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : s.substr(first);
}

SendResult transient(std::string error) {
  SendResult r;
  r.kind = SendResult::Kind::transient;
  r.error = std::move(error);
  return r;
}

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

// The first "messageId" (or "message_id") anywhere in `v`, as text.
std::string find_message_id(const boost::json::value& v) {
  if (const auto* o = v.if_object()) {
    for (const char* key : {"messageId", "message_id"}) {
      if (const auto* id = o->if_contains(key)) {
        if (id->is_string()) return std::string(id->get_string());
        if (id->is_int64()) return std::to_string(id->get_int64());
        if (id->is_uint64()) return std::to_string(id->get_uint64());
      }
    }
    for (const auto& kv : *o)
      if (std::string id = find_message_id(kv.value()); !id.empty()) return id;
  } else if (const auto* a = v.if_array()) {
    for (const auto& item : *a)
      if (std::string id = find_message_id(item); !id.empty()) return id;
  }
  return {};
}

// What the CLI's end means for the message (errors not yet redacted).
SendResult result_of(const CommandOutput& out, const OpenclawOptions& opts, bool edit) {
  if (!out.spawn_error.empty())
    return transient("openclaw: cannot run " + opts.binary + ": " + out.spawn_error);
  const std::string tail = error_tail(out.stderr_tail);
  const std::string suffix = tail.empty() ? "" : ": " + tail;
  if (out.timed_out)
    return transient("openclaw timed out after " + std::to_string(opts.timeout.count()) + " ms" +
                     suffix);
  if (out.exit_code < 0)
    return transient("openclaw killed by signal " + std::to_string(-out.exit_code) + suffix);
  SendResult ok;
  ok.kind = SendResult::Kind::delivered;
  if (out.exit_code != 0) {
    // Telegram's own words come through on stderr.
    if (edit && contains(out.stderr_tail, "message is not modified")) return ok;
    SendResult r =
        transient("openclaw failed with exit status " + std::to_string(out.exit_code) + suffix);
    if (edit && (contains(out.stderr_tail, "message to edit not found") ||
                 contains(out.stderr_tail, "message can't be edited"))) {
      r.kind = SendResult::Kind::permanent;
      r.edit_gone = true;
    }
    return r;
  }
  if (!edit) ok.message_id = openclaw_message_id(out.stdout_text);
  return ok;
}

}  // namespace

std::string openclaw_message_id(std::string_view stdout_text) {
  // Log lines may come before or after the JSON: the first object that parses counts.
  for (std::size_t start = stdout_text.find('{'); start != std::string_view::npos;
       start = stdout_text.find('{', start + 1)) {
    boost::json::parser p;
    boost::system::error_code ec;
    const std::string_view rest = stdout_text.substr(start);
    p.write_some(rest.data(), rest.size(), ec);
    if (ec) continue;
    if (std::string id = find_message_id(p.release()); !id.empty()) return id;
  }
  return {};
}

std::vector<std::string> openclaw_argv(const std::string& binary, const Delivery& d) {
  std::vector<std::string> argv = {
      binary,     "message", d.edit_message_id.empty() ? "send" : "edit", "--channel", "telegram",
      "--target", d.chat_id};
  if (!d.edit_message_id.empty()) {
    argv.insert(argv.end(), {"--message-id", d.edit_message_id});
  }
  argv.insert(argv.end(), {"--message", d.text});
  if (!d.thread_id.empty()) argv.insert(argv.end(), {"--thread-id", d.thread_id});
  if (d.edit_message_id.empty() && d.silent) argv.push_back("--silent");
  if (d.edit_message_id.empty() && d.want_message_id) argv.push_back("--json");
  return argv;
}

std::optional<std::string> find_openclaw_binary(const std::string& path_env,
                                                const std::vector<std::string>& fallbacks) {
  std::size_t start = 0;
  while (start <= path_env.size()) {
    const std::size_t end = std::min(path_env.find(':', start), path_env.size());
    const std::string dir = path_env.substr(start, end - start);
    if (!dir.empty()) {
      const std::string candidate = (std::filesystem::path(dir) / "openclaw").string();
      if (is_executable_file(candidate)) return candidate;
    }
    start = end + 1;
  }
  for (const std::string& p : fallbacks) {
    if (is_executable_file(p)) return p;
  }
  return std::nullopt;
}

class OpenclawTransport::Impl {
 public:
  Impl(boost::asio::any_io_executor ex, OpenclawOptions opts)
      : opts_(std::move(opts)), runner_(std::move(ex), kMaxConcurrentSends) {}

  void start(const Delivery& d, std::function<void(SendResult)> done) {
    RunSpec spec;
    spec.argv = openclaw_argv(opts_.binary, d);
    const bool edit = !d.edit_message_id.empty();
    spec.timeout = opts_.timeout;
    spec.stdout_cap = kStdoutKeep;
    spec.kill_on_overflow = false;
    runner_.run(std::move(spec), [this, edit, done = std::move(done)](const CommandOutput& out) {
      SendResult r = result_of(out, opts_, edit);
      r.error = redact_token(r.error, opts_.secret);
      done(std::move(r));
    });
  }

 private:
  OpenclawOptions opts_;
  CommandRunner runner_;  // destroyed first: kills running CLIs, drops their callbacks
};

OpenclawTransport::OpenclawTransport(boost::asio::any_io_executor ex, OpenclawOptions opts)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(opts))) {}

OpenclawTransport::~OpenclawTransport() = default;

void OpenclawTransport::send(const std::string& chat_id, const std::string& text, bool silent,
                             std::function<void(SendResult)> done) {
  Delivery d;
  d.chat_id = chat_id;
  d.text = text;
  d.silent = silent;
  deliver(d, std::move(done));
}

void OpenclawTransport::deliver(const Delivery& d, std::function<void(SendResult)> done) {
  impl_->start(d, std::move(done));
}

}  // namespace opsd
