#include "rpc/protocol.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace json = boost::json;
using opsd::Fault;

namespace {

json::object parse_line(const std::string& line) {
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1);  // exactly one frame
  return json::parse(line).as_object();
}

}  // namespace

TEST_CASE("malformed JSON is a parse_error with a null id", "[rpc]") {
  auto p = opsd::parse_request(R"({"jsonrpc":"2.0","id":1,"method":)");
  REQUIRE(p.error);
  CHECK_FALSE(p.request);
  CHECK(p.error->code == Fault::parse_error);
  CHECK(static_cast<int>(p.error->code) == -32700);
  CHECK(p.id.is_null());
  CHECK_FALSE(p.notification);
}

TEST_CASE("envelope errors are invalid_request with code -32600", "[rpc]") {
  const char* bad[] = {
      R"([{"jsonrpc":"2.0","id":1,"method":"status"}])",  // batch
      R"("status")",                                      // not an object
      R"({"id":1,"method":"status"})",                    // no jsonrpc
      R"({"jsonrpc":"1.0","id":1,"method":"status"})",    // wrong version
      R"({"jsonrpc":"2.0","id":1})",                      // no method
      R"({"jsonrpc":"2.0","id":1,"method":7})",           // method not a string
      R"({"jsonrpc":"2.0","id":{"a":1},"method":"x"})",   // id of a bad type
  };
  for (const char* line : bad) {
    INFO(line);
    auto p = opsd::parse_request(line);
    REQUIRE(p.error);
    CHECK(p.error->code == Fault::invalid_request);
    CHECK(static_cast<int>(p.error->code) == -32600);
    CHECK_FALSE(p.error->message.empty());
  }
}

TEST_CASE("an invalid request keeps its id for the error reply", "[rpc]") {
  auto p = opsd::parse_request(R"({"jsonrpc":"1.0","id":"abc","method":"status"})");
  REQUIRE(p.error);
  CHECK(p.id == json::value("abc"));
}

TEST_CASE("params that are not an object are invalid_params with code -32602", "[rpc]") {
  for (const char* params : {"[1,2]", "null", "\"x\"", "3"}) {
    INFO(params);
    auto p = opsd::parse_request(
        std::string(R"({"jsonrpc":"2.0","id":4,"method":"start","params":)") + params + "}");
    REQUIRE(p.error);
    CHECK(p.error->code == Fault::invalid_params);
    CHECK(static_cast<int>(p.error->code) == -32602);
    CHECK(p.id == json::value(4));
  }
}

TEST_CASE("absent params read as an empty object", "[rpc]") {
  auto p = opsd::parse_request(R"({"jsonrpc":"2.0","id":1,"method":"version"})");
  REQUIRE(p.request);
  CHECK_FALSE(p.error);
  CHECK(p.request->method == "version");
  CHECK(p.request->params.empty());
}

TEST_CASE("a request without id is a notification; an explicit null id is not", "[rpc]") {
  auto note = opsd::parse_request(R"({"jsonrpc":"2.0","method":"tick"})");
  REQUIRE(note.request);
  CHECK(note.request->notification);
  CHECK(note.notification);
  auto null_id = opsd::parse_request(R"({"jsonrpc":"2.0","id":null,"method":"tick"})");
  REQUIRE(null_id.request);
  CHECK_FALSE(null_id.request->notification);
  CHECK(null_id.request->id.is_null());
}

TEST_CASE("string, number and null ids are echoed in results and errors", "[rpc]") {
  for (json::value id : {json::value("req-1"), json::value(42), json::value(nullptr)}) {
    INFO(json::serialize(id));
    auto req = opsd::parse_request(R"({"jsonrpc":"2.0","method":"status","id":)" +
                                   json::serialize(id) + "}");
    REQUIRE(req.request);
    CHECK(req.request->id == id);
    auto ok = parse_line(opsd::make_result(req.request->id, json::value(true)));
    CHECK(ok.at("id") == id);
    auto err = parse_line(opsd::make_error(req.request->id, {Fault::unknown_job, "no job x"}));
    CHECK(err.at("id") == id);
  }
}

TEST_CASE("error frames carry code, message and the fault name", "[rpc]") {
  auto obj = parse_line(opsd::make_error(7, {Fault::already_running, "scan is\nrunning"}));
  CHECK(obj.at("jsonrpc") == "2.0");
  const auto& err = obj.at("error").as_object();
  CHECK(err.at("code") == 1003);
  CHECK(err.at("message") == "scan is\nrunning");
  CHECK(err.at("data").at("fault") == "already_running");
  CHECK_FALSE(obj.contains("result"));
}

TEST_CASE("make_request round-trips through parse_request", "[rpc]") {
  json::object params{{"job", "scan-photos"}, {"allowRisk", true}};
  std::string line = opsd::make_request("start", params, 9);
  REQUIRE(line.back() == '\n');
  auto p = opsd::parse_request(std::string_view(line).substr(0, line.size() - 1));
  REQUIRE(p.request);
  CHECK(p.request->method == "start");
  CHECK(p.request->params == params);
  CHECK(p.request->id == json::value(9));
  CHECK_FALSE(p.request->notification);
}

TEST_CASE("make_result round-trips through parse_response", "[rpc]") {
  json::value result = {{"jobs", json::array{1, 2}}, {"ok", true}};
  auto r = opsd::parse_response(opsd::make_result("x", result));
  CHECK(r.protocol_error.empty());
  REQUIRE(r.result);
  CHECK_FALSE(r.error);
  CHECK(*r.result == result);
  CHECK(r.id == json::value("x"));
}

TEST_CASE("framed_result_text finds the result text of opsd's own framing only", "[rpc]") {
  const std::string text = R"({"jobs":[{"id":"a"}],"n":"}"})";
  std::string line = opsd::make_result_text(42, text);
  line.pop_back();  // the "\n"
  auto got = opsd::framed_result_text(line, 42);
  REQUIRE(got);
  CHECK(*got == text);
  CHECK_FALSE(opsd::framed_result_text(line, 43));  // another request's reply
  std::string err = opsd::make_error(42, {Fault::unknown_job, "no"});
  err.pop_back();
  CHECK_FALSE(opsd::framed_result_text(err, 42));
  // Same members in another order or with spaces: not ours, parse it instead.
  CHECK_FALSE(opsd::framed_result_text(R"({"id":42,"jsonrpc":"2.0","result":1})", 42));
  CHECK_FALSE(opsd::framed_result_text(R"({"jsonrpc": "2.0", "id": 42, "result": 1})", 42));
  CHECK_FALSE(opsd::framed_result_text(R"({"jsonrpc":"2.0","id":42,"result":)", 42));
}

TEST_CASE("every fault survives make_error and parse_response", "[rpc]") {
  for (int code : {-32700, -32600, -32601, -32602, -32603, 1001, 1002, 1003, 1004, 1005, 1006, 1007,
                   1008, 1009, 1010}) {
    auto fault = opsd::fault_from_code(code);
    REQUIRE(fault);
    CHECK(static_cast<int>(*fault) == code);
    auto r = opsd::parse_response(opsd::make_error(1, {*fault, "m"}));
    REQUIRE(r.error);
    CHECK(r.error->code == *fault);
    CHECK(r.error->message == "m");
  }
  CHECK_FALSE(opsd::fault_from_code(4242));
}

TEST_CASE("an unknown error code becomes internal_error keeping the message", "[rpc]") {
  auto r = opsd::parse_response(
      R"({"jsonrpc":"2.0","id":1,"error":{"code":4242,"message":"disk on fire"}})");
  REQUIRE(r.error);
  CHECK(r.error->code == Fault::internal_error);
  CHECK(r.error->message == "disk on fire");
}

TEST_CASE("lines that are not responses are protocol errors", "[rpc]") {
  const char* bad[] = {
      "not json",
      "[]",
      R"({"id":1,"result":1})",
      R"({"jsonrpc":"2.0","id":1})",
      R"({"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":""}})",
      R"({"jsonrpc":"2.0","id":1,"error":"boom"})",
      R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":""}})",
  };
  for (const char* line : bad) {
    INFO(line);
    auto r = opsd::parse_response(line);
    CHECK_FALSE(r.protocol_error.empty());
    CHECK_FALSE(r.result);
    CHECK_FALSE(r.error);
  }
}

TEST_CASE("frame_too_long is true past 1 MiB only", "[rpc]") {
  CHECK_FALSE(opsd::frame_too_long(0));
  CHECK_FALSE(opsd::frame_too_long(opsd::kMaxFrameBytes));
  CHECK(opsd::frame_too_long(opsd::kMaxFrameBytes + 1));
  CHECK(opsd::kMaxFrameBytes == 1048576);
}

TEST_CASE("frame buffer splits lines across reads and drops CR", "[rpc]") {
  opsd::FrameBuffer frames;
  frames.append("{\"a\":");
  CHECK_FALSE(frames.next_line());
  CHECK(frames.has_partial());
  frames.append("1}\r\n{\"b\":2}\n{\"c\"");
  CHECK(frames.next_line() == std::optional<std::string>("{\"a\":1}"));
  CHECK(frames.next_line() == std::optional<std::string>("{\"b\":2}"));
  CHECK_FALSE(frames.next_line());
  CHECK(frames.take_partial() == "{\"c\"");
  CHECK_FALSE(frames.has_partial());
  CHECK_FALSE(frames.oversized());
}

TEST_CASE("frame buffer flags a line over the cap, with or without its newline", "[rpc]") {
  opsd::FrameBuffer exact(8);
  exact.append("12345678\n");
  CHECK(exact.next_line() == std::optional<std::string>("12345678"));
  CHECK_FALSE(exact.oversized());

  opsd::FrameBuffer unterminated(8);
  unterminated.append("12345678");
  CHECK_FALSE(unterminated.next_line());
  CHECK_FALSE(unterminated.oversized());
  unterminated.append("9");
  CHECK_FALSE(unterminated.next_line());
  CHECK(unterminated.oversized());

  opsd::FrameBuffer terminated(8);
  terminated.append("123456789\nok\n");
  CHECK_FALSE(terminated.next_line());
  CHECK(terminated.oversized());
  CHECK_FALSE(terminated.next_line());  // no resynchronisation after an oversize
}
