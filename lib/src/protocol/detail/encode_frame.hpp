#pragma once

#include "detail/wire_writer.hpp"
#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/error.hpp"

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

// The frame every encoder shares: size the body, check the limits, then append fixed header and body.
namespace mqtk::protocol::detail {

// The error for caller input the protocol cannot carry.
inline std::error_code invalid_argument() noexcept {
  return make_error_code(errc::invalid_argument);
}

// True when a string or binary field of size bytes fits its two-byte length prefix.
constexpr bool fits_length_prefix(std::size_t size) noexcept {
  return size <= 65'535;
}

// Appends fixed header byte first_byte, the Remaining Length and the body to out. body(sink) must
// write the same bytes into any sink. packet_too_large when the packet is over the spec's limit or
// options.maximum_packet_size; out is then unchanged.
template <class Body>
std::error_code encode_frame(std::uint8_t first_byte, const encode_options &options,
                             std::vector<std::uint8_t> &out, const Body &body) {
  size_counter counter;
  body(counter);
  if (counter.size > max_remaining_length) {
    return make_error_code(errc::packet_too_large);
  }
  const auto remaining = static_cast<std::uint32_t>(counter.size);
  const std::size_t total = 1 + vbi_size(remaining) + remaining;
  if (total > options.maximum_packet_size) {
    return make_error_code(errc::packet_too_large);
  }
  const std::size_t start = out.size();
  out.resize(start + total);
  byte_writer writer{out.data() + start};
  writer.put(first_byte);
  put_vbi(writer, remaining);
  body(writer);
  return {};
}

} // namespace mqtk::protocol::detail
