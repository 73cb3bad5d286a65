#include "service/file_watch.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>

#if defined(__linux__)
#include <sys/inotify.h>
#endif

namespace opsd {

namespace asio = boost::asio;

namespace {

// What stat() says of the file; equal stamps: taken for unchanged.
struct FileStamp {
  bool exists = false;
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  std::uint64_t inode = 0;
  std::uint64_t device = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
#if defined(__APPLE__)
  const auto& mt = st.st_mtimespec;
#else
  const auto& mt = st.st_mtim;
#endif
  return {true, static_cast<std::int64_t>(mt.tv_sec) * 1'000'000'000 + mt.tv_nsec,
          static_cast<std::int64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino),
          static_cast<std::uint64_t>(st.st_dev)};
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Shared with the handlers in flight, so that a handler that runs after the watch was
// destroyed finds `stopped` and does nothing.
struct WatchCore : std::enable_shared_from_this<WatchCore> {
  WatchCore(asio::any_io_executor ex, std::string p, std::chrono::milliseconds every)
      : path(std::move(p)),
        name(path.substr(path.rfind('/') + 1)),
        poll(every),
        timer(ex),
        inotify(ex) {}

  void touch() {
    if (!stopped && touched) touched();
  }

  void poll_later() {
    timer.expires_after(poll);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped) return;
      FileStamp now = stamp_of(self->path);
      if (!(now == self->last)) {
        self->last = now;
        self->touch();
      }
      self->poll_later();
    });
  }

  bool open_inotify() {
#if defined(__linux__)
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return false;
    const std::uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                               IN_DELETE | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF;
    if (::inotify_add_watch(fd, dir_of(path).c_str(), mask) < 0) {
      ::close(fd);
      return false;
    }
    inotify.assign(fd);
    return true;
#else
    return false;
#endif
  }

  void read_events() {
#if defined(__linux__)
    inotify.async_read_some(asio::buffer(buf), [self = shared_from_this()](
                                                   boost::system::error_code ec, std::size_t n) {
      if (ec || self->stopped) return;
      bool ours = false;
      for (std::size_t at = 0; at + sizeof(inotify_event) <= n;) {
        inotify_event ev;
        std::memcpy(&ev, self->buf.data() + at, sizeof ev);
        const char* name = self->buf.data() + at + sizeof ev;
        // The directory itself went away: the stat poll is all that is left.
        if (ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) ours = true;
        if (ev.len > 0 && self->name == std::string(name, ::strnlen(name, ev.len))) ours = true;
        at += sizeof ev + ev.len;
      }
      if (ours) self->touch();
      self->read_events();
    });
#endif
  }

  std::string path;
  std::string name;
  std::chrono::milliseconds poll;
  asio::steady_timer timer;
  asio::posix::stream_descriptor inotify;
  alignas(8) std::array<char, 16 * 1024> buf{};
  FileStamp last;
  std::function<void()> touched;
  bool stopped = false;
  bool inotify_on = false;
};

class RealFileWatch final : public FileWatch {
 public:
  RealFileWatch(asio::any_io_executor ex, const std::string& path, std::chrono::milliseconds poll)
      : core_(std::make_shared<WatchCore>(ex, path, poll)) {}
  ~RealFileWatch() override {
    core_->stopped = true;
    core_->touched = nullptr;
    boost::system::error_code ec;
    core_->timer.cancel();
    if (core_->inotify.is_open()) core_->inotify.close(ec);
  }

  void start(std::function<void()> touched) override {
    core_->touched = std::move(touched);
    core_->last = stamp_of(core_->path);
    core_->inotify_on = core_->open_inotify();
    if (core_->inotify_on) core_->read_events();
    core_->poll_later();
  }

  std::string describe() const override {
    const std::string every = "stat every " + std::to_string(core_->poll.count()) + "ms";
    return core_->inotify_on ? "inotify, " + every : every;
  }

 private:
  std::shared_ptr<WatchCore> core_;
};

}  // namespace

std::unique_ptr<FileWatch> make_file_watch(asio::any_io_executor ex, const std::string& path,
                                           std::chrono::milliseconds poll) {
  return std::make_unique<RealFileWatch>(ex, path, poll);
}

}  // namespace opsd
