#include "state/write_chain_codec.hpp"

#include <boost/json.hpp>

#include "state/state_fields.hpp"

namespace opsd::state_detail {

namespace json = boost::json;

namespace {

json::value opt_code(const std::optional<int>& code, const json::storage_ptr& sp) {
  return code ? json::value(*code, sp) : json::value(nullptr, sp);
}

json::object encode_verification(const Verification& v, const json::storage_ptr& sp) {
  return json::object({{"name", v.name},
                       {"itemId", v.item_id},
                       {"exitCode", opt_code(v.exit_code, sp)},
                       {"passed", v.passed},
                       {"output", v.output}},
                      sp);
}

json::object encode_chain(const WriteChain& c, const json::storage_ptr& sp) {
  json::array verifications(sp);
  verifications.reserve(c.verifications.size());
  for (const Verification& v : c.verifications)
    verifications.emplace_back(encode_verification(v, sp));
  return json::object({{"jobId", c.job_id},
                       {"uid", c.uid},
                       {"startedAt", c.started_at},
                       {"writeExit", opt_code(c.write_exit, sp)},
                       {"writeNote", c.write_note},
                       {"verifyStartedAt", c.verify_started_at},
                       {"verifications", std::move(verifications)}},
                      sp);
}

std::optional<Verification> decode_verification(const json::object& o) {
  Verification v;
  v.name = get_string(o, "name");
  if (v.name.empty()) return std::nullopt;
  v.item_id = get_string(o, "itemId");
  v.exit_code = opt_int32(o, "exitCode");
  v.passed = v.exit_code && get_bool(o, "passed");
  v.output = get_string(o, "output");
  return v;
}

std::optional<WriteChain> decode_chain(const json::object& o) {
  WriteChain c;
  c.job_id = get_string(o, "jobId");
  if (c.job_id.empty()) return std::nullopt;
  c.uid = get_int(o, "uid", -1);
  c.started_at = get_time(o, "startedAt");
  c.write_exit = opt_int32(o, "writeExit");
  c.write_note = get_string(o, "writeNote");
  c.verify_started_at = get_time(o, "verifyStartedAt");
  if (const json::array* a = array_at(o, "verifications"))
    for (const json::value& item : *a)
      if (const json::object* vo = item.if_object())
        if (std::optional<Verification> v = decode_verification(*vo))
          c.verifications.push_back(std::move(*v));
  return c;
}

}  // namespace

json::array encode_write_chains(const std::vector<WriteChain>& chains,
                                const json::storage_ptr& sp) {
  json::array a(sp);
  a.reserve(chains.size());
  for (const WriteChain& c : chains) a.emplace_back(encode_chain(c, sp));
  return a;
}

std::vector<WriteChain> decode_write_chains(const json::object& state) {
  std::vector<WriteChain> out;
  if (const json::array* a = array_at(state, "writeChains"))
    for (const json::value& item : *a)
      if (const json::object* co = item.if_object())
        if (std::optional<WriteChain> c = decode_chain(*co)) out.push_back(std::move(*c));
  return out;
}

}  // namespace opsd::state_detail
