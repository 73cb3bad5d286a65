#include "process/command_runner.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <deque>
#include <exception>
#include <optional>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "process/log_writer.hpp"
#include "process/spawn.hpp"
#include "process/spawner.hpp"
#include "util/marker_scanner.hpp"
#include "util/secret_redactor.hpp"

namespace opsd {

namespace asio = boost::asio;

struct CommandRunner::State {
  State(asio::any_io_executor executor, std::size_t max)
      : ex(std::move(executor)), max_concurrent(std::max<std::size_t>(max, 1)) {}

  asio::any_io_executor ex;
  Spawner* spawner = nullptr;  // the runner's; null once the runner is destroyed
  std::size_t max_concurrent;
  std::size_t active = 0;
  std::deque<std::pair<RunSpec, std::function<void(CommandOutput)>>> queue;
  std::set<std::int64_t> groups;  // process groups of running commands
  bool closed = false;            // runner destroyed: no more callbacks
};

namespace {

using State = CommandRunner::State;
using namespace boost::asio::experimental::awaitable_operators;

// Read sizes: a status probe prints well under a KiB; logs of long commands take more reads.
constexpr std::size_t kStdoutChunk = 16 * 1024;
constexpr std::size_t kStderrChunk = 4 * 1024;
constexpr std::size_t kStderrTail = 4 * 1024;
// After the leader exited, how long grandchildren may keep stdout/stderr open before the rest
// of the group is killed (`sh -c 'daemon &'` must not hold a probe or the queue for an hour).
constexpr auto kLingerAfterExit = std::chrono::seconds(2);

// One running command, shared by its coroutines and its deadline handler.
struct Run {
  Run(asio::any_io_executor ex, std::int64_t group) : pgid(group), out(ex), err(ex) {}

  // SIGKILL to the group and stop reading: the command ends as soon as the leader is reaped.
  void kill_and_stop() {
    ::kill(static_cast<pid_t>(-pgid), SIGKILL);
    boost::system::error_code ignored;
    out.close(ignored);
    err.close(ignored);
  }

  std::int64_t pgid;
  asio::readable_pipe out;
  asio::readable_pipe err;
  std::optional<LogWriter> log;
  CommandOutput result;
  MarkerScanner out_markers;  // the whole stream is scanned, only the tails are kept
  MarkerScanner err_markers;
  bool finished = false;
  int open_streams = 2;                  // stdout and stderr readers still running
  asio::steady_timer* linger = nullptr;  // set while waiting for them after the exit
  // Read buffers live here, allocated once per command with the rest (not in each coroutine's
  // frame, where 64 KiB arrays made every probe a large allocation).
  std::array<char, kStdoutChunk> out_buf;
  std::array<char, kStderrChunk> err_buf;
};

// Marks one output stream as done when its reader returns, however it returns.
struct StreamDone {
  std::shared_ptr<Run> run;
  ~StreamDone() {
    if (--run->open_streams == 0 && run->linger) run->linger->cancel();
  }
};

void log_unexpected(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("command runner: {}", ex.what());
  }
}

asio::awaitable<void> read_stdout(std::shared_ptr<Run> run, std::size_t cap,
                                  bool kill_on_overflow) {
  StreamDone done{run};
  std::array<char, kStdoutChunk>& buf = run->out_buf;
  std::string& text = run->result.stdout_text;
  for (;;) {
    auto [ec, n] =
        co_await run->out.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (n > 0) run->out_markers.feed(std::string_view(buf.data(), n));
    if (n > 0 && !kill_on_overflow) {
      if (run->log) run->log->write(std::string_view(buf.data(), n));
      text.append(buf.data(), n);
      if (text.size() > 2 * cap) text.erase(0, text.size() - cap);
    } else if (n > 0) {
      if (run->log) run->log->write(std::string_view(buf.data(), n));
      std::size_t room = cap - run->result.stdout_text.size();
      run->result.stdout_text.append(buf.data(), std::min(n, room));
      if (n > room) {
        run->result.overflow = true;
        run->kill_and_stop();
        co_return;
      }
    }
    if (ec) break;
  }
  if (text.size() > cap) text.erase(0, text.size() - cap);
}

asio::awaitable<void> read_stderr(std::shared_ptr<Run> run) {
  StreamDone done{run};
  std::array<char, kStderrChunk>& buf = run->err_buf;
  std::string& tail = run->result.stderr_tail;
  for (;;) {
    auto [ec, n] =
        co_await run->err.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (n > 0) {
      if (run->log) run->log->write(std::string_view(buf.data(), n));
      run->err_markers.feed(std::string_view(buf.data(), n));
      tail.append(buf.data(), n);
      if (tail.size() > 2 * kStderrTail) tail.erase(0, tail.size() - kStderrTail);
    }
    if (ec) break;
  }
  if (tail.size() > kStderrTail) tail.erase(0, tail.size() - kStderrTail);
}

asio::awaitable<void> wait_exit(std::shared_ptr<Run> run, UniqueFd pidfd) {
  Result<int> code = co_await wait_for_exit(run->pgid, std::move(pidfd));
  run->result.exit_code = code ? *code : -1;
  if (run->open_streams == 0) co_return;
  asio::steady_timer linger(co_await asio::this_coro::executor, kLingerAfterExit);
  run->linger = &linger;
  struct Forget {  // the readers must not touch the timer once this frame is gone
    Run& r;
    ~Forget() { r.linger = nullptr; }
  } forget{*run};
  (void)co_await linger.async_wait(asio::as_tuple(asio::use_awaitable));
  if (run->open_streams > 0) run->kill_and_stop();  // grandchildren still hold the output
}

// One command from its spawn request to its callback.
struct Pending {
  RunSpec spec;  // argv, cwd and env are moved into the spawn request
  std::function<void(CommandOutput)> done;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Watches a spawned command until it is done or the deadline kills it.
asio::awaitable<CommandOutput> supervise(std::shared_ptr<State> st, const RunSpec& spec,
                                         PipedChild piped) {
  auto pgid = piped.child.pid();
  auto run = std::make_shared<Run>(st->ex, pgid);
  run->out.assign(piped.stdout_read.release());
  run->err.assign(piped.stderr_read.release());
  if (!spec.log_path.empty()) {
    run->log.emplace(spec.log_path);
    run->log->redact(spec.secrets);
  }
  st->groups.insert(pgid);
  UniqueFd pidfd = piped.child.release();  // waited for below; killed by ~CommandRunner
  asio::steady_timer deadline(st->ex, spec.timeout);
  deadline.async_wait([run](boost::system::error_code ec) {
    if (ec || run->finished) return;
    run->result.timed_out = true;
    run->kill_and_stop();
  });
  co_await (read_stdout(run, spec.stdout_cap, spec.kill_on_overflow) && read_stderr(run) &&
            wait_exit(run, std::move(pidfd)));
  run->finished = true;
  deadline.cancel();
  for (MarkerScanner* m : {&run->out_markers, &run->err_markers}) {
    m->finish();
    run->result.marker_count += m->match_count();
    for (const std::string& line : m->matches())
      if (run->result.marker_lines.size() < kMarkerLinesKept)
        run->result.marker_lines.push_back(line);
  }
  // The command has ended: whatever it left in its group (`sleep 300 >/dev/null &`) goes too.
  ::kill(static_cast<pid_t>(-pgid), SIGKILL);
  st->groups.erase(pgid);
  if (!spec.secrets.empty()) {
    run->result.stdout_text = redact_secrets_in_tail(run->result.stdout_text, spec.secrets);
    run->result.stderr_tail = redact_secrets_in_tail(run->result.stderr_tail, spec.secrets);
    for (std::string& line : run->result.marker_lines) line = redact_secrets(line, spec.secrets);
  }
  co_return std::move(run->result);
}

void start_next(const std::shared_ptr<State>& st);

void finish(const std::shared_ptr<State>& st, Pending& p, CommandOutput result) {
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - p.started)
                           .count();
  --st->active;
  start_next(st);
  if (!st->closed) p.done(std::move(result));
}

asio::awaitable<void> supervise_and_finish(std::shared_ptr<State> st, std::shared_ptr<Pending> p,
                                           PipedChild piped) {
  CommandOutput result;
  try {
    result = co_await supervise(st, p->spec, std::move(piped));
  } catch (const std::exception& e) {
    result.spawn_error = std::string("internal error: ") + e.what();
  }
  finish(st, *p, std::move(result));
}

// Hands the command to the spawner; the rest happens on the executor when the child runs.
void launch(const std::shared_ptr<State>& st, std::shared_ptr<Pending> p) {
  SpawnSpec spawn;
  spawn.argv = std::move(p->spec.argv);
  spawn.cwd = std::move(p->spec.cwd);
  spawn.env = std::move(p->spec.env);
  st->spawner->spawn(std::move(spawn), st->ex, [st, p](Result<PipedChild> piped) {
    if (st->closed) return;  // `piped` kills and reaps the child
    if (!piped) {
      CommandOutput result;
      result.spawn_error = piped.error().message;
      finish(st, *p, std::move(result));
      return;
    }
    asio::co_spawn(st->ex, supervise_and_finish(st, p, std::move(piped).value()), log_unexpected);
  });
}

void start_next(const std::shared_ptr<State>& st) {
  while (!st->closed && st->active < st->max_concurrent && !st->queue.empty()) {
    auto [spec, done] = std::move(st->queue.front());
    st->queue.pop_front();
    ++st->active;
    launch(st, std::make_shared<Pending>(Pending{std::move(spec), std::move(done)}));
  }
}

}  // namespace

CommandRunner::CommandRunner(asio::any_io_executor ex, std::size_t max_concurrent)
    : state_(std::make_shared<State>(std::move(ex), max_concurrent)),
      spawner_(std::make_unique<Spawner>()) {
  state_->spawner = spawner_.get();
}

CommandRunner::~CommandRunner() {
  state_->closed = true;
  state_->queue.clear();
  // Joins the spawner's thread: a spawn in progress still posts its child, which the closed
  // state then kills and reaps (SpawnedChild); queued spawns are dropped.
  spawner_.reset();
  state_->spawner = nullptr;
  // Killed and reaped here: nothing is left behind as a zombie once the owner is gone.
  for (auto pgid : state_->groups) {
    ::kill(static_cast<pid_t>(-pgid), SIGKILL);
    ::waitpid(static_cast<pid_t>(pgid), nullptr, 0);
  }
}

void CommandRunner::run(RunSpec spec, std::function<void(CommandOutput)> done) {
  state_->queue.emplace_back(std::move(spec), std::move(done));
  start_next(state_);
}

std::size_t CommandRunner::running() const { return state_->active; }

std::size_t CommandRunner::queued() const { return state_->queue.size(); }

}  // namespace opsd
