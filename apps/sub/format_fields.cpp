// mqtk-sub -F: hex groups, %d/%f payloads as IEEE 754 numbers, and %J.
#include "sub/format_fields.hpp"

#include <nlohmann/json.hpp>

#include <bit>
#include <cstdint>
#include <cstdio>

namespace mqtk::apps::sub {

void append_hex(std::string &out, protocol::bytes_view data, bool upper, int group, char separator) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::size_t written = 0;
  auto digit = [&](unsigned value) {
    if (group > 0 && written != 0 && written % static_cast<std::size_t>(group) == 0)
      out += separator;
    out += digits[value];
    ++written;
  };
  for (const auto b : data) {
    digit(b >> 4);
    digit(b & 15);
  }
}

bool append_ieee754(std::string &out, protocol::bytes_view payload, const format_piece &piece) {
  const std::size_t size = piece.directive == 'd' ? 8 : 4;
  if (payload.size() != size)
    return false;
  std::uint64_t bits = 0;
  for (std::size_t i = size; i-- > 0;)
    bits = bits << 8 | payload[i];
  const double value = size == 8 ? std::bit_cast<double>(bits)
                                 : static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
  const int width = piece.width, precision = piece.precision < 0 ? 6 : piece.precision;
  auto print = [&](char *buffer, std::size_t capacity) {
    if (piece.left_align)
      return std::snprintf(buffer, capacity, "%-*.*f", width, precision, value);
    if (piece.zero_pad)
      return std::snprintf(buffer, capacity, "%0*.*f", width, precision, value);
    return std::snprintf(buffer, capacity, "%*.*f", width, precision, value);
  };
  const int n = print(nullptr, 0);
  if (n <= 0)
    return false;
  const std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(n) + 1);
  print(out.data() + at, static_cast<std::size_t>(n) + 1);
  out.resize(at + static_cast<std::size_t>(n));
  return true;
}

bool embed_json_payload(std::string &json_object, std::string_view payload) {
  using nlohmann::ordered_json;
  ordered_json value = ordered_json::parse(payload.begin(), payload.end(), nullptr, false);
  if (value.is_discarded())
    return false;
  ordered_json object = ordered_json::parse(json_object, nullptr, false);
  if (!object.is_object())
    return false;
  object["payload"] = std::move(value);
  object["payload_encoding"] = "json";
  json_object = object.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return true;
}

} // namespace mqtk::apps::sub
