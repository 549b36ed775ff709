// --tls-version ranges, --pin-sha256 and --psk parsing, and the --tls-info report formats.
#include "common/tls_flags.hpp"
#include "common/tls_info_output.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using mqtk::apps::parse_pin;
using mqtk::apps::parse_psk_hex;
using mqtk::apps::parse_tls_version_range;
using mqtk::net::tls_version;

TEST_CASE("tls flags: --tls-version ranges") {
  struct expected {
    const char *text;
    tls_version min, max;
  };
  for (const auto &e : {expected{"1.2", tls_version::v1_2, tls_version::v1_2},
                        expected{"1.3", tls_version::v1_3, tls_version::v1_3},
                        expected{"1.2+", tls_version::v1_2, tls_version::v1_3},
                        expected{"1.3+", tls_version::v1_3, tls_version::v1_3},
                        expected{"tlsv1.2", tls_version::v1_2, tls_version::v1_3}, // mosquitto's: 1.2 or later
                        expected{"tlsv1.3", tls_version::v1_3, tls_version::v1_3}}) {
    CAPTURE(e.text);
    tls_version min = tls_version::v1_3, max = tls_version::v1_2;
    REQUIRE(parse_tls_version_range(e.text, min, max));
    CHECK(min == e.min);
    CHECK(max == e.max);
  }
  for (const char *bad : {"", "1.1", "1.2-", "+1.2", "tlsv1.2+", "1.2 ", "TLSv1.2", "1.4"}) {
    CAPTURE(bad);
    tls_version min = tls_version::v1_2, max = tls_version::v1_3;
    CHECK_FALSE(parse_tls_version_range(bad, min, max));
  }
}

TEST_CASE("tls flags: --pin-sha256 takes base64 of 32 bytes, with or without sha256//") {
  // 32 bytes 0x00..0x1f.
  const std::string pin = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  for (const std::string &text : {pin, "sha256//" + pin}) {
    auto bytes = parse_pin(text);
    REQUIRE(bytes);
    for (std::size_t i = 0; i < 32; ++i)
      CHECK(static_cast<std::size_t>((*bytes)[i]) == i);
  }
  CHECK_FALSE(parse_pin(""));
  CHECK_FALSE(parse_pin("sha256//"));
  CHECK_FALSE(parse_pin(pin.substr(0, 43)));          // no padding: not 44 characters
  CHECK_FALSE(parse_pin("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd")); // 30 bytes
  CHECK_FALSE(parse_pin("sha1//" + pin));
  CHECK_FALSE(parse_pin(pin.substr(0, 42) + "!="));   // not base64
}

TEST_CASE("tls flags: --psk is hex") {
  auto key = parse_psk_hex("00aAfF10");
  REQUIRE(key);
  CHECK(*key == std::vector<std::uint8_t>{0x00, 0xaa, 0xff, 0x10});
  CHECK_FALSE(parse_psk_hex(""));
  CHECK_FALSE(parse_psk_hex("abc"));
  CHECK_FALSE(parse_psk_hex("0x12"));
  CHECK_FALSE(parse_psk_hex("g0"));
  CHECK(parse_psk_hex(std::string(1024, 'a')));
  CHECK_FALSE(parse_psk_hex(std::string(1026, 'a')));
}

TEST_CASE("tls info: text lines and the JSON object") {
  mqtk::net::tls_report r;
  r.target = "broker:8883";
  r.protocol = "TLSv1.3";
  r.cipher = "TLS_AES_256_GCM_SHA384";
  r.sni = "broker";
  r.verified = true;
  r.chain.push_back({"CN=broker\x1b[2J", "CN=CA", {"DNS:broker", "IP:10.0.0.1"}, "2030-01-01T00:00:00Z", "PIN="});
  const auto lines = mqtk::apps::tls_report_lines(r);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "TLS broker:8883: TLSv1.3, cipher TLS_AES_256_GCM_SHA384, ALPN none, SNI broker, verified");
  CHECK(lines[1] == "TLS certificate 0: subject CN=broker\x1b[2J"); // print_debug escapes it
  CHECK(lines[3] == "TLS   SANs DNS:broker, IP:10.0.0.1");
  CHECK(lines[5] == "TLS   SPKI sha256//PIN=");

  const auto j = nlohmann::json::parse(mqtk::apps::tls_report_json(r));
  CHECK(j["type"] == "tls_info");
  CHECK(j["broker"] == "broker:8883");
  CHECK(j["sni"] == "broker");
  CHECK_FALSE(j.contains("alpn"));
  CHECK_FALSE(j.contains("psk_identity"));
  CHECK(j["verified"] == true);
  CHECK(j["chain"][0]["subject"] == "CN=broker\x1b[2J");
  CHECK(j["chain"][0]["sans"][1] == "IP:10.0.0.1");
  CHECK(mqtk::apps::tls_report_json(r).find('\x1b') == std::string::npos); // JSON escapes controls

  r.chain[0].issuer = "CN=\xff";
  CHECK(nlohmann::json::parse(mqtk::apps::tls_report_json(r))["chain"][0]["issuer"] == "CN=\xef\xbf\xbd");
}
