// Session: CONNECT contents, CONNACK handling, refusals and packets out of order.
#include "session_fixture.hpp"

#include "common/publish_refusal.hpp"
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/packet_trace.hpp"

using namespace mqtk;
using namespace mqtk::test;
using protocol::reason_code;
using protocol::session_state;

TEST_CASE("session: CONNECT golden bytes") {
  SUBCASE("5.0 minimal") {
    session_fixture f;
    f.s.start(f.now);
    CHECK(f.sent() == std::vector<std::string>{to_hex(hex("10 0F"         // CONNECT, remaining length 15
                                                          "00 04 4D515454" // protocol name "MQTT"
                                                          "05"             // protocol level 5
                                                          "02"             // flags: clean start
                                                          "00 3C"          // keepalive 60
                                                          "00"             // no properties
                                                          "00 02 6331"))}); // client id "c1"
    CHECK(f.s.state() == session_state::connecting);
  }
  SUBCASE("3.1.1 minimal") {
    session_fixture f(session_fixture::defaults(protocol::protocol_version::v311));
    f.s.start(f.now);
    CHECK(f.sent() == std::vector<std::string>{to_hex(hex("10 0E"         // CONNECT, remaining length 14
                                                          "00 04 4D515454" // "MQTT"
                                                          "04"             // level 4
                                                          "02"             // clean session
                                                          "00 3C"          // keepalive 60
                                                          "00 02 6331"))}); // client id "c1"
  }
  SUBCASE("5.0 with session expiry, receive maximum and topic alias maximum") {
    auto o = session_fixture::defaults();
    o.session_expiry = 3600;
    o.receive_maximum = 10;
    o.topic_alias_maximum = 5;
    session_fixture f(o);
    f.s.start(f.now);
    CHECK(f.sent() == std::vector<std::string>{to_hex(hex("10 1A"          // CONNECT, remaining length 26
                                                          "00 04 4D515454" // "MQTT"
                                                          "05 02 00 3C"    // level 5, clean start, keepalive 60
                                                          "0B"             // properties length 11
                                                          "11 00000E10"    // session expiry 3600
                                                          "21 000A"        // receive maximum 10
                                                          "22 0005"        // topic alias maximum 5
                                                          "00 02 6331"))}); // client id "c1"
  }
  SUBCASE("will and credentials") {
    auto o = session_fixture::defaults(protocol::protocol_version::v311);
    o.username = "u";
    o.password = "p";
    protocol::will_options w;
    w.topic = "w";
    w.payload = {'x'};
    w.qos = protocol::qos::at_least_once;
    w.retain = true;
    o.will = w;
    session_fixture f(o);
    f.s.start(f.now);
    CHECK(f.sent() == std::vector<std::string>{to_hex(hex("10 1A"          // CONNECT, remaining length 26
                                                          "00 04 4D515454" // "MQTT"
                                                          "04"             // level 4
                                                          "EE"   // user, password, will retain, will QoS 1, will, clean
                                                          "00 3C"          // keepalive 60
                                                          "00 02 6331"     // client id "c1"
                                                          "00 01 77"       // will topic "w"
                                                          "00 01 78"       // will payload "x"
                                                          "00 01 75"       // user name "u"
                                                          "00 01 70"))});  // password "p"
  }
}

TEST_CASE("session: CONNACK success applies the broker's limits") {
  session_fixture f;
  f.connect("20 15 00 00"   // CONNACK, no session present, success
            "12"            // properties length 18
            "21 0002"       // receive maximum 2
            "24 01"         // maximum QoS 1
            "25 00"         // retain not available
            "22 0003"       // topic alias maximum 3
            "13 001E"       // server keep alive 30
            "27 00000400"); // maximum packet size 1024
  CHECK(f.s.state() == session_state::connected);
  CHECK(f.handler.kinds() == "connack");
  const auto &limits = f.s.limits();
  CHECK(limits.receive_maximum == 2);
  CHECK(limits.maximum_qos == protocol::qos::at_least_once);
  CHECK_FALSE(limits.retain_available);
  CHECK(limits.topic_alias_maximum == 3);
  CHECK(limits.keep_alive == 30);
  CHECK(limits.maximum_packet_size == 1024);

  // Each refusal has its own code, and the tools' message names the limit with its value.
  SUBCASE("QoS above the broker's maximum is refused") {
    auto r = f.s.publish(make_publish("a", "x", protocol::qos::exactly_once), f.now);
    CHECK(r.error == protocol::errc::qos_not_supported);
    CHECK(apps::broker_limit_refusal(r.error, limits) == "the broker's CONNACK limits: maximum QoS 1");
  }
  SUBCASE("retain is refused when not available") {
    auto p = make_publish("a", "x", protocol::qos::at_most_once);
    p.retain = true;
    auto r = f.s.publish(p, f.now);
    CHECK(r.error == protocol::errc::retain_not_supported);
    CHECK(apps::broker_limit_refusal(r.error, limits) == "the broker's CONNACK limits: retain unavailable");
  }
  SUBCASE("a packet over the broker's maximum packet size is refused") {
    std::string big(2000, 'x');
    auto r = f.s.publish(make_publish("a", big, protocol::qos::at_most_once), f.now);
    CHECK(r.error == protocol::errc::packet_too_large);
    CHECK(apps::broker_limit_refusal(r.error, limits) ==
          "the broker's CONNACK limits: maximum packet size 1024");
  }
  SUBCASE("a topic alias above the broker's maximum is refused; alias 0 is our own mistake") {
    auto p = make_publish("a", "x", protocol::qos::at_most_once);
    p.props.topic_alias = 4;
    auto r = f.s.publish(p, f.now);
    CHECK(r.error == protocol::errc::topic_alias_above_maximum);
    CHECK(apps::broker_limit_refusal(r.error, limits) ==
          "the broker's CONNACK limits: topic alias maximum 3");
    p.props.topic_alias = 0;
    r = f.s.publish(p, f.now);
    CHECK(r.error == protocol::errc::invalid_argument);
    CHECK_FALSE(apps::broker_limit_refusal(r.error, limits));
  }
  CHECK(f.sent().empty());
}

TEST_CASE("session: an Assigned Client Identifier although we sent one is accepted") {
  session_fixture f;               // client id "c1"
  f.connect("20 0B 00 00"          // CONNACK, no session present, success
            "08"                   // properties length 8
            "12 0005 6F74686572"); // assigned client identifier "other"
  CHECK(f.handler.kinds() == "connack");
  CHECK(f.s.state() == session_state::connected);
  CHECK(f.s.limits().assigned_client_id == "other");
  CHECK(f.sent().empty()); // no DISCONNECT
  CHECK(f.s.publish(make_publish("a", "x", protocol::qos::at_least_once), f.now).packet_id == 1);
}

TEST_CASE("session: CONNACK refusal closes with the reason") {
  session_fixture f;
  f.connect("20 03 00 87 00"); // CONNACK: not authorized
  CHECK(f.s.state() == session_state::closing);
  REQUIRE(f.handler.events.size() == 1);
  CHECK(f.handler.events[0].reason == reason_code::not_authorized);
  CHECK(f.sent().empty());
}

TEST_CASE("session: 3.1.1 CONNACK return codes map to reason codes") {
  session_fixture f(session_fixture::defaults(protocol::protocol_version::v311));
  f.connect("20 02 00 05"); // not authorized (3.1.1 code 5)
  REQUIRE(f.handler.events.size() == 1);
  CHECK(f.handler.events[0].reason == reason_code::not_authorized);
}

TEST_CASE("CONNACK: a 3.1.1 return code is shown as on the wire, with its 5.0 meaning beside it") {
  protocol::decoder d({protocol::role::client, protocol::protocol_version::v311});
  d.feed(hex("20 02 00 05")); // CONNACK, return code 5 (not authorized)
  protocol::packet p;
  REQUIRE(d.next(p) == protocol::decode_status::ready);
  const auto &c = std::get<protocol::connack>(p);
  CHECK(c.reason == reason_code::not_authorized);
  CHECK(c.return_code == std::optional<std::uint8_t>(5));
  std::string line;
  protocol::describe_packet(p, line);
  CHECK(line == "CONNACK session_present=0 rc=5 (not authorized; read as 0x87 (Not authorized))");
  CHECK(protocol::connack_result_text(c.reason, c.return_code) ==
        "return code 5, not authorized (read as Not authorized (0x87))");

  protocol::decoder v5({protocol::role::client, protocol::protocol_version::v5});
  v5.feed(hex("20 03 00 87 00")); // 5.0 CONNACK, not authorized
  REQUIRE(v5.next(p) == protocol::decode_status::ready);
  const auto &c5 = std::get<protocol::connack>(p);
  CHECK_FALSE(c5.return_code);
  line.clear();
  protocol::describe_packet(p, line);
  CHECK(line == "CONNACK session_present=0 rc=0x87 (Not authorized)");
  CHECK(protocol::connack_result_text(c5.reason, c5.return_code) == "Not authorized (0x87)");
}

TEST_CASE("session: protocol errors around CONNACK") {
  SUBCASE("a PUBLISH before CONNACK") {
    session_fixture f;
    f.s.start(f.now);
    f.sent();
    f.broker_sends("30 05 0001 61 00 78");
    CHECK(f.handler.kinds() == "error");
    CHECK(f.handler.events[0].error == protocol::errc::protocol_error);
    CHECK(f.s.state() == session_state::closing);
  }
  SUBCASE("a second CONNACK is a protocol error answered with DISCONNECT 0x82") {
    session_fixture f;
    f.connect();
    f.broker_sends("20 03 00 00 00");
    CHECK(f.handler.kinds() == "connack error");
    CHECK(f.sent() == std::vector<std::string>{"E0 01 82"}); // DISCONNECT, protocol error
  }
  SUBCASE("session present after a clean start") {
    session_fixture f;
    f.connect("20 03 01 00 00");
    CHECK(f.handler.kinds() == "error");
  }
  SUBCASE("malformed packet answered with DISCONNECT 0x81") {
    session_fixture f;
    f.connect();
    f.broker_sends("40 01 00"); // PUBACK too short
    CHECK(f.handler.kinds() == "connack error");
    CHECK(f.handler.events[1].error == protocol::errc::malformed_packet);
    CHECK(f.sent() == std::vector<std::string>{"E0 01 81"});
  }
  SUBCASE("AUTH without an authentication method") {
    session_fixture f;
    f.connect();
    f.broker_sends("F0 00");
    CHECK(f.handler.kinds() == "connack error");
  }
}

TEST_CASE("session: broker DISCONNECT and AUTH reach the handler") {
  SUBCASE("DISCONNECT") {
    session_fixture f;
    f.connect();
    f.broker_sends("E0 01 8B"); // server shutting down
    CHECK(f.handler.kinds() == "connack disconnect");
    CHECK(f.handler.events[1].reason == reason_code::server_shutting_down);
    CHECK(f.s.state() == session_state::closing);
  }
  SUBCASE("AUTH with an authentication method") {
    auto o = session_fixture::defaults();
    protocol::properties extra;
    extra.authentication_method = "SCRAM";
    o.connect_properties.assign(extra);
    session_fixture f(o);
    f.s.start(f.now);
    f.sent();
    f.broker_sends("F0 0A 18 08 15 0005 5343524154"); // AUTH continue, method "SCRAT"
    CHECK(f.handler.kinds() == "auth");
    CHECK(f.handler.events[0].reason == reason_code::continue_authentication);
  }
}

TEST_CASE("session: client DISCONNECT") {
  session_fixture f;
  f.connect();
  protocol::disconnect d;
  d.reason = reason_code::disconnect_with_will_message;
  f.s.disconnect(d, f.now);
  CHECK(f.sent() == std::vector<std::string>{"E0 01 04"});
  CHECK(f.s.state() == session_state::closing);
  CHECK(f.s.publish(make_publish("a", "x", protocol::qos::at_most_once), f.now).error ==
        protocol::errc::not_connected);
}

TEST_CASE("session: a 3.x CONNACK refusing 5.0 reads as unsupported protocol version") {
  session_fixture f;
  f.connect("20 02 00 01"); // 3.1.1 CONNACK: unacceptable protocol version
  REQUIRE(f.handler.events.size() == 1);
  CHECK(f.handler.events[0].kind == "connack");
  CHECK(f.handler.events[0].reason == reason_code::unsupported_protocol_version);
}

TEST_CASE("session: an HTTP answer instead of CONNACK is reported as not MQTT") {
  session_fixture f;
  f.s.start(f.now);
  f.sent();
  const std::string answer = "HTTP/1.0 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
  SUBCASE("in one piece") {
    f.s.receive(protocol::as_bytes(answer), f.now);
  }
  SUBCASE("a byte at a time: nothing is decided before \"HTTP/\"") {
    for (std::size_t i = 0; i < 4; ++i) {
      f.s.receive(protocol::as_bytes(std::string_view(answer).substr(i, 1)), f.now);
      CHECK(f.handler.events.empty());
    }
    f.s.receive(protocol::as_bytes(std::string_view(answer).substr(4)), f.now);
  }
  REQUIRE(f.handler.kinds() == "error");
  CHECK(f.handler.events[0].error == protocol::errc::not_mqtt);
  CHECK(f.sent().empty()); // no DISCONNECT to a web server
  CHECK(f.s.state() == session_state::closing);
}

TEST_CASE("session: a first byte 'H' that does not start \"HTTP/\" is an ordinary decoding error") {
  session_fixture f;
  f.s.start(f.now);
  f.sent();
  f.broker_sends("48 54 54 58"); // "HTTX"
  REQUIRE(f.handler.kinds() == "error");
  CHECK(f.handler.events[0].error == protocol::errc::malformed_packet);
}
