// Strict decoding: every malformed-input rule of the fixed header and of each packet, with the
// error code and the DISCONNECT reason it maps to. Properties have their own file.
#include "test_codec_helpers.hpp"

using namespace codec_test;

namespace {
constexpr auto v311 = protocol_version::v311;
constexpr auto v5 = protocol_version::v5;
} // namespace

TEST_CASE("codec malformed: reserved packet types") {
  check_malformed(from_hex("00 00"), role::client);
  check_malformed(from_hex("00 00"), role::server);
  check_malformed(from_hex("F0 00"), role::client, v311); // type 15 is AUTH only from 5.0 on
  check_malformed(from_hex("F0 00"), role::server, v311);
  CHECK(decode_failure(from_hex("00 00")).detail == "packet type 0 is reserved");
}

TEST_CASE("codec malformed: fixed header flags") {
  SUBCASE("flags must be 0000") {
    check_malformed(from_hex("21 02 00 00"), role::client, v311);
    check_malformed(from_hex("41 02 00 01"), role::client, v311);
    check_malformed(from_hex("52 02 00 01"), role::client, v311);
    check_malformed(from_hex("74 02 00 01"), role::client, v311);
    check_malformed(from_hex("98 03 00 01 00"), role::client, v311);
    check_malformed(from_hex("B1 02 00 01"), role::client, v311);
    check_malformed(from_hex("D8 00"), role::client, v311);
    check_malformed(from_hex("C1 00"), role::server, v311);
    check_malformed(from_hex("E2 00"), role::server, v311);
    check_malformed(from_hex("11 00"), role::server, v311);
    check_malformed(from_hex("F1 00"), role::client, v5);
    CHECK(decode_failure(from_hex("41 02 00 01")).detail == "PUBACK fixed header flags are not 0000");
  }
  SUBCASE("PUBREL, SUBSCRIBE and UNSUBSCRIBE must be 0010") {
    check_malformed(from_hex("60 02 00 01"), role::client, v311);
    check_malformed(from_hex("63 02 00 01"), role::server, v311);
    check_malformed(from_hex("80 06 00 01 00 01 61 00"), role::server, v311);
    check_malformed(from_hex("8A 06 00 01 00 01 61 00"), role::server, v311);
    check_malformed(from_hex("A0 05 00 01 00 01 61"), role::server, v311);
    check_malformed(from_hex("A6 05 00 01 00 01 61"), role::server, v311);
  }
  SUBCASE("PUBLISH QoS 3 and DUP with QoS 0") {
    check_malformed(from_hex("36 05 00 01 74 00 01"), role::client, v311);
    check_malformed(from_hex("38 03 00 01 74"), role::client, v311);
    check_malformed(from_hex("39 04 00 01 74 00"), role::client, v5);
    CHECK(decode_failure(from_hex("36 05 00 01 74 00 01")).detail == "PUBLISH has QoS 3");
    CHECK(decode_failure(from_hex("38 03 00 01 74")).detail == "PUBLISH has DUP set with QoS 0");
  }
}

TEST_CASE("codec malformed: remaining length") {
  SUBCASE("a fifth length byte is malformed") {
    check_malformed(from_hex("30 FF FF FF FF 7F"));
    check_malformed(from_hex("30 80 80 80 80 00"));
  }
  SUBCASE("four continuation bytes only wait for more") {
    decoder d;
    d.feed(from_hex("30 FF FF FF"));
    packet p;
    CHECK(d.next(p) == decode_status::need_more);
  }
  SUBCASE("a non-minimal encoding is accepted") {
    check_accepted(from_hex("D0 80 00"), role::client, v311);
    check_accepted(from_hex("D0 80 80 80 00"), role::client, v5);
  }
}

TEST_CASE("codec malformed: packets a side never sends are protocol errors") {
  SUBCASE("client receiving client packets") {
    check_protocol_error(from_hex("10 0D 00 04 4D 51 54 54 04 02 00 0A 00 01 70"), role::client, v311);
    check_protocol_error(from_hex("82 06 00 01 00 01 61 00"), role::client, v311);
    check_protocol_error(from_hex("A2 05 00 01 00 01 61"), role::client, v311);
    check_protocol_error(from_hex("C0 00"), role::client, v5);
  }
  SUBCASE("server receiving server packets") {
    check_protocol_error(from_hex("20 02 00 00"), role::server, v311);
    check_protocol_error(from_hex("90 03 00 01 00"), role::server, v311);
    check_protocol_error(from_hex("B0 02 00 01"), role::server, v311);
    check_protocol_error(from_hex("D0 00"), role::server, v5);
  }
  SUBCASE("DISCONNECT from a 3.x server") {
    check_protocol_error(from_hex("E0 00"), role::client, v311);
    check_protocol_error(from_hex("E0 00"), role::client, protocol_version::v31);
    check_accepted(from_hex("E0 00"), role::client, v5);
    CHECK(decode_failure(from_hex("E0 00"), role::client, v311).detail ==
          "DISCONNECT is never sent by a server before MQTT 5.0");
  }
  SUBCASE("the error is known from the first byte") {
    decoder d({role::client, v5});
    d.feed(from_hex("82"));
    packet p;
    CHECK(d.next(p) == decode_status::error);
    CHECK(d.error() == errc::protocol_error);
  }
}

TEST_CASE("codec malformed: exact remaining lengths of 3.x packets") {
  check_malformed(from_hex("40 03 00 01 00"), role::client, v311);
  check_malformed(from_hex("50 01 00"), role::client, v311);
  check_malformed(from_hex("62 00"), role::client, v311);
  check_malformed(from_hex("70 04 00 01 00 00"), role::client, v311);
  check_malformed(from_hex("20 03 00 00 00"), role::client, v311);
  check_malformed(from_hex("20 01 00"), role::client, v311);
  check_malformed(from_hex("D0 01 00"), role::client, v311);
  check_malformed(from_hex("C0 01 00"), role::server, v311);
  check_malformed(from_hex("E0 01 00"), role::server, v311);
  check_malformed(from_hex("B0 03 00 01 00"), role::client, v311);
  CHECK(decode_failure(from_hex("40 03 00 01 00"), role::client, v311).detail ==
        "PUBACK has bytes after its last field");
}

TEST_CASE("codec malformed: 5.0 remaining length shortcuts") {
  SUBCASE("acks: 2 = success, 3 = reason only, 4+ = reason and properties") {
    check_accepted(from_hex("40 02 00 01"));
    check_accepted(from_hex("50 03 00 01 80"));
    check_accepted(from_hex("62 04 00 01 92 00"), role::server);
    check_malformed(from_hex("70 01 00"));
    check_malformed(from_hex("40 04 00 01 00 01"));    // property length 1 with no property
    check_malformed(from_hex("40 05 00 01 00 00 00")); // a byte after the properties
  }
  SUBCASE("DISCONNECT: 0 = normal, 1 = reason only") {
    check_accepted(from_hex("E0 00"), role::server);
    check_accepted(from_hex("E0 01 81"), role::server);
    check_accepted(from_hex("E0 02 8B 00"));
    check_malformed(from_hex("E0 03 00 00 00"), role::server);
  }
  SUBCASE("AUTH: 0 = success; a reason needs a property length") {
    check_accepted(from_hex("F0 00"));
    check_malformed(from_hex("F0 01 18"));
    check_accepted(from_hex("F0 02 18 00"));
  }
  SUBCASE("CONNACK needs its property length") {
    check_malformed(from_hex("20 02 00 00"));
    check_malformed(from_hex("20 04 00 00 00 00"));
    CHECK(decode_failure(from_hex("20 02 00 00")).detail == "CONNACK property length is missing");
  }
}

TEST_CASE("codec malformed: lengths never read past the end") {
  check_malformed(from_hex("30 03 00 05 61"), role::client, v311);       // topic length past the packet
  check_malformed(from_hex("40 05 00 01 00 05 1F"));                     // property length past the packet
  check_malformed(from_hex("40 09 00 01 00 03 1F 00 05 61 62"));         // string past the property block
  check_malformed(from_hex("90 04 00 01 09 1F"), role::client, v5);      // property length past SUBACK
  check_malformed(from_hex("82 05 00 01 00 03 61"), role::server, v311); // filter past the packet
  check_malformed(from_hex("82 05 00 01 00 01 61"), role::server, v311); // options byte missing
  CHECK(decode_failure(from_hex("40 09 00 01 00 03 1F 00 05 61 62")).detail ==
        "PUBACK property reason_string is truncated");
}

TEST_CASE("codec malformed: UTF-8 strings") {
  SUBCASE("PUBLISH topic") {
    check_malformed(from_hex("30 04 00 02 C3 28"), role::client, v311);
    check_malformed(from_hex("30 04 00 02 61 00"), role::client, v311);    // U+0000
    check_malformed(from_hex("30 05 00 03 ED A0 80"), role::client, v311); // surrogate U+D800
    CHECK(decode_failure(from_hex("30 04 00 02 C3 28"), role::client, v311).detail ==
          "PUBLISH topic is not valid UTF-8");
  }
  SUBCASE("PUBLISH topic with wildcards") {
    check_malformed(from_hex("30 05 00 03 61 2F 2B"), role::client, v311);
    check_malformed(from_hex("30 05 00 03 61 2F 23"), role::client, v311);
    CHECK(decode_failure(from_hex("30 05 00 03 61 2F 2B"), role::client, v311).detail ==
          "PUBLISH topic contains a wildcard");
  }
  SUBCASE("strings in properties and user properties") {
    check_malformed(from_hex("40 08 00 01 00 04 1F 00 01 FF"));
    check_malformed(from_hex("40 0A 00 01 00 06 26 00 01 FF 00 00"));
    check_malformed(from_hex("40 0A 00 01 00 06 26 00 00 00 01 C0"));
    check_malformed(from_hex("30 08 00 01 74 04 08 00 01 2B")); // response topic with a wildcard
  }
  SUBCASE("CONNECT strings") {
    check_malformed(from_hex("10 0F 00 04 4D 51 54 54 04 02 00 0A 00 03 61 00 62"), role::server);
    check_malformed(from_hex("10 12 00 04 4D 51 54 54 04 82 00 0A 00 01 70 00 03 ED A0 80"), role::server);
    check_malformed(from_hex("10 13 00 04 4D 51 54 54 04 06 00 0A 00 01 70 00 01 C3 00 01 70"), role::server);
  }
  SUBCASE("SUBSCRIBE and UNSUBSCRIBE filters") {
    check_malformed(from_hex("82 07 00 01 00 02 C3 28 00"), role::server, v311);
    check_malformed(from_hex("A2 06 00 01 00 02 C3 28"), role::server, v311);
  }
}

TEST_CASE("codec malformed: packet identifier 0") {
  check_malformed(from_hex("32 07 00 03 61 2F 62 00 00"), role::client, v311);
  check_malformed(from_hex("34 07 00 03 61 2F 62 00 00"), role::server, v5);
  check_malformed(from_hex("40 02 00 00"), role::client, v311);
  check_malformed(from_hex("50 02 00 00"), role::client, v5);
  check_malformed(from_hex("62 02 00 00"), role::server, v5);
  check_malformed(from_hex("70 02 00 00"), role::client, v311);
  check_malformed(from_hex("82 06 00 00 00 01 61 00"), role::server, v311);
  check_malformed(from_hex("90 03 00 00 00"), role::client, v311);
  check_malformed(from_hex("A2 05 00 00 00 01 61"), role::server, v311);
  check_malformed(from_hex("B0 02 00 00"), role::client, v311);
  CHECK(decode_failure(from_hex("40 02 00 00")).detail == "PUBACK packet identifier is 0");
}

TEST_CASE("codec malformed: lists without entries are protocol errors") {
  check_protocol_error(from_hex("82 02 00 01"), role::server, v311);
  check_protocol_error(from_hex("82 03 00 01 00"), role::server, v5);
  check_protocol_error(from_hex("90 02 00 01"), role::client, v311);
  check_protocol_error(from_hex("90 03 00 01 00"), role::client, v5);
  check_protocol_error(from_hex("A2 02 00 01"), role::server, v311);
  check_protocol_error(from_hex("A2 03 00 01 00"), role::server, v5);
  check_protocol_error(from_hex("B0 03 00 01 00"), role::client, v5);
  check_accepted(from_hex("B0 02 00 01"), role::client, v311); // 3.x UNSUBACK has no payload
}

TEST_CASE("codec malformed: empty topic filters") {
  check_malformed(from_hex("82 05 00 01 00 00 00"), role::server, v311);
  check_malformed(from_hex("82 09 00 01 00 01 61 00 00 00 00"), role::server, v311);
  check_malformed(from_hex("A2 04 00 01 00 00"), role::server, v311);
}

TEST_CASE("codec malformed: CONNACK") {
  SUBCASE("reserved acknowledge flags") {
    for (int flag = 0x02; flag <= 0x80; flag <<= 1) {
      bytes b = from_hex("20 02 00 00");
      b[2] = static_cast<std::uint8_t>(flag);
      check_malformed(b, role::client, v311);
    }
    check_malformed(from_hex("20 03 02 00 00"));
  }
  SUBCASE("session present with a failure") {
    check_malformed(from_hex("20 02 01 05"), role::client, v311);
    check_malformed(from_hex("20 03 01 87 00"), role::client, v5);
    check_accepted(from_hex("20 02 01 00"), role::client, v311);
  }
  SUBCASE("3.x return code over 5") {
    check_malformed(from_hex("20 02 00 06"), role::client, v311);
    check_malformed(from_hex("20 02 00 FF"), role::client, protocol_version::v31);
    for (int code = 0; code <= 5; ++code) {
      bytes b = from_hex("20 02 00 00");
      b[3] = static_cast<std::uint8_t>(code);
      check_accepted(b, role::client, v311);
    }
  }
  SUBCASE("5.0 reason codes CONNACK may not carry") {
    check_malformed(from_hex("20 03 00 01 00"));
    check_malformed(from_hex("20 03 00 8B 00"));
    check_malformed(from_hex("20 03 00 FF 00"));
    check_accepted(from_hex("20 03 00 9F 00"));
  }
}

TEST_CASE("codec malformed: 5.0 reason codes per packet type") {
  check_malformed(from_hex("40 03 00 01 92"));
  check_malformed(from_hex("50 03 00 01 FF"));
  check_malformed(from_hex("62 03 00 01 10"), role::server);
  check_malformed(from_hex("70 03 00 01 80"));
  check_malformed(from_hex("90 04 00 01 00 11"));
  check_malformed(from_hex("B0 04 00 01 00 01"));
  check_malformed(from_hex("F0 02 01 00"));
  check_accepted(from_hex("90 04 00 01 00 A2"));
  check_accepted(from_hex("B0 04 00 01 00 91"));
  check_accepted(from_hex("70 03 00 01 92"));
  SUBCASE("DISCONNECT codes depend on who sends them") {
    check_malformed(from_hex("E0 01 04"), role::client); // only a client disconnects with its will
    check_accepted(from_hex("E0 01 04"), role::server);
    check_malformed(from_hex("E0 01 8B"), role::server); // only a server shuts down
    check_accepted(from_hex("E0 01 8B"), role::client);
    check_malformed(from_hex("E0 01 05"), role::server);
    CHECK(decode_failure(from_hex("E0 01 04")).detail == "DISCONNECT reason code is not one a server sends");
  }
}

TEST_CASE("codec malformed: 3.1.1 SUBACK return codes") {
  check_malformed(from_hex("90 03 00 01 03"), role::client, v311);
  check_malformed(from_hex("90 03 00 01 81"), role::client, v311);
  check_malformed(from_hex("90 04 00 01 00 11"), role::client, v311);
  check_accepted(from_hex("90 06 00 01 00 01 02 80"), role::client, v311);
}

TEST_CASE("codec malformed: SUBSCRIBE options") {
  SUBCASE("3.1.1: only the QoS bits") {
    for (int bit = 0x04; bit <= 0x80; bit <<= 1) {
      bytes b = from_hex("82 06 00 01 00 01 61 00");
      b[7] = static_cast<std::uint8_t>(bit);
      check_malformed(b, role::server, v311);
    }
    check_malformed(from_hex("82 06 00 01 00 01 61 03"), role::server, v311);
  }
  SUBCASE("5.0: reserved bits, QoS 3, retain handling 3") {
    check_malformed(from_hex("82 07 00 01 00 00 01 61 40"), role::server);
    check_malformed(from_hex("82 07 00 01 00 00 01 61 80"), role::server);
    check_malformed(from_hex("82 07 00 01 00 00 01 61 03"), role::server);
    check_malformed(from_hex("82 07 00 01 00 00 01 61 30"), role::server);
    check_accepted(from_hex("82 07 00 01 00 00 01 61 2E"), role::server);
    CHECK(decode_failure(from_hex("82 07 00 01 00 00 01 61 30"), role::server).detail ==
          "SUBSCRIBE retain handling is 3");
  }
}

TEST_CASE("codec malformed: PUBLISH topic rules") {
  check_malformed(from_hex("30 02 00 00"), role::client, v311);
  check_protocol_error(from_hex("30 03 00 00 00"), role::client, v5);
  check_accepted(from_hex("30 06 00 00 03 23 00 01"), role::client, v5);
  CHECK(decode_failure(from_hex("30 03 00 00 00")).detail == "PUBLISH topic is empty without a topic alias");
  SUBCASE("subscription identifiers only come from the server") {
    check_protocol_error(from_hex("30 06 00 01 74 02 0B 01"), role::server);
    check_accepted(from_hex("30 06 00 01 74 02 0B 01"), role::client);
  }
}

TEST_CASE("codec malformed: server DISCONNECT with a session expiry interval") {
  check_protocol_error(from_hex("E0 07 00 05 11 00 00 00 00"), role::client);
  check_accepted(from_hex("E0 07 00 05 11 00 00 00 00"), role::server);
}

TEST_CASE("codec malformed: CONNECT") {
  const auto server = role::server;
  SUBCASE("protocol name and level") {
    check_malformed(from_hex("10 0D 00 04 4D 51 54 58 04 02 00 0A 00 01 70"), server);      // "MQTX"
    check_malformed(from_hex("10 0C 00 03 4D 51 54 04 02 00 0A 00 01 70"), server);         // "MQT"
    check_protocol_error(from_hex("10 0D 00 04 4D 51 54 54 06 02 00 0A 00 01 70"), server); // level 6
    check_protocol_error(from_hex("10 0D 00 04 4D 51 54 54 03 02 00 0A 00 01 70"), server); // MQTT level 3
    check_protocol_error(from_hex("10 0F 00 06 4D 51 49 73 64 70 04 02 00 0A 00 01 70"), server); // MQIsdp 4
  }
  SUBCASE("connect flags") {
    check_malformed(from_hex("10 0D 00 04 4D 51 54 54 04 03 00 0A 00 01 70"), server); // reserved bit
    check_malformed(from_hex("10 0D 00 04 4D 51 54 54 04 0A 00 0A 00 01 70"),
                    server); // will QoS without will
    check_malformed(from_hex("10 0D 00 04 4D 51 54 54 04 22 00 0A 00 01 70"),
                    server); // will retain without will
    check_malformed(from_hex("10 13 00 04 4D 51 54 54 04 1E 00 0A 00 01 70 00 01 70 00 01 70"),
                    server); // QoS 3
    check_malformed(from_hex("10 10 00 04 4D 51 54 54 04 42 00 0A 00 01 70 00 01 70"),
                    server); // 3.1.1 password only
    check_accepted(from_hex("10 11 00 04 4D 51 54 54 05 42 00 0A 00 00 01 70 00 01 70"),
                   server); // allowed in 5.0
  }
  SUBCASE("will topic") {
    check_malformed(from_hex("10 12 00 04 4D 51 54 54 04 06 00 0A 00 01 70 00 00 00 01 70"), server); // empty
    check_malformed(from_hex("10 13 00 04 4D 51 54 54 04 06 00 0A 00 01 70 00 01 23 00 01 70"),
                    server);                                                                    // '#'
    check_malformed(from_hex("10 10 00 04 4D 51 54 54 04 06 00 0A 00 01 70 00 01 70"), server); // no payload
  }
  SUBCASE("missing and extra fields") {
    check_malformed(from_hex("10 0A 00 04 4D 51 54 54 04 02 00 0A"), server);          // no client id
    check_malformed(from_hex("10 0D 00 04 4D 51 54 54 04 82 00 0A 00 01 70"), server); // no user name
    check_malformed(from_hex("10 10 00 04 4D 51 54 54 04 02 00 0A 00 01 70 00 01 70"),
                    server); // extra string
    check_malformed(from_hex("10 0D 00 04 4D 51 54 54 05 02 00 0A 00 01 70"),
                    server); // 5.0 without properties
  }
}
