#pragma once

// A WebSocket (and WebSocket over TLS) echo server built on Boost.Beast, recording each upgrade
// request. Accepts only the path it was given (404 otherwise), echoes every message with the same
// frame type. Header-only test support.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace net_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// What the server saw of one upgrade request and connection.
struct ws_request_seen {
  std::string target;
  std::string host;
  std::string subprotocol; // Sec-WebSocket-Protocol requested
  std::string x_test;      // the X-Test header
  int messages = 0;
  bool all_binary = true;
  bool close_frame = false; // the client sent a close frame
  int pings = 0;            // ping frames the client sent
  std::string peer;         // the client's address as accepted ("127.0.0.2")
};

// WebSocket echo server on 127.0.0.1; TLS when a server certificate is given.
class ws_echo_server {
public:
  // Serves path; with cert/key, serves wss.
  ws_echo_server(asio::io_context &io, std::string path, const std::string &cert = {},
                 const std::string &key = {})
      : path_(std::move(path)), acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    if (!cert.empty()) {
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(cert);
      tls_->use_private_key_file(key, asio::ssl::context::pem);
    }
    accept();
  }

  // The chosen port.
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // Sends a close frame on every open connection.
  void close_all() {
    for (auto &c : closers_)
      c();
  }
  std::vector<std::shared_ptr<ws_request_seen>> requests;

private:
  template <class Next> struct session : std::enable_shared_from_this<session<Next>> {
    template <class... Args> explicit session(Args &&...args) : ws(std::forward<Args>(args)...) {}
    websocket::stream<Next> ws;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    std::shared_ptr<ws_request_seen> seen = std::make_shared<ws_request_seen>();
    std::string path;

    void start() {
      http::async_read(ws.next_layer(), buffer, request,
                       [self = this->shared_from_this()](auto ec, std::size_t) {
                         if (!ec)
                           self->on_request();
                       });
    }
    void on_request() {
      seen->target = std::string(request.target());
      seen->host = std::string(request[http::field::host]);
      seen->subprotocol = std::string(request[http::field::sec_websocket_protocol]);
      seen->x_test = std::string(request["X-Test"]);
      if (request.target() != path || !websocket::is_upgrade(request)) {
        auto response = std::make_shared<http::response<http::string_body>>(http::status::not_found, 11);
        response->body() = "no such path";
        response->prepare_payload();
        http::async_write(ws.next_layer(), *response,
                          [self = this->shared_from_this(), response](auto, std::size_t) {
                            beast::error_code ignored;
                            beast::get_lowest_layer(self->ws).close(ignored);
                          });
        return;
      }
      std::string protocol = seen->subprotocol;
      ws.set_option(websocket::stream_base::decorator([protocol](websocket::response_type &response) {
        if (protocol == "mqtt")
          response.set(http::field::sec_websocket_protocol, "mqtt");
      }));
      ws.control_callback([seen = seen](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::ping)
          ++seen->pings;
      });
      ws.async_accept(request, [self = this->shared_from_this()](auto ec) {
        if (!ec)
          self->read();
      });
    }
    void read() {
      buffer.consume(buffer.size());
      ws.async_read(buffer, [self = this->shared_from_this()](auto ec, std::size_t) {
        if (ec) {
          self->seen->close_frame = ec == websocket::error::closed;
          return;
        }
        ++self->seen->messages;
        self->seen->all_binary = self->seen->all_binary && self->ws.got_binary();
        self->ws.binary(self->ws.got_binary());
        self->ws.async_write(self->buffer.data(), [self](auto wec, std::size_t) {
          if (!wec)
            self->read();
        });
      });
    }
  };

  void accept() {
    acceptor_.async_accept([this](auto ec, asio::ip::tcp::socket socket) {
      if (ec)
        return;
      boost::system::error_code peer_ec;
      peer_ = socket.remote_endpoint(peer_ec).address().to_string();
      if (tls_) {
        using tls_stream = asio::ssl::stream<asio::ip::tcp::socket>;
        auto s = std::make_shared<session<tls_stream>>(std::move(socket), *tls_);
        track(s);
        s->ws.next_layer().async_handshake(asio::ssl::stream_base::server, [s](auto hec) {
          if (!hec)
            s->start();
        });
      } else {
        auto s = std::make_shared<session<asio::ip::tcp::socket>>(std::move(socket));
        track(s);
        s->start();
      }
      accept();
    });
  }

  template <class Session> void track(const std::shared_ptr<Session> &s) {
    s->path = path_;
    s->seen->peer = peer_;
    requests.push_back(s->seen);
    closers_.push_back([s] { s->ws.async_close(websocket::close_code::going_away, [s](auto) {}); });
  }

  std::string path_;
  std::string peer_; // of the connection being accepted
  std::unique_ptr<asio::ssl::context> tls_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<std::function<void()>> closers_;
};

} // namespace net_test
