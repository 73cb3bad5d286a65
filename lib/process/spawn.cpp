#include "process/spawn.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

#include "process/child_env.hpp"

extern "C" char** environ;  // NOLINT: POSIX

namespace opsd {
namespace {

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// posix_spawn's attributes and file actions, destroyed with the object.
// The child (glibc: clone(CLONE_VM|CLONE_VFORK), no copy of the daemon's page tables) gets,
// in this order: every signal at its default action and none blocked; its own process group;
// stdin /dev/null, stdout, stderr; the working directory; every descriptor above stderr
// closed, whoever opened it without O_CLOEXEC (a library, a test). Then exec.
class SpawnSetup {
 public:
  SpawnSetup()
      : attr_ok_(::posix_spawnattr_init(&attr_) == 0),
        actions_ok_(::posix_spawn_file_actions_init(&actions_) == 0) {}
  ~SpawnSetup() {
    if (actions_ok_) ::posix_spawn_file_actions_destroy(&actions_);
    if (attr_ok_) ::posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // Returns 0 or an errno value.
  int prepare(int stdin_fd, int stdout_fd, int stderr_fd, const std::string& cwd) {
    if (!attr_ok_ || !actions_ok_) return ENOMEM;
    sigset_t all, none;
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    sigemptyset(&none);
    int rc = ::posix_spawnattr_setflags(
        &attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (rc == 0) rc = ::posix_spawnattr_setpgroup(&attr_, 0);
    if (rc == 0) rc = ::posix_spawnattr_setsigdefault(&attr_, &all);
    if (rc == 0) rc = ::posix_spawnattr_setsigmask(&attr_, &none);
    // dup2 onto the same number clears close-on-exec (POSIX 2008 TC2, glibc >= 2.29).
    const int fds[3] = {stdin_fd, stdout_fd, stderr_fd};
    for (int target = 0; target < 3 && rc == 0; ++target)
      if (fds[target] >= 0) rc = ::posix_spawn_file_actions_adddup2(&actions_, fds[target], target);
    if (rc == 0 && !cwd.empty())
      rc = ::posix_spawn_file_actions_addchdir_np(&actions_, cwd.c_str());
    if (rc == 0) rc = ::posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
    return rc;
  }

  const posix_spawnattr_t* attr() const { return &attr_; }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }

 private:
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
  bool attr_ok_;
  bool actions_ok_;
};

// The context process objects are bound to: one of its own, never run. Their descriptors live
// there unused, so the daemon's reactor never sees them (exits are awaited by wait_for_exit,
// which opens its own watch; Boost 1.81's async_wait could block the loop in waitpid).
boost::asio::any_io_executor launch_executor() {
  static boost::asio::io_context* const ctx = new boost::asio::io_context(1);  // never destroyed
  return ctx->get_executor();
}

void reap(int pid) {
  if (pid <= 0) return;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// /dev/null for children's stdin, opened once (close-on-exec) and shared by every spawn: one
// open and close less per probe. -1 when it cannot be opened.
int dev_null_fd() {
  static const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd;
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

SpawnedChild& SpawnedChild::operator=(SpawnedChild&& other) noexcept {
  if (this != &other) {
    abandon();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
  }
  return *this;
}

UniqueFd SpawnedChild::release() {
  pid_ = -1;
  return std::move(pidfd_);
}

void SpawnedChild::abandon() {
  if (pid_ <= 0) return;
  ::kill(static_cast<pid_t>(-pid_), SIGKILL);
  reap(static_cast<int>(std::exchange(pid_, -1)));
  pidfd_.reset();
}

int exit_code_from_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return -WTERMSIG(wait_status);
  return -1;
}

boost::asio::awaitable<Result<int>> wait_for_exit(ChildProcess& proc) {
  // Our own descriptor, opened in the overload: Boost 1.81 does not expose its one.
  co_return co_await wait_for_exit(static_cast<std::int64_t>(proc.id()), UniqueFd());
}

boost::asio::awaitable<Result<int>> wait_for_exit(std::int64_t child, UniqueFd fd) {
  namespace asio = boost::asio;
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  // Without a process descriptor (not Linux, or pidfd_open failed) the child is polled.
  constexpr auto kPollInterval = std::chrono::milliseconds(100);
  const auto pid = static_cast<pid_t>(child);
  if (pid <= 0) co_return Error{"no process to wait for"};
  auto ex = co_await asio::this_coro::executor;
  // Never complete inline: co_spawn may run this within the caller's launch, and an exit
  // must not be reported before the launch itself.
  co_await asio::post(ex, asio::use_awaitable);
  asio::posix::stream_descriptor pidfd(ex);
#if defined(__linux__) && defined(SYS_pidfd_open)
  // pidfd_open sets close-on-exec.
  if (fd.get() < 0) fd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#endif
  if (fd.get() >= 0) {
    boost::system::error_code ec;
    pidfd.assign(fd.get(), ec);
    if (!ec) fd.release();  // else closed with `fd`; the child is polled
  }
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

Result<SpawnedChild> spawn_process(const SpawnSpec& spec) {
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

  const int dev_null = dev_null_fd();
  if (dev_null < 0) return Error{std::string("/dev/null: ") + std::strerror(errno)};

  std::vector<char*> argv;
  argv.reserve(spec.argv.size() + 1);
  for (const auto& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  envp.reserve(env->size() + 1);
  for (const auto& entry : *env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  SpawnSetup setup;
  int rc = setup.prepare(spec.stdin_fd >= 0 ? spec.stdin_fd : dev_null, spec.stdout_fd,
                         spec.stderr_fd, spec.cwd);
  if (rc != 0) return Error{"cannot start `" + name + "`: " + std::strerror(rc)};
  // A name with a slash is exec'ed as written, after the chdir, as execvp would: scripts see
  // the same $0 as under the original tool. posix_spawn reaps a child that failed to exec.
  const std::string& file = name.find('/') != std::string::npos ? name : *exe;
  pid_t pid = -1;
  rc = ::posix_spawn(&pid, file.c_str(), setup.actions(), setup.attr(), argv.data(), envp.data());
  if (rc != 0) return Error{"cannot start `" + name + "` (" + *exe + "): " + std::strerror(rc)};

  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    // The child runs but cannot be watched: do not leave it behind.
    std::string why = std::strerror(errno);
    ::kill(-pid, SIGKILL);
    reap(pid);
    return Error{"cannot watch `" + name + "`: pidfd_open: " + why};
  }
  return SpawnedChild(pid, UniqueFd(pidfd));
}

Result<ChildProcess> spawn_in_group(boost::asio::any_io_executor /*ex*/, const SpawnSpec& spec) {
  Result<SpawnedChild> child = spawn_process(spec);
  if (!child) return child.error();
  const auto pid = static_cast<pid_t>(child->pid());
  try {
    // Bound to a context that never runs: exits are awaited by wait_for_exit (see there).
    ChildProcess proc(launch_executor(), pid, child->release().release());
    return proc;
  } catch (const std::exception& e) {
    ::kill(-pid, SIGKILL);
    reap(pid);
    return Error{"cannot watch `" + spec.argv.front() + "`: " + e.what()};
  }
}

}  // namespace opsd
