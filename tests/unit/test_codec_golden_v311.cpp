// Golden bytes of every MQTT 3.1.1 packet (and the MQTT 3.1 CONNECT): encode gives the bytes, and
// the receiving side decodes them back, whole and one byte at a time.
#include "test_codec_helpers.hpp"

using namespace codec_test;

namespace {
constexpr auto v311 = protocol_version::v311;
} // namespace

TEST_CASE("codec golden 3.1.1: CONNECT with will, user name and password") {
  connect p;
  p.version = v311;
  p.client_id = "cid";
  p.keep_alive = 60;
  p.will = will_message{"w/t", bin("bye"), qos::at_least_once, true, {}};
  p.username = "user";
  p.password = bin("pw");
  const bytes expected{
      0x10,                           // fixed header: CONNECT
      0x23,                           // remaining length 35
      0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
      0x04,                           // protocol level 4 (3.1.1)
      0xEE,                           // flags: user name, password, will retain, will QoS 1, will, clean
      0x00, 0x3C,                     // keep alive 60
      0x00, 0x03, 'c', 'i', 'd',      // client identifier "cid"
      0x00, 0x03, 'w', '/', 't',      // will topic "w/t"
      0x00, 0x03, 'b', 'y', 'e',      // will payload "bye"
      0x00, 0x04, 'u', 's', 'e', 'r', // user name "user"
      0x00, 0x02, 'p', 'w',           // password "pw"
  };
  check_golden(p, v311, expected);
}

TEST_CASE("codec golden 3.1: CONNECT uses MQIsdp and level 3") {
  connect p;
  p.version = protocol_version::v31;
  p.client_id = "cid";
  p.keep_alive = 10;
  const bytes expected{
      0x10,                                     // fixed header: CONNECT
      0x11,                                     // remaining length 17
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', // protocol name "MQIsdp"
      0x03,                                     // protocol level 3 (3.1)
      0x02,                                     // flags: clean session
      0x00, 0x0A,                               // keep alive 10
      0x00, 0x03, 'c', 'i', 'd',                // client identifier "cid"
  };
  check_golden(p, protocol_version::v31, expected);
}

TEST_CASE("codec golden 3.1.1: CONNACK") {
  SUBCASE("accepted with session present") {
    const bytes expected{
        0x20, // fixed header: CONNACK
        0x02, // remaining length 2
        0x01, // acknowledge flags: session present
        0x00, // return code 0: accepted
    };
    check_golden(connack{true, reason_code::success, {}, {}}, v311, expected);
  }
  SUBCASE("refused: not authorized maps to return code 5") {
    const bytes expected{
        0x20, // fixed header: CONNACK
        0x02, // remaining length 2
        0x00, // acknowledge flags: none
        0x05, // return code 5: not authorized
    };
    check_golden(connack{false, reason_code::not_authorized, {}, {}}, v311, expected);
  }
}

TEST_CASE("codec golden 3.1.1: PUBLISH") {
  SUBCASE("QoS 0") {
    publish p;
    p.topic = "a/b";
    p.payload = bin("hi");
    const bytes expected{
        0x30,                      // fixed header: PUBLISH, QoS 0
        0x07,                      // remaining length 7
        0x00, 0x03, 'a', '/', 'b', // topic "a/b"
        'h',  'i',                 // payload "hi"
    };
    check_golden(p, v311, expected);
  }
  SUBCASE("QoS 1, DUP and RETAIN") {
    publish p;
    p.topic = "a/b";
    p.payload = bin("hi");
    p.qos = qos::at_least_once;
    p.dup = true;
    p.retain = true;
    p.packet_id = 0x0102;
    const bytes expected{
        0x3B,                      // fixed header: PUBLISH, DUP, QoS 1, RETAIN
        0x09,                      // remaining length 9
        0x00, 0x03, 'a', '/', 'b', // topic "a/b"
        0x01, 0x02,                // packet identifier 258
        'h',  'i',                 // payload "hi"
    };
    check_golden(p, v311, expected);
  }
  SUBCASE("QoS 2 with an empty payload") {
    publish p;
    p.topic = "x";
    p.qos = qos::exactly_once;
    p.packet_id = 9;
    const bytes expected{
        0x34,            // fixed header: PUBLISH, QoS 2
        0x05,            // remaining length 5
        0x00, 0x01, 'x', // topic "x"
        0x00, 0x09,      // packet identifier 9
    };
    check_golden(p, v311, expected);
  }
}

TEST_CASE("codec golden 3.1.1: PUBACK, PUBREC, PUBREL, PUBCOMP") {
  SUBCASE("PUBACK") {
    const bytes expected{
        0x40,       // fixed header: PUBACK
        0x02,       // remaining length 2
        0x00, 0x01, // packet identifier 1
    };
    check_golden(puback{1, reason_code::success, {}}, v311, expected);
  }
  SUBCASE("PUBREC") {
    const bytes expected{
        0x50,       // fixed header: PUBREC
        0x02,       // remaining length 2
        0x00, 0x02, // packet identifier 2
    };
    check_golden(pubrec{2, reason_code::success, {}}, v311, expected);
  }
  SUBCASE("PUBREL") {
    const bytes expected{
        0x62,       // fixed header: PUBREL, flags 0010
        0x02,       // remaining length 2
        0x00, 0x03, // packet identifier 3
    };
    check_golden(pubrel{3, reason_code::success, {}}, v311, expected);
  }
  SUBCASE("PUBCOMP") {
    const bytes expected{
        0x70,       // fixed header: PUBCOMP
        0x02,       // remaining length 2
        0xFF, 0xFF, // packet identifier 65535
    };
    check_golden(pubcomp{0xFFFF, reason_code::success, {}}, v311, expected);
  }
}

TEST_CASE("codec golden 3.1.1: SUBSCRIBE and SUBACK") {
  SUBCASE("SUBSCRIBE with two filters") {
    subscribe p;
    p.packet_id = 10;
    p.subscriptions = {{"a/+", {qos::at_least_once}}, {"b/#", {qos::exactly_once}}};
    const bytes expected{
        0x82,                      // fixed header: SUBSCRIBE, flags 0010
        0x0E,                      // remaining length 14
        0x00, 0x0A,                // packet identifier 10
        0x00, 0x03, 'a', '/', '+', // topic filter "a/+"
        0x01,                      // requested QoS 1
        0x00, 0x03, 'b', '/', '#', // topic filter "b/#"
        0x02,                      // requested QoS 2
    };
    check_golden(p, v311, expected);
  }
  SUBCASE("SUBACK with granted and failed codes") {
    suback p;
    p.packet_id = 10;
    p.reasons = {reason_code::granted_qos_1, reason_code::granted_qos_2, reason_code::unspecified_error};
    const bytes expected{
        0x90,       // fixed header: SUBACK
        0x05,       // remaining length 5
        0x00, 0x0A, // packet identifier 10
        0x01,       // granted QoS 1
        0x02,       // granted QoS 2
        0x80,       // failure
    };
    check_golden(p, v311, expected);
  }
}

TEST_CASE("codec golden 3.1.1: UNSUBSCRIBE and UNSUBACK") {
  SUBCASE("UNSUBSCRIBE") {
    unsubscribe p;
    p.packet_id = 11;
    p.filters = {"a/+", "b/#"};
    const bytes expected{
        0xA2,                      // fixed header: UNSUBSCRIBE, flags 0010
        0x0C,                      // remaining length 12
        0x00, 0x0B,                // packet identifier 11
        0x00, 0x03, 'a', '/', '+', // topic filter "a/+"
        0x00, 0x03, 'b', '/', '#', // topic filter "b/#"
    };
    check_golden(p, v311, expected);
  }
  SUBCASE("UNSUBACK has no payload") {
    const bytes expected{
        0xB0,       // fixed header: UNSUBACK
        0x02,       // remaining length 2
        0x00, 0x0B, // packet identifier 11
    };
    check_golden(unsuback{11, {}, {}}, v311, expected);
  }
}

TEST_CASE("codec golden 3.1.1: PINGREQ, PINGRESP, DISCONNECT") {
  SUBCASE("PINGREQ") {
    const bytes expected{
        0xC0, // fixed header: PINGREQ
        0x00, // remaining length 0
    };
    check_golden(pingreq{}, v311, expected);
  }
  SUBCASE("PINGRESP") {
    const bytes expected{
        0xD0, // fixed header: PINGRESP
        0x00, // remaining length 0
    };
    check_golden(pingresp{}, v311, expected);
  }
  SUBCASE("DISCONNECT (client to server)") {
    const bytes expected{
        0xE0, // fixed header: DISCONNECT
        0x00, // remaining length 0
    };
    const packet p = disconnect{};
    CHECK(hex(encode_ok(p, v311)) == hex(expected));
    check_decodes(expected, p, role::server, v311);
  }
}

TEST_CASE("codec golden 3.1.1: 5.0-only fields are left out") {
  SUBCASE("PUBACK reason and properties") {
    puback p{5, reason_code::no_matching_subscribers, {}};
    p.props.reason_string = "ignored";
    const bytes expected{
        0x40,       // fixed header: PUBACK
        0x02,       // remaining length 2
        0x00, 0x05, // packet identifier 5
    };
    CHECK(hex(encode_ok(p, v311)) == hex(expected));
  }
  SUBCASE("server DISCONNECT with a reason becomes the 3.x DISCONNECT") {
    disconnect p{reason_code::server_shutting_down, {}};
    p.props.reason_string = "bye";
    const bytes expected{
        0xE0, // fixed header: DISCONNECT
        0x00, // remaining length 0
    };
    CHECK(hex(encode_ok(p, v311)) == hex(expected));
  }
  SUBCASE("SUBACK failure codes become 0x80") {
    const suback p{7, {reason_code::not_authorized, reason_code::success}, {}};
    const bytes expected{
        0x90,       // fixed header: SUBACK
        0x04,       // remaining length 4
        0x00, 0x07, // packet identifier 7
        0x80,       // failure (from Not authorized)
        0x00,       // granted QoS 0
    };
    CHECK(hex(encode_ok(p, v311)) == hex(expected));
  }
  SUBCASE("CONNACK refusals map to the closest return code") {
    const bytes expected{
        0x20, // fixed header: CONNACK
        0x02, // remaining length 2
        0x00, // acknowledge flags: none
        0x03, // return code 3: server unavailable (from Server busy)
    };
    CHECK(hex(encode_ok(connack{false, reason_code::server_busy, {}, {}}, v311)) == hex(expected));
  }
}
