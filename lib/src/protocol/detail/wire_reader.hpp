#pragma once

#include "mqtk/protocol/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

// Bounds-checked reading of MQTT data types (spec 1.5) from one packet's bytes. Every read either
// succeeds and advances, or returns false and leaves the position unchanged; nothing reads past
// the end of the view it was given.
namespace mqtk::protocol::detail {

// Outcome of reading a Variable Byte Integer.
enum class vbi_status { ok, truncated, too_long };

// Decodes a Variable Byte Integer from the front of data (at most four bytes; a fifth is too_long).
// Non-minimal encodings are accepted. On ok, size holds the number of bytes used.
inline vbi_status parse_vbi(bytes_view data, std::uint32_t &value, std::size_t &size) noexcept {
  std::uint32_t result = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i == data.size()) {
      return vbi_status::truncated;
    }
    const std::uint8_t byte = data[i];
    result |= static_cast<std::uint32_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      value = result;
      size = i + 1;
      return vbi_status::ok;
    }
  }
  return vbi_status::too_long;
}

// A cursor over one packet's bytes.
class wire_reader {
public:
  // Reads from data, which must outlive the reader.
  explicit wire_reader(bytes_view data) noexcept : data_(data) {}

  // Bytes not read yet.
  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  // True when every byte has been read.
  bool at_end() const noexcept { return pos_ == data_.size(); }

  // Reads one byte.
  bool read_u8(std::uint8_t &value) noexcept {
    if (remaining() < 1) {
      return false;
    }
    value = data_[pos_++];
    return true;
  }

  // Reads a Two Byte Integer (big-endian).
  bool read_u16(std::uint16_t &value) noexcept {
    if (remaining() < 2) {
      return false;
    }
    value = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }

  // Reads a Four Byte Integer (big-endian).
  bool read_u32(std::uint32_t &value) noexcept {
    if (remaining() < 4) {
      return false;
    }
    value = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
            (std::uint32_t{data_[pos_ + 2]} << 8) | std::uint32_t{data_[pos_ + 3]};
    pos_ += 4;
    return true;
  }

  // Reads a Variable Byte Integer; false when truncated or longer than four bytes.
  bool read_vbi(std::uint32_t &value) noexcept {
    std::size_t size = 0;
    if (parse_vbi(data_.subspan(pos_), value, size) != vbi_status::ok) {
      return false;
    }
    pos_ += size;
    return true;
  }

  // Reads n raw bytes.
  bool read_bytes(std::size_t n, bytes_view &value) noexcept {
    if (remaining() < n) {
      return false;
    }
    value = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }

  // Reads Binary Data: a Two Byte Integer length, then that many bytes.
  bool read_binary(bytes_view &value) noexcept {
    const std::size_t start = pos_;
    std::uint16_t length = 0;
    if (!read_u16(length) || !read_bytes(length, value)) {
      pos_ = start;
      return false;
    }
    return true;
  }

  // Reads the bytes of a UTF-8 Encoded String (length-prefixed); the caller validates the text.
  bool read_string(std::string_view &value) noexcept {
    bytes_view raw;
    if (!read_binary(raw)) {
      return false;
    }
    value = as_chars(raw);
    return true;
  }

  // Reads everything that is left.
  bytes_view read_rest() noexcept {
    const bytes_view rest = data_.subspan(pos_);
    pos_ = data_.size();
    return rest;
  }

private:
  bytes_view data_;
  std::size_t pos_ = 0;
};

} // namespace mqtk::protocol::detail
