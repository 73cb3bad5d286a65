#include "state/last_good_config.hpp"

#include <functional>

#include "state/atomic_file.hpp"

namespace opsd {

namespace {

std::pair<std::size_t, std::size_t> stamp(std::string_view text) {
  return {text.size(), std::hash<std::string_view>{}(text)};
}

}  // namespace

Status LastGoodConfig::save(std::string_view text) {
  if (known_ && *known_ == stamp(text)) return Status::Ok();
  if (Status st = write_file_atomic(fs_, path_, text, 0600); !st) {
    known_.reset();  // a failed rename may or may not have replaced it
    return st;
  }
  known_ = stamp(text);
  return Status::Ok();
}

Result<std::optional<std::string>> LastGoodConfig::load() {
  if (!fs_.exists(path_)) return std::optional<std::string>();
  Result<std::string> text = fs_.read_file(path_, kMaxLastGoodConfigBytes);
  if (!text) return Error{"cannot read " + path_ + ": " + text.error().message};
  known_ = stamp(*text);
  return std::optional<std::string>(std::move(*text));
}

}  // namespace opsd
