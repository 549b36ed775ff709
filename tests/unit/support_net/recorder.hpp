#pragma once

// A transport_handler that records what happened, and helpers that run an io_context until a
// condition holds (test support, header-only).

#include "mqtk/net/transport.hpp"

#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace net_test {

// Records the callbacks of one transport; optionally keeps a read pending.
struct recorder : mqtk::net::transport_handler {
  std::unique_ptr<mqtk::net::transport> transport;
  bool connected = false;
  bool closed = false;
  bool keep_reading = false; // re-arm async_read after each on_read
  int writes = 0;
  std::size_t written = 0;
  std::optional<mqtk::net::failure> error;
  std::vector<std::uint8_t> received;
  std::array<std::uint8_t, 4096> buffer{};

  void on_connected() override { connected = true; }
  void on_read(std::size_t n) override {
    received.insert(received.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    if (keep_reading)
      transport->async_read(buffer);
  }
  void on_written(std::size_t n) override {
    ++writes;
    written += n;
  }
  void on_error(const mqtk::net::failure &f) override { error = f; }
  void on_closed() override { closed = true; }

  // Starts reading and keeps a read pending from now on.
  void start_reading() {
    keep_reading = true;
    transport->async_read(buffer);
  }
};

// Runs io until done() or limit passes; true if done() became true.
inline bool run_until(boost::asio::io_context &io, const std::function<bool()> &done,
                      std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Connects r to url through a new connector; runs io until connected or failed. Returns the
// connector's setup failure message, or empty.
inline std::string connect(boost::asio::io_context &io, const std::string &url,
                           const mqtk::net::transport_options &options, recorder &r) {
  auto parsed = mqtk::net::parse_url(url);
  if (!parsed)
    return parsed.error;
  auto made = mqtk::net::make_connector(io, parsed.value, options);
  if (!made.value)
    return made.error.message;
  r.transport = made.value->create(r);
  r.transport->async_connect();
  run_until(
      io, [&] { return r.connected || r.error.has_value(); }, std::chrono::seconds(10));
  return {};
}

// Bytes 0, 1, 2, ... (mod 251) of the given length.
inline std::vector<std::uint8_t> pattern(std::size_t size, std::uint8_t seed = 0) {
  std::vector<std::uint8_t> out(size);
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<std::uint8_t>((i + seed) % 251);
  return out;
}

} // namespace net_test
