#include "process/launcher.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "process/log_writer.hpp"
#include "process/spawn.hpp"

namespace opsd {

namespace asio = boost::asio;

struct ChildSupervisor::State {
  explicit State(asio::any_io_executor executor) : ex(executor), grace_timer(executor) {}

  // Runs the pending terminate_all callbacks once no owned child is left and either SIGKILL
  // was sent or no process of the signalled groups remains.
  void maybe_finish_terminate() {
    if (terminate_done.empty() || !children.empty()) return;
    if (!killed) {
      for (auto pgid : terminating_groups) {
        if (::kill(static_cast<pid_t>(-pgid), 0) == 0) return;
      }
    }
    grace_timer.cancel();
    terminating_groups.clear();
    killed = false;
    for (auto& done : std::exchange(terminate_done, {})) asio::post(ex, std::move(done));
  }

  asio::any_io_executor ex;
  std::map<std::string, std::int64_t> children;  // job id -> pid (== pgid)
  bool closed = false;                           // supervisor destroyed: no more callbacks
  std::vector<std::function<void()>> terminate_done;
  std::vector<std::int64_t> terminating_groups;
  bool killed = false;
  asio::steady_timer grace_timer;
};

namespace {

using State = ChildSupervisor::State;

constexpr std::size_t kReadChunk = 64 * 1024;
// After the child's exit, how long on_exit waits for the rest of its output to be logged
// (grandchildren may hold the pipe open for much longer).
constexpr auto kDrainAfterExit = std::chrono::seconds(1);

// The output pump's end, awaited by the exit watcher.
struct Drain {
  bool done = false;
  asio::steady_timer* waiter = nullptr;  // set while the exit watcher waits for the pump
};

void log_unexpected(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("child supervisor: {}", ex.what());
  }
}

asio::awaitable<void> pump_output(asio::readable_pipe pipe, std::string log_path,
                                  std::vector<std::string> secrets, std::shared_ptr<Drain> drain) {
  struct Done {  // however the pump ends
    Drain& d;
    ~Done() {
      d.done = true;
      if (d.waiter) d.waiter->cancel();
    }
  } done{*drain};
  std::optional<LogWriter> log;
  if (!log_path.empty()) {
    log.emplace(std::move(log_path));
    log->redact(std::move(secrets));
  }
  std::array<char, kReadChunk> buf;
  for (;;) {
    auto [ec, n] =
        co_await pipe.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (n > 0 && log) log->write(std::string_view(buf.data(), n));
    if (ec) break;
  }
}

asio::awaitable<void> watch_exit(std::shared_ptr<State> st, std::string job_id, ChildProcess proc,
                                 std::function<void(int)> on_exit, std::shared_ptr<Drain> drain) {
  auto pid = static_cast<std::int64_t>(proc.id());
  Result<int> code = co_await wait_for_exit(proc);
  int exit_code = code ? *code : -1;
  if (!code)
    spdlog::warn("job {}: waiting for pid {} failed: {}", job_id, pid, code.error().message);
  auto it = st->children.find(job_id);
  if (it != st->children.end() && it->second == pid) st->children.erase(it);
  if (!drain->done && !st->closed) {
    asio::steady_timer wait(st->ex, kDrainAfterExit);
    drain->waiter = &wait;
    struct Forget {  // the pump must not touch the timer once this frame is gone
      Drain& d;
      ~Forget() { d.waiter = nullptr; }
    } forget{*drain};
    (void)co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (st->closed) co_return;
  on_exit(exit_code);
  st->maybe_finish_terminate();
}

}  // namespace

ChildSupervisor::ChildSupervisor(asio::any_io_executor ex)
    : state_(std::make_shared<State>(std::move(ex))) {}

ChildSupervisor::~ChildSupervisor() {
  state_->closed = true;
  state_->grace_timer.cancel();
  // Killed and reaped here: nothing is left behind as a zombie once the owner is gone.
  for (const auto& [job, pgid] : state_->children) {
    ::kill(static_cast<pid_t>(-pgid), SIGKILL);
    ::waitpid(static_cast<pid_t>(pgid), nullptr, 0);
  }
}

Result<std::int64_t> ChildSupervisor::launch(const LaunchSpec& spec,
                                             std::function<void(int)> on_exit) {
  if (owns(spec.job_id)) {
    return Error{"job `" + spec.job_id + "` already has a running child (pid " +
                 std::to_string(*pid_of(spec.job_id)) + ")"};
  }
  auto pipe = make_pipe();
  if (!pipe) return pipe.error();
  SpawnSpec spawn{spec.argv, spec.cwd, spec.env, pipe->write_end.get(), pipe->write_end.get()};
  auto child = spawn_in_group(state_->ex, spawn);
  pipe->write_end.reset();  // the child holds the only write end now: EOF when it is gone
  if (!child) return child.error();
  auto pid = static_cast<std::int64_t>(child->id());
  auto drain = std::make_shared<Drain>();
  try {
    asio::readable_pipe reader(state_->ex, pipe->read_end.get());
    pipe->read_end.release();
    asio::co_spawn(state_->ex, pump_output(std::move(reader), spec.log_path, spec.secrets, drain),
                   log_unexpected);
  } catch (const std::exception& e) {
    drain->done = true;
    spdlog::warn("job {}: output of pid {} is not logged: {}", spec.job_id, pid, e.what());
  }
  state_->children[spec.job_id] = pid;
  asio::co_spawn(
      state_->ex,
      watch_exit(state_, spec.job_id, std::move(child).value(), std::move(on_exit), drain),
      log_unexpected);
  return pid;
}

bool ChildSupervisor::owns(const std::string& job_id) const {
  return state_->children.count(job_id) > 0;
}

std::optional<std::int64_t> ChildSupervisor::pid_of(const std::string& job_id) const {
  auto it = state_->children.find(job_id);
  if (it == state_->children.end()) return std::nullopt;
  return it->second;
}

Status ChildSupervisor::signal_group(const std::string& job_id, int sig) {
  auto pgid = pid_of(job_id);
  if (!pgid) return Error{"job `" + job_id + "` has no owned child"};
  if (::kill(static_cast<pid_t>(-*pgid), sig) != 0) {
    return Error{"cannot signal process group " + std::to_string(*pgid) + " of job `" + job_id +
                 "`: " + std::strerror(errno)};
  }
  return Status::Ok();
}

void ChildSupervisor::terminate_all(std::chrono::milliseconds grace, std::function<void()> done) {
  auto st = state_;
  st->terminate_done.push_back(std::move(done));
  for (const auto& [job, pgid] : st->children) {
    ::kill(static_cast<pid_t>(-pgid), SIGTERM);
    st->terminating_groups.push_back(pgid);
  }
  if (st->terminate_done.size() == 1) {
    st->grace_timer.expires_after(grace);
    st->grace_timer.async_wait([st](boost::system::error_code ec) {
      if (ec || st->closed) return;
      for (auto pgid : st->terminating_groups) ::kill(static_cast<pid_t>(-pgid), SIGKILL);
      st->killed = true;
      st->maybe_finish_terminate();
    });
  }
  st->maybe_finish_terminate();
}

std::size_t ChildSupervisor::count() const { return state_->children.size(); }

Status signal_pid(std::int64_t pid, int sig) {
  if (pid <= 0) return Error{"invalid pid " + std::to_string(pid)};
  if (::kill(static_cast<pid_t>(pid), sig) != 0) {
    return Error{"cannot signal pid " + std::to_string(pid) + ": " + std::strerror(errno)};
  }
  return Status::Ok();
}

}  // namespace opsd
