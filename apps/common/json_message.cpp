#include "common/json_message.hpp"

#include "mqtk/protocol/utf8.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace mqtk::apps {

namespace {

constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_uint(std::string &out, std::uint64_t value) {
  char buffer[24];
  int n = 0;
  do {
    buffer[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0)
    out += buffer[--n];
}

// Appends "key":"value" with value UTF-8 or base64, plus "<key>_encoding" when base64 is needed.
void append_binary_field(std::string &out, const char *key, protocol::bytes_view data, bool force_encoding) {
  const std::string_view text = protocol::as_chars(data);
  const bool utf8 = protocol::is_valid_utf8(text);
  out += '"';
  out += key;
  out += "\":";
  if (utf8) {
    append_json_string(out, text);
  } else {
    out += '"';
    append_base64(out, data);
    out += '"';
  }
  if (force_encoding || !utf8) {
    out += ",\"";
    out += key;
    out += utf8 ? "_encoding\":\"utf8\"" : "_encoding\":\"base64\"";
  }
}

void append_properties(std::string &out, const protocol::properties &p) {
  out += "\"properties\":{";
  bool first = true;
  auto key = [&](const char *name) {
    if (!first)
      out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
  };
  if (p.payload_format_indicator) {
    key("payload_format_indicator");
    append_uint(out, *p.payload_format_indicator);
  }
  if (p.message_expiry_interval) {
    key("message_expiry_interval");
    append_uint(out, *p.message_expiry_interval);
  }
  if (p.content_type) {
    key("content_type");
    append_json_string(out, *p.content_type);
  }
  if (p.response_topic) {
    key("response_topic");
    append_json_string(out, *p.response_topic);
  }
  if (p.correlation_data) {
    if (!first)
      out += ',';
    first = false;
    append_binary_field(out, "correlation_data", *p.correlation_data, true);
  }
  if (!p.subscription_identifiers.empty()) {
    key("subscription_identifiers");
    out += '[';
    for (std::size_t i = 0; i < p.subscription_identifiers.size(); ++i) {
      if (i)
        out += ',';
      append_uint(out, p.subscription_identifiers[i]);
    }
    out += ']';
  }
  if (!p.user_properties.empty()) {
    key("user_properties");
    out += '[';
    for (std::size_t i = 0; i < p.user_properties.size(); ++i) {
      if (i)
        out += ',';
      out += '[';
      append_json_string(out, p.user_properties[i].key);
      out += ',';
      append_json_string(out, p.user_properties[i].value);
      out += ']';
    }
    out += ']';
  }
  out += '}';
}

} // namespace

void append_json_string(std::string &out, std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

void append_base64(std::string &out, protocol::bytes_view data) {
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += base64_alphabet[(v >> 18) & 63];
    out += base64_alphabet[(v >> 12) & 63];
    out += base64_alphabet[(v >> 6) & 63];
    out += base64_alphabet[v & 63];
  }
  if (i + 1 == data.size()) {
    const std::uint32_t v = data[i] << 16;
    out += base64_alphabet[(v >> 18) & 63];
    out += base64_alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8);
    out += base64_alphabet[(v >> 18) & 63];
    out += base64_alphabet[(v >> 12) & 63];
    out += base64_alphabet[(v >> 6) & 63];
    out += '=';
  }
}

bool decode_base64(std::string_view text, std::vector<std::uint8_t> &out) {
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

void append_rfc3339(std::string &out, std::chrono::system_clock::time_point when) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(micros % 1'000'000));
  out += buffer;
}

void append_message_json(std::string &out, const protocol::publish &m,
                         std::optional<std::chrono::system_clock::time_point> received_at) {
  out += "{\"topic\":";
  append_json_string(out, m.topic);
  out += ',';
  append_binary_field(out, "payload", m.payload, true);
  out += ",\"qos\":";
  out += static_cast<char>('0' + static_cast<int>(m.qos));
  out += m.retain ? ",\"retain\":true," : ",\"retain\":false,";
  append_properties(out, m.props);
  if (received_at) {
    out += ",\"received_at\":\"";
    append_rfc3339(out, *received_at);
    out += '"';
  }
  out += '}';
}

protocol::publish json_message::view() const {
  protocol::publish p;
  p.topic = topic;
  p.payload = {payload.data(), payload.size()};
  p.qos = qos;
  p.retain = retain;
  p.props = props.get();
  return p;
}

bool parse_message_json(std::string_view line, json_message &out, std::string &error) {
  using nlohmann::json;
  json doc = json::parse(line.begin(), line.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "not a JSON object";
    return false;
  }
  auto text_of = [&](const json &value, const char *name, std::string &into) {
    if (!value.is_string()) {
      error = std::string(name) + " must be a string";
      return false;
    }
    into = value.get<std::string>();
    return true;
  };
  auto binary_of = [&](const json &object, const char *name, std::vector<std::uint8_t> &into) {
    std::string text;
    if (!text_of(object.at(name), name, text))
      return false;
    const std::string encoding_key = std::string(name) + "_encoding";
    const std::string encoding = object.value(encoding_key, std::string("utf8"));
    if (encoding == "base64") {
      if (!decode_base64(text, into)) {
        error = std::string(name) + " is not valid base64";
        return false;
      }
    } else if (encoding == "utf8") {
      into.assign(text.begin(), text.end());
    } else {
      error = encoding_key + " must be utf8 or base64";
      return false;
    }
    return true;
  };

  out = json_message{};
  if (doc.contains("topic") && !text_of(doc["topic"], "topic", out.topic))
    return false;
  if (doc.contains("payload") && !binary_of(doc, "payload", out.payload))
    return false;
  if (doc.contains("qos")) {
    const json &q = doc["qos"];
    if (!q.is_number_integer() || q.get<int>() < 0 || q.get<int>() > 2) {
      error = "qos must be 0, 1 or 2";
      return false;
    }
    out.qos = static_cast<protocol::qos>(q.get<int>());
    out.qos_given = true;
  }
  if (doc.contains("retain")) {
    if (!doc["retain"].is_boolean()) {
      error = "retain must be true or false";
      return false;
    }
    out.retain = doc["retain"].get<bool>();
    out.retain_given = true;
  }
  if (!doc.contains("properties"))
    return true;
  const json &pj = doc["properties"];
  if (!pj.is_object()) {
    error = "properties must be an object";
    return false;
  }
  protocol::properties props;
  std::string content_type, response_topic;
  std::vector<std::uint8_t> correlation;
  std::vector<std::pair<std::string, std::string>> users;
  auto number_of = [&](const char *name, std::uint64_t max, std::uint64_t &into) {
    const json &v = pj[name];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
      error = std::string(name) + " must be a number from 0 to " + std::to_string(max);
      return false;
    }
    into = v.get<std::uint64_t>();
    return true;
  };
  std::uint64_t number = 0;
  if (pj.contains("payload_format_indicator")) {
    if (!number_of("payload_format_indicator", 1, number))
      return false;
    props.payload_format_indicator = static_cast<std::uint8_t>(number);
  }
  if (pj.contains("message_expiry_interval")) {
    if (!number_of("message_expiry_interval", 0xFFFFFFFF, number))
      return false;
    props.message_expiry_interval = static_cast<std::uint32_t>(number);
  }
  if (pj.contains("content_type")) {
    if (!text_of(pj["content_type"], "content_type", content_type))
      return false;
    props.content_type = content_type;
  }
  if (pj.contains("response_topic")) {
    if (!text_of(pj["response_topic"], "response_topic", response_topic))
      return false;
    props.response_topic = response_topic;
  }
  if (pj.contains("correlation_data")) {
    if (!binary_of(pj, "correlation_data", correlation))
      return false;
    props.correlation_data = protocol::bytes_view(correlation.data(), correlation.size());
  }
  if (pj.contains("user_properties")) {
    const json &list = pj["user_properties"];
    if (!list.is_array()) {
      error = "user_properties must be a list of [key, value] pairs";
      return false;
    }
    for (const json &pair : list) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        error = "user_properties must be a list of [key, value] pairs";
        return false;
      }
      users.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
    for (const auto &[k, v] : users)
      props.user_properties.push_back({k, v});
  }
  out.props.assign(props);
  return true;
}

} // namespace mqtk::apps
