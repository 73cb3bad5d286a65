// Daemon: upgrade in place (docs/processes.md "Upgrading opsd"). The running image pre-flights
// the binary on disk, saves the state, answers, then execve()s it in the same process: the pid,
// the children (jobs, log relays) and the listening control socket stay; the new image adopts
// the jobs by identity (daemon_adopt.cpp) and takes the socket from OPSD_LISTEN_FD.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "service/daemon_impl.hpp"
#include "service/reexec_handover.hpp"
#include "version.hpp"

extern char** environ;

namespace opsd {

namespace {

constexpr auto kPreflightTimeout = std::chrono::seconds(10);
// How long the exec waits for in-flight probes and one-shots before giving up; also how long
// a reexec request waits for running read-only one-shots to end before it is refused.
constexpr auto kQuietWait = std::chrono::seconds(8);
constexpr auto kOneShotPoll = std::chrono::milliseconds(100);
// Between the answer and the execve: the reply is written by then (it is one short line on a
// local socket); the client tells the new image apart by its startedAt.
constexpr auto kReplyGrace = std::chrono::milliseconds(200);

ParsedResponse refuse(std::string message) {
  spdlog::error("reexec refused: {}", message);
  ParsedResponse r;
  r.error =
      RpcError{Fault::internal_error, std::move(message) + "; opsd " + kVersion + " keeps running"};
  return r;
}

bool set_cloexec(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags < 0) return false;
  flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
  return ::fcntl(fd, F_SETFD, flags) == 0;
}

// Every fd but the standard ones and `keep` is closed by the execve (asio and others may have
// opened some without O_CLOEXEC: a leaked metrics listener would block the new image's bind).
void cloexec_all_but(int keep) {
  long max = ::sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 65536) max = 65536;
  for (int fd = 3; fd < max; ++fd)
    if (fd != keep) (void)set_cloexec(fd, true);
}

}  // namespace

std::string resolve_own_binary(const char* argv0) {
  if (const char* forced = std::getenv(kReexecBinaryEnv); forced && *forced) return forced;
  char buf[PATH_MAX];
  if (argv0 && std::strchr(argv0, '/') && ::realpath(argv0, buf)) return buf;
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<std::size_t>(n));
}

asio::awaitable<ParsedResponse> Daemon::handle_reexec() {
  if (reexec_pending_) co_return refuse("a reexec is already in progress");
  if (!writes_running_.empty())
    co_return refuse("write job " + *writes_running_.begin() +
                     " is running (a write job is never re-run); try again when it has ended");
  if (opts_.binary.empty()) co_return refuse("the binary opsd was started from is unknown");
  reexec_pending_ = true;
  // A read-only one-shot that ends soon is waited for: its result is recorded by this image.
  const auto asked = std::chrono::steady_clock::now();
  asio::steady_timer poll(io_);
  while (!one_shots_running_.empty() && writes_running_.empty() && !shutting_down_ &&
         std::chrono::steady_clock::now() - asked < kQuietWait) {
    poll.expires_after(kOneShotPoll);
    (void)co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (shutting_down_) {
    reexec_pending_ = false;
    co_return refuse("opsd is stopping");
  }
  if (!one_shots_running_.empty()) {
    reexec_pending_ = false;
    const bool write = !writes_running_.empty();
    const std::string id = write ? *writes_running_.begin() : *one_shots_running_.begin();
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(kQuietWait).count();
    co_return refuse(fmt::format(
        "{} job {} is still running after {} s (a one-shot is not carried over and a write job "
        "is never re-run); try again when it has ended",
        write ? "write" : "one-shot", id, waited));
  }
  RunSpec spec;
  spec.argv = {opts_.binary,          kReexecCheckFlag, "--state-dir",
               opts_.paths.state_dir, "--config-file",  opts_.paths.config_file};
  spec.timeout = kPreflightTimeout;
  spec.stdout_cap = 4096;
  auto out = std::make_shared<CommandOutput>();
  auto done = std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
  runner_->run(std::move(spec), [out, done](const CommandOutput& o) {
    *out = o;
    done->cancel();
  });
  (void)co_await done->async_wait(asio::as_tuple(asio::use_awaitable));
  Result<std::string> verdict = preflight_verdict(opts_.binary, *out);
  if (!verdict) {
    reexec_pending_ = false;
    co_return refuse(verdict.error().message);
  }
  if (std::string err = persist(); !err.empty()) {
    reexec_pending_ = false;
    co_return refuse("the state could not be saved: " + err);
  }
  spdlog::info("reexec: {} (opsd {}) passed its check; re-executing", opts_.binary, *verdict);
  exec_when_quiet(*verdict, std::chrono::steady_clock::now());
  ParsedResponse r;
  r.result = boost::json::object{{"message", "re-executing " + opts_.binary + ": opsd " + *verdict +
                                                 " replaces opsd " + kVersion},
                                 {"version", kVersion},
                                 {"newVersion", *verdict},
                                 {"pid", info_.pid},
                                 {"startedAt", info_.started_at}};
  co_return r;
}

void Daemon::exec_when_quiet(std::string new_version, std::chrono::steady_clock::time_point since) {
  if (!reexec_timer_) reexec_timer_ = std::make_unique<asio::steady_timer>(io_);
  reexec_timer_->expires_after(kReplyGrace);
  reexec_timer_->async_wait([this, v = std::move(new_version),
                             since](boost::system::error_code ec) {
    if (ec || shutting_down_) {
      reexec_pending_ = false;
      return;
    }
    if (probes_in_flight_.empty() && one_shots_running_.empty()) return exec_now(v);
    if (std::chrono::steady_clock::now() - since < kQuietWait) return exec_when_quiet(v, since);
    spdlog::error("reexec abandoned: {} still running after {} s; opsd {} keeps running",
                  one_shots_running_.empty() ? "status probes" : "a one-shot job",
                  std::chrono::duration_cast<std::chrono::seconds>(kQuietWait).count(), kVersion);
    reexec_pending_ = false;
  });
}

void Daemon::exec_now(const std::string& new_version) {
  if (std::string err = persist(); !err.empty()) {
    spdlog::error("reexec abandoned: the state could not be saved: {}", err);
    reexec_pending_ = false;
    return;
  }
  const int fd = server_->listen_fd();
  std::vector<std::string> env_entries;
  for (char** e = environ; e && *e; ++e) env_entries.emplace_back(*e);
  std::vector<std::string> env = handover_environment(env_entries, fd, kVersion, sd_.environment());
  std::vector<char*> argv, envp;
  for (std::string& a : opts_.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  spdlog::info("re-executing {} (opsd {} -> {}), control socket fd {}", opts_.binary, kVersion,
               new_version, fd);
  spdlog::default_logger()->flush();
  (void)crash_guard_->record_clean_stop();  // the new image's start is a clean one
  sd_.notify_reloading();
  cloexec_all_but(fd);
  if (fd < 0 || !set_cloexec(fd, false)) {
    spdlog::error("reexec abandoned: cannot hand over the control socket (fd {})", fd);
  } else {
    ::execve(opts_.binary.c_str(), argv.data(), envp.data());
    const int err = errno;
    (void)set_cloexec(fd, true);
    spdlog::error("reexec: execve {} failed: {}; opsd {} keeps running", opts_.binary,
                  std::strerror(err), kVersion);
  }
  (void)crash_guard_->record_start(clock_.now());
  update_status("READY=1");
  reexec_pending_ = false;
}

Status Daemon::take_control_socket() {
  handover_ = parse_handover(process_env());
  ::unsetenv(kListenFdEnv);  // no child inherits them
  ::unsetenv(kReexecFromEnv);
  if (!handover_.problem.empty())
    spdlog::warn("{}; binding the control socket afresh", handover_.problem);
  if (handover_.listen_fd) {
    const int fd = *handover_.listen_fd;
    Status st = server_->adopt(fd);
    if (st) {
      (void)set_cloexec(fd, true);
      spdlog::info("control socket {} taken over from opsd {} (fd {})", opts_.paths.socket,
                   handover_.from_version, fd);
      return st;
    }
    spdlog::warn("{}; binding the control socket afresh", st.message());
    ::close(fd);
  }
  return server_->bind();
}

void Daemon::wait_reexec_signal() {
  if (!reexec_signal_) reexec_signal_ = std::make_unique<asio::signal_set>(io_, SIGUSR2);
  reexec_signal_->async_wait([this](boost::system::error_code ec, int) {
    if (ec || shutting_down_) return;
    spdlog::info("received SIGUSR2: re-executing");
    asio::co_spawn(io_, handle_reexec(), [](std::exception_ptr, ParsedResponse) {});
    wait_reexec_signal();
  });
}

}  // namespace opsd
