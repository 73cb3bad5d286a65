#include "config/fingerprint.hpp"

#include <openssl/evp.h>

#include <array>
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
  json::object o;
  o["commands"] = std::move(commands);
  o["cwd"] = job.cwd;
  o["kind"] = to_string(job.kind);
  o["risk"] = to_string(job.risk);
  return json::serialize(o);
}

std::string job_fingerprint(const Job& job) {
  std::string text = job_fingerprint_text(job);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 ||
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

}  // namespace opsd
