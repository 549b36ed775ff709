#include "common/payload_codec.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>

namespace mqtk::apps {
namespace {

constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::optional<std::string> from_hex(std::string_view in) {
  std::string out;
  int high = -1;
  for (const char c : in) {
    if (is_space(c))
      continue;
    const int v = hex_value(c);
    if (v < 0)
      return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  if (high >= 0)
    return std::nullopt;
  return out;
}

std::optional<std::string> from_base64(std::string_view in) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  std::size_t padding = 0;
  for (const char c : in) {
    if (is_space(c))
      continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const auto v = base64_alphabet.find(c);
    if (v == std::string_view::npos || padding > 0)
      return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out.push_back(static_cast<char>(bits >> 16));
      out.push_back(static_cast<char>(bits >> 8));
      out.push_back(static_cast<char>(bits));
      bits = 0;
      count = 0;
    }
  }
  if (count == 1 || padding > 2 || (padding > 0 && (count + padding) % 4 != 0))
    return std::nullopt;
  if (count == 2) {
    out.push_back(static_cast<char>(bits >> 4));
  } else if (count == 3) {
    out.push_back(static_cast<char>(bits >> 10));
    out.push_back(static_cast<char>(bits >> 2));
  }
  return out;
}

std::string to_hex(std::string_view in) {
  static constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(in.size() * 2);
  for (const char c : in) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::string to_base64(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6)
      out.push_back(base64_alphabet[(v >> s) & 63]);
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    const std::uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(base64_alphabet[(v >> 18) & 63]);
    out.push_back(base64_alphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? base64_alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

} // namespace

std::optional<payload_codec> parse_payload_codec(std::string_view name) {
  if (name == "cbor")
    return payload_codec::cbor;
  if (name == "msgpack")
    return payload_codec::msgpack;
  if (name == "hex")
    return payload_codec::hex;
  if (name == "base64")
    return payload_codec::base64;
  return std::nullopt;
}

std::string_view payload_codec_name(payload_codec codec) noexcept {
  switch (codec) {
  case payload_codec::cbor:
    return "cbor";
  case payload_codec::msgpack:
    return "msgpack";
  case payload_codec::hex:
    return "hex";
  case payload_codec::base64:
    return "base64";
  }
  return "";
}

std::optional<std::string> decode_payload(payload_codec codec, std::string_view payload) {
  switch (codec) {
  case payload_codec::hex:
    return from_hex(payload);
  case payload_codec::base64:
    return from_base64(payload);
  case payload_codec::cbor:
  case payload_codec::msgpack: {
    const auto *first = reinterpret_cast<const std::uint8_t *>(payload.data());
    const auto *last = first + payload.size();
    const auto doc = codec == payload_codec::cbor ? nlohmann::json::from_cbor(first, last, true, false)
                                                  : nlohmann::json::from_msgpack(first, last, true, false);
    if (doc.is_discarded())
      return std::nullopt;
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  }
  return std::nullopt;
}

std::optional<std::string> encode_payload(payload_codec codec, std::string_view json, std::string &error) {
  if (codec == payload_codec::hex)
    return to_hex(json);
  if (codec == payload_codec::base64)
    return to_base64(json);
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded()) {
    error = "the payload is not valid JSON";
    return std::nullopt;
  }
  std::string out;
  if (codec == payload_codec::cbor)
    nlohmann::json::to_cbor(doc, out);
  else
    nlohmann::json::to_msgpack(doc, out);
  return out;
}

} // namespace mqtk::apps
