#include "process/spawner.hpp"

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

extern "C" char** environ;  // NOLINT: POSIX

namespace opsd {

namespace asio = boost::asio;

namespace {

// A request, moved whole from the caller into the queue, then into the posted completion: the
// spawner's thread reads it and destroys none of it (its callback may own the caller's state).
struct Request {
  SpawnSpec spec;
  asio::executor_work_guard<asio::any_io_executor> work;  // keeps the caller's context running
  Spawner::Done done;
};

// The pipes' write ends are closed on return, once the child has its copies.
Result<PipedChild> start_piped(SpawnSpec& spec) {
  Result<Pipe> out = make_pipe();
  if (!out) return out.error();
  Result<Pipe> err = make_pipe();
  if (!err) return err.error();
  spec.stdout_fd = out->write_end.get();
  spec.stderr_fd = err->write_end.get();
  Result<SpawnedChild> child = spawn_process(spec);
  if (!child) return child.error();
  return PipedChild{std::move(child).value(), std::move(out->read_end), std::move(err->read_end)};
}

void complete(Request req) {
  Result<PipedChild> result = start_piped(req.spec);
  asio::any_io_executor ex = req.work.get_executor();
  asio::post(ex, [req = std::move(req), result = std::move(result)]() mutable {
    req.done(std::move(result));
  });
}

}  // namespace

struct Spawner::Impl {
  void loop() {
    std::unique_lock lock(mu);
    for (;;) {
      cv.wait(lock, [this] { return stopping || !queue.empty(); });
      if (stopping) return;
      Request req = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      try {
        complete(std::move(req));
      } catch (const std::exception&) {
        // Only an allocation failure in post lands here; the request is lost with it.
      }
      lock.lock();
    }
  }

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Request> queue;  // guarded by mu
  bool stopping = false;      // guarded by mu
  std::optional<std::thread> thread;
};

Spawner::Spawner() : impl_(std::make_unique<Impl>()) {
  // The thread inherits a full mask: process-directed signals go to the daemon's own threads.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    impl_->thread.emplace([impl = impl_.get()] { impl->loop(); });
  } catch (const std::system_error&) {
    // No thread: spawn() starts children itself.
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

Spawner::~Spawner() {
  std::deque<Request> dropped;  // destroyed here, on the owner's thread, after the join
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    dropped.swap(impl_->queue);
  }
  impl_->cv.notify_all();
  if (impl_->thread) impl_->thread->join();
}

void Spawner::spawn(SpawnSpec spec, asio::any_io_executor ex, Done done) {
  if (spec.env.empty()) {
    for (char** p = environ; p != nullptr && *p != nullptr; ++p) spec.env.emplace_back(*p);
  }
  Request req{std::move(spec), asio::make_work_guard(ex), std::move(done)};
  if (!impl_->thread) {
    complete(std::move(req));
    return;
  }
  {
    std::lock_guard lock(impl_->mu);
    impl_->queue.push_back(std::move(req));
  }
  impl_->cv.notify_one();
}

}  // namespace opsd
