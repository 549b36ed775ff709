// client::arrival_ns(): with transport.arrival_timestamps, on_message can ask when the bytes of the
// message arrived. Plain TCP hands over the kernel's stamp (earlier than a late read); a Unix socket
// falls back to the clock when the read completed; without the option it is 0.
#include "support_net/timestamps_on.hpp"

#include "client_loopback.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/net/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <functional>
#include <optional>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
namespace asio = boost::asio;

using mqtk::test::run_until;

namespace {

std::uint64_t wall_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// Accepts one connection, answers the CONNECT with a 5.0 CONNACK; publish() sends a QoS 0 PUBLISH.
template <class Protocol> struct one_shot_broker {
  one_shot_broker(asio::io_context &io, const typename Protocol::endpoint &at) : acceptor(io, at), socket(io) {
    acceptor.async_accept(socket, [this](const boost::system::error_code &ec) {
      if (!ec)
        socket.async_read_some(asio::buffer(chunk), [this](const boost::system::error_code &e, std::size_t) {
          if (!e)
            asio::write(socket, asio::buffer(connack));
        });
    });
  }
  // Writes a PUBLISH on "p"; returns the wall clock just before the write.
  std::uint64_t publish() {
    const std::uint64_t before = wall_ns();
    asio::write(socket, asio::buffer(message));
    return before;
  }
  typename Protocol::acceptor acceptor;
  typename Protocol::socket socket;
  std::array<std::uint8_t, 512> chunk{};
  static constexpr std::array<std::uint8_t, 5> connack{0x20, 0x03, 0x00, 0x00, 0x00};
  static constexpr std::array<std::uint8_t, 7> message{0x30, 0x05, 0x00, 0x01, 'p', 0x00, 'x'};
};

struct handler final : mqtk::client::client_handler {
  mqtk::client::client *c = nullptr;
  bool connected = false;
  std::optional<std::uint64_t> arrival, handled_at;
  void on_connected(const mqtk::protocol::connack &, bool) override { connected = true; }
  void on_message(const mqtk::protocol::publish &) override {
    arrival = c->arrival_ns();
    handled_at = wall_ns();
  }
  void on_closed(const mqtk::client::close_reason &) override {}
};


// What on_message saw for a message written, then left unread for 50 ms.
struct seen {
  std::uint64_t written_before = 0, written_after = 0, arrival = 0, handled_at = 0;
};

template <class Protocol>
seen late_message(const std::string &url, const typename Protocol::endpoint &at, bool timestamps) {
  net_test::keep_timestamps_on();
  asio::io_context io;
  one_shot_broker<Protocol> broker(io, at);
  handler h;
  mqtk::client::client_options o;
  o.endpoint = mqtk::net::parse_url(url).value;
  o.session.client_id = "arrival";
  o.version_pinned = true;
  o.reconnect.enabled = false;
  o.transport.arrival_timestamps = timestamps;
  mqtk::client::client c(io, o, h);
  h.c = &c;
  c.start();
  REQUIRE(run_until(io, [&] { return h.connected; }));
  seen result;
  result.written_before = broker.publish();
  result.written_after = wall_ns();
  std::this_thread::sleep_for(50ms); // the loop is busy elsewhere: the message waits in the kernel
  REQUIRE(run_until(io, [&] { return h.arrival.has_value(); }));
  result.arrival = *h.arrival;
  result.handled_at = *h.handled_at;
  return result;
}

} // namespace

TEST_CASE("client arrival_ns: plain TCP hands on_message the kernel's arrival time") {
  const asio::ip::tcp::endpoint any(asio::ip::make_address("127.0.0.1"), 0);
  asio::io_context probe;
  asio::ip::tcp::acceptor port_finder(probe, any);
  const auto at = port_finder.local_endpoint();
  port_finder.close();
  const std::string url = "mqtt://127.0.0.1:" + std::to_string(at.port());
  SUBCASE("with arrival_timestamps") {
    const seen s = late_message<asio::ip::tcp>(url, at, true);
    CHECK(s.arrival >= s.written_before);
    CHECK(s.arrival <= s.written_after);
    CHECK(s.handled_at - s.arrival >= 45'000'000u);
  }
  SUBCASE("without: 0") {
    CHECK(late_message<asio::ip::tcp>(url, at, false).arrival == 0);
  }
}

TEST_CASE("client arrival_ns: a Unix socket falls back to the clock when the read completed") {
  using asio::local::stream_protocol;
  const std::string path =
      (std::filesystem::temp_directory_path() / ("mqtk-arrival-" + std::to_string(::getpid()) + ".sock")).string();
  std::filesystem::remove(path);
  const seen s = late_message<stream_protocol>("unix://" + path, stream_protocol::endpoint(path), true);
  std::filesystem::remove(path);
  CHECK(s.arrival >= s.written_after + 45'000'000u); // read after the 50 ms wait
  CHECK(s.arrival <= s.handled_at);
}
