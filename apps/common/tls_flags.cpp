#include "common/tls_flags.hpp"

#include "common/file_input.hpp"
#include "common/help_sections.hpp"
#include "common/json_message.hpp"
#include "common/payload_codec.hpp"
#include "common/profile.hpp"
#include "common/text_checks.hpp"
#include "common/tls_info_output.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>

namespace mqtk::apps {


tls_identity_env tls_identity_env::from_process() {
  tls_identity_env env;
  if (const char *keylog = std::getenv("SSLKEYLOGFILE"); keylog && *keylog)
    env.keylog_file = keylog;
  if (const char *password = std::getenv("MQTK_PKCS12_PASSWORD"))
    env.pkcs12_password = password; // an empty password is a password
  return env;
}

void add_tls_identity_options(CLI::App &app, tls_identity_flags &f, const char *group) {
  help_section(app, group)
      .add_option("--crlfile", f.crlfile, "PEM file of CRLs: refuse a revoked broker certificate");
  help_section(app, group)
      .add_option("--pin-sha256", f.pins,
                  "Accept only a broker key with this base64 SHA-256 SPKI hash (repeatable; with "
                  "--insecure, trust a pinned self-signed broker)")
      ->allow_extra_args(false);
  help_section(app, group)
      .add_flag("--tls-info", f.tls_info,
                "After the handshake, print protocol, cipher, ALPN, SNI and the broker's chain (stderr; "
                "with --json a JSON line on stdout)");
  help_section(app, group)
      .add_option("--tls-keylog", f.keylog,
                  "Append NSS key-log lines to FILE (mode 600; also SSLKEYLOGFILE)");
  help_section(app, group)
      .add_option("--pkcs12", f.pkcs12, "PKCS#12 client certificate, key and chain (mode 600)");
  help_section(app, group)
      .add_option("--pkcs12-password-file", f.pkcs12_password_file,
                  "File holding the password of --pkcs12 (else MQTK_PKCS12_PASSWORD)");
  help_section(app, group).add_option("--psk-identity", f.psk_identity, "TLS-PSK identity (with --psk)");
  help_section(app, group).add_option("--psk", f.psk, "TLS-PSK key in hex (with --psk-identity)");
}

const char *tls_identity_flag(const tls_identity_flags &f) {
  return !f.crlfile.empty()                ? "--crlfile"
         : !f.pins.empty()                 ? "--pin-sha256"
         : f.tls_info                      ? "--tls-info"
         : !f.keylog.empty()               ? "--tls-keylog"
         : !f.pkcs12.empty()               ? "--pkcs12"
         : !f.pkcs12_password_file.empty() ? "--pkcs12-password-file"
         : !f.psk_identity.empty()         ? "--psk-identity"
         : !f.psk.empty()                  ? "--psk"
                                           : nullptr;
}

bool tls_identity_wants_tls(const tls_identity_flags &f) {
  return !f.pkcs12.empty() || !f.psk_identity.empty() || !f.psk.empty();
}

std::string resolve_tls_identity(const tls_identity_flags &f, const tls_identity_env &env, tls_info_style style,
                                 net::transport_options &options) {
  net::tls_options &tls = options.tls;
  tls.crlfile = f.crlfile;
  for (const std::string &text : f.pins) {
    auto pin = parse_pin(text);
    if (!pin)
      return "--pin-sha256 '" + shown(text) +
             "' is not the base64 SHA-256 of a public key (44 characters, optionally after sha256//)";
    tls.pins.push_back(*pin);
  }
  tls.keylog_file = !f.keylog.empty() ? f.keylog : env.keylog_file.value_or("");

  if (!f.pkcs12_password_file.empty() && f.pkcs12.empty())
    return "--pkcs12-password-file needs --pkcs12";
  if (!f.pkcs12.empty()) {
    if (!tls.cert.empty())
      return "give only one of --cert and --pkcs12";
    std::string error;
    if (auto problem = unreadable_file_error(f.pkcs12, "PKCS#12 file"); !problem.empty())
      return problem;
    if (readable_by_others(f.pkcs12))
      return "PKCS#12 file " + f.pkcs12 + " can be read by others (chmod 600 it)";
    tls.pkcs12 = f.pkcs12;
    if (!f.pkcs12_password_file.empty()) {
      if (!read_secret_file(f.pkcs12_password_file, tls.pkcs12_password, error))
        return error;
    } else {
      tls.pkcs12_password = env.pkcs12_password.value_or("");
    }
  }

  if (f.psk_identity.empty() != f.psk.empty())
    return f.psk.empty() ? "--psk-identity needs --psk" : "--psk needs --psk-identity";
  if (!f.psk.empty()) {
    auto key = parse_psk_hex(f.psk);
    if (!key)
      return "--psk is not a key in hex (an even number of 0-9a-f digits, at most 1024)";
    if (f.psk_identity.size() > 256)
      return "--psk-identity is longer than 256 bytes";
    tls.psk_identity = f.psk_identity;
    tls.psk = std::move(*key);
  }

  if (f.tls_info)
    options.on_tls_handshake = make_tls_info_printer(style);
  return {};
}

bool parse_tls_version_range(std::string_view text, net::tls_version &min, net::tls_version &max) {
  using net::tls_version;
  if (text == "1.2") {
    min = max = tls_version::v1_2;
  } else if (text == "1.2+" || text == "tlsv1.2") {
    min = tls_version::v1_2;
    max = tls_version::v1_3;
  } else if (text == "1.3" || text == "1.3+" || text == "tlsv1.3") {
    min = max = tls_version::v1_3;
  } else {
    return false;
  }
  return true;
}

std::optional<std::array<std::uint8_t, 32>> parse_pin(std::string_view text) {
  if (text.substr(0, 8) == "sha256//")
    text.remove_prefix(8);
  std::vector<std::uint8_t> bytes;
  if (text.size() != 44 || text.back() != '=' || !decode_base64(text, bytes) || bytes.size() != 32)
    return std::nullopt;
  std::array<std::uint8_t, 32> pin{};
  std::copy(bytes.begin(), bytes.end(), pin.begin());
  return pin;
}

std::optional<std::vector<std::uint8_t>> parse_psk_hex(std::string_view text) {
  if (text.empty() || text.size() > 1024 || text.find_first_of(" \t\r\n") != std::string_view::npos)
    return std::nullopt;
  const auto bytes = decode_payload(payload_codec::hex, text);
  if (!bytes)
    return std::nullopt;
  return std::vector<std::uint8_t>(bytes->begin(), bytes->end());
}

} // namespace mqtk::apps
