#include "mqtk/protocol/utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace mqtk::protocol {
namespace {

constexpr std::uint64_t low_bits = 0x0101'0101'0101'0101;
constexpr std::uint64_t high_bits = 0x8080'8080'8080'8080;

// True when all eight bytes are ASCII (and, with RejectNul, none is zero). Without a high bit in any
// byte, w - low_bits borrows into a byte's high bit exactly when some byte is zero.
template <bool RejectNul> bool plain_ascii_block(const unsigned char *p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  if constexpr (RejectNul) {
    return (((w - low_bits) | w) & high_bits) == 0;
  } else {
    return (w & high_bits) == 0;
  }
}

bool is_continuation(unsigned char c) noexcept {
  return (c & 0xC0) == 0x80;
}

// Walks text per RFC 3629 section 4; with RejectNul a zero byte (U+0000) fails too.
template <bool RejectNul> bool check(std::string_view text) noexcept {
  auto p = reinterpret_cast<const unsigned char *>(text.data());
  const auto end = p + text.size();
  while (p != end) {
    while (end - p >= 8 && plain_ascii_block<RejectNul>(p)) {
      p += 8;
    }
    if (p == end) {
      break;
    }
    const unsigned char lead = *p;
    if (lead < 0x80) {
      if (RejectNul && lead == 0) {
        return false;
      }
      ++p;
      continue;
    }
    // Second-byte range allowed by the lead byte (this rules out overlongs, surrogates and code
    // points above U+10FFFF); later continuation bytes are always 80..BF.
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    std::ptrdiff_t length;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) {
        second_min = 0xA0;
      } else if (lead == 0xED) {
        second_max = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) {
        second_min = 0x90;
      } else if (lead == 0xF4) {
        second_max = 0x8F;
      }
    } else {
      return false; // stray continuation byte, C0/C1 overlong lead, or F5..FF
    }
    if (end - p < length) {
      return false;
    }
    if (p[1] < second_min || p[1] > second_max) {
      return false;
    }
    for (std::ptrdiff_t i = 2; i < length; ++i) {
      if (!is_continuation(p[i])) {
        return false;
      }
    }
    p += length;
  }
  return true;
}

} // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  return check<false>(text);
}

bool is_valid_mqtt_string(std::string_view text) noexcept {
  return text.size() <= 65'535 && check<true>(text);
}

} // namespace mqtk::protocol
