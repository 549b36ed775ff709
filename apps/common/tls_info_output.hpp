#pragma once

// --tls-info: the report of a TLS handshake as text lines for stderr or one JSON line for stdout.

#include "common/tls_flags.hpp"
#include "mqtk/net/tls_report.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mqtk::apps {

// The report as diagnostic lines (not yet escaped: print them with print_debug):
// "TLS localhost:8883: TLSv1.3, cipher ..., ALPN none, SNI localhost, verified", then per
// certificate its subject, issuer, SANs, not-after and "SPKI sha256//...".
std::vector<std::string> tls_report_lines(const net::tls_report &report);

// The report as one JSON object (no newline): {"type":"tls_info","broker":...,"protocol":...,
// "cipher":...,"alpn":...,"sni":...,"psk_identity":...,"verified":...,"chain":[{"subject":...,
// "issuer":...,"sans":[...],"not_after":...,"spki_sha256":...}]}; alpn, sni and psk_identity are
// absent when none was used. Invalid UTF-8 from the peer becomes U+FFFD.
std::string tls_report_json(const net::tls_report &report);

// A thread-safe on_tls_handshake callback printing reports in style.
std::function<void(const net::tls_report &)> make_tls_info_printer(tls_info_style style);

} // namespace mqtk::apps
