#pragma once

// The TLS identity and check flags of issue 13, shared by every tool: --crlfile, --pin-sha256,
// --tls-info, --tls-keylog (and SSLKEYLOGFILE), --pkcs12 with --pkcs12-password-file (or
// MQTK_PKCS12_PASSWORD), --psk-identity with --psk; and the --tls-version range syntax.

#include "common/cli_fwd.hpp"
#include "mqtk/net/options.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps {

// The flags as typed.
struct tls_identity_flags {
  std::string crlfile;
  std::vector<std::string> pins; // every --pin-sha256 value
  bool tls_info = false;
  std::string keylog;
  std::string pkcs12, pkcs12_password_file;
  std::string psk_identity, psk;
};

// Adds the flags to app in group (the "TLS" group of add_connection_options).
void add_tls_identity_options(CLI::App &app, tls_identity_flags &f, const char *group);

// The first of these flags given that only makes sense with TLS ("--crlfile"), else nullptr.
const char *tls_identity_flag(const tls_identity_flags &f);

// True when the flags ask for TLS on -h/-p connections (a PKCS#12 or PSK identity), as --cert does.
bool tls_identity_wants_tls(const tls_identity_flags &f);

// The environment these flags read, injectable for tests.
struct tls_identity_env {
  std::optional<std::string> keylog_file;     // SSLKEYLOGFILE
  std::optional<std::string> pkcs12_password; // MQTK_PKCS12_PASSWORD
  // The process environment.
  static tls_identity_env from_process();
};

// How the --tls-info report is printed.
struct tls_info_style {
  bool json = false;            // one JSON line on stdout ({"type":"tls_info",...}), else text on stderr
  bool once_per_target = false; // report only the first handshake with each broker (with json: before
                                // any data on stdout; mqtk-bench: not one per connection)
};

// Applies the flags to options (tls fields and on_tls_handshake); empty, else the usage error line.
std::string resolve_tls_identity(const tls_identity_flags &f, const tls_identity_env &env, tls_info_style style,
                                 net::transport_options &options);

// Parses a --tls-version value: "1.2" (exactly 1.2), "1.3" (exactly 1.3), "1.2+" (1.2 or later),
// "1.3+", and mosquitto's "tlsv1.2" (1.2 or later) and "tlsv1.3". False when text is none of them.
bool parse_tls_version_range(std::string_view text, net::tls_version &min, net::tls_version &max);

// Parses a --pin-sha256 value: base64 of 32 bytes, optionally prefixed "sha256//" (curl's form);
// nullopt when it is not that.
std::optional<std::array<std::uint8_t, 32>> parse_pin(std::string_view text);

// Parses a --psk value: an even number of hex digits (1 to 512 bytes); nullopt otherwise.
std::optional<std::vector<std::uint8_t>> parse_psk_hex(std::string_view text);

} // namespace mqtk::apps
