// The control-server tests' fixture: a ControlServer with a test handler on a background io
// thread, its socket in a fresh temp dir; and small reply helpers.
#pragma once

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "rpc/control_server.hpp"
#include "rpc/protocol.hpp"
#include "rpc_test_support.hpp"

namespace control_server_test {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using opsd::Fault;
using opsd::ParsedResponse;
using opsd::testing::TempDir;

// echo: returns method, params and caller uid; throw: throws; slow: answers after 2 s;
// jitter: echoes after params.ms milliseconds; anything else: method_not_found.
inline asio::awaitable<ParsedResponse> test_handler(const opsd::Request& req,
                                                    const opsd::PeerCred& peer) {
  if (req.method == "echo") {
    co_return ParsedResponse::success(
        json::object{{"method", req.method}, {"params", req.params}, {"uid", peer.uid}});
  }
  if (req.method == "throw") throw std::runtime_error("boom");
  if (req.method == "slow" || req.method == "jitter") {
    auto ms = req.method == "slow" ? 2000 : req.params.at("ms").to_number<int>();
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(asio::use_awaitable);
    co_return ParsedResponse::success(req.params);
  }
  co_return ParsedResponse::failure(Fault::method_not_found, "unknown method " + req.method);
}

// A ControlServer on a background io thread, its socket in a fresh temp dir.
struct Served {
  explicit Served(opsd::ServerOptions opts = {}, opsd::Handler handler = test_handler)
      : path(dir.path() + "/run/opsd.sock"),
        guard(io.get_executor()),
        server(io, with_path(std::move(opts), path), std::move(handler)) {}

  ~Served() {
    if (!thread.joinable()) return;
    on_io([this] { server.stop(); });
    guard.reset();
    io.stop();  // handlers still sleeping ("slow") are dropped
    thread.join();
  }

  opsd::Status start() {
    opsd::Status s = server.bind();
    if (s) {
      server.start();
      thread = std::thread([this] { io.run(); });
    }
    return s;
  }

  template <class F>
  void on_io(F fn) {
    std::promise<void> done;
    asio::post(io, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  static opsd::ServerOptions with_path(opsd::ServerOptions o, const std::string& p) {
    o.socket_path = p;
    return o;
  }

  TempDir dir;
  std::string path;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  opsd::ControlServer server;
  std::thread thread;
};

inline json::object reply_of(const std::optional<std::string>& line) {
  REQUIRE(line);
  return json::parse(*line).as_object();
}

inline std::int64_t error_code_of(const json::object& reply) {
  REQUIRE(reply.contains("error"));
  return reply.at("error").at("code").as_int64();
}

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 5000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

}  // namespace control_server_test
