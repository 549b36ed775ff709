#pragma once

// Comparing a received will with the one registered, and a scenario's delivery with the spec's
// expectation; free of I/O so unit tests can include this header alone.
#include "scenario.hpp" // same folder: unit tests include these headers without the apps/ include path

#include "mqtk/protocol/packets.hpp"
#include "mqtk/protocol/session.hpp"
#include "mqtk/protocol/utf8.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::will_test {

// One way in which what happened differs from what the spec (or the registered will) says.
struct difference {
  std::string field;    // will, latency, topic, payload, qos, retain, retained_copy, or a property name
  std::string expected; // readable value
  std::string observed; // readable value
  friend bool operator==(const difference &, const difference &) = default;
};

// Binary data as text when it is valid UTF-8, else as 0x-prefixed hex.
inline std::string printable(protocol::bytes_view data) {
  const std::string_view text = protocol::as_chars(data);
  if (protocol::is_valid_utf8(text))
    return std::string(text);
  static const char digits[] = "0123456789abcdef";
  std::string out = "0x";
  for (std::uint8_t b : data) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// Seconds with millisecond precision ("3.015").
inline std::string format_seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", s);
  return text;
}

namespace detail {

inline void optional_text(std::vector<difference> &out, const char *field,
                          const std::optional<std::string_view> &want,
                          const std::optional<std::string_view> &got) {
  if (want == got)
    return;
  out.push_back({field, want ? std::string(*want) : "absent", got ? std::string(*got) : "absent"});
}

inline std::string user_properties_text(const std::vector<protocol::user_property> &list) {
  if (list.empty())
    return "absent";
  std::string out;
  for (const auto &p : list) {
    if (!out.empty())
      out += ", ";
    out += std::string(p.key) + "=" + std::string(p.value);
  }
  return out;
}

} // namespace detail

// The differences between the will registered in CONNECT and the message the observer received.
// retain_visible: the observer could see the will's retain flag (MQTT 5 Retain As Published);
// v5: compare the will properties that travel with the message (the will delay does not).
inline std::vector<difference> compare_will(const protocol::will_options &want, const protocol::publish &got,
                                            bool v5, bool retain_visible) {
  std::vector<difference> out;
  if (got.topic != want.topic)
    out.push_back({"topic", want.topic, std::string(got.topic)});
  const protocol::bytes_view want_payload{want.payload.data(), want.payload.size()};
  if (!std::equal(want_payload.begin(), want_payload.end(), got.payload.begin(), got.payload.end()))
    out.push_back({"payload", printable(want_payload), printable(got.payload)});
  if (got.qos != want.qos)
    out.push_back(
        {"qos", std::to_string(static_cast<int>(want.qos)), std::to_string(static_cast<int>(got.qos))});
  if (retain_visible && got.retain != want.retain)
    out.push_back({"retain", want.retain ? "true" : "false", got.retain ? "true" : "false"});
  if (!v5)
    return out;
  const protocol::properties &w = want.props.get();
  const protocol::properties &g = got.props;
  if (w.payload_format_indicator != g.payload_format_indicator) {
    auto text = [](const std::optional<std::uint8_t> &v) {
      return v ? std::to_string(*v) : std::string("absent");
    };
    out.push_back(
        {"payload_format_indicator", text(w.payload_format_indicator), text(g.payload_format_indicator)});
  }
  if (w.message_expiry_interval) {
    // The broker sends what is left of the interval: at most the original, a second or two less.
    const std::uint32_t full = *w.message_expiry_interval;
    const std::uint32_t least = full > 2 ? full - 2 : 0;
    if (!g.message_expiry_interval || *g.message_expiry_interval > full || *g.message_expiry_interval < least)
      out.push_back({"message_expiry_interval", std::to_string(full),
                     g.message_expiry_interval ? std::to_string(*g.message_expiry_interval) : "absent"});
  } else if (g.message_expiry_interval) {
    out.push_back({"message_expiry_interval", "absent", std::to_string(*g.message_expiry_interval)});
  }
  detail::optional_text(out, "content_type", w.content_type, g.content_type);
  detail::optional_text(out, "response_topic", w.response_topic, g.response_topic);
  if (w.correlation_data.has_value() != g.correlation_data.has_value() ||
      (w.correlation_data && !std::equal(w.correlation_data->begin(), w.correlation_data->end(),
                                         g.correlation_data->begin(), g.correlation_data->end())))
    out.push_back({"correlation_data", w.correlation_data ? printable(*w.correlation_data) : "absent",
                   g.correlation_data ? printable(*g.correlation_data) : "absent"});
  if (w.user_properties != g.user_properties)
    out.push_back({"user_properties", detail::user_properties_text(w.user_properties),
                   detail::user_properties_text(g.user_properties)});
  return out;
}

// The differences between a scenario's delivery and the expectation: whether the will came, when
// (latency_s after the end; "(late)" or "(early)" outside the window), and whether a later
// subscriber got it retained (nullopt: not checked). waited_s (when above 0) is how long the
// observer listened, named when the will never came.
inline std::vector<difference> check_delivery(const expectation &e, bool arrived, double latency_s,
                                              std::optional<bool> retained_copy, double waited_s = 0) {
  std::vector<difference> out;
  const std::string window =
      "between " + format_seconds(e.earliest_s) + " and " + format_seconds(e.latest_s) + " s";
  if (e.will && !arrived && !e.either)
    out.push_back({"will", "published " + window + " after the end",
                   waited_s > 0 ? "not received within " + format_seconds(waited_s) + " s" : "not received"});
  if (!e.will && arrived && !e.either)
    out.push_back({"will", "not published", "received " + format_seconds(latency_s) + " s after the end"});
  if ((e.will || e.either) && arrived && (latency_s < e.earliest_s || latency_s > e.latest_s))
    out.push_back({"latency", window, format_seconds(latency_s) + (latency_s > e.latest_s ? " s (late)" : " s (early)")});
  if (retained_copy && !*retained_copy)
    out.push_back(
        {"retained_copy", "a later subscriber receives the will as a retained message", "not received"});
  return out;
}

} // namespace mqtk::apps::will_test
