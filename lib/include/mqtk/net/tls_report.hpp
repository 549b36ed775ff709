#pragma once

#include <string>
#include <vector>

namespace mqtk::net {

// One certificate the TLS peer presented, as --tls-info shows it.
struct tls_certificate_info {
  std::string subject;           // RFC 2253 distinguished name, "CN=localhost,O=Example"
  std::string issuer;            // the same for the issuer
  std::vector<std::string> sans; // subjectAltName entries: "DNS:localhost", "IP:127.0.0.1", ...
  std::string not_after;         // end of validity, "2028-03-01T12:00:00Z"
  std::string spki_sha256;       // base64 SHA-256 of the SubjectPublicKeyInfo (what --pin-sha256 takes)
};

// What a finished TLS handshake negotiated and what the peer presented (the peer's text is as the
// peer sent it: escape it before showing it on a terminal).
struct tls_report {
  std::string target;                       // "host:port" connected to
  std::string protocol;                     // "TLSv1.3"
  std::string cipher;                       // "TLS_AES_256_GCM_SHA384"
  std::string alpn;                         // the protocol the server chose; empty: none
  std::string sni;                          // the server name sent; empty: none (IP literal)
  std::string psk_identity;                 // the PSK identity used; empty: certificate handshake
  bool verified = false;                    // a chain was presented and it and the host name were
                                            // verified (not --insecure, not PSK)
  std::vector<tls_certificate_info> chain;  // the peer's chain, its own certificate first
};

} // namespace mqtk::net
