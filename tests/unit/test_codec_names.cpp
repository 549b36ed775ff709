// Names and mappings of the protocol core: packet types, reason codes, the 3.x CONNACK return
// codes, and the "mqtk" error category.
#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mqtk::protocol;

TEST_CASE("codec names: packet types") {
  CHECK(packet_type_name(packet_type::connect) == "CONNECT");
  CHECK(packet_type_name(packet_type::pubrel) == "PUBREL");
  CHECK(packet_type_name(packet_type::unsuback) == "UNSUBACK");
  CHECK(packet_type_name(packet_type::auth) == "AUTH");
  CHECK(packet_type_name(static_cast<packet_type>(0)) == "UNKNOWN");
  for (int t = 1; t <= 15; ++t) {
    CHECK(packet_type_name(static_cast<packet_type>(t)) != "UNKNOWN");
  }
  CHECK(type_of(packet{pingreq{}}) == packet_type::pingreq);
  CHECK(type_of(packet{auth{}}) == packet_type::auth);
}

TEST_CASE("codec names: reason codes") {
  CHECK(reason_code_name(reason_code::success) == "Success");
  CHECK(reason_code_name(reason_code::not_authorized) == "Not authorized");
  CHECK(reason_code_name(reason_code::malformed_packet) == "Malformed Packet");
  CHECK(reason_code_text(reason_code::not_authorized) == "Not authorized (0x87)");
  CHECK(reason_code_text(reason_code::success) == "Success (0x00)");
  CHECK(reason_code_name(reason_code::wildcard_subscriptions_not_supported) ==
        "Wildcard Subscriptions not supported");
  CHECK(reason_code_name(static_cast<reason_code>(0x05)) == "Unknown");
  CHECK(reason_code_name(static_cast<reason_code>(0xFF)) == "Unknown");
  CHECK_FALSE(is_error(reason_code::granted_qos_2));
  CHECK(is_error(reason_code::unspecified_error));
}

TEST_CASE("codec names: 3.x CONNACK return codes") {
  CHECK(from_v3_connack_return_code(0) == reason_code::success);
  CHECK(from_v3_connack_return_code(1) == reason_code::unsupported_protocol_version);
  CHECK(from_v3_connack_return_code(2) == reason_code::client_identifier_not_valid);
  CHECK(from_v3_connack_return_code(3) == reason_code::server_unavailable);
  CHECK(from_v3_connack_return_code(4) == reason_code::bad_user_name_or_password);
  CHECK(from_v3_connack_return_code(5) == reason_code::not_authorized);
  CHECK(from_v3_connack_return_code(6) == reason_code::unspecified_error);
  for (std::uint8_t code = 0; code <= 5; ++code) {
    CHECK(to_v3_connack_return_code(from_v3_connack_return_code(code)) == code);
  }
  CHECK(to_v3_connack_return_code(reason_code::banned) == 5);
  CHECK(to_v3_connack_return_code(reason_code::bad_authentication_method) == 4);
  CHECK(to_v3_connack_return_code(reason_code::server_busy) == 3);
  CHECK(to_v3_connack_return_code(reason_code::unspecified_error) == 3);
}

TEST_CASE("codec names: the mqtk error category") {
  const std::error_code ec = errc::malformed_packet;
  CHECK(ec.category() == mqtk_category());
  CHECK(std::string(mqtk_category().name()) == "mqtk");
  CHECK(ec.message() == "malformed packet");
  for (int e = static_cast<int>(errc::malformed_packet); e <= static_cast<int>(errc::session_lost); ++e) {
    CHECK_FALSE(make_error_code(static_cast<errc>(e)).message().empty());
    CHECK(make_error_code(static_cast<errc>(e)).message() != "unknown mqtk error");
  }
  CHECK(make_error_code(errc::timeout) == std::errc::timed_out);
  CHECK(make_error_code(errc::invalid_argument) == std::errc::invalid_argument);
  CHECK(make_error_code(errc::protocol_error) != std::errc::protocol_error);
}

TEST_CASE("codec names: DISCONNECT reason for an error") {
  CHECK(disconnect_reason_for(errc::malformed_packet) == reason_code::malformed_packet);
  CHECK(disconnect_reason_for(errc::protocol_error) == reason_code::protocol_error);
  CHECK(disconnect_reason_for(errc::receive_maximum_exceeded) == reason_code::receive_maximum_exceeded);
  CHECK(disconnect_reason_for(errc::topic_alias_invalid) == reason_code::topic_alias_invalid);
  CHECK(disconnect_reason_for(errc::packet_too_large) == reason_code::packet_too_large);
  CHECK(disconnect_reason_for(errc::timeout) == reason_code::unspecified_error);
  CHECK(disconnect_reason_for(std::make_error_code(std::errc::io_error)) == reason_code::unspecified_error);
  CHECK(disconnect_reason_for({}) == reason_code::unspecified_error);
}
