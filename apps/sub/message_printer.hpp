#pragma once

#include "common/payload_codec.hpp"
#include "sub/format_template.hpp"

#include "mqtk/protocol/packets.hpp"

#include <chrono>
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>

namespace mqtk::apps::sub {

// How mqtk-sub prints a message.
enum class output_mode {
  payload, // the payload (default)
  verbose, // -v: topic, a space, the payload
  format,  // -F: a template
  json,    // --json: one GUIDE §5 JSON object per line
  pretty,  // --pretty: a labelled multi-line block for a person
};

// Renders received messages in one output mode, appending to a caller's buffer.
class message_printer {
public:
  // A printer for mode; newline false (-N) leaves out the line end of payload, verbose and format.
  message_printer(output_mode mode, bool newline, format_template format);
  // --pretty shows at most max bytes of each payload (nullopt: all of it).
  void set_max_payload(std::optional<std::size_t> max) noexcept { max_payload_ = max; }
  // --decode: payloads shown decoded (a payload that does not decode is shown as received).
  void set_decode(std::optional<payload_codec> codec) noexcept { decode_ = codec; }
  // How many payloads did not decode with the --decode codec.
  std::size_t decode_failures() const noexcept { return decode_failures_; }
  // How many %d/%f/%J fields could not show their payload (wrong size, not JSON).
  std::size_t format_failures() const noexcept { return format_failures_; }
  // Appends m, received now, to out.
  void append(std::string &out, const protocol::publish &m);

private:
  using system_clock = std::chrono::system_clock;
  void append_decoded(std::string &out, const protocol::publish &m);
  void append_format(std::string &out, const protocol::publish &m);
  void append_field(std::string &out, const format_piece &piece, const protocol::publish &m);
  void append_time(std::string &out, char conversion);
  void append_json(std::string &out, const protocol::publish &m, system_clock::time_point received);
  const std::tm &local_time();

  output_mode mode_;
  bool newline_;
  format_template format_;
  bool format_needs_time_;
  std::optional<std::size_t> max_payload_;
  std::optional<payload_codec> decode_;
  std::size_t decode_failures_ = 0;
  std::size_t format_failures_ = 0;
  std::string decoded_; // the payload of the message being printed, decoded
  system_clock::time_point now_{};
  std::time_t tm_second_ = -1; // the second local_tm_ and iso_ were made for
  std::tm local_tm_{};
  std::string iso_;     // %I of tm_second_
  std::time_t utc_second_ = -1; // the second utc_prefix_ was made for
  std::string utc_prefix_;      // "2026-11-25T14:00:00" of utc_second_
  std::string scratch_; // a field rendered before width and precision are applied
};

} // namespace mqtk::apps::sub
