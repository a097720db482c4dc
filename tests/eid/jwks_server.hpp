// A JWKS server on loopback for the eid and security tests: a real cpp-httplib server (plain
// HTTP or HTTPS) serving /jwks.json from memory, counting requests, optionally redirecting.
// CPPHTTPLIB_OPENSSL_SUPPORT comes from cpp-httplib.pc (see tests/eid/CMakeLists.txt).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace ecid::eid::testing {

// Serves /jwks.json from memory on 127.0.0.1, on a port the kernel picks.
class JwksServer {
 public:
  explicit JwksServer(std::unique_ptr<httplib::Server> server) : server_(std::move(server)) {
    server_->Get("/jwks.json", [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      std::lock_guard lock(mutex_);
      if (!location_.empty()) return res.set_redirect(location_, 302);
      res.status = status_;
      res.set_content(body_, "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~JwksServer() {
    server_->stop();
    thread_.join();
  }
  void serve(std::string body, int status = 200) {
    std::lock_guard lock(mutex_);
    body_ = std::move(body);
    status_ = status;
  }
  // Answers 302 to `location` instead of the JWKS.
  void redirect(std::string location) {
    std::lock_guard lock(mutex_);
    location_ = std::move(location);
  }
  std::string url(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + "/jwks.json";
  }
  int requests() const { return requests_.load(); }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::string body_;
  int status_ = 200;
  std::string location_;
};

}  // namespace ecid::eid::testing
