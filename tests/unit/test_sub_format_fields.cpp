// mqtk-sub -F, mosquitto_sub 2.1's fields: %A, %d, %f, %J and hex groups (%.2x, %.4:X), parsed and
// rendered by the message printer.
#include "../../apps/sub/format_fields.hpp"
#include "../../apps/sub/message_printer.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace mqtk::apps::sub;
namespace protocol = mqtk::protocol;

namespace {

protocol::bytes_view bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()};
}

protocol::publish message(std::string_view topic, std::string_view payload) {
  protocol::publish m;
  m.topic = topic;
  m.payload = bytes(payload);
  return m;
}

// A -F printer of spec, without line ends.
message_printer printer_for(std::string_view spec) {
  format_template t;
  const std::string error = parse_format(spec, t);
  INFO("spec: ", spec, " error: ", error);
  REQUIRE(error.empty());
  return message_printer(output_mode::format, false, t);
}

// The -F output of m with spec (no line end).
std::string rendered(std::string_view spec, const protocol::publish &m) {
  auto printer = printer_for(spec);
  std::string out;
  printer.append(out, m);
  return out;
}

std::string error_of(std::string_view spec) {
  format_template t;
  return parse_format(spec, t);
}

// The little-endian bytes of a double or float.
template <typename T> std::string le_bytes(T value) {
  std::string out(sizeof value, '\0');
  std::memcpy(out.data(), &value, sizeof value); // the tests run on little-endian machines
  return out;
}

} // namespace

TEST_CASE("parse_format: mosquitto 2.1's %A %J %d %f are known, with options") {
  format_template t;
  REQUIRE(parse_format("%A %J %d %f %08.3d", t).empty());
  CHECK(t.uses('A'));
  CHECK(t.uses('J'));
  CHECK(t.uses('f'));
  CHECK_FALSE(t.uses('t'));
  CHECK(t.pieces.back().zero_pad);
  CHECK(t.pieces.back().width == 8);
  CHECK(t.pieces.back().precision == 3);
  CHECK(t.needs_time()); // %J carries received_at
}

TEST_CASE("parse_format: hex group separators") {
  format_template t;
  REQUIRE(parse_format("%.2x|%.4:X|%.2-x|%:x", t).empty());
  REQUIRE(t.pieces.size() == 7);
  CHECK(t.pieces[0].separator == ' ');
  CHECK(t.pieces[0].precision == 2);
  CHECK(t.pieces[2].separator == ':');
  CHECK(t.pieces[2].directive == 'X');
  CHECK(t.pieces[4].separator == '-');
  CHECK(t.pieces[6].separator == ':');
  CHECK(error_of("%.2:t") == "a group separator (':') only applies to %x and %X at offset 0");
  CHECK(error_of("%.2:") == "the template ends inside a '%' field");
  CHECK(error_of("%.2%x") == "'%%' takes no width or precision at offset 0"); // '%' is no separator
}

TEST_CASE("-F hex groups") {
  const auto m = message("t", "\x18\x83\xAB\x01\xFF");
  CHECK(rendered("%x", m) == "1883ab01ff");
  CHECK(rendered("%.2x", m) == "18 83 ab 01 ff");
  CHECK(rendered("%.2:x", m) == "18:83:ab:01:ff");
  CHECK(rendered("%.4,X", m) == "1883,AB01,FF");
  CHECK(rendered("%.3x", m) == "188 3ab 01f f");
  CHECK(rendered("%.0x", m) == "1883ab01ff");
  CHECK(rendered("[%16.4x]", m) == "[    1883 ab01 ff]"); // the width counts the separators
  CHECK(rendered("[%.2x]", message("t", "")) == "[]");
  CHECK(rendered("%.2x", message("t", "\x7f")) == "7f"); // one group: no separator
}

TEST_CASE("-F %d and %f read the payload as a little-endian IEEE 754 number") {
  CHECK(rendered("%d", message("t", le_bytes(21.5))) == "21.500000");
  CHECK(rendered("%.2d", message("t", le_bytes(-3.14159))) == "-3.14");
  CHECK(rendered("[%9.1d]", message("t", le_bytes(2.25))) == "[      2.2]");
  CHECK(rendered("[%-9.1d]", message("t", le_bytes(2.75))) == "[2.8      ]");
  CHECK(rendered("[%09.2d]", message("t", le_bytes(-1.5))) == "[-00001.50]");
  CHECK(rendered("%.0d", message("t", le_bytes(1e6))) == "1000000");
  CHECK(rendered("%f", message("t", le_bytes(0.5F))) == "0.500000");
  CHECK(rendered("%.3f", message("t", le_bytes(-7.25F))) == "-7.250");
  CHECK(rendered("[%6.1f]", message("t", std::string("\x00\x00\xC0\x7F", 4))) == "[   nan]");
  SUBCASE("a payload of another size leaves the field empty and is counted") {
    auto printer = printer_for("<%d|%f>");
    std::string out;
    printer.append(out, message("t", "12345"));
    CHECK(out == "<|>");
    CHECK(printer.format_failures() == 2);
    out.clear();
    printer.append(out, message("t", le_bytes(1.0F)));
    CHECK(out == "<|1.000000>");
    CHECK(printer.format_failures() == 3);
  }
}

TEST_CASE("-F %A is the topic alias of the message, empty without one") {
  auto m = message("a/b", "x");
  CHECK(rendered("[%A]", m) == "[]");
  m.props.topic_alias = 7;
  CHECK(rendered("[%A]", m) == "[7]");
  CHECK(rendered("[%03A]", m) == "[007]");
  CHECK(rendered("[%-3A]", m) == "[7  ]");
}

TEST_CASE("-F %J embeds a JSON payload as JSON") {
  using nlohmann::json;
  auto m = message("sensors/1", "{\"temperature\": 27.0,\n \"humidity\": 57}");
  m.qos = protocol::qos::at_least_once;
  const std::string out = rendered("%J", m);
  CHECK(out.find('\n') == std::string::npos); // one line even when the payload spans several
  const json j = json::parse(out);
  CHECK(j["topic"] == "sensors/1");
  CHECK(j["payload"]["temperature"] == 27.0);
  CHECK(j["payload"]["humidity"] == 57);
  CHECK(j["payload_encoding"] == "json");
  CHECK(j["qos"] == 1);
  CHECK(j.contains("received_at"));
  CHECK(out.rfind("{\"topic\":\"sensors/1\",\"payload\":{\"temperature\":27.0,\"humidity\":57},", 0) == 0);
  CHECK(json::parse(rendered("%J", message("t", "42")))["payload"] == 42);
  CHECK(json::parse(rendered("%J", message("t", "\"text\"")))["payload"] == "text");
  SUBCASE("a payload that is not JSON is shown as %j shows it, and counted") {
    auto printer = printer_for("%J");
    std::string out2;
    printer.append(out2, message("t", "not json"));
    const json k = json::parse(out2);
    CHECK(k["payload"] == "not json");
    CHECK(k["payload_encoding"] == "utf8");
    CHECK(printer.format_failures() == 1);
  }
}

TEST_CASE("-F precision still truncates text fields") {
  CHECK(rendered("%.3t|%.2p", message("abcdef", "xyz")) == "abc|xy");
}
