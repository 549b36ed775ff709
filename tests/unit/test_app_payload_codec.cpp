// The payload codecs behind mqtk-sub --decode and mqtk-pub --encode: golden bytes and round trips.
#include "common/payload_codec.hpp"

#include <doctest/doctest.h>

#include <string>

using mqtk::apps::decode_payload;
using mqtk::apps::encode_payload;
using mqtk::apps::parse_payload_codec;
using mqtk::apps::payload_codec;

namespace {
std::string encoded(payload_codec c, std::string_view json) {
  std::string error;
  auto out = encode_payload(c, json, error);
  REQUIRE(out.has_value());
  return *out;
}
} // namespace

TEST_CASE("payload codec: names") {
  CHECK(parse_payload_codec("cbor") == payload_codec::cbor);
  CHECK(parse_payload_codec("msgpack") == payload_codec::msgpack);
  CHECK(parse_payload_codec("hex") == payload_codec::hex);
  CHECK(parse_payload_codec("base64") == payload_codec::base64);
  CHECK_FALSE(parse_payload_codec("CBOR").has_value());
  CHECK_FALSE(parse_payload_codec("").has_value());
}

TEST_CASE("payload codec: CBOR golden bytes for {\"a\":1}") {
  const std::string golden = {
      '\xa1',      // map of 1 pair
      '\x61', 'a', // text string of length 1: "a"
      '\x01',      // unsigned integer 1
  };
  CHECK(encoded(payload_codec::cbor, R"({"a":1})") == golden);
  CHECK(decode_payload(payload_codec::cbor, golden) == R"({"a":1})");
}

TEST_CASE("payload codec: MessagePack golden bytes for {\"a\":[true,null]}") {
  const std::string golden = {
      '\x81',         // fixmap of 1 pair
      '\xa1', 'a',    // fixstr of length 1: "a"
      '\x92',         // fixarray of 2
      '\xc3', '\xc0', // true, nil
  };
  CHECK(encoded(payload_codec::msgpack, R"({"a":[true,null]})") == golden);
  CHECK(decode_payload(payload_codec::msgpack, golden) == R"({"a":[true,null]})");
}

TEST_CASE("payload codec: CBOR and MessagePack round trips") {
  for (const char *doc : {R"({"t":21.5,"s":"caf\u00e9","l":[1,-2,3000000000]})", "[]", "\"x\"", "null", "-7"}) {
    for (auto c : {payload_codec::cbor, payload_codec::msgpack}) {
      const auto bytes = encoded(c, doc);
      const auto back = decode_payload(c, bytes);
      REQUIRE(back.has_value());
      CHECK(*decode_payload(c, encoded(c, *back)) == *back);
    }
  }
}

TEST_CASE("payload codec: invalid input is refused, never thrown") {
  std::string error;
  CHECK_FALSE(encode_payload(payload_codec::cbor, "{not json", error).has_value());
  CHECK(error == "the payload is not valid JSON");
  CHECK_FALSE(encode_payload(payload_codec::msgpack, "1 2", error).has_value());
  CHECK_FALSE(decode_payload(payload_codec::cbor, "\xa1\x61").has_value());        // truncated map
  CHECK_FALSE(decode_payload(payload_codec::cbor, "\x01\x02").has_value());        // trailing byte
  CHECK_FALSE(decode_payload(payload_codec::msgpack, "\xc1").has_value());         // never-used byte
  CHECK_FALSE(decode_payload(payload_codec::msgpack, std::string_view{}).has_value()); // empty
}

TEST_CASE("payload codec: hex and base64") {
  CHECK(encoded(payload_codec::hex, "\x01\xab") == "01ab");
  CHECK(decode_payload(payload_codec::hex, "01 AB\n") == std::string("\x01\xab"));
  CHECK_FALSE(decode_payload(payload_codec::hex, "0").has_value());
  CHECK_FALSE(decode_payload(payload_codec::hex, "zz").has_value());
  CHECK(encoded(payload_codec::base64, "hello") == "aGVsbG8=");
  CHECK(encoded(payload_codec::base64, "hi") == "aGk=");
  CHECK(encoded(payload_codec::base64, "abc") == "YWJj");
  CHECK(decode_payload(payload_codec::base64, "aGVsbG8=") == "hello");
  CHECK(decode_payload(payload_codec::base64, "aGVsbG8") == "hello");
  CHECK(decode_payload(payload_codec::base64, "aGk=") == "hi");
  CHECK_FALSE(decode_payload(payload_codec::base64, "a").has_value());
  CHECK_FALSE(decode_payload(payload_codec::base64, "aG=k").has_value());
  CHECK_FALSE(decode_payload(payload_codec::base64, "a*==").has_value());
  const std::string all = [] {
    std::string s;
    for (int i = 0; i < 256; ++i)
      s.push_back(static_cast<char>(i));
    return s;
  }();
  for (auto c : {payload_codec::hex, payload_codec::base64})
    CHECK(decode_payload(c, encoded(c, all)) == all);
}
