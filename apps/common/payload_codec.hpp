#pragma once

// Payload encodings of mqtk-sub --decode and mqtk-pub --encode: CBOR and MessagePack documents
// shown as JSON text, hex and base64 payloads shown as the bytes they carry.

#include <optional>
#include <string>
#include <string_view>

namespace mqtk::apps {

// A payload encoding named on the command line.
enum class payload_codec { cbor, msgpack, hex, base64 };

// The codec named `name` ("cbor", "msgpack", "hex", "base64"), or nullopt for another name.
std::optional<payload_codec> parse_payload_codec(std::string_view name);

// The command-line name of codec ("cbor", ...).
std::string_view payload_codec_name(payload_codec codec) noexcept;

// The payload decoded: CBOR/MessagePack as compact JSON text, hex/base64 as the bytes they
// encode (hex digits in either case, whitespace ignored; base64 with or without padding).
// nullopt when the payload is not a valid document of that encoding (trailing bytes included).
std::optional<std::string> decode_payload(payload_codec codec, std::string_view payload);

// The JSON text `json` encoded as CBOR or MessagePack bytes (hex: lower-case digits of the bytes;
// base64: standard padded base64 of the bytes, `json` then taken as raw bytes). Returns nullopt
// when codec is cbor/msgpack and `json` is not one valid JSON document; sets `error` to why.
std::optional<std::string> encode_payload(payload_codec codec, std::string_view json, std::string &error);

} // namespace mqtk::apps
