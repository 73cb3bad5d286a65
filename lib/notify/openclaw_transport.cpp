#include "notify/openclaw_transport.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>

#include <boost/asio.hpp>

#include "notify/redact.hpp"
#include "process/spawn.hpp"

namespace opsd {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kStderrKeep = 4096;                      // bytes of stderr remembered
constexpr std::size_t kErrorTail = 400;                        // bytes of it quoted in the error
constexpr auto kStderrGrace = std::chrono::milliseconds(500);  // wait for EOF after exit

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// State shared by a send, the reader of its child's stderr and its timeout.
struct Child {
  explicit Child(const asio::any_io_executor& ex) : err(ex), eof(ex) {}
  asio::readable_pipe err;
  asio::steady_timer eof;  // cancelled when stderr is done
  std::string stderr_tail;
  bool reading = true;
  pid_t pid = -1;
  bool exited = false;
  bool timed_out = false;
};

// The end of stderr on one line, cut at a UTF-8 boundary.
std::string error_tail(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  const auto last = s.find_last_not_of(' ');
  s.erase(last == std::string::npos ? 0 : last + 1);
  std::size_t start = s.size() > kErrorTail ? s.size() - kErrorTail : 0;
  while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) ++start;
  s.erase(0, std::min(start, s.size()));
  const auto first = s.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : s.substr(first);
}

SendResult transient(std::string error) {
  SendResult r;
  r.kind = SendResult::Kind::transient;
  r.error = std::move(error);
  return r;
}

asio::awaitable<void> read_stderr(std::shared_ptr<Child> c) {
  std::array<char, 4096> buf{};
  for (;;) {
    auto [ec, n] = co_await c->err.async_read_some(asio::buffer(buf), kTuple);
    c->stderr_tail.append(buf.data(), n);
    if (c->stderr_tail.size() > kStderrKeep) {
      c->stderr_tail.erase(0, c->stderr_tail.size() - kStderrKeep);
    }
    if (ec) break;
  }
  c->reading = false;
  c->eof.cancel();
}

}  // namespace

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

class OpenclawTransport::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor ex, OpenclawOptions opts)
      : ex_(std::move(ex)), opts_(std::move(opts)) {}

  void start(std::string chat_id, std::string text, std::function<void(SendResult)> done) {
    asio::co_spawn(ex_,
                   run(shared_from_this(), std::move(chat_id), std::move(text), std::move(done)),
                   asio::detached);
  }

  // Kills running children; their callbacks are dropped.
  void stop() {
    stopped_ = true;
    for (const auto& weak : children_) {
      if (auto c = weak.lock(); c && !c->exited && c->pid > 0) ::kill(-c->pid, SIGKILL);
    }
  }

 private:
  static asio::awaitable<void> run(std::shared_ptr<Impl> self, std::string chat_id,
                                   std::string text, std::function<void(SendResult)> done) {
    SendResult r = co_await self->run_child(chat_id, text);
    r.error = redact_token(r.error, self->opts_.secret);
    if (!self->stopped_) done(std::move(r));
  }

  asio::awaitable<SendResult> run_child(const std::string& chat_id, const std::string& text) {
    auto child = std::make_shared<Child>(ex_);
    const std::vector<std::string> args = {"message",  "send",  "--channel", "telegram",
                                           "--target", chat_id, "--message", text};
    Result<Pipe> err_pipe = make_pipe();
    if (!err_pipe) co_return transient("openclaw: " + err_pipe.error().message);
    UniqueFd dev_null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    SpawnSpec spec;
    spec.argv = {opts_.binary};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.stdout_fd = dev_null.get();
    spec.stderr_fd = err_pipe->write_end.get();
    Result<ChildProcess> proc = spawn_in_group(ex_, spec);
    err_pipe->write_end.reset();  // the child holds its own copy
    if (!proc)
      co_return transient("openclaw: cannot run " + opts_.binary + ": " + proc.error().message);
    child->err.assign(err_pipe->read_end.release());
    child->pid = proc->id();
    std::erase_if(children_, [](const std::weak_ptr<Child>& w) { return w.expired(); });
    children_.push_back(child);
    asio::co_spawn(ex_, read_stderr(child), asio::detached);

    asio::steady_timer timeout(ex_, opts_.timeout);
    timeout.async_wait([child](error_code ec) {
      if (ec || child->exited) return;
      child->timed_out = true;
      ::kill(-child->pid, SIGKILL);
    });
    Result<int> code = co_await wait_for_exit(*proc);
    child->exited = true;
    timeout.cancel();
    if (child->reading) {
      child->eof.expires_after(kStderrGrace);
      co_await child->eof.async_wait(kTuple);
    }
    error_code ignored;
    child->err.close(ignored);  // a grandchild may still hold it open

    const std::string tail = error_tail(child->stderr_tail);
    const std::string suffix = tail.empty() ? "" : ": " + tail;
    if (child->timed_out) {
      co_return transient("openclaw timed out after " + std::to_string(opts_.timeout.count()) +
                          " ms" + suffix);
    }
    if (!code)
      co_return transient("openclaw: waiting for the process failed: " + code.error().message);
    if (*code != 0) {
      co_return transient("openclaw failed with exit status " + std::to_string(*code) + suffix);
    }
    SendResult ok;
    ok.kind = SendResult::Kind::delivered;
    co_return ok;
  }

  asio::any_io_executor ex_;
  OpenclawOptions opts_;
  std::vector<std::weak_ptr<Child>> children_;
  bool stopped_ = false;
};

OpenclawTransport::OpenclawTransport(boost::asio::any_io_executor ex, OpenclawOptions opts)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(opts))) {}

OpenclawTransport::~OpenclawTransport() { impl_->stop(); }

void OpenclawTransport::send(const std::string& chat_id, const std::string& text, bool /*silent*/,
                             std::function<void(SendResult)> done) {
  impl_->start(chat_id, text, std::move(done));
}

}  // namespace opsd
