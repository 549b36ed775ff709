// mqtk-pub: the run loop. Feeds messages from the chosen source into the client as fast as the
// broker's window and the socket allow, tracks every QoS 1/2 message until it is acknowledged or
// reported, and turns the outcome into the exit status.
#include "pub/pub.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/file_input.hpp"
#include "common/flag_lookup.hpp"
#include "common/json_message.hpp"
#include "common/publish_refusal.hpp"
#include "common/runtime.hpp"
#include "common/text_checks.hpp"
#include "pub/replay_feed.hpp"
#include "pub/token_bucket.hpp"
#include "common/stdout_writer.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <unordered_map>

namespace mqtk::apps::pub {

namespace {

using clock = std::chrono::steady_clock;
constexpr std::size_t max_buffered_output = 1 << 16; // pause QoS 0 streams above 1 MiB unwritten
constexpr std::size_t max_line = 1 << 28;
constexpr std::size_t max_payload = 268'435'455; // the largest MQTT packet's remaining length
// The largest payload sent with CONNECT before the CONNACK: what a refused connection wastes.
constexpr std::size_t max_pipelined_payload = 64 * 1024;

// True when the flags ask for a property only MQTT 5 can carry.
bool wants_v5_properties(const pub_options &o) {
  return o.message_expiry || o.content_type || o.response_topic || o.correlation_data || !o.user_properties.empty() ||
         !o.payload_format.empty() || o.topic_alias;
}

class publisher final : public client::client_handler {
public:
  publisher(runtime &rt, pub_options options, client::client_options client_options)
      : rt_(rt), o_(std::move(options)), client_(rt.io(), std::move(client_options), *this), rate_timer_(rt),
        reader_(rt, max_line), replay_(o_.replay), loop_timer_(rt) {
    if (o_.rate > 0)
      bucket_.emplace(o_.rate, o_.burst);
  }

  // --encode: replaces JSON text in bytes by its encoding; false when it is not valid JSON.
  bool encode_payload(std::vector<std::uint8_t> &bytes) const {
    std::string error;
    const std::string_view text(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    const auto encoded = apps::encode_payload(*o_.encode, text, error);
    if (!encoded)
      return false;
    bytes.assign(encoded->begin(), encoded->end());
    return true;
  }

  // Loads single-message payloads and builds the shared properties; false after a usage error.
  bool prepare() {
    if (o_.source == payload_source::message) {
      payload_.assign(o_.message.begin(), o_.message.end());
    } else if (o_.source == payload_source::file) {
      std::string all, error;
      if (!read_file(o_.file, "file", max_payload, all, error)) {
        print_error(error);
        return false;
      }
      payload_.assign(all.begin(), all.end());
    } else if (o_.source == payload_source::stdin_whole) {
      std::string all, error;
      if (!read_all_stdin(all, error)) {
        print_error(error);
        return false;
      }
      payload_.assign(all.begin(), all.end());
    }
    if (o_.encode && o_.source != payload_source::stdin_lines) {
      if (!encode_payload(payload_)) {
        print_error("--encode " + std::string(payload_codec_name(*o_.encode)) + ": the payload is not valid JSON");
        return false;
      }
    }
    protocol::properties props;
    if (o_.message_expiry)
      props.message_expiry_interval = *o_.message_expiry;
    if (o_.content_type)
      props.content_type = *o_.content_type;
    if (o_.response_topic)
      props.response_topic = *o_.response_topic;
    if (o_.correlation_data)
      props.correlation_data = protocol::as_bytes(*o_.correlation_data);
    if (!o_.payload_format.empty())
      props.payload_format_indicator = o_.payload_format == "utf8" ? 1 : 0;
    user_pairs_.reserve(o_.user_properties.size());
    for (const auto &pair : o_.user_properties) {
      const auto eq = pair.find('=');
      user_pairs_.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    }
    for (const auto &[k, v] : user_pairs_)
      props.user_properties.push_back({k, v});
    props_.assign(props);
    single_.topic = o_.topic;
    single_.payload = {payload_.data(), payload_.size()};
    single_.qos = static_cast<protocol::qos>(o_.qos);
    single_.retain = o_.retain;
    single_.props = props_.get();
    return true;
  }

  void start() {
    rt_.on_interrupt([this] {
      interrupted_ = true;
      stop_source();
      client_.disconnect();
    });
    client_.start();
  }

  // ---- client events -------------------------------------------------------------------------
  // Pipelining: a single small message goes out in CONNECT's write, so a QoS 1/2 one-shot publish
  // waits for the broker twice, not three times. It counts as sent once the CONNACK accepted the
  // connection; before that a new attempt (the 3.1.1 fallback) sends it again. The DISCONNECT waits
  // for the CONNACK: aedes dropped about half of the QoS 0 messages that had a DISCONNECT behind
  // them in CONNECT's write (24 of 50), none without.
  void on_connect_queued() override {
    forget_early();
    if (!pipelined() || source_started_ ||
        (client_.session().version() != protocol::protocol_version::v5 && wants_v5_properties(o_)))
      return;
    early_ = true;
    const bool sent = send_single();
    early_ = false;
    if (!sent)
      return;
    early_sent_ = true;
  }

  void on_connected(const protocol::connack &, bool fell_back) override {
    if (early_sent_) {
      accept_early();
      return;
    }
    if (fell_back && wants_v5_properties(o_)) {
      print_error("the broker only speaks MQTT 3.1.1; the MQTT 5 properties given cannot be sent");
      usage_failure_ = true;
      client_.disconnect();
      return;
    }
    if (!source_started_) {
      source_started_ = true;
      start_source();
    }
    pump();
  }

  void on_writable() override { pump(); }

  void on_publish_done(std::uint16_t id, protocol::reason_code reason, const protocol::properties &props) override {
    auto it = inflight_.find(id);
    if (it == inflight_.end())
      return;
    const record rec = std::move(it->second);
    inflight_.erase(it);
    if (protocol::is_error(reason)) {
      ++refused_;
      std::string line = "the broker refused message " + std::to_string(rec.sequence) + " on '" + shown(rec.topic) +
                         "': " + protocol::reason_code_text(reason);
      if (props.reason_string)
        line += ": " + std::string(*props.reason_string);
      print_error(line);
    } else {
      ++acknowledged_;
    }
    report(rec, id, reason, true);
    pump();
  }

  void on_lost(protocol::packet_type type, std::uint16_t id) override {
    if (type != protocol::packet_type::publish)
      return;
    auto it = inflight_.find(id);
    if (it == inflight_.end())
      return;
    ++lost_;
    inflight_.erase(it);
  }

  void on_connection_lost(std::string_view message, std::chrono::milliseconds delay) override {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g s", std::chrono::duration<double>(delay).count());
    print_warning(std::string(message) + "; reconnecting in " + seconds);
  }

  void on_closed(const client::close_reason &why) override {
    forget_early(); // no CONNACK success: not sent, as without pipelining (the status says why)
    lost_ += inflight_.size();
    const std::size_t unsent = stashed_ ? 1 : 0;
    if (why.kind != client::close_kind::normal)
      print_error(why.message);
    int status = exit_status_for(why, lost_ + unsent > 0);
    if (lost_ + unsent > 0) { // a line read but not yet sent when the connection ended counts too
      std::string line = std::to_string(lost_ + unsent) + " message(s) were not acknowledged (" +
                         std::to_string(acknowledged_) + " acknowledged";
      if (line_number_ > 0)
        line += ", stopped after input line " + std::to_string(line_number_);
      print_error(line + ")");
    }
    if (status == exit_ok && refused_ > 0)
      status = exit_operation_refused;
    if (status == exit_ok && (usage_failure_ || source_error_))
      status = exit_usage;
    replay_.report(interrupted_, sequence_);
    if (interrupted_)
      status = exit_interrupted; // whatever was in flight is reported above
    rt_.finish(status);
  }

private:
  struct record {
    std::uint64_t sequence;
    std::string topic;
    protocol::qos qos;
    clock::time_point sent_at;
  };

  // ---- pipelining ----------------------------------------------------------------------------
  // True when the one message of this run may go before the CONNACK.
  bool pipelined() const {
    const bool single = o_.source == payload_source::message || o_.source == payload_source::file ||
                        o_.source == payload_source::stdin_whole || o_.source == payload_source::null_message;
    return o_.pipeline && single && o_.repeat == 1 && payload_.size() <= max_pipelined_payload &&
           client_.session().options().publish_before_connack;
  }

  // The CONNACK accepted the connection the message went out on: it is sent, unless the CONNACK
  // announced a limit it breaks (the broker drops it and may disconnect): then it is refused.
  void accept_early() {
    early_sent_ = false;
    source_started_ = true;
    remaining_ = 0;
    std::optional<record> qos0 = std::move(early_qos0_);
    early_qos0_.reset();
    const auto limit_error = client_.session().limit_refusal(single_);
    if (auto limit = broker_limit_refusal(limit_error, client_.session().limits())) {
      print_error("message 1 on '" + shown(single_.topic) + "' refused: " + *limit +
                  " (the CONNACK said so after the message was sent with CONNECT)");
      ++refused_;
      inflight_.clear();
      stop_source();
      if (client_.connected())
        client_.disconnect(goodbye());
      return;
    }
    if (qos0)
      report(*qos0, 0, protocol::reason_code::success, false);
    pump();
  }

  // Drops the record of a message sent before a CONNACK that never came (the session forgot it).
  void forget_early() {
    if (!early_sent_)
      return;
    early_sent_ = false;
    early_qos0_.reset();
    inflight_.clear(); // it was the only message
    sequence_ = 0;
  }

  // ---- sources -------------------------------------------------------------------------------
  void start_source() {
    if (o_.source == payload_source::stdin_lines || o_.source == payload_source::jsonl) {
      reader_.start([this](std::string_view line) { return take_line(line); },
                    [this](const std::string &error) {
                      if (!error.empty()) {
                        print_error(error);
                        source_error_ = true;
                      }
                      if (error.empty() && !source_done_ && replay_.next_loop()) { // --loop: read it again
                        loop_timer_.start({}, [this] { start_source(); });
                        return;
                      }
                      source_done_ = true;
                      pump();
                    });
      return;
    }
    remaining_ = o_.repeat;
  }

  void stop_source() {
    source_done_ = true;
    remaining_ = 0;
    stashed_.reset();
  }

  // A line from stdin: stash it as the next message; pause reading until it is sent.
  bool take_line(std::string_view line) {
    if (source_done_)
      return false;
    ++line_number_;
    json_message m;
    if (o_.source == payload_source::jsonl) {
      if (line.empty())
        return true;
      std::string error;
      if (!parse_message_json(line, m, error))
        return line_failed(error);
      if (m.topic.empty() && !o_.topic.empty())
        m.topic = o_.topic;
      if (!replay_.take(line, m.topic, error))
        return line_failed(error);
      if (m.topic.empty())
        return line_failed("topic is missing (give it in the line or with -t)");
      if (auto problem = protocol::topic_name_error(m.topic); !problem.empty())
        return line_failed("topic '" + shown(m.topic) + "' " + std::string(problem));
      if (auto problem = line_control_chars(m); !problem.empty())
        return line_failed(problem);
      if (!m.props.get().empty() && client_.session().version() != protocol::protocol_version::v5)
        return line_failed("properties need MQTT 5");
      if (!m.qos_given)
        m.qos = static_cast<protocol::qos>(o_.qos);
      if (!m.retain_given)
        m.retain = o_.retain;
    } else {
      m.topic = o_.topic;
      m.payload.assign(line.begin(), line.end());
      if (o_.encode && !encode_payload(m.payload))
        return line_failed("--encode " + std::string(payload_codec_name(*o_.encode)) + ": not valid JSON");
      m.qos = static_cast<protocol::qos>(o_.qos);
      m.retain = o_.retain;
    }
    stashed_ = std::move(m);
    pump();
    return !stashed_; // keep reading only if it went out at once
  }

  // Ends the stream after a bad JSON line: one error line naming it, exit 2.
  bool line_failed(const std::string &why) {
    print_error("line " + std::to_string(line_number_) + ": " + why);
    source_error_ = true;
    source_done_ = true;
    pump();
    return false;
  }

  // The control character error for a JSON line's strings, or "".
  std::string line_control_chars(const json_message &m) const {
    const bool allow = o_.connection.allow_control_chars;
    const protocol::properties &props = m.props.get();
    std::string problem = control_char_error({{"topic", m.topic},
                                              {"content_type", props.content_type.value_or("")},
                                              {"response_topic", props.response_topic.value_or("")}},
                                             allow);
    for (const auto &pair : props.user_properties)
      if (problem.empty())
        problem = control_char_error({{"user property key", pair.key}, {"user property value", pair.value}}, allow);
    return problem;
  }

  // ---- sending -------------------------------------------------------------------------------
  // Sends as much as the window, the socket and the rate allow; ends the run when all is done.
  void pump() {
    if (pumping_ || rt_.finished())
      return;
    pumping_ = true;
    while (client_.connected() && !waiting_rate_) {
      if (client_.pending_output() > max_buffered_output)
        break;
      const bool line_source = o_.source == payload_source::stdin_lines || o_.source == payload_source::jsonl;
      if (line_source ? !stashed_ : remaining_ == 0)
        break;
      if (!rate_allows() || (line_source && !replay_allows()))
        break;
      const bool sent = line_source ? send(*stashed_) : send_single();
      if (!sent)
        break;
      if (bucket_)
        bucket_->take(clock::now());
      if (line_source) {
        replay_.sent();
        stashed_.reset();
        reader_.resume();
      } else {
        --remaining_;
        if (remaining_ > 0 && o_.repeat_delay > 0) {
          wait_for(std::chrono::duration<double>(o_.repeat_delay));
          break;
        }
      }
    }
    pumping_ = false;
    maybe_finish();
  }

  bool send_single() { return publish(single_); }

  bool send(const json_message &m) {
    protocol::publish p = m.view();
    if (o_.source == payload_source::stdin_lines)
      p.props = props_.get();
    return publish(p);
  }

  bool publish(const protocol::publish &p) {
    const auto result = client_.publish(p);
    if (result.error == protocol::errc::would_block || result.error == protocol::errc::not_connected)
      return false;
    ++sequence_;
    if (result.error) {
      const std::string what = "message " + std::to_string(sequence_) + " on '" + shown(p.topic) + "'";
      if (auto limit = broker_limit_refusal(result.error, client_.session().limits())) {
        print_error(what + " not sent: " + *limit);
        ++refused_;
      } else {
        print_error(what + " cannot be sent: " + result.error.message());
        usage_failure_ = true;
      }
      stop_source();
      return false;
    }
    record rec{sequence_, std::string(p.topic), p.qos, clock::now()};
    if (p.qos == protocol::qos::at_most_once && early_)
      early_qos0_ = std::move(rec); // reported once the CONNACK accepted the connection
    else if (p.qos == protocol::qos::at_most_once)
      report(rec, 0, protocol::reason_code::success, false);
    else
      inflight_.emplace(result.packet_id, std::move(rec));
    return true;
  }

  // True when --rate lets a message go now; else starts the wait for the next token.
  bool rate_allows() {
    if (!bucket_)
      return true;
    const auto now = clock::now();
    if (const auto delay = bucket_->delay(now); delay > clock::duration::zero()) {
      wait_for(delay);
      return false;
    }
    return true;
  }

  // True when the --replay schedule lets the stashed message go now; else waits for its time.
  bool replay_allows() {
    const auto delay = replay_.wait();
    if (delay)
      wait_for(*delay);
    return !delay;
  }

  void wait_for(std::chrono::duration<double> delay) {
    waiting_rate_ = true;
    rate_timer_.start(std::chrono::duration_cast<clock::duration>(delay), [this] {
      waiting_rate_ = false;
      pump();
    });
  }

  void maybe_finish() {
    if (finishing_ || !client_.connected())
      return;
    const bool line_source = o_.source == payload_source::stdin_lines || o_.source == payload_source::jsonl;
    const bool source_empty = line_source ? (source_done_ && !stashed_) : remaining_ == 0 || source_done_;
    if (!source_empty || !inflight_.empty())
      return;
    finishing_ = true;
    client_.disconnect(goodbye());
  }

  // Our DISCONNECT: on MQTT 5, it ends the resume-only session we asked for (not a -c one).
  protocol::disconnect goodbye() const {
    protocol::disconnect d;
    if (client_.session().version() == protocol::protocol_version::v5 && client_.session().options().session_expiry != 0 &&
        !o_.connection.no_clean)
      d.props.session_expiry_interval = 0; // our resume-only session: let the broker drop it
    return d;
  }

  void report(const record &rec, std::uint16_t id, protocol::reason_code reason, bool acknowledged) {
    if (!o_.json || !json_)
      return;
    line_.clear();
    line_ += "{\"sequence\":" + std::to_string(rec.sequence) + ",\"topic\":";
    append_json_string(line_, rec.topic);
    line_ += ",\"qos\":" + std::to_string(static_cast<int>(rec.qos));
    if (acknowledged) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%u", static_cast<unsigned>(reason));
      const double ms = std::chrono::duration<double, std::milli>(clock::now() - rec.sent_at).count();
      char ack[32];
      std::snprintf(ack, sizeof ack, "%.3f", ms);
      line_ += ",\"packet_id\":" + std::to_string(id) + ",\"reason_code\":" + hex + ",\"reason\":";
      append_json_string(line_, protocol::reason_code_name(reason));
      line_ += std::string(",\"acknowledged\":") + (protocol::is_error(reason) ? "false" : "true") + ",\"ack_ms\":" + ack;
    } else {
      line_ += ",\"packet_id\":null,\"acknowledged\":false";
    }
    line_ += "}\n";
    json_ = write_stdout(line_, o_.replay.replay); // a replay's results are spaced out: show each as it comes
  }

  runtime &rt_;
  pub_options o_;
  client::client client_;
  runtime::timer rate_timer_;
  line_reader reader_;
  std::vector<std::uint8_t> payload_;
  std::vector<std::pair<std::string, std::string>> user_pairs_;
  protocol::owned_properties props_;
  protocol::publish single_;
  std::optional<json_message> stashed_;
  std::unordered_map<std::uint16_t, record> inflight_;
  std::uint64_t remaining_ = 0, sequence_ = 0, acknowledged_ = 0, refused_ = 0, lost_ = 0,
                line_number_ = 0;
  std::optional<token_bucket> bucket_; // --rate
  replay_feed replay_;                 // --replay, --topic-prefix
  runtime::timer loop_timer_;          // --loop: starts the next pass outside the reader's callback
  std::string line_;
  bool json_ = true;
  bool source_started_ = false, source_done_ = false, source_error_ = false, usage_failure_ = false;
  bool pumping_ = false, waiting_rate_ = false, finishing_ = false, interrupted_ = false;
  bool early_ = false;                // send_single() runs from on_connect_queued()
  bool early_sent_ = false;           // the message went with CONNECT; no CONNACK success yet
  std::optional<record> early_qos0_;  // its JSON line, printed once the CONNACK accepted it
};

} // namespace

int main(int argc, char **argv) {
  set_program_name("mqtk-pub");
  CLI::App app{"mqtk-pub: publish MQTT messages", "mqtk-pub"};
  pub_options options;
  if (int status = parse_options(argc, argv, options, app); status >= 0)
    return status;
  auto resolved = resolve_connection(app, options.connection, environment::from_process(), {"pub", 60.0});
  if (!resolved.error.empty()) {
    print_error(resolved.error);
    return exit_usage;
  }
  for (const auto &warning : resolved.warnings)
    print_warning(warning);
  auto &client_options = resolved.options;
  if (resolved.qos && !given(app, "--qos"))
    options.qos = *resolved.qos;
  if (wants_v5_properties(options) && client_options.version_pinned &&
      client_options.session.version != protocol::protocol_version::v5) {
    print_error("MQTT 5 properties (--content-type, --user-property, ...) need -V 5");
    return exit_usage;
  }
  auto &session = client_options.session;
  session.outbound_topic_aliases = options.topic_alias;
  // The in-flight window bounds memory: each unacknowledged message keeps its encoded copy.
  session.max_inflight = static_cast<std::uint16_t>(std::min<std::uint32_t>(options.max_inflight, 65535));
  if (options.qos > 0 && session.version == protocol::protocol_version::v5 && session.session_expiry == 0)
    session.session_expiry = 60; // lets a reconnect resume and resend unacknowledged messages
  session.republish_qos1 = true; // a broker that lost the session still gets every QoS 1 message
  // Pipelining a single message (see on_connect_queued); never with enhanced authentication.
  session.publish_before_connack = options.pipeline && client_options.auth_method.empty();
  if (options.connection.debug)
    client_options.debug = [](std::string_view line) { print_debug(line); };

  runtime rt;
  publisher pub(rt, std::move(options), std::move(client_options));
  if (!pub.prepare())
    return exit_usage;
  pub.start();
  return finish_stdout(rt.run());
}

} // namespace mqtk::apps::pub
