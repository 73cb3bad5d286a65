#include "process/spawn.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/close_range.h>
#endif

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

#include "process/child_env.hpp"

extern "C" char** environ;  // NOLINT: POSIX

namespace opsd {
namespace {

namespace bp = boost::process::v2;

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// Before fork: argv[0] as the job wrote it (the launcher would pass the resolved path) and the
// child's environment (process_environment::on_setup is not defined header-only in 1.81).
// In the child between fork and exec: own process group, clean signal state, stdio inheritable.
// In the child before exec: every descriptor above stderr closes at exec, whoever opened it
// without O_CLOEXEC (a library, a test). The launcher's own error pipe stays usable until exec.
void mark_inherited_fds_cloexec() {
#if defined(__linux__) && defined(CLOSE_RANGE_CLOEXEC)
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  long max_fd = ::sysconf(_SC_OPEN_MAX);
  if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
  for (int fd = 3; fd < max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

struct GroupLeaderInit {
  std::vector<const char*> argv;  // null-terminated
  std::vector<const char*> envp;  // null-terminated

  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*& cmd_line) {
    cmd_line = argv.data();
    launcher.env = envp.data();
    return {};
  }

  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*&) {
    if (::setpgid(0, 0) != 0) return bp::error_code(errno, bp::system_category());
    for (int fd = 0; fd <= 2; ++fd) ::fcntl(fd, F_SETFD, 0);
    mark_inherited_fds_cloexec();
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    return {};
  }
};

// The launcher calls notify_fork on the context of the executor it is given. On the daemon's
// context that stops Asio's resolver thread around every fork and leaves a resolve that was in
// flight queued for good (a Bot API send then hung forever), and it re-creates the reactor in
// the child between fork and exec. A context of its own, never run, takes those calls instead;
// the process's descriptor lives there too, unused (exits are awaited by wait_for_exit).
boost::asio::any_io_executor launch_executor() {
  static boost::asio::io_context* const ctx = new boost::asio::io_context(1);  // never destroyed
  return ctx->get_executor();
}

void reap(int pid) {
  if (pid <= 0) return;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

int exit_code_from_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return -WTERMSIG(wait_status);
  return -1;
}

boost::asio::awaitable<Result<int>> wait_for_exit(ChildProcess& proc) {
  namespace asio = boost::asio;
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  // Without a process descriptor (not Linux, or pidfd_open failed) the child is polled.
  constexpr auto kPollInterval = std::chrono::milliseconds(100);
  const auto pid = static_cast<pid_t>(proc.id());
  if (pid <= 0) co_return Error{"no process to wait for"};
  auto ex = co_await asio::this_coro::executor;
  // Never complete inline: co_spawn may run this within the caller's launch, and an exit
  // must not be reported before the launch itself.
  co_await asio::post(ex, asio::use_awaitable);
  asio::posix::stream_descriptor pidfd(ex);
#if defined(__linux__) && defined(SYS_pidfd_open)
  // Our own descriptor (Boost 1.81 does not expose its one); pidfd_open sets close-on-exec.
  if (int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); fd >= 0) {
    boost::system::error_code ec;
    pidfd.assign(fd, ec);
    if (ec) ::close(fd);
  }
#endif
  asio::steady_timer poll(ex);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) co_return exit_code_from_status(status);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) co_return Error{std::string("waitpid: ") + std::strerror(errno)};
    if (pidfd.is_open()) {
      auto [ec] = co_await pidfd.async_wait(asio::posix::descriptor_base::wait_read, kTuple);
      if (ec == asio::error::operation_aborted) co_return Error{"wait cancelled"};
    } else {
      poll.expires_after(kPollInterval);
      auto [ec] = co_await poll.async_wait(kTuple);
      if (ec == asio::error::operation_aborted) co_return Error{"wait cancelled"};
    }
  }
}

Result<ChildProcess> spawn_in_group(boost::asio::any_io_executor /*ex*/, const SpawnSpec& spec) {
  if (spec.argv.empty()) return Error{"empty command"};
  const std::string& name = spec.argv.front();
  if (!spec.cwd.empty()) {
    struct stat st {};
    if (::stat(spec.cwd.c_str(), &st) != 0) {
      return Error{"cannot start `" + name + "`: working directory " + spec.cwd + ": " +
                   std::strerror(errno)};
    }
    if (!S_ISDIR(st.st_mode)) {
      return Error{"cannot start `" + name + "`: working directory " + spec.cwd +
                   " is not a directory"};
    }
  }
  std::vector<std::string> inherited;
  const std::vector<std::string>* env = &spec.env;
  if (spec.env.empty()) {
    for (char** p = environ; p != nullptr && *p != nullptr; ++p) inherited.emplace_back(*p);
    env = &inherited;
  }
  std::string path_env = env_value(*env, "PATH");
  auto exe = resolve_executable(name, spec.cwd, path_env.empty() ? kDefaultPath : path_env);
  if (!exe) return exe.error();

  UniqueFd dev_null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (dev_null.get() < 0) return Error{std::string("/dev/null: ") + std::strerror(errno)};

  GroupLeaderInit group;
  for (const auto& arg : spec.argv) group.argv.push_back(arg.c_str());
  group.argv.push_back(nullptr);
  for (const auto& entry : *env) group.envp.push_back(entry.c_str());
  group.envp.push_back(nullptr);
  bp::posix::default_launcher launcher;
  bp::error_code ec;
  try {
    std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
    // Order matters in the child: dup2 the stdio first, then clear close-on-exec on it.
    // A name with a slash is exec'ed as written, after the chdir, as execvp would: scripts see
    // the same $0 as under the original tool.
    bp::filesystem::path file = name.find('/') != std::string::npos ? name : *exe;
    auto proc = launcher(launch_executor(), ec, file, args,
                         bp::process_stdio{dev_null.get(), spec.stdout_fd, spec.stderr_fd}, group,
                         bp::process_start_dir(spec.cwd.empty() ? "." : spec.cwd));
    if (!ec) return ChildProcess(std::move(proc));
  } catch (const std::exception& e) {
    // The child runs but cannot be watched (e.g. pidfd_open refused): do not leave it behind.
    if (launcher.pid > 0) ::kill(-launcher.pid, SIGKILL);
    reap(launcher.pid);
    return Error{"cannot watch `" + name + "`: " + e.what()};
  }
  reap(launcher.pid);
  return Error{"cannot start `" + name + "` (" + *exe + "): " + ec.message()};
}

}  // namespace opsd
