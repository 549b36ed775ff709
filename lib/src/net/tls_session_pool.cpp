// The sessions a connector's TLS connections resume: TLS 1.3 tickets only, the newest one.
#include "tls_session_pool.hpp"

#include <cstdint>
#include <map>

namespace mqtk::net::detail {
namespace {

// The SSL ex_data slot pointing at the pool a connection feeds (Asio owns the app data slot).
int pool_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

} // namespace

tls_session_pool::~tls_session_pool() {
  for (SSL_SESSION *session : sessions_)
    SSL_SESSION_free(session);
}

SSL_SESSION *tls_session_pool::take() {
  // The connection that received it may still hold it as its current session: resume a copy (it
  // shares the certificate, by reference).
  std::lock_guard<std::mutex> guard(lock_);
  return sessions_.empty() ? nullptr : SSL_SESSION_dup(sessions_.back());
}

void tls_session_pool::feed_from(SSL *ssl) { SSL_set_ex_data(ssl, pool_index(), this); }

std::size_t tls_session_pool::size() {
  std::lock_guard<std::mutex> guard(lock_);
  return sessions_.size();
}

void tls_session_pool::put(SSL_SESSION *session) {
  SSL_SESSION *dropped = nullptr;
  {
    std::lock_guard<std::mutex> guard(lock_);
    sessions_.push_back(session);
    if (sessions_.size() > capacity) {
      dropped = sessions_.front();
      sessions_.pop_front();
    }
  }
  SSL_SESSION_free(dropped);
}

int tls_session_pool::on_new_session(SSL *ssl, SSL_SESSION *session) {
  auto *pool = static_cast<tls_session_pool *>(SSL_get_ex_data(ssl, pool_index()));
  // TLS 1.2 resumption would skip the key exchange: only TLS 1.3 tickets (psk_dhe_ke) are pooled.
  if (!pool || SSL_SESSION_get_protocol_version(session) != TLS1_3_VERSION || SSL_SESSION_is_resumable(session) != 1)
    return 0;
  pool->put(session);
  return 1; // the pool keeps the reference OpenSSL passed
}

std::shared_ptr<tls_session_pool> tls_session_pool::shared(const std::string &target, const SSL_CTX *ctx) {
  // A live pool's connectors hold ctx, so its address names one context while the pool lives.
  static std::mutex lock;
  static std::map<std::string, std::weak_ptr<tls_session_pool>> pools;
  const std::string key = target + '\n' + std::to_string(reinterpret_cast<std::uintptr_t>(ctx));
  std::lock_guard<std::mutex> guard(lock);
  auto &entry = pools[key];
  if (auto existing = entry.lock())
    return existing;
  auto pool = std::make_shared<tls_session_pool>();
  entry = pool;
  return pool;
}

void tls_session_pool::enable(SSL_CTX *ctx) {
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
}

} // namespace mqtk::net::detail
