#pragma once

// TLS 1.3 session resumption for a fleet (transport_options::tls_resume_sessions, mqtk-bench): the
// session tickets the broker sent to earlier connections of one connector: every new connection
// resumes the newest one. (A broker sends one ticket per resumed connection, fewer than connections
// start while it lags behind a burst, so tickets are reused, as RFC 8446 C.4 allows at the price of
// linking the connections: all of them come from one benchmark anyway.) A resumed connection shares the peer certificate its session was verified with
// instead of parsing its own (about 5 KiB per idle connection), and still runs an (EC)DHE exchange.

#include <openssl/ssl.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

namespace mqtk::net::detail {

// The pooled sessions of the connectors to one broker with one TLS context; thread-safe.
class tls_session_pool {
public:
  // At most this many sessions are kept (the newest); each holds a reference to the certificate.
  static constexpr std::size_t capacity = 4;

  tls_session_pool() = default;
  tls_session_pool(const tls_session_pool &) = delete;
  tls_session_pool &operator=(const tls_session_pool &) = delete;
  // Frees the sessions still pooled.
  ~tls_session_pool();

  // A private copy of the newest pooled session (which stays pooled); null when there is none.
  SSL_SESSION *take();
  // From now on, the resumable TLS 1.3 sessions the broker sends on ssl go to this pool. Call it
  // only once ssl's handshake passed every check (verification, pins); the pool must outlive ssl.
  void feed_from(SSL *ssl);
  // How many sessions are pooled.
  std::size_t size();

  // The pool of the connectors to target (a URL) with context ctx: the one they already share while
  // any of them lives, else a new one (connectors that share no settings, e.g. with a handshake
  // callback each, still resume each other's tickets).
  static std::shared_ptr<tls_session_pool> shared(const std::string &target, const SSL_CTX *ctx);

  // Makes ctx hand new client sessions to the pool of their connection (a no-op for connections
  // that feed no pool); it keeps no internal session cache.
  static void enable(SSL_CTX *ctx);

private:
  static int on_new_session(SSL *ssl, SSL_SESSION *session);
  void put(SSL_SESSION *session);

  std::mutex lock_;
  std::deque<SSL_SESSION *> sessions_; // oldest first, each owned
};

} // namespace mqtk::net::detail
