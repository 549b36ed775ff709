#include "reference_utf8.hpp"
#include "mqtk/protocol/utf8.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <string>

using mqtk::protocol::is_valid_mqtt_string;
using mqtk::protocol::is_valid_utf8;

namespace {

// Builds a string from byte values (avoids greedy "\x.." escapes).
std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) {
    s.push_back(static_cast<char>(v));
  }
  return s;
}

// Encodes a code point the obvious way, without any validity check.
std::string encode(std::uint32_t cp) {
  if (cp < 0x80) {
    return bytes({static_cast<int>(cp)});
  }
  if (cp < 0x800) {
    return bytes({static_cast<int>(0xC0 | (cp >> 6)), static_cast<int>(0x80 | (cp & 0x3F))});
  }
  if (cp < 0x10000) {
    return bytes({static_cast<int>(0xE0 | (cp >> 12)), static_cast<int>(0x80 | ((cp >> 6) & 0x3F)),
                  static_cast<int>(0x80 | (cp & 0x3F))});
  }
  return bytes({static_cast<int>(0xF0 | (cp >> 18)), static_cast<int>(0x80 | ((cp >> 12) & 0x3F)),
                static_cast<int>(0x80 | ((cp >> 6) & 0x3F)), static_cast<int>(0x80 | (cp & 0x3F))});
}


} // namespace

TEST_CASE("is_valid_utf8 accepts well-formed text") {
  SUBCASE("empty and ASCII") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("a"));
    CHECK(is_valid_utf8("sport/tennis/player1"));
    CHECK(is_valid_utf8(std::string(1000, 'x')));
    CHECK(is_valid_utf8(bytes({0x00})));
    CHECK(is_valid_utf8(bytes({0x7F})));
  }
  SUBCASE("boundaries of each sequence length") {
    CHECK(is_valid_utf8(bytes({0xC2, 0x80})));             // U+0080
    CHECK(is_valid_utf8(bytes({0xDF, 0xBF})));             // U+07FF
    CHECK(is_valid_utf8(bytes({0xE0, 0xA0, 0x80})));       // U+0800
    CHECK(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));       // U+D7FF, last before the surrogates
    CHECK(is_valid_utf8(bytes({0xEE, 0x80, 0x80})));       // U+E000, first after the surrogates
    CHECK(is_valid_utf8(bytes({0xEF, 0xBB, 0xBF})));       // U+FEFF byte order mark
    CHECK(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));       // U+FFFF
    CHECK(is_valid_utf8(bytes({0xF0, 0x90, 0x80, 0x80}))); // U+10000
    CHECK(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF}))); // U+10FFFF
  }
  SUBCASE("mixed text") {
    CHECK(is_valid_utf8("caf\xC3\xA9/\xE2\x82\xAC/\xF0\x9F\x98\x80"));
    CHECK(is_valid_utf8("A\xF0\xAA\x9B\x94")); // the spec's example 1.5.4-1: U+2A6D4
  }
}

TEST_CASE("is_valid_utf8 rejects ill-formed text") {
  SUBCASE("overlong forms") {
    CHECK_FALSE(is_valid_utf8(bytes({0xC0, 0x80})));             // U+0000 in two bytes
    CHECK_FALSE(is_valid_utf8(bytes({0xC0, 0xAF})));             // '/' in two bytes
    CHECK_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));             // U+007F in two bytes
    CHECK_FALSE(is_valid_utf8(bytes({0xE0, 0x80, 0x80})));       // U+0000 in three bytes
    CHECK_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));       // U+07FF in three bytes
    CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x80, 0x80, 0x80}))); // U+0000 in four bytes
    CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF}))); // U+FFFF in four bytes
  }
  SUBCASE("surrogates") {
    CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));                   // U+D800
    CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xAF, 0xBF})));                   // U+DBFF
    CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xB0, 0x80})));                   // U+DC00
    CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));                   // U+DFFF
    CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}))); // CESU-8 pair
  }
  SUBCASE("above U+10FFFF and bytes that never occur") {
    CHECK_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80}))); // U+110000
    CHECK_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
    CHECK_FALSE(is_valid_utf8(bytes({0xF7, 0xBF, 0xBF, 0xBF})));
    CHECK_FALSE(is_valid_utf8(bytes({0xF8, 0x88, 0x80, 0x80, 0x80}))); // old five-byte form
    CHECK_FALSE(is_valid_utf8(bytes({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80})));
    CHECK_FALSE(is_valid_utf8(bytes({0xFE})));
    CHECK_FALSE(is_valid_utf8(bytes({0xFF})));
  }
  SUBCASE("truncated sequences") {
    CHECK_FALSE(is_valid_utf8(bytes({0xC3})));
    CHECK_FALSE(is_valid_utf8(bytes({0xE2, 0x82})));
    CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98})));
    CHECK_FALSE(is_valid_utf8("abc" + bytes({0xE2, 0x82})));
    CHECK_FALSE(is_valid_utf8(bytes({0xC3}) + "a"));
    CHECK_FALSE(is_valid_utf8(bytes({0xE2, 0x82}) + "a"));
    CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98}) + "a"));
    CHECK_FALSE(is_valid_utf8(bytes({0xE2, 0x82, 0xC3, 0xA9}))); // new lead inside a sequence
  }
  SUBCASE("stray continuation bytes") {
    CHECK_FALSE(is_valid_utf8(bytes({0x80})));
    CHECK_FALSE(is_valid_utf8(bytes({0xBF})));
    CHECK_FALSE(is_valid_utf8("a" + bytes({0x80}) + "b"));
    CHECK_FALSE(is_valid_utf8(bytes({0xC3, 0xA9, 0xA9}))); // one continuation too many
    CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98, 0x80, 0x80})));
  }
}

TEST_CASE("is_valid_utf8 checks every position of the 8-byte fast path") {
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      CAPTURE(length);
      CAPTURE(at);
      std::string s(length, 'a');
      s[at] = static_cast<char>(0x80); // stray continuation
      CHECK_FALSE(is_valid_utf8(s));
      s[at] = static_cast<char>(0xFF);
      CHECK_FALSE(is_valid_utf8(s));
      s[at] = static_cast<char>(0xC3); // truncated unless followed by a continuation
      CHECK_FALSE(is_valid_utf8(s));
      if (at + 1 < length) {
        s[at + 1] = static_cast<char>(0xA9);
        CHECK(is_valid_utf8(s));
      }
    }
  }
}

TEST_CASE("is_valid_utf8 agrees with a reference decoder") {
  SUBCASE("every scalar value encodes to valid text, every surrogate to invalid") {
    std::size_t wrong = 0;
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
      const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
      if (is_valid_utf8(encode(cp)) == surrogate) {
        ++wrong;
      }
    }
    CHECK(wrong == 0);
  }
  SUBCASE("every one- and two-byte string") {
    std::size_t wrong = 0;
    for (int a = 0; a < 256; ++a) {
      if (is_valid_utf8(bytes({a})) != mqtk::test::reference_utf8(bytes({a}))) {
        ++wrong;
      }
      for (int b = 0; b < 256; ++b) {
        const auto s = bytes({a, b});
        if (is_valid_utf8(s) != mqtk::test::reference_utf8(s)) {
          ++wrong;
        }
      }
    }
    CHECK(wrong == 0);
  }
  SUBCASE("every three-byte string with a multi-byte lead, and four-byte samples") {
    const int samples[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xF4, 0xFF};
    std::size_t wrong = 0;
    for (int a = 0xC0; a < 256; ++a) {
      for (int b = 0; b < 256; ++b) {
        for (int c = 0; c < 256; ++c) {
          const auto s = bytes({a, b, c});
          if (is_valid_utf8(s) != mqtk::test::reference_utf8(s)) {
            ++wrong;
          }
        }
        for (int c : samples) {
          for (int d : samples) {
            const auto s = bytes({a, b, c, d});
            if (is_valid_utf8(s) != mqtk::test::reference_utf8(s)) {
              ++wrong;
            }
          }
        }
      }
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("is_valid_mqtt_string") {
  SUBCASE("valid UTF-8 without U+0000") {
    CHECK(is_valid_mqtt_string(""));
    CHECK(is_valid_mqtt_string("a/b"));
    CHECK(is_valid_mqtt_string(bytes({0x01})));             // U+0001 is allowed (a SHOULD NOT only)
    CHECK(is_valid_mqtt_string(bytes({0xEF, 0xBF, 0xBF}))); // U+FFFF non-character, allowed too
    CHECK(is_valid_mqtt_string("A\xF0\xAA\x9B\x94"));
  }
  SUBCASE("U+0000 anywhere, in the fast path and in the tail") {
    for (std::size_t length = 1; length <= 40; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        CAPTURE(length);
        CAPTURE(at);
        std::string s(length, 'a');
        s[at] = '\0';
        CHECK_FALSE(is_valid_mqtt_string(s));
        CHECK(is_valid_utf8(s));
      }
    }
    CHECK_FALSE(is_valid_mqtt_string("caf\xC3\xA9" + bytes({0x00})));
  }
  SUBCASE("bytes next to zero are not mistaken for it") {
    CHECK(is_valid_mqtt_string(std::string(64, '\x01')));
    CHECK(is_valid_mqtt_string(std::string(64, '\x7F')));
    CHECK(is_valid_mqtt_string(bytes({0x01, 0x02, 0x01, 0x01, 0x7F, 0x01, 0x01, 0x01, 0x01})));
  }
  SUBCASE("modified UTF-8 NUL (C0 80) is still ill-formed") {
    CHECK_FALSE(is_valid_mqtt_string(bytes({0xC0, 0x80})));
  }
  SUBCASE("ill-formed UTF-8") {
    CHECK_FALSE(is_valid_mqtt_string(bytes({0xED, 0xA0, 0x80})));
    CHECK_FALSE(is_valid_mqtt_string(bytes({0xC3})));
  }
  SUBCASE("at most 65,535 bytes") {
    CHECK(is_valid_mqtt_string(std::string(65'535, 'a')));
    CHECK_FALSE(is_valid_mqtt_string(std::string(65'536, 'a')));
    CHECK(is_valid_utf8(std::string(65'536, 'a'))); // the limit is MQTT's, not UTF-8's
  }
}
