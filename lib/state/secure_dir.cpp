#include "state/secure_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace opsd {

namespace {

std::string octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

std::string errno_text(int err) { return std::generic_category().message(err); }

// Owner and write-bit rules shared by directories and files; `what` names the object.
Status check_owner_and_mode(const std::string& path, const std::string& what, const struct stat& st,
                            std::int64_t euid, bool followed_link, DirCheck& check) {
  const auto owner = static_cast<std::int64_t>(st.st_uid);
  const std::string via = followed_link ? " (through a symlink)" : "";
  if (owner != euid && owner != 0)
    return Error{what + " " + path + via + " is owned by uid " + std::to_string(owner) +
                 ", not by opsd's uid " + std::to_string(euid) +
                 " or root; refusing to use it (another user could replace what opsd keeps "
                 "there)"};
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return Status::Ok();
  // A root-owned sticky directory (/tmp): others may create files but not replace opsd's.
  if (owner == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX)) return Status::Ok();
  if (owner != euid)
    return Error{what + " " + path + via + " is writable by other users (mode " +
                 octal(st.st_mode) + ") and owned by root; refusing to use it: chmod go-w it"};
  mode_t fixed = st.st_mode & 07777 & ~static_cast<mode_t>(S_IWGRP | S_IWOTH);
  if (::chmod(path.c_str(), fixed) != 0)
    return Error{what + " " + path + " is writable by other users (mode " + octal(st.st_mode) +
                 ") and cannot be repaired: " + errno_text(errno)};
  check.repaired.push_back(what + " " + path + via + " was writable by other users (mode " +
                           octal(st.st_mode) + "); now " + octal(fixed));
  return Status::Ok();
}

}  // namespace

Status secure_dir(const std::string& dir, std::int64_t euid, DirCheck& check) {
  struct stat link {};
  if (::lstat(dir.c_str(), &link) != 0) return Error{"directory " + dir + ": " + errno_text(errno)};
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return Error{"directory " + dir + ": " + errno_text(errno)};
  if (!S_ISDIR(st.st_mode)) return Error{"directory " + dir + ": not a directory"};
  return check_owner_and_mode(dir, "directory", st, euid, S_ISLNK(link.st_mode), check);
}

Status secure_file(const std::string& path, std::int64_t euid, DirCheck& check) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Error{"file " + path + ": " + errno_text(errno)};
  }
  if (S_ISLNK(st.st_mode))
    return Error{"file " + path +
                 " is a symlink; refusing to follow it (opsd replaces the file "
                 "itself)"};
  return check_owner_and_mode(path, "file", st, euid, false, check);
}

}  // namespace opsd
