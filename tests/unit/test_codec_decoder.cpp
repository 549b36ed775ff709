// The incremental decoder: chunking, several packets per feed, prepare/commit, packet_too_large
// from the header alone, sticky errors, reset, and version handling.
#include "test_codec_helpers.hpp"

#include <cstring>

using namespace codec_test;

namespace {

constexpr auto v311 = protocol_version::v311;

// A 5.0 PUBLISH QoS 1 with properties, as the server sends it.
bytes sample_publish_bytes() {
  publish p;
  p.topic = "sensors/room1";
  p.payload = bin("21.5");
  p.qos = qos::at_least_once;
  p.packet_id = 42;
  p.props.user_properties = {{"unit", "C"}};
  p.props.subscription_identifiers = {7};
  p.props.content_type = "text/plain";
  return encode_ok(p);
}

} // namespace

TEST_CASE("codec decoder: two packets in one feed") {
  const bytes data = concat_bytes({from_hex("D0 00"), sample_publish_bytes(), from_hex("40 02 00 01")});
  decoder d;
  d.feed(data);
  packet p;
  REQUIRE(d.next(p) == decode_status::ready);
  CHECK(std::holds_alternative<pingresp>(p));
  CHECK(d.buffered() == data.size() - 2);
  REQUIRE(d.next(p) == decode_status::ready);
  REQUIRE(std::holds_alternative<publish>(p));
  CHECK(std::get<publish>(p).topic == "sensors/room1");
  CHECK(as_chars(std::get<publish>(p).payload) == "21.5");
  REQUIRE(d.next(p) == decode_status::ready);
  CHECK(std::get<puback>(p).packet_id == 1);
  CHECK(d.next(p) == decode_status::need_more);
  CHECK(d.buffered() == 0);
}

TEST_CASE("codec decoder: every split point of a packet") {
  const bytes data = sample_publish_bytes();
  const packet want = decode_one(data, role::client).value;
  for (std::size_t split = 1; split < data.size(); ++split) {
    CAPTURE(split);
    decoder d;
    packet p;
    d.feed(bytes_view(data).first(split));
    REQUIRE(d.next(p) == decode_status::need_more);
    d.feed(bytes_view(data).subspan(split));
    REQUIRE(d.next(p) == decode_status::ready);
    CHECK(std::get<publish>(p).topic == "sensors/room1");
    CHECK(std::get<publish>(p).props.user_properties == std::vector<user_property>{{"unit", "C"}});
  }
}

TEST_CASE("codec decoder: prepare and commit") {
  const bytes data = sample_publish_bytes();
  decoder d;
  packet p;
  std::span<std::uint8_t> space = d.prepare(4096);
  CHECK(space.size() == 4096);
  std::memcpy(space.data(), data.data(), 5);
  d.commit(5);
  CHECK(d.buffered() == 5);
  CHECK(d.next(p) == decode_status::need_more);
  space = d.prepare(data.size() - 5);
  CHECK(space.size() == data.size() - 5);
  std::memcpy(space.data(), data.data() + 5, data.size() - 5);
  d.commit(data.size() - 5);
  REQUIRE(d.next(p) == decode_status::ready);
  CHECK(std::get<publish>(p).packet_id == 42);
  SUBCASE("commit never goes past the prepared space") {
    d.prepare(2);
    d.commit(1000);
    CHECK(d.buffered() <= 2);
  }
}

TEST_CASE("codec decoder: the buffer is reused, not grown, by a steady stream") {
  const bytes data = sample_publish_bytes();
  decoder d;
  packet p;
  const std::uint8_t *first = nullptr;
  for (int i = 0; i < 2000; ++i) {
    // Feed in uneven chunks so that a packet often straddles two feeds.
    const std::size_t cut = static_cast<std::size_t>(i) % data.size();
    d.feed(bytes_view(data).first(cut));
    while (d.next(p) == decode_status::ready) {
    }
    d.feed(bytes_view(data).subspan(cut));
    int ready = 0;
    while (d.next(p) == decode_status::ready) {
      ++ready;
    }
    CHECK(ready == 1);
    if (i == 100) {
      first = d.prepare(1).data() - d.buffered();
    }
  }
  CHECK(d.buffered() == 0);
  CHECK(d.prepare(1).data() - d.buffered() == first);
}

TEST_CASE("codec decoder: packet_too_large is known from the fixed header") {
  decoder d({role::client, protocol_version::v5, 100});
  packet p;
  d.feed(from_hex("30 E8 07")); // PUBLISH, remaining length 1000: nothing of the body has arrived
  REQUIRE(d.next(p) == decode_status::error);
  CHECK(d.error() == errc::packet_too_large);
  CHECK(d.error_reason() == reason_code::packet_too_large);
  CHECK(d.error_detail() == "PUBLISH is larger than the maximum packet size");
  SUBCASE("the limit counts the whole packet") {
    decoder exact({role::client, protocol_version::v5, 10});
    exact.feed(from_hex("30 08 00 01 74 00 31 32 33 34")); // 10 bytes
    CHECK(exact.next(p) == decode_status::ready);
    decoder over({role::client, protocol_version::v5, 9});
    over.feed(from_hex("30 08"));
    CHECK(over.next(p) == decode_status::error);
    CHECK(over.error() == errc::packet_too_large);
  }
  SUBCASE("set_maximum_packet_size") {
    decoder later;
    later.set_maximum_packet_size(3);
    later.feed(from_hex("40 02"));
    CHECK(later.next(p) == decode_status::error);
    CHECK(later.error() == errc::packet_too_large);
  }
}

TEST_CASE("codec decoder: errors are sticky until reset") {
  decoder d({role::client, v311});
  packet p;
  d.feed(from_hex("40 02 00 00"));
  REQUIRE(d.next(p) == decode_status::error);
  CHECK(d.error() == errc::malformed_packet);
  CHECK(d.error_reason() == reason_code::malformed_packet);
  d.feed(from_hex("D0 00"));
  CHECK(d.next(p) == decode_status::error);
  d.reset();
  CHECK_FALSE(d.error());
  CHECK(d.error_detail().empty());
  CHECK(d.buffered() == 0);
  CHECK(d.version() == v311); // settings survive reset
  d.feed(from_hex("D0 00"));
  CHECK(d.next(p) == decode_status::ready);
  CHECK(std::holds_alternative<pingresp>(p));
}

TEST_CASE("codec decoder: error detail survives a copy of the decoder") {
  decoder d;
  packet p;
  d.feed(from_hex("40 02 00 00"));
  REQUIRE(d.next(p) == decode_status::error);
  const decoder copy = d;
  d.reset();
  CHECK(copy.error_detail() == "PUBACK packet identifier is 0");
}

TEST_CASE("codec decoder: versions") {
  SUBCASE("a server learns the version from CONNECT") {
    decoder d({role::server, protocol_version::v5});
    packet p;
    connect c;
    c.version = v311;
    c.client_id = "c";
    d.feed(encode_ok(c, v311));
    REQUIRE(d.next(p) == decode_status::ready);
    CHECK(std::get<connect>(p).version == v311);
    CHECK(d.version() == v311);
    d.feed(from_hex("30 05 00 01 74 68 69")); // 3.1.1 PUBLISH: no property length
    REQUIRE(d.next(p) == decode_status::ready);
    CHECK(as_chars(std::get<publish>(p).payload) == "hi");
  }
  SUBCASE("MQTT 3.1") {
    decoder d({role::server, protocol_version::v5});
    packet p;
    connect c;
    c.version = protocol_version::v31;
    c.client_id = "c";
    d.feed(encode_ok(c, protocol_version::v31));
    REQUIRE(d.next(p) == decode_status::ready);
    CHECK(d.version() == protocol_version::v31);
  }
  SUBCASE("a client switches after CONNACK") {
    decoder d({role::client, protocol_version::v5});
    d.set_version(v311);
    CHECK(d.version() == v311);
    packet p;
    d.feed(from_hex("20 02 00 00"));
    CHECK(d.next(p) == decode_status::ready);
  }
}

TEST_CASE("codec decoder: reuses the packet it decodes into") {
  decoder d;
  packet p = publish{};
  std::get<publish>(p).props.user_properties.reserve(8);
  const auto *storage = std::get<publish>(p).props.user_properties.data();
  const bytes data = sample_publish_bytes();
  for (int i = 0; i < 3; ++i) {
    d.feed(data);
    REQUIRE(d.next(p) == decode_status::ready);
    CHECK(std::get<publish>(p).props.user_properties.data() == storage);
    CHECK(std::get<publish>(p).props.subscription_identifiers == std::vector<std::uint32_t>{7});
  }
  SUBCASE("another packet type replaces the alternative") {
    d.feed(from_hex("D0 00"));
    REQUIRE(d.next(p) == decode_status::ready);
    CHECK(std::holds_alternative<pingresp>(p));
  }
  SUBCASE("fields of the previous packet do not leak into the next") {
    d.feed(from_hex("30 07 00 00 03 23 00 01 41"));
    d.feed(from_hex("30 04 00 01 74 00"));
    REQUIRE(d.next(p) == decode_status::ready);
    REQUIRE(d.next(p) == decode_status::ready);
    const publish &second = std::get<publish>(p);
    CHECK(second.topic == "t");
    CHECK(second.packet_id == 0);
    CHECK(second.props.empty());
    CHECK(second.payload.empty());
  }
}
