#pragma once

// The TLS identities and checks beyond CA, certificate and key (issue 13): the protocol version
// range, CRLs, a PKCS#12 client identity, TLS-PSK, the NSS key log, public-key pins and the
// handshake report of --tls-info.

#include "failure.hpp"
#include "settings.hpp"

#include <openssl/ssl.h>

#include <optional>
#include <string>

namespace mqtk::net::detail {

struct tls_context;

// Loads what context.options holds beyond CA, certificate, key and ALPN into its SSL_CTX; empty,
// else the setup error ("cannot load CRL file 'x': no PEM data found", "cannot load PKCS#12 file
// 'x': wrong password").
std::string load_identity(tls_context &context);

// Appends the identity fields of o to a context cache key.
void append_identity_key(const tls_options &o, std::string &key);

// The checks after a handshake that succeeded (the public-key pins), then settings.on_tls_handshake
// with the report; the tls-class failure when a check failed.
std::optional<failure> finish_handshake(SSL *ssl, const connect_settings &settings);

// What the handshake of ssl negotiated and the chain the peer presented.
tls_report make_report(SSL *ssl, const connect_settings &settings);

} // namespace mqtk::net::detail
