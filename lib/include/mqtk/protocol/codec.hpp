#pragma once

#include "mqtk/protocol/packets.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mqtk::protocol {

// The largest Remaining Length the spec allows (four variable-byte-integer bytes).
inline constexpr std::uint32_t max_remaining_length = 268'435'455;
// The largest whole packet: fixed header byte, four length bytes, max_remaining_length.
inline constexpr std::uint32_t max_packet_size = max_remaining_length + 5;

// Which end of the connection we are; a decoder decodes what the other end sends.
enum class role { client, server };

// What the encoder needs to know besides the packet.
struct encode_options {
  protocol_version version = protocol_version::v5; // CONNECT uses its own version field instead
  std::uint32_t maximum_packet_size = max_packet_size; // the peer's limit; larger gives packet_too_large
};

// Appends the wire bytes of a packet to out. Fields the version cannot carry (properties and reason
// codes before 5.0) are left out. Errors: invalid_argument for a packet the version cannot carry at
// all (AUTH before 5.0) or a value out of range (QoS 3, packet id 0 with QoS > 0, string over 65,535
// bytes); packet_too_large over options.maximum_packet_size. On error out is left unchanged.
std::error_code encode(const packet &p, const encode_options &options, std::vector<std::uint8_t> &out);
// Overloads that skip building a variant (hot path).
std::error_code encode(const connect &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const connack &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const publish &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const puback &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const pubrec &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const pubrel &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const pubcomp &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const subscribe &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const suback &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const unsubscribe &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const unsuback &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const pingreq &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const pingresp &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const disconnect &p, const encode_options &options, std::vector<std::uint8_t> &out);
std::error_code encode(const auth &p, const encode_options &options, std::vector<std::uint8_t> &out);

// Settings of a decoder.
struct decoder_options {
  role side = role::client;                            // client: decodes server packets, and vice versa
  protocol_version version = protocol_version::v5;     // a server-side decoder learns it from CONNECT
  std::uint32_t maximum_packet_size = max_packet_size; // our limit; larger gives packet_too_large
};

// Outcome of decoder::next.
enum class decode_status { need_more, ready, error };

// Incremental, strict decoder of one connection's byte stream. Accepts any chunking of the input.
// Never allocates by a length field before the bytes arrived. After an error it stays failed until
// reset(). Views in a decoded packet stay valid until the next call to feed/prepare/next/reset.
class decoder {
public:
  // Creates a decoder with the given settings.
  explicit decoder(decoder_options options = {});

  // Switches the protocol version (after CONNECT/CONNACK negotiation).
  void set_version(protocol_version version) noexcept;
  // The protocol version packets are decoded for.
  protocol_version version() const noexcept;
  // Sets the largest whole packet accepted (fixed header included).
  void set_maximum_packet_size(std::uint32_t size) noexcept;

  // Writable space of at least n bytes at the end of the buffer, for a transport to read into.
  std::span<std::uint8_t> prepare(std::size_t n);
  // Writable space inside shared, a buffer other decoders use too (one per thread for thousands of
  // connections): the bytes not yet decoded are copied to its start and the space after them is
  // returned. commit() then decodes straight from shared, and settle() must follow before shared is
  // used again: it moves what is left of an incomplete packet back into this decoder. When the
  // undecoded bytes would leave less than n bytes free in shared, returns prepare(n) instead.
  // Nothing changes until commit(), so a read that brings nothing needs no settle().
  std::span<std::uint8_t> prepare_shared(std::span<std::uint8_t> shared, std::size_t n);
  // Marks n bytes written into the space from prepare() or prepare_shared() as received.
  void commit(std::size_t n);
  // After decoding from a shared buffer: keeps the undecoded bytes (an incomplete packet) in this
  // decoder's own buffer and releases an own buffer grown for a large packet once it is empty.
  // Invalidates the views of the last packet. No effect otherwise.
  void settle();
  // Copies received bytes into the buffer (prepare + commit).
  void feed(bytes_view bytes);

  // Decodes the next complete packet into out. Reuses out's storage when it already holds the same
  // packet type, so a steady stream of one type allocates nothing.
  decode_status next(packet &out);

  // After decode_status::error: malformed_packet, protocol_error or packet_too_large.
  std::error_code error() const noexcept;
  // After decode_status::error: which rule the bytes broke, for diagnostics.
  std::string_view error_detail() const noexcept;
  // The reason code to send in DISCONNECT for the current error (0x81, 0x82 or 0x95).
  reason_code error_reason() const noexcept;

  // Drops buffered bytes and any error, for a new connection. Keeps settings and capacity.
  void reset() noexcept;
  // Number of received bytes not yet decoded.
  std::size_t buffered() const noexcept;
  // The received bytes not yet decoded (valid until the next prepare, feed or next).
  bytes_view pending() const noexcept;

private:
  std::uint8_t *data() noexcept { return shared_ ? shared_ : buffer_.data(); }
  const std::uint8_t *data() const noexcept { return shared_ ? shared_ : buffer_.data(); }

  decoder_options options_;
  std::vector<std::uint8_t> buffer_;
  std::uint8_t *shared_ = nullptr;          // committed bytes live in a shared buffer until settle()
  std::uint8_t *prepared_shared_ = nullptr; // prepare_shared() offered this shared buffer
  std::size_t begin_ = 0;        // first undecoded byte
  std::size_t end_ = 0;          // one past the last received byte
  std::size_t consume_next_ = 0; // bytes of the packet handed out last, dropped on the next call
  std::size_t prepared_ = 0;     // bytes the last prepare() offered; commit() takes at most these
  std::error_code error_;
  std::string error_detail_; // error_detail() text, owned so that copies stay valid (set on errors only)
};

} // namespace mqtk::protocol
