#pragma once

// A TLS echo server on 127.0.0.1 (Asio + OpenSSL) for transport tests. Header-only test support.

#include "echo_server.hpp"

#include <boost/asio/ssl.hpp>

#include <string>

namespace net_test {

// Serves cert/key over TLS and echoes; optionally requires a client certificate from client_ca,
// caps the TLS version at 1.2, and selects "mqtt" when the client offers it via ALPN.
class tls_echo_server {
public:
  using stream = asio::ssl::stream<asio::ip::tcp::socket>;

  // Options of the server.
  struct options {
    std::string client_ca; // non-empty: require a client certificate signed by it
    bool max_tls12 = false;
    bool reset_on_failure = false; // after a failed handshake (its alert sent), close with a TCP reset
    bool reset_on_success = false; // after a successful handshake, close with a TCP reset (no echo)
  };

  tls_echo_server(asio::io_context &io, const std::string &cert, const std::string &key, options o)
      : context_(asio::ssl::context::tls_server), acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}),
        reset_on_failure_(o.reset_on_failure), reset_on_success_(o.reset_on_success) {
    context_.use_certificate_chain_file(cert);
    context_.use_private_key_file(key, asio::ssl::context::pem);
    if (!o.client_ca.empty()) {
      context_.load_verify_file(o.client_ca);
      context_.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
    if (o.max_tls12)
      SSL_CTX_set_max_proto_version(context_.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_alpn_select_cb(context_.native_handle(), select_mqtt, nullptr);
    accept();
  }
  tls_echo_server(asio::io_context &io, const std::string &cert, const std::string &key)
      : tls_echo_server(io, cert, key, options{}) {}

  // The chosen port.
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::shared_ptr<echo_session<stream>>> sessions;
  int handshakes_failed = 0;

private:
  static int select_mqtt(SSL *, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                         unsigned inlen, void *) {
    for (unsigned i = 0; i < inlen; i += 1u + in[i]) {
      if (in[i] == 4 && std::string_view(reinterpret_cast<const char *>(in + i + 1), 4) == "mqtt") {
        *out = in + i + 1;
        *outlen = 4;
        return SSL_TLSEXT_ERR_OK;
      }
    }
    return SSL_TLSEXT_ERR_NOACK;
  }

  void accept() {
    acceptor_.async_accept([this](auto ec, asio::ip::tcp::socket socket) {
      if (ec)
        return;
      auto session = std::make_shared<echo_session<stream>>(stream(std::move(socket), context_));
      sessions.push_back(session);
      session->socket().async_handshake(asio::ssl::stream_base::server, [this, session](auto hec) {
        if (hec)
          ++handshakes_failed;
        if (hec ? reset_on_failure_ : reset_on_success_) {
          boost::system::error_code ignored;
          session->socket().lowest_layer().set_option(asio::socket_base::linger(true, 0), ignored);
          session->socket().lowest_layer().close(ignored);
        } else if (!hec) {
          session->start();
        }
      });
      accept();
    });
  }

  asio::ssl::context context_;
  asio::ip::tcp::acceptor acceptor_;
  bool reset_on_failure_ = false;
  bool reset_on_success_ = false;
};

} // namespace net_test
