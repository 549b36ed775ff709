#pragma once

// The client side of SCRAM (RFC 5802; SHA-256 per RFC 7677, SHA-512 alike) as a sans-I/O state
// machine: messages in, messages out, no channel binding ("n,,"). Private to lib/src/client; the
// OpenSSL calls stay in scram.cpp.
//
// SASLprep (RFC 4013) is not applied: user names and passwords go as UTF-8 as given, which equals
// SASLprep for printable ASCII and for text already in NFKC without mapped characters (most text);
// control characters, which SASLprep prohibits, are refused by scram_credentials_error.

#include <optional>
#include <string>
#include <string_view>

namespace mqtk::client::detail {

// The hash a SCRAM mechanism is built on.
enum class scram_hash { sha1, sha256, sha512 };

// The hash of an MQTT Authentication Method name ("SCRAM-SHA-256", any case); nullopt if not SCRAM.
std::optional<scram_hash> scram_hash_named(std::string_view method);
// The mechanism name as sent in the Authentication Method property ("SCRAM-SHA-256").
std::string_view scram_method_name(scram_hash hash);
// Why a user name or password cannot go into SCRAM (a control character), or empty.
std::string scram_credentials_error(std::string_view username, std::string_view password);

// One SCRAM exchange: client-first, then client-final for the server-first, then the check of the
// server-final (its signature proves the server knows the password's salted key).
class scram_client {
public:
  // An exchange as username with password; nonce is the client nonce (empty: 24 random printable
  // characters from RAND_bytes; tests inject the RFC's).
  scram_client(scram_hash hash, std::string username, std::string password, std::string nonce = {});
  // The client-first-message ("n,,n=user,r=nonce"); '=' and ',' in the user name are escaped.
  const std::string &client_first() const noexcept { return client_first_; }
  // Takes the server-first-message; returns the client-final-message, or nullopt with error() set
  // (malformed, a nonce that does not extend ours, a mandatory extension, the server's "e=").
  std::optional<std::string> client_final(std::string_view server_first);
  // Checks the server-final-message ("v=signature"): true when the signature matches; otherwise
  // error() says why (the server's "e=" error, a wrong signature, malformed).
  bool verify_server_final(std::string_view server_final);
  // Why the last step failed; the server's words are escaped.
  const std::string &error() const noexcept { return error_; }
  // The mechanism name ("SCRAM-SHA-256").
  std::string_view method() const noexcept { return scram_method_name(hash_); }

private:
  bool fail(std::string message);
  scram_hash hash_;
  std::string password_;
  std::string nonce_;
  std::string client_first_;
  std::string server_signature_; // raw bytes, once client_final() succeeded
  std::string error_;
};

} // namespace mqtk::client::detail
