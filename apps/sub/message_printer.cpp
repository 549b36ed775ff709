// mqtk-sub output modes: payload, -v, -F templates, --json and --pretty.
#include "sub/message_printer.hpp"

#include "common/diagnostics.hpp"
#include "common/json_message.hpp"
#include "common/text_escape.hpp"
#include "sub/format_fields.hpp"
#include "sub/pretty_message.hpp"

#include <algorithm>
#include <cstdio>

namespace mqtk::apps::sub {

namespace {

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

bool is_numeric(char directive) {
  return directive == 'q' || directive == 'r' || directive == 'm' || directive == 'l' || directive == 'E' ||
         directive == 'F' || directive == 'S' || directive == 'U' || directive == 'A';
}

// Fields whose precision is not a maximum length: hex groups (%x %X), decimals (%d %f, which also
// apply their own width).
bool precision_is_length(char directive) {
  return directive != 'x' && directive != 'X' && directive != 'd' && directive != 'f';
}

} // namespace

message_printer::message_printer(output_mode mode, bool newline, format_template format)
    : mode_(mode), newline_(newline), format_(std::move(format)), format_needs_time_(format_.needs_time()) {}

void message_printer::append(std::string &out, const protocol::publish &m) {
  if (!decode_)
    return append_decoded(out, m);
  auto text = decode_payload(*decode_, protocol::as_chars(m.payload));
  if (!text) {
    if (decode_failures_++ == 0)
      print_warning("a payload (topic " + escaped(m.topic) + ") is not valid " +
                    std::string(payload_codec_name(*decode_)) + "; shown as received (later ones are not reported)");
    return append_decoded(out, m);
  }
  decoded_ = std::move(*text);
  protocol::publish d = m;
  d.payload = protocol::bytes_view(reinterpret_cast<const std::uint8_t *>(decoded_.data()), decoded_.size());
  append_decoded(out, d);
}

void message_printer::append_decoded(std::string &out, const protocol::publish &m) {
  switch (mode_) {
  case output_mode::payload:
    out.append(protocol::as_chars(m.payload));
    break;
  case output_mode::verbose:
    out.append(m.topic);
    out += ' ';
    out.append(protocol::as_chars(m.payload));
    break;
  case output_mode::format:
    append_format(out, m);
    break;
  case output_mode::json:
    append_json(out, m, system_clock::now());
    out += '\n';
    return;
  case output_mode::pretty:
    append_pretty(out, m, system_clock::now(), max_payload_);
    return;
  }
  if (newline_)
    out += '\n';
}

void message_printer::append_format(std::string &out, const protocol::publish &m) {
  if (format_needs_time_)
    now_ = system_clock::now();
  for (const auto &piece : format_.pieces) {
    switch (piece.type) {
    case format_piece::kind::text:
      out += piece.text;
      break;
    case format_piece::kind::time:
      append_time(out, piece.directive);
      break;
    case format_piece::kind::field:
      if ((piece.width == 0 && piece.precision < 0) || piece.directive == 'd' || piece.directive == 'f') {
        append_field(out, piece, m);
        break;
      }
      scratch_.clear();
      append_field(scratch_, piece, m);
      if (piece.precision >= 0 && precision_is_length(piece.directive) &&
          scratch_.size() > static_cast<std::size_t>(piece.precision))
        scratch_.resize(static_cast<std::size_t>(piece.precision));
      const std::size_t pad =
          scratch_.size() < static_cast<std::size_t>(piece.width) ? piece.width - scratch_.size() : 0;
      const char fill = piece.zero_pad && !piece.left_align && is_numeric(piece.directive) ? '0' : ' ';
      if (!piece.left_align)
        out.append(pad, fill);
      out += scratch_;
      if (piece.left_align)
        out.append(pad, ' ');
      break;
    }
  }
}

void message_printer::append_field(std::string &out, const format_piece &piece, const protocol::publish &m) {
  const protocol::properties &p = m.props;
  switch (piece.directive) {
  case 't':
    out.append(m.topic);
    break;
  case 'p':
    out.append(protocol::as_chars(m.payload));
    break;
  case 'q':
    out += static_cast<char>('0' + static_cast<int>(m.qos));
    break;
  case 'r':
    out += m.retain ? '1' : '0';
    break;
  case 'm':
    append_uint(out, m.packet_id);
    break;
  case 'l':
    append_uint(out, m.payload.size());
    break;
  case 'x':
  case 'X':
    append_hex(out, m.payload, piece.directive == 'X', piece.precision, piece.separator);
    break;
  case 'd':
  case 'f':
    if (!append_ieee754(out, m.payload, piece) && format_failures_++ == 0)
      print_warning("a payload (topic " + escaped(m.topic) + ") is " + std::to_string(m.payload.size()) +
                    " byte(s), not the " + (piece.directive == 'd' ? "8 of %d" : "4 of %f") +
                    "; the field is left empty (later ones are not reported)");
    break;
  case 'A':
    if (p.topic_alias)
      append_uint(out, *p.topic_alias);
    break;
  case 'J': {
    const std::size_t at = out.size();
    append_json(out, m, now_);
    std::string object = out.substr(at);
    if (embed_json_payload(object, protocol::as_chars(m.payload))) {
      out.resize(at);
      out += object;
    } else if (format_failures_++ == 0) {
      print_warning("a payload (topic " + escaped(m.topic) +
                    ") is not valid JSON; %J shows it as %j does (later ones are not reported)");
    }
    break;
  }
  case 'I':
    local_time();
    out += iso_;
    break;
  case 'U': {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now_.time_since_epoch()).count();
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%lld.%09lld", static_cast<long long>(ns / 1'000'000'000),
                  static_cast<long long>(ns % 1'000'000'000));
    out += buffer;
    break;
  }
  case 'j':
    append_json(out, m, now_);
    break;
  case 'C':
    if (p.content_type)
      out.append(*p.content_type);
    break;
  case 'D':
    if (p.correlation_data)
      out.append(protocol::as_chars(*p.correlation_data));
    break;
  case 'E':
    if (p.message_expiry_interval)
      append_uint(out, *p.message_expiry_interval);
    break;
  case 'F':
    if (p.payload_format_indicator)
      append_uint(out, *p.payload_format_indicator);
    break;
  case 'P':
    for (std::size_t i = 0; i < p.user_properties.size(); ++i) {
      if (i != 0)
        out += ' ';
      out.append(p.user_properties[i].key);
      out += ':';
      out.append(p.user_properties[i].value);
    }
    break;
  case 'R':
    if (p.response_topic)
      out.append(*p.response_topic);
    break;
  case 'S':
    for (std::size_t i = 0; i < p.subscription_identifiers.size(); ++i) {
      if (i != 0)
        out += ',';
      append_uint(out, p.subscription_identifiers[i]);
    }
    break;
  default:
    break;
  }
}

void message_printer::append_time(std::string &out, char conversion) {
  if (conversion == 'N') {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now_.time_since_epoch()).count();
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%09lld", static_cast<long long>(ns % 1'000'000'000));
    out += buffer;
    return;
  }
  const char spec[3] = {'%', conversion, '\0'};
  char buffer[128];
  const std::size_t n = std::strftime(buffer, sizeof buffer, spec, &local_time());
  out.append(buffer, n);
}

// The same bytes as append_message_json with received_at, with the date and time formatted once per
// second instead of once per message (it was a third of --json's CPU time).
void message_printer::append_json(std::string &out, const protocol::publish &m, system_clock::time_point received) {
  append_message_json(out, m, std::nullopt);
  out.pop_back(); // the object's closing brace
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(received.time_since_epoch()).count();
  const std::time_t second = static_cast<std::time_t>(micros / 1'000'000);
  if (second != utc_second_) {
    utc_second_ = second;
    utc_prefix_.clear();
    append_rfc3339(utc_prefix_, system_clock::from_time_t(second));
    utc_prefix_.resize(utc_prefix_.size() - 8); // drop ".000000Z"
  }
  out += ",\"received_at\":\"";
  out += utc_prefix_;
  char fraction[8] = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
  auto rest = static_cast<std::uint32_t>(micros % 1'000'000);
  for (int i = 6; i >= 1; --i, rest /= 10)
    fraction[i] = static_cast<char>('0' + rest % 10);
  out.append(fraction, sizeof fraction);
  out += "\"}";
}

const std::tm &message_printer::local_time() {
  const std::time_t second = system_clock::to_time_t(now_);
  if (second != tm_second_) {
    tm_second_ = second;
    ::localtime_r(&second, &local_tm_);
    char buffer[64];
    const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S%z", &local_tm_);
    iso_.assign(buffer, n);
  }
  return local_tm_;
}

} // namespace mqtk::apps::sub
