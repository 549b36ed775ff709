#pragma once

// MQTT 5.0 enhanced authentication (§4.12) for one client: CONNECT carries the Authentication
// Method and the client-first-message, the broker's AUTH (Continue authentication) the
// server-first, our AUTH the client-final, and the CONNACK the server-final, which is checked before
// the connection counts as up. A fresh exchange (new nonce) for every connection. Private to
// lib/src/client.

#include "mqtk/client/client.hpp"
#include "scram.hpp"

#include <memory>
#include <optional>
#include <string>

namespace mqtk::client::detail {

// The exchange the client runs on each connection.
class enhanced_auth {
public:
  // The exchange options ask for (auth_method), or nullptr for none. The password moves out of
  // options.session: it goes into SCRAM, never into CONNECT. setup_error() tells an unusable method.
  static std::unique_ptr<enhanced_auth> take(client_options &options);
  // Why the options cannot be used (exit 2), or empty.
  const std::string &setup_error() const noexcept { return setup_error_; }
  // The Authentication Method CONNECT and every AUTH carry.
  std::string_view method() const noexcept { return scram_method_name(hash_); }
  // Starts a fresh exchange: the Authentication Data of CONNECT.
  protocol::bytes_view begin();
  // The broker's AUTH while connecting: the AUTH to answer with, or nullptr with failure() set.
  const protocol::auth *on_auth(const protocol::auth &p);
  // A successful CONNACK: true when it names our method and carries the right server signature;
  // otherwise failure() says why.
  bool on_connack(const protocol::connack &p);
  // A refusing CONNACK's Authentication Data, as text to add to the message ("" when none).
  std::string refusal_detail(const protocol::connack &p) const;
  // What the "no CONNACK" message adds about where the exchange stopped.
  std::string pending_note() const;
  // Why the exchange failed.
  const close_reason &failure() const noexcept { return failure_; }

private:
  enhanced_auth(scram_hash hash, std::string username, std::string password);
  bool fail(close_kind kind, std::string message);
  bool method_matches(const protocol::properties &props, std::string_view packet);
  scram_hash hash_;
  std::string username_;
  std::string password_;
  std::string setup_error_;
  std::optional<scram_client> scram_;
  std::string data_;        // the Authentication Data last sent
  bool final_sent_ = false; // client-final sent: the CONNACK must carry the server-final
  protocol::auth reply_;
  close_reason failure_;
};

} // namespace mqtk::client::detail
