// TLS 1.3 session resumption across the connections of one connector (transport_options::
// tls_resume_sessions, mqtk-bench): a later connection resumes a ticket an earlier one received,
// the server agrees, the certificate it was verified with is still reported; never without the
// option, never a TLS 1.2 session; a burst of connections resumes the newest ticket.
#include "support_net/recorder.hpp"
#include "support_net/test_certs.hpp"
#include "support_net/tls_echo_server.hpp"

#include "mqtk/net/transport.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

using net_test::recorder;
using net_test::run_until;
using net_test::test_certs;

namespace {

// Connections made one after the other through one connector; each is idle after one echo (which
// also reads the session tickets the server sends after the handshake).
struct fleet {
  boost::asio::io_context &io;
  std::unique_ptr<mqtk::net::connector> connector;
  std::vector<std::unique_ptr<recorder>> clients;

  fleet(boost::asio::io_context &io_context, std::uint16_t port, const mqtk::net::transport_options &options)
      : io(io_context) {
    auto parsed = mqtk::net::parse_url("mqtts://localhost:" + std::to_string(port));
    REQUIRE(parsed);
    auto made = mqtk::net::make_connector(io, parsed.value, options);
    REQUIRE(made.value);
    connector = std::move(made.value);
  }

  // Connects one more client and echoes a few bytes through it; returns it.
  recorder &add() {
    clients.push_back(std::make_unique<recorder>());
    recorder &r = *clients.back();
    r.transport = connector->create(r);
    r.transport->async_connect();
    REQUIRE(run_until(io, [&] { return r.connected || r.error.has_value(); }));
    REQUIRE_MESSAGE(r.connected, (r.error ? r.error->message : std::string("not connected")));
    r.start_reading();
    auto data = net_test::pattern(100);
    r.transport->async_write(mqtk::net::bytes_view(data));
    REQUIRE(run_until(io, [&] { return r.received.size() == data.size() || r.error; }));
    // Tickets come right after the handshake; give them a moment to be read.
    run_until(io, [] { return false; }, std::chrono::milliseconds(50));
    return r;
  }
};

mqtk::net::transport_options resuming(bool resume) {
  mqtk::net::transport_options options;
  options.tls.cafile = test_certs::get().ca;
  options.tls_resume_sessions = resume;
  return options;
}

// Whether the server side of connection i resumed a session (the server's own view).
bool server_resumed(net_test::tls_echo_server &server, std::size_t i) {
  REQUIRE(i < server.sessions.size());
  return SSL_session_reused(server.sessions[i]->socket().native_handle()) == 1;
}

} // namespace

TEST_CASE("net tls resume: later connections of a connector resume the tickets earlier ones received") {
  const auto &certs = test_certs::get();
  boost::asio::io_context io;
  net_test::tls_echo_server server(io, certs.server, certs.server_key);
  std::vector<mqtk::net::tls_report> reports;
  auto options = resuming(true);
  options.on_tls_handshake = [&](const mqtk::net::tls_report &report) { reports.push_back(report); };
  fleet f(io, server.port(), options);

  CHECK_FALSE(f.add().transport->info().tls_resumed); // nothing to resume yet: a full, verified handshake
  CHECK_FALSE(server_resumed(server, 0));
  for (std::size_t i = 1; i < 4; ++i) {
    CAPTURE(i);
    CHECK(f.add().transport->info().tls_resumed);
    CHECK(server_resumed(server, i));
  }
  // A resumed connection still reports the certificate its session was verified with.
  REQUIRE(reports.size() == 4);
  for (const auto &report : reports) {
    CHECK(report.verified);
    REQUIRE(report.chain.size() == 1);
    CHECK(report.chain[0].subject == reports[0].chain[0].subject);
    CHECK(report.chain[0].spki_sha256 == reports[0].chain[0].spki_sha256);
  }
  CHECK(reports[0].protocol == "TLSv1.3");
}

TEST_CASE("net tls resume: connectors to the same broker with the same options share their tickets") {
  const auto &certs = test_certs::get();
  boost::asio::io_context io;
  net_test::tls_echo_server server(io, certs.server, certs.server_key);
  int handshakes = 0;
  auto options = resuming(true);
  options.on_tls_handshake = [&](const mqtk::net::tls_report &) { ++handshakes; }; // settings not shared
  fleet first(io, server.port(), options);
  fleet second(io, server.port(), options);
  CHECK_FALSE(first.add().transport->info().tls_resumed);
  CHECK(second.add().transport->info().tls_resumed);
  CHECK(server_resumed(server, 1));
  CHECK(handshakes == 2);
}

TEST_CASE("net tls resume: a burst resumes the newest ticket; without one at hand the handshake is full") {
  const auto &certs = test_certs::get();
  boost::asio::io_context io;
  net_test::tls_echo_server server(io, certs.server, certs.server_key);
  fleet f(io, server.port(), resuming(true));
  // Connections started together: none has a ticket of another.
  auto burst = [&](std::size_t count) {
    const std::size_t first = f.clients.size();
    for (std::size_t i = 0; i < count; ++i) {
      f.clients.push_back(std::make_unique<recorder>());
      f.clients.back()->transport = f.connector->create(*f.clients.back());
      f.clients.back()->transport->async_connect();
    }
    REQUIRE(run_until(io, [&] {
      for (std::size_t i = first; i < f.clients.size(); ++i)
        if (!f.clients[i]->connected)
          return false;
      return true;
    }));
    for (std::size_t i = first; i < f.clients.size(); ++i)
      f.clients[i]->start_reading();
    run_until(io, [] { return false; }, std::chrono::milliseconds(100));
  };
  burst(2);
  CHECK_FALSE(f.clients[0]->transport->info().tls_resumed);
  CHECK_FALSE(f.clients[1]->transport->info().tls_resumed);
  // The two sent four tickets (OpenSSL's default of two each); eight connections at once all resume.
  burst(8);
  for (std::size_t i = 2; i < 10; ++i) {
    CAPTURE(i);
    CHECK(f.clients[i]->transport->info().tls_resumed);
    CHECK(server_resumed(server, i));
  }
  CHECK(server.sessions.size() == 10);
}

TEST_CASE("net tls resume: never without the option, never a TLS 1.2 session") {
  const auto &certs = test_certs::get();
  boost::asio::io_context io;
  SUBCASE("option off") {
    net_test::tls_echo_server server(io, certs.server, certs.server_key);
    fleet f(io, server.port(), resuming(false));
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK_FALSE(f.add().transport->info().tls_resumed);
      CHECK_FALSE(server_resumed(server, i));
    }
  }
  SUBCASE("TLS 1.2 server") {
    net_test::tls_echo_server::options o;
    o.max_tls12 = true;
    net_test::tls_echo_server server(io, certs.server, certs.server_key, o);
    fleet f(io, server.port(), resuming(true));
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK_FALSE(f.add().transport->info().tls_resumed);
      CHECK_FALSE(server_resumed(server, i));
    }
  }
}
