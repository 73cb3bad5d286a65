#include "metrics/textfile_writer.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/steady_timer.hpp>

#include "state/atomic_file.hpp"

namespace opsd {

class TextfileWriter::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(boost::asio::any_io_executor ex, FileSystem& fs, std::function<std::string()> path,
       std::function<std::string()> render, std::chrono::milliseconds delay,
       std::chrono::milliseconds refresh)
      : timer_(ex),
        fs_(fs),
        path_(std::move(path)),
        render_(std::move(render)),
        delay_(delay),
        refresh_(refresh) {}

  void changed() {
    if (pending_ || stopped_) return;
    pending_ = true;
    arm(delay_);
  }

  Status write_now() {
    const std::string path = path_();
    if (path.empty()) return Status::Ok();
    Status st = write_file_atomic(fs_, path, render_(), 0644);
    if (st) ::chmod(path.c_str(), 0644);  // readable by node_exporter whatever opsd's umask
    if (!pending_) arm(refresh_);
    if (!st) {
      if (st.message() != last_error_)
        spdlog::error("metrics.textfile {}: cannot write: {}", path, st.message());
      last_error_ = st.message();
    } else if (!last_error_.empty()) {
      spdlog::info("metrics.textfile {}: written again", path);
      last_error_.clear();
    }
    return st;
  }

  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

 private:
  void arm(std::chrono::milliseconds after) {
    timer_.expires_after(after);  // cancels the wait armed before (its handler sees aborted)
    timer_.async_wait([self = shared_from_this(), g = ++generation_](boost::system::error_code ec) {
      if (ec || self->stopped_ || g != self->generation_) return;
      self->pending_ = false;
      (void)self->write_now();
    });
  }

  boost::asio::steady_timer timer_;
  FileSystem& fs_;
  std::function<std::string()> path_;
  std::function<std::string()> render_;
  std::chrono::milliseconds delay_;
  std::chrono::milliseconds refresh_;
  std::uint64_t generation_ = 0;  // of the armed wait
  std::string last_error_;
  bool pending_ = false;
  bool stopped_ = false;
};

TextfileWriter::TextfileWriter(boost::asio::any_io_executor ex, FileSystem& fs,
                               std::function<std::string()> path,
                               std::function<std::string()> render, std::chrono::milliseconds delay,
                               std::chrono::milliseconds refresh)
    : impl_(std::make_shared<Impl>(std::move(ex), fs, std::move(path), std::move(render), delay,
                                   refresh)) {}

TextfileWriter::~TextfileWriter() { impl_->stop(); }
void TextfileWriter::changed() { impl_->changed(); }
Status TextfileWriter::write_now() { return impl_->write_now(); }

}  // namespace opsd
