#pragma once

// Shared helpers of the codec unit tests (test_codec_*.cpp): encoding, decoding in one piece or
// byte by byte, and comparing packets field by field (views compare by content).

#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace codec_test {

using namespace mqtk::protocol;

using bytes = std::vector<std::uint8_t>;

// Hex dump ("30 07 00 ...") for readable failure messages.
inline std::string hex(bytes_view data) {
  std::string out;
  for (std::uint8_t b : data) {
    char digits[4];
    std::snprintf(digits, sizeof digits, "%02X ", b);
    out += digits;
  }
  if (!out.empty()) {
    out.pop_back();
  }
  return out;
}

// Bytes from hex text; spaces are ignored ("30 07 00 03").
inline bytes from_hex(std::string_view text) {
  bytes out;
  std::string digits;
  for (char c : text) {
    if (c != ' ') {
      digits += c;
    }
  }
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// The concatenation of byte strings.
inline bytes concat_bytes(std::initializer_list<bytes> parts) {
  bytes out;
  for (const bytes &part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

// Binary data from text.
inline bytes_view bin(std::string_view text) {
  return as_bytes(text);
}

inline bool same(bytes_view a, bytes_view b) {
  return std::ranges::equal(a, b);
}

inline bool same(const std::optional<bytes_view> &a, const std::optional<bytes_view> &b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

inline bool same(const will_message &a, const will_message &b) {
  return a.topic == b.topic && same(a.payload, b.payload) && a.qos == b.qos && a.retain == b.retain &&
         a.props == b.props;
}

inline bool same(const connect &a, const connect &b) {
  const bool wills = a.will.has_value() == b.will.has_value() && (!a.will || same(*a.will, *b.will));
  return a.version == b.version && a.client_id == b.client_id && a.clean_start == b.clean_start &&
         a.keep_alive == b.keep_alive && a.username == b.username && same(a.password, b.password) && wills &&
         a.props == b.props;
}

inline bool same(const connack &a, const connack &b) {
  return a.session_present == b.session_present && a.reason == b.reason && a.props == b.props;
}

inline bool same(const publish &a, const publish &b) {
  return a.topic == b.topic && same(a.payload, b.payload) && a.qos == b.qos && a.retain == b.retain &&
         a.dup == b.dup && a.packet_id == b.packet_id && a.props == b.props;
}

template <packet_type T> bool same(const publish_response<T> &a, const publish_response<T> &b) {
  return a.packet_id == b.packet_id && a.reason == b.reason && a.props == b.props;
}

inline bool same(const subscribe &a, const subscribe &b) {
  return a.packet_id == b.packet_id && a.subscriptions == b.subscriptions && a.props == b.props;
}

inline bool same(const suback &a, const suback &b) {
  return a.packet_id == b.packet_id && a.reasons == b.reasons && a.props == b.props;
}

inline bool same(const unsubscribe &a, const unsubscribe &b) {
  return a.packet_id == b.packet_id && a.filters == b.filters && a.props == b.props;
}

inline bool same(const unsuback &a, const unsuback &b) {
  return a.packet_id == b.packet_id && a.reasons == b.reasons && a.props == b.props;
}

inline bool same(const pingreq &, const pingreq &) {
  return true;
}
inline bool same(const pingresp &, const pingresp &) {
  return true;
}

inline bool same(const disconnect &a, const disconnect &b) {
  return a.reason == b.reason && a.props == b.props;
}

inline bool same(const auth &a, const auth &b) {
  return a.reason == b.reason && a.props == b.props;
}

// True when both hold the same packet type with equal fields.
inline bool same(const packet &a, const packet &b) {
  if (a.index() != b.index()) {
    return false;
  }
  return std::visit([&b](const auto &x) { return same(x, std::get<std::decay_t<decltype(x)>>(b)); }, a);
}

// Encodes p for version and CHECKs that it succeeded.
inline bytes encode_ok(const packet &p, protocol_version version = protocol_version::v5) {
  bytes out;
  const std::error_code ec = encode(p, {version}, out);
  CHECK_MESSAGE(!ec, ec.message());
  return out;
}

// The role that receives packets of p's type (the opposite of the sender); PUBLISH, acks,
// DISCONNECT and AUTH go both ways and default to the client receiving them.
inline role receiver_of(const packet &p) {
  switch (type_of(p)) {
  case packet_type::connect:
  case packet_type::subscribe:
  case packet_type::unsubscribe:
  case packet_type::pingreq:
    return role::server;
  default:
    return role::client;
  }
}

// A decoded packet together with the decoder whose buffer its views point into.
struct decoded {
  std::unique_ptr<decoder> source;
  packet value;
};

// Feeds data in one piece and CHECKs that exactly one packet comes out, consuming everything.
inline decoded decode_one(bytes_view data, role side, protocol_version version = protocol_version::v5) {
  decoded result{std::make_unique<decoder>(decoder_options{side, version}), {}};
  decoder &d = *result.source;
  d.feed(data);
  const decode_status status = d.next(result.value);
  CHECK_MESSAGE(status == decode_status::ready, std::string(d.error_detail()));
  CHECK(d.buffered() == 0);
  return result;
}

// Feeds data one byte at a time, CHECKing need_more until the last byte; returns the packet.
inline decoded decode_bytewise(bytes_view data, role side, protocol_version version = protocol_version::v5) {
  decoded result{std::make_unique<decoder>(decoder_options{side, version}), {}};
  decoder &d = *result.source;
  for (std::size_t i = 0; i < data.size(); ++i) {
    d.feed(data.subspan(i, 1));
    const decode_status status = d.next(result.value);
    if (i + 1 < data.size()) {
      REQUIRE_MESSAGE(status == decode_status::need_more, "byte ", i, ": ", std::string(d.error_detail()));
    } else {
      REQUIRE_MESSAGE(status == decode_status::ready, std::string(d.error_detail()));
    }
  }
  CHECK(d.buffered() == 0);
  return result;
}

// CHECKs that side decodes data to want, whole and one byte at a time.
inline void check_decodes(const bytes &data, const packet &want, role side,
                          protocol_version version = protocol_version::v5) {
  CHECK(same(decode_one(data, side, version).value, want));
  CHECK(same(decode_bytewise(data, side, version).value, want));
}

// Encodes p and CHECKs the bytes against expected, then decodes expected whole and byte by byte
// with the receiving side and CHECKs that both give p back.
inline void check_golden(const packet &p, protocol_version version, const bytes &expected) {
  CHECK(hex(encode_ok(p, version)) == hex(expected));
  check_decodes(expected, p, receiver_of(p), version);
}

// What a decoder reported for input that must fail.
struct failure {
  std::error_code code;
  reason_code reason = reason_code::success;
  std::string detail;
};

// Feeds data to a fresh decoder and CHECKs that it fails (not need_more, not a packet).
inline failure decode_failure(bytes_view data, role side = role::client,
                              protocol_version version = protocol_version::v5) {
  decoder d({side, version});
  d.feed(data);
  packet out;
  const decode_status status = d.next(out);
  CHECK(status == decode_status::error);
  return {d.error(), d.error_reason(), std::string(d.error_detail())};
}

// CHECKs that data fails with a malformed_packet error (reason 0x81).
inline void check_malformed(bytes_view data, role side = role::client,
                            protocol_version version = protocol_version::v5) {
  const failure f = decode_failure(data, side, version);
  CHECK_MESSAGE(f.code == errc::malformed_packet, hex(data), " -> ", f.detail);
  CHECK(f.reason == reason_code::malformed_packet);
}

// CHECKs that data fails with a protocol_error (reason 0x82).
inline void check_protocol_error(bytes_view data, role side = role::client,
                                 protocol_version version = protocol_version::v5) {
  const failure f = decode_failure(data, side, version);
  CHECK_MESSAGE(f.code == errc::protocol_error, hex(data), " -> ", f.detail);
  CHECK(f.reason == reason_code::protocol_error);
}

// CHECKs that data decodes to one packet.
inline void check_accepted(bytes_view data, role side = role::client,
                           protocol_version version = protocol_version::v5) {
  decoder d({side, version});
  d.feed(data);
  packet out;
  CHECK_MESSAGE(d.next(out) == decode_status::ready, hex(data), " -> ", std::string(d.error_detail()));
  CHECK(d.buffered() == 0);
}

} // namespace codec_test
