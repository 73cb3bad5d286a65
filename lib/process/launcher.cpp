#include "process/launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

#include "process/adopted_wait.hpp"
#include "process/log_relay.hpp"
#include "process/log_writer.hpp"
#include "process/spawn.hpp"

namespace opsd {

namespace asio = boost::asio;

struct ChildSupervisor::State {
  explicit State(asio::any_io_executor executor) : ex(executor), grace_timer(executor) {}

  // Runs the pending terminate_all callbacks once no owned child is left, every exit has
  // been reported, and either SIGKILL was sent or no process of the signalled groups remains.
  void maybe_finish_terminate() {
    if (terminate_done.empty() || !children.empty() || exits_unreported > 0) return;
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
  std::map<std::string, std::int64_t> children;   // job id -> pid (== pgid)
  std::map<std::string, ProcessIdentity> relays;  // job id -> its log relay, while owned
  bool closed = false;                            // supervisor destroyed: no more callbacks
  std::size_t exits_unreported = 0;  // children gone whose on_exit waits for their output
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

void forget_child(State& st, const std::string& job_id, std::int64_t pid) {
  auto it = st.children.find(job_id);
  if (it == st.children.end() || it->second != pid) return;
  st.children.erase(it);
  st.relays.erase(job_id);
}

// Waits until the job's output is in the log, at most kDrainAfterExit.
asio::awaitable<void> await_drain(std::shared_ptr<State> st, std::shared_ptr<Drain> drain) {
  if (drain->done || st->closed) co_return;
  asio::steady_timer wait(st->ex, kDrainAfterExit);
  drain->waiter = &wait;
  struct Forget {  // the pump must not touch the timer once this frame is gone
    Drain& d;
    ~Forget() { d.waiter = nullptr; }
  } forget{*drain};
  (void)co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> watch_exit(std::shared_ptr<State> st, std::string job_id, ChildProcess proc,
                                 std::function<void(int)> on_exit, std::shared_ptr<Drain> drain) {
  auto pid = static_cast<std::int64_t>(proc.id());
  Result<int> code = co_await wait_for_exit(proc);
  int exit_code = code ? *code : -1;
  if (!code)
    spdlog::warn("job {}: waiting for pid {} failed: {}", job_id, pid, code.error().message);
  forget_child(*st, job_id, pid);
  ++st->exits_unreported;
  co_await await_drain(st, drain);
  if (st->closed) co_return;
  --st->exits_unreported;
  on_exit(exit_code);
  st->maybe_finish_terminate();
}

asio::awaitable<void> watch_adopted(std::shared_ptr<State> st, std::string job_id,
                                    ProcessIdentity id,
                                    std::function<void(std::optional<int>)> on_exit,
                                    std::shared_ptr<Drain> drain) {
  std::optional<int> code = co_await wait_for_adopted_exit(id);
  forget_child(*st, job_id, id.pid);
  ++st->exits_unreported;
  co_await await_drain(st, drain);
  if (st->closed) co_return;
  --st->exits_unreported;
  on_exit(code);
  st->maybe_finish_terminate();
}

// The relay's exit is the end of the job's output.
asio::awaitable<void> watch_relay(ProcessIdentity relay, std::shared_ptr<Drain> drain) {
  struct Done {
    Drain& d;
    ~Done() {
      d.done = true;
      if (d.waiter) d.waiter->cancel();
    }
  } done{*drain};
  (void)co_await wait_for_adopted_exit(relay);
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{std::string("write: ") + std::strerror(errno)};
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

struct RelayStart {
  UniqueFd write_end;  // the job's stdout and stderr
  ProcessIdentity relay;
};

// A pipe whose reader is a new log relay, the secrets already in it.
Result<RelayStart> start_relay(const LaunchSpec& spec) {
  Result<std::string> header = relay_header(spec.secrets);
  if (!header) return header.error();
  auto pipe = make_pipe();
  if (!pipe) return pipe.error();
  // The header is far below a pipe's capacity: this write does not block.
  if (Status st = write_all(pipe->write_end.get(), *header); !st) return Error{st.message()};
  UniqueFd null_out(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (null_out.get() < 0) return Error{std::string("/dev/null: ") + std::strerror(errno)};
  SpawnSpec relay_spec{{spec.relay_binary, std::string(kLogRelayFlag), spec.log_path},
                       "",
                       {"PATH=/usr/bin:/bin"},
                       null_out.get(),
                       null_out.get(),
                       pipe->read_end.get()};
  Result<SpawnedChild> relay = spawn_process(relay_spec);
  if (!relay) return relay.error();
  const std::int64_t pid = relay->pid();
  (void)relay->release();  // watched by wait_for_adopted_exit, which opens its own pidfd
  ProcessIdentity id = read_process_identity(pid).value_or(ProcessIdentity{pid, pid, 0, false});
  return RelayStart{std::move(pipe->write_end), id};
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
  auto drain = std::make_shared<Drain>();
  std::optional<RelayStart> relay;
  if (!spec.log_path.empty() && !spec.relay_binary.empty()) {
    Result<RelayStart> started = start_relay(spec);
    if (started)
      relay = std::move(*started);
    else
      spdlog::warn("job {}: no log relay ({}): opsd reads its output itself", spec.job_id,
                   started.error().message);
  }
  std::optional<Pipe> pipe;
  if (!relay) {
    auto made = make_pipe();
    if (!made) return made.error();
    pipe = std::move(*made);
  }
  const int out_fd = relay ? relay->write_end.get() : pipe->write_end.get();
  SpawnSpec spawn{spec.argv, spec.cwd, spec.env, out_fd, out_fd};
  auto child = spawn_in_group(state_->ex, spawn);
  // The child holds the only write end now: EOF (and the relay's exit) when it is gone.
  if (relay) {
    relay->write_end.reset();
    asio::co_spawn(state_->ex, watch_relay(relay->relay, drain), log_unexpected);
  } else {
    pipe->write_end.reset();
  }
  if (!child) return child.error();
  auto pid = static_cast<std::int64_t>(child->id());
  if (!relay) {
    try {
      asio::readable_pipe reader(state_->ex, pipe->read_end.get());
      pipe->read_end.release();
      asio::co_spawn(state_->ex, pump_output(std::move(reader), spec.log_path, spec.secrets, drain),
                     log_unexpected);
    } catch (const std::exception& e) {
      drain->done = true;
      spdlog::warn("job {}: output of pid {} is not logged: {}", spec.job_id, pid, e.what());
    }
  } else {
    state_->relays[spec.job_id] = relay->relay;
  }
  state_->children[spec.job_id] = pid;
  asio::co_spawn(
      state_->ex,
      watch_exit(state_, spec.job_id, std::move(child).value(), std::move(on_exit), drain),
      log_unexpected);
  return pid;
}

Status ChildSupervisor::adopt(const std::string& job_id, const ProcessIdentity& job,
                              std::optional<ProcessIdentity> relay,
                              std::function<void(std::optional<int>)> on_exit) {
  if (owns(job_id)) return Error{"job `" + job_id + "` already has a running child"};
  auto drain = std::make_shared<Drain>();
  if (relay) {
    state_->relays[job_id] = *relay;
    asio::co_spawn(state_->ex, watch_relay(*relay, drain), log_unexpected);
  } else {
    drain->done = true;
  }
  state_->children[job_id] = job.pid;
  asio::co_spawn(state_->ex, watch_adopted(state_, job_id, job, std::move(on_exit), drain),
                 log_unexpected);
  return Status::Ok();
}

std::optional<ProcessIdentity> ChildSupervisor::relay_of(const std::string& job_id) const {
  auto it = state_->relays.find(job_id);
  if (it == state_->relays.end()) return std::nullopt;
  return it->second;
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
