#include "process/log_relay.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace opsd {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

// Reads exactly n bytes unless EOF or an error comes first; returns what it got.
std::string read_exact(int fd, std::size_t n) {
  std::string out;
  std::array<char, 4096> buf;
  while (out.size() < n) {
    const std::size_t want = std::min(buf.size(), n - out.size());
    ssize_t r = ::read(fd, buf.data(), want);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    out.append(buf.data(), static_cast<std::size_t>(r));
  }
  return out;
}

Result<std::vector<std::string>> read_header(int fd) {
  std::string count;
  for (;;) {
    std::string c = read_exact(fd, 1);
    if (c.empty()) return Error{"log relay: the pipe ended inside the header"};
    if (c[0] == '\n') break;
    if (c[0] < '0' || c[0] > '9' || count.size() >= 6)
      return Error{"log relay: malformed header length"};
    count += c;
  }
  if (count.empty()) return Error{"log relay: empty header length"};
  const std::size_t n = std::stoul(count);
  if (n > kMaxRelayHeader) return Error{"log relay: header longer than the limit"};
  std::string body = read_exact(fd, n);
  if (body.size() != n) return Error{"log relay: the pipe ended inside the header"};
  std::vector<std::string> secrets;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\0', start);
    if (end == std::string::npos) return Error{"log relay: unterminated secret in the header"};
    if (end > start) secrets.push_back(body.substr(start, end - start));
    start = end + 1;
  }
  return secrets;
}

}  // namespace

Result<std::string> relay_header(const std::vector<std::string>& secrets) {
  std::string body;
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    if (s.find('\0') != std::string::npos) return Error{"a secret holds a NUL byte"};
    body += s;
    body += '\0';
  }
  if (body.size() > kMaxRelayHeader)
    return Error{"secrets take " + std::to_string(body.size()) + " bytes, more than the " +
                 std::to_string(kMaxRelayHeader) + " a log relay accepts"};
  return std::to_string(body.size()) + "\n" + body;
}

Status relay_stream(int in_fd, LogWriter& log) {
  Result<std::vector<std::string>> secrets = read_header(in_fd);
  if (secrets) log.redact(std::move(*secrets));
  std::array<char, kChunk> buf;
  for (;;) {
    ssize_t r = ::read(in_fd, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    // Without its secrets nothing is logged, but the pipe is still read: the job lives on.
    if (secrets) log.write(std::string_view(buf.data(), static_cast<std::size_t>(r)));
  }
  if (!secrets) return secrets.error();
  return Status::Ok();
}

bool run_log_relay(int argc, char** argv, int& exit_code) {
  if (argc < 2 || std::string_view(argv[1]) != kLogRelayFlag) return false;
  if (argc != 3) {
    exit_code = 2;
    return true;
  }
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE}) std::signal(sig, SIG_IGN);
  Status st;
  {
    LogWriter log(argv[2]);
    st = relay_stream(STDIN_FILENO, log);
  }  // the destructor writes what the redactor held back
  exit_code = st ? 0 : 2;
  return true;
}

}  // namespace opsd
