#include "config/fingerprint.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <utility>

#include <boost/json.hpp>

namespace opsd {

namespace json = boost::json;

namespace {

json::array to_array(const std::vector<std::string>& argv) {
  json::array a;
  for (const auto& s : argv) a.emplace_back(s);
  return a;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1)
    return {};  // only on allocation failure inside OpenSSL
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

// The file `arg` names when it is a regular file inside `cwd` (relative to it, or absolute
// under it), else "".
std::string file_inside(const std::string& cwd, const std::string& arg) {
  namespace fs = std::filesystem;
  if (cwd.empty() || arg.empty()) return {};
  fs::path base = fs::path(cwd).lexically_normal();
  fs::path p = (fs::path(arg).is_absolute() ? fs::path(arg) : base / arg).lexically_normal();
  auto end = std::mismatch(base.begin(), base.end(), p.begin(), p.end()).first;
  if (end != base.end() && !(std::next(end) == base.end() && end->empty())) return {};
  if (p == base) return {};
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return {};
  return p.string();
}

// "sha256:<hex>" of the file's first kMaxScriptBytes bytes and its size, or why it could not
// be read.
std::string content_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "unreadable";
  std::string data(kMaxScriptBytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0, std::ios::end);
  return "sha256:" + sha256_hex(data) +
         " size:" + std::to_string(static_cast<long long>(in.tellg()));
}

}  // namespace

std::string job_fingerprint_text(const Job& job) {
  // boost::json::object keeps insertion order: insert in sorted key order.
  json::object commands;
  const std::pair<const char*, const std::vector<std::string>*> entries[] = {
      {"run", &job.commands.run},
      {"start", &job.commands.start},
      {"status", &job.commands.status},
      {"stop", &job.commands.stop},
      {"verify", &job.commands.verify}};
  for (const auto& [key, argv] : entries)
    if (!argv->empty()) commands[key] = to_array(*argv);
  json::array after;
  for (const AfterEntry& a : job.after)
    after.emplace_back(json::object{
        {"delaySeconds", a.delay_seconds}, {"jobId", a.job_id}, {"when", to_string(a.when)}});
  // std::map: sorted keys, each file once however often it is named.
  std::map<std::string, std::string> scripts;
  for (const auto& [key, argv] : entries)
    for (const std::string& arg : *argv)
      if (std::string path = file_inside(job.cwd, arg); !path.empty())
        scripts.emplace(path, content_digest(path));
  json::object files;
  for (const auto& [path, digest] : scripts) files[path] = digest;
  json::object o;
  o["after"] = std::move(after);
  o["commands"] = std::move(commands);
  o["cwd"] = job.cwd;
  o["kind"] = to_string(job.kind);
  o["risk"] = to_string(job.risk);
  o["scripts"] = std::move(files);
  return json::serialize(o);
}

std::string job_fingerprint(const Job& job) { return sha256_hex(job_fingerprint_text(job)); }

}  // namespace opsd
