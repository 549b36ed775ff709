#pragma once

#include "mqtk/protocol/types.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

// Writing MQTT data types (spec 1.5) into a sink. Encoders run the same body code twice: once into
// a size_counter to learn the Remaining Length, then into a byte_writer over space already reserved
// in the output, so nothing is written before the size is known to be acceptable.
namespace mqtk::protocol::detail {

// Number of bytes of value as a Variable Byte Integer (value <= max_remaining_length).
constexpr std::size_t vbi_size(std::uint32_t value) noexcept {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
}

// A sink that only counts bytes.
struct size_counter {
  std::size_t size = 0;
  // Counts one byte.
  void put(std::uint8_t) noexcept { ++size; }
  // Counts a run of bytes.
  void put(bytes_view bytes) noexcept { size += bytes.size(); }
};

// A sink that writes into space sized by a size_counter run.
struct byte_writer {
  std::uint8_t *out;
  // Writes one byte.
  void put(std::uint8_t value) noexcept { *out++ = value; }
  // Writes a run of bytes.
  void put(bytes_view bytes) noexcept {
    if (!bytes.empty()) {
      std::memcpy(out, bytes.data(), bytes.size());
      out += bytes.size();
    }
  }
};

// Writes a Two Byte Integer.
template <class Sink> void put_u16(Sink &sink, std::uint16_t value) {
  sink.put(static_cast<std::uint8_t>(value >> 8));
  sink.put(static_cast<std::uint8_t>(value));
}

// Writes a Four Byte Integer.
template <class Sink> void put_u32(Sink &sink, std::uint32_t value) {
  sink.put(static_cast<std::uint8_t>(value >> 24));
  sink.put(static_cast<std::uint8_t>(value >> 16));
  sink.put(static_cast<std::uint8_t>(value >> 8));
  sink.put(static_cast<std::uint8_t>(value));
}

// Writes a Variable Byte Integer (value <= max_remaining_length).
template <class Sink> void put_vbi(Sink &sink, std::uint32_t value) {
  do {
    auto byte = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
    if (value != 0) {
      byte = static_cast<std::uint8_t>(byte | 0x80);
    }
    sink.put(byte);
  } while (value != 0);
}

// Writes Binary Data (length <= 65,535, checked by the caller).
template <class Sink> void put_binary(Sink &sink, bytes_view data) {
  put_u16(sink, static_cast<std::uint16_t>(data.size()));
  sink.put(data);
}

// Writes a UTF-8 Encoded String (validated by the caller).
template <class Sink> void put_string(Sink &sink, std::string_view text) {
  put_binary(sink, as_bytes(text));
}

} // namespace mqtk::protocol::detail
