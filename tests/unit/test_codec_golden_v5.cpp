// Golden bytes of every MQTT 5.0 packet, with properties: encode gives the bytes, and the
// receiving side decodes them back, whole and one byte at a time.
#include "test_codec_helpers.hpp"

using namespace codec_test;

namespace {
constexpr auto v5 = protocol_version::v5;
} // namespace

TEST_CASE("codec golden 5.0: CONNECT with properties and will properties") {
  connect p;
  p.client_id = "cid";
  p.keep_alive = 30;
  p.props.session_expiry_interval = 120;
  p.props.receive_maximum = 20;
  p.props.user_properties = {{"k", "v"}};
  p.will = will_message{"w", bin("x"), qos::at_most_once, false, {}};
  p.will->props.content_type = "t";
  p.will->props.will_delay_interval = 5;
  p.username = "u";
  const bytes expected{
      0x10,                                    // fixed header: CONNECT
      0x32,                                    // remaining length 50
      0x00, 0x04, 'M',  'Q',  'T',  'T',       // protocol name "MQTT"
      0x05,                                    // protocol level 5
      0x86,                                    // flags: user name, will (QoS 0, no retain), clean start
      0x00, 0x1E,                              // keep alive 30
      0x0F,                                    // property length 15
      0x11, 0x00, 0x00, 0x00, 0x78,            // session expiry interval 120
      0x21, 0x00, 0x14,                        // receive maximum 20
      0x26, 0x00, 0x01, 'k',  0x00, 0x01, 'v', // user property ("k", "v")
      0x00, 0x03, 'c',  'i',  'd',             // client identifier "cid"
      0x09,                                    // will property length 9
      0x03, 0x00, 0x01, 't',                   // will content type "t"
      0x18, 0x00, 0x00, 0x00, 0x05,            // will delay interval 5
      0x00, 0x01, 'w',                         // will topic "w"
      0x00, 0x01, 'x',                         // will payload "x"
      0x00, 0x01, 'u',                         // user name "u"
  };
  check_golden(p, v5, expected);
}

TEST_CASE("codec golden 5.0: CONNECT with enhanced authentication and a password only") {
  connect p;
  p.client_id = "";
  p.clean_start = false;
  p.keep_alive = 0;
  p.password = bin("s");
  p.props.authentication_method = "M";
  p.props.authentication_data = bin("d");
  const bytes expected{
      0x10,                            // fixed header: CONNECT
      0x18,                            // remaining length 24
      0x00, 0x04, 'M',  'Q', 'T', 'T', // protocol name "MQTT"
      0x05,                            // protocol level 5
      0x40,                            // flags: password without user name (allowed in 5.0)
      0x00, 0x00,                      // keep alive 0
      0x08,                            // property length 8
      0x15, 0x00, 0x01, 'M',           // authentication method "M"
      0x16, 0x00, 0x01, 'd',           // authentication data "d"
      0x00, 0x00,                      // client identifier "" (server assigns one)
      0x00, 0x01, 's',                 // password "s"
  };
  check_golden(p, v5, expected);
}

TEST_CASE("codec golden 5.0: CONNACK") {
  SUBCASE("success with properties") {
    connack p;
    p.props.assigned_client_identifier = "id1";
    p.props.receive_maximum = 10;
    p.props.topic_alias_maximum = 5;
    p.props.maximum_qos = 1;
    const bytes expected{
        0x20,                            // fixed header: CONNACK
        0x11,                            // remaining length 17
        0x00,                            // acknowledge flags: none
        0x00,                            // reason code: success
        0x0E,                            // property length 14
        0x12, 0x00, 0x03, 'i', 'd', '1', // assigned client identifier "id1"
        0x21, 0x00, 0x0A,                // receive maximum 10
        0x22, 0x00, 0x05,                // topic alias maximum 5
        0x24, 0x01,                      // maximum QoS 1
    };
    check_golden(p, v5, expected);
  }
  SUBCASE("refused") {
    const bytes expected{
        0x20, // fixed header: CONNACK
        0x03, // remaining length 3
        0x00, // acknowledge flags: none
        0x87, // reason code: not authorized
        0x00, // property length 0
    };
    check_golden(connack{false, reason_code::not_authorized, {}, {}}, v5, expected);
  }
}

TEST_CASE("codec golden 5.0: PUBLISH") {
  SUBCASE("QoS 1 with properties") {
    publish p;
    p.topic = "a/b";
    p.payload = bin("hi");
    p.qos = qos::at_least_once;
    p.packet_id = 7;
    p.props.payload_format_indicator = 1;
    p.props.message_expiry_interval = 60;
    p.props.topic_alias = 3;
    p.props.user_properties = {{"k", "v"}};
    const bytes expected{
        0x32,                                    // fixed header: PUBLISH, QoS 1
        0x1B,                                    // remaining length 27
        0x00, 0x03, 'a',  '/',  'b',             // topic "a/b"
        0x00, 0x07,                              // packet identifier 7
        0x11,                                    // property length 17
        0x01, 0x01,                              // payload format indicator 1 (UTF-8)
        0x02, 0x00, 0x00, 0x00, 0x3C,            // message expiry interval 60
        0x23, 0x00, 0x03,                        // topic alias 3
        0x26, 0x00, 0x01, 'k',  0x00, 0x01, 'v', // user property ("k", "v")
        'h',  'i',                               // payload "hi"
    };
    check_golden(p, v5, expected);
  }
  SUBCASE("QoS 0 from the server with two subscription identifiers") {
    publish p;
    p.topic = "t";
    p.payload = bin("p");
    p.props.subscription_identifiers = {1, 300};
    const bytes expected{
        0x30,             // fixed header: PUBLISH, QoS 0
        0x0A,             // remaining length 10
        0x00, 0x01, 't',  // topic "t"
        0x05,             // property length 5
        0x0B, 0x01,       // subscription identifier 1
        0x0B, 0xAC, 0x02, // subscription identifier 300 (variable byte integer)
        'p',              // payload "p"
    };
    check_golden(p, v5, expected);
  }
  SUBCASE("empty topic with a topic alias") {
    publish p;
    p.payload = bin("z");
    p.props.topic_alias = 1;
    const bytes expected{
        0x30,             // fixed header: PUBLISH, QoS 0
        0x07,             // remaining length 7
        0x00, 0x00,       // topic "" (taken from the alias)
        0x03,             // property length 3
        0x23, 0x00, 0x01, // topic alias 1
        'z',              // payload "z"
    };
    check_golden(p, v5, expected);
  }
  SUBCASE("response topic and correlation data") {
    publish p;
    p.topic = "q";
    p.props.response_topic = "r";
    p.props.correlation_data = bin("\x01\x02");
    p.props.content_type = "ct";
    const bytes expected{
        0x30,                         // fixed header: PUBLISH, QoS 0
        0x12,                         // remaining length 18
        0x00, 0x01, 'q',              // topic "q"
        0x0E,                         // property length 14
        0x03, 0x00, 0x02, 'c',  't',  // content type "ct"
        0x08, 0x00, 0x01, 'r',        // response topic "r"
        0x09, 0x00, 0x02, 0x01, 0x02, // correlation data 01 02
    };
    check_golden(p, v5, expected);
  }
}

TEST_CASE("codec golden 5.0: PUBACK, PUBREC, PUBREL, PUBCOMP") {
  SUBCASE("PUBACK success: the short form") {
    const bytes expected{
        0x40,       // fixed header: PUBACK
        0x02,       // remaining length 2: success, no properties
        0x00, 0x01, // packet identifier 1
    };
    check_golden(puback{1, reason_code::success, {}}, v5, expected);
  }
  SUBCASE("PUBACK with a reason code only") {
    const bytes expected{
        0x40,       // fixed header: PUBACK
        0x03,       // remaining length 3: reason code, no properties
        0x00, 0x01, // packet identifier 1
        0x10,       // reason code: no matching subscribers
    };
    check_golden(puback{1, reason_code::no_matching_subscribers, {}}, v5, expected);
  }
  SUBCASE("PUBACK with a reason string") {
    puback p{1, reason_code::quota_exceeded, {}};
    p.props.reason_string = "q";
    const bytes expected{
        0x40,                  // fixed header: PUBACK
        0x08,                  // remaining length 8
        0x00, 0x01,            // packet identifier 1
        0x97,                  // reason code: quota exceeded
        0x04,                  // property length 4
        0x1F, 0x00, 0x01, 'q', // reason string "q"
    };
    check_golden(p, v5, expected);
  }
  SUBCASE("PUBREC failure") {
    const bytes expected{
        0x50,       // fixed header: PUBREC
        0x03,       // remaining length 3
        0x00, 0x02, // packet identifier 2
        0x80,       // reason code: unspecified error
    };
    check_golden(pubrec{2, reason_code::unspecified_error, {}}, v5, expected);
  }
  SUBCASE("PUBREL packet identifier not found") {
    const bytes expected{
        0x62,       // fixed header: PUBREL, flags 0010
        0x03,       // remaining length 3
        0x00, 0x03, // packet identifier 3
        0x92,       // reason code: packet identifier not found
    };
    check_golden(pubrel{3, reason_code::packet_identifier_not_found, {}}, v5, expected);
  }
  SUBCASE("PUBCOMP with a user property") {
    pubcomp p{4, reason_code::success, {}};
    p.props.user_properties = {{"a", ""}};
    const bytes expected{
        0x70,                              // fixed header: PUBCOMP
        0x0A,                              // remaining length 10
        0x00, 0x04,                        // packet identifier 4
        0x00,                              // reason code: success
        0x06,                              // property length 6
        0x26, 0x00, 0x01, 'a', 0x00, 0x00, // user property ("a", "")
    };
    check_golden(p, v5, expected);
  }
}

TEST_CASE("codec golden 5.0: SUBSCRIBE and SUBACK") {
  SUBCASE("SUBSCRIBE with options and a subscription identifier") {
    subscribe p;
    p.packet_id = 16;
    p.props.subscription_identifiers = {5};
    p.subscriptions = {{"a/#", {qos::at_least_once, true, true, 2}},
                       {"$share/g/x", {qos::at_most_once, false, false, 1}}};
    const bytes expected{
        0x82,                      // fixed header: SUBSCRIBE, flags 0010
        0x18,                      // remaining length 24
        0x00, 0x10,                // packet identifier 16
        0x02,                      // property length 2
        0x0B, 0x05,                // subscription identifier 5
        0x00, 0x03, 'a', '/', '#', // topic filter "a/#"
        0x2D,                      // options: retain handling 2, RAP, no local, QoS 1
        0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'x', // topic filter "$share/g/x"
        0x10,                                                         // options: retain handling 1, QoS 0
    };
    check_golden(p, v5, expected);
  }
  SUBCASE("SUBACK with a reason string") {
    suback p;
    p.packet_id = 16;
    p.props.reason_string = "ok";
    p.reasons = {reason_code::granted_qos_1, reason_code::shared_subscriptions_not_supported};
    const bytes expected{
        0x90,                       // fixed header: SUBACK
        0x0A,                       // remaining length 10
        0x00, 0x10,                 // packet identifier 16
        0x05,                       // property length 5
        0x1F, 0x00, 0x02, 'o', 'k', // reason string "ok"
        0x01,                       // granted QoS 1
        0x9E,                       // shared subscriptions not supported
    };
    check_golden(p, v5, expected);
  }
}

TEST_CASE("codec golden 5.0: UNSUBSCRIBE and UNSUBACK") {
  SUBCASE("UNSUBSCRIBE with a user property") {
    unsubscribe p;
    p.packet_id = 17;
    p.props.user_properties = {{"a", "b"}};
    p.filters = {"a/#"};
    const bytes expected{
        0xA2,                                   // fixed header: UNSUBSCRIBE, flags 0010
        0x0F,                                   // remaining length 15
        0x00, 0x11,                             // packet identifier 17
        0x07,                                   // property length 7
        0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b', // user property ("a", "b")
        0x00, 0x03, 'a',  '/', '#',             // topic filter "a/#"
    };
    check_golden(p, v5, expected);
  }
  SUBCASE("UNSUBACK") {
    const bytes expected{
        0xB0,       // fixed header: UNSUBACK
        0x05,       // remaining length 5
        0x00, 0x11, // packet identifier 17
        0x00,       // property length 0
        0x00,       // success
        0x11,       // no subscription existed
    };
    check_golden(unsuback{17, {reason_code::success, reason_code::no_subscription_existed}, {}}, v5,
                 expected);
  }
}

TEST_CASE("codec golden 5.0: PINGREQ and PINGRESP") {
  const bytes ping_request{
      0xC0, // fixed header: PINGREQ
      0x00, // remaining length 0
  };
  check_golden(pingreq{}, v5, ping_request);
  const bytes ping_response{
      0xD0, // fixed header: PINGRESP
      0x00, // remaining length 0
  };
  check_golden(pingresp{}, v5, ping_response);
}

TEST_CASE("codec golden 5.0: DISCONNECT") {
  SUBCASE("normal disconnection: remaining length 0") {
    const bytes expected{
        0xE0, // fixed header: DISCONNECT
        0x00, // remaining length 0: normal disconnection, no properties
    };
    check_golden(disconnect{}, v5, expected);
  }
  SUBCASE("client: disconnect with will message, reason only") {
    const bytes expected{
        0xE0, // fixed header: DISCONNECT
        0x01, // remaining length 1
        0x04, // reason code: disconnect with will message
    };
    const packet p = disconnect{reason_code::disconnect_with_will_message, {}};
    CHECK(hex(encode_ok(p, v5)) == hex(expected));
    check_decodes(expected, p, role::server);
  }
  SUBCASE("client: session expiry interval") {
    disconnect d;
    d.props.session_expiry_interval = 0;
    const packet p = d;
    const bytes expected{
        0xE0,                         // fixed header: DISCONNECT
        0x07,                         // remaining length 7
        0x00,                         // reason code: normal disconnection
        0x05,                         // property length 5
        0x11, 0x00, 0x00, 0x00, 0x00, // session expiry interval 0
    };
    CHECK(hex(encode_ok(p, v5)) == hex(expected));
    check_decodes(expected, p, role::server);
  }
  SUBCASE("server: shutting down with a reason string") {
    disconnect p{reason_code::server_shutting_down, {}};
    p.props.reason_string = "bye";
    const bytes expected{
        0xE0,                            // fixed header: DISCONNECT
        0x08,                            // remaining length 8
        0x8B,                            // reason code: server shutting down
        0x06,                            // property length 6
        0x1F, 0x00, 0x03, 'b', 'y', 'e', // reason string "bye"
    };
    check_golden(p, v5, expected);
  }
}

TEST_CASE("codec golden 5.0: AUTH") {
  SUBCASE("success: remaining length 0") {
    const bytes expected{
        0xF0, // fixed header: AUTH
        0x00, // remaining length 0: success, no properties
    };
    check_golden(auth{}, v5, expected);
  }
  SUBCASE("continue authentication with method and data") {
    auth p{reason_code::continue_authentication, {}};
    p.props.authentication_method = "SCRAM";
    p.props.authentication_data = bin("abc");
    const bytes expected{
        0xF0,                                      // fixed header: AUTH
        0x10,                                      // remaining length 16
        0x18,                                      // reason code: continue authentication
        0x0E,                                      // property length 14
        0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M', // authentication method "SCRAM"
        0x16, 0x00, 0x03, 'a', 'b', 'c',           // authentication data "abc"
    };
    check_golden(p, v5, expected);
    check_decodes(expected, p, role::server); // AUTH goes both ways
  }
}
