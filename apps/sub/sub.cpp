// mqtk-sub: the run loop. Subscribes (again after a reconnect that lost the session), prints every
// message through one large output buffer, clears retained messages on request, and ends on -C,
// -W, -E, the end of the retained burst, SIGINT or a closed stdout with the matching exit status.
#include "sub/sub.hpp"
#include "sub/random_filter.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/output_buffer.hpp"
#include "common/publish_refusal.hpp"
#include "common/output_watch.hpp"
#include "common/runtime.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/topic.hpp"
#include "sub/batch_pacer.hpp"
#include "sub/exec_runner.hpp"
#include "sub/retained_burst.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <unordered_map>

namespace mqtk::apps::sub {

namespace {

using protocol::qos;

// A SUBACK reason: MQTT 3.x has one failure code, 0x80 "Failure", without the 5.0 meanings.
std::string suback_reason_text(protocol::protocol_version version, protocol::reason_code code) {
  if (version != protocol::protocol_version::v5 && protocol::is_error(code))
    return "Failure (0x80)";
  return protocol::reason_code_text(code);
}

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", seconds);
  return buffer;
}

bool has_wildcard(const std::string &filter) {
  return filter.find_first_of("+#") != std::string::npos;
}

// How long output may wait to be written with more: a terminal gets each batch of messages as soon
// as the loop is idle; pipes and files get one write per 256 KiB or per 10 ms, whichever comes first.
std::chrono::milliseconds output_delay() {
  return ::isatty(STDOUT_FILENO) ? std::chrono::milliseconds(0) : std::chrono::milliseconds(10);
}

// At the end of a run, how long a reader of stdout may take nothing before the rest is given up;
// after SIGINT/SIGTERM, how long the rest of the output may take in all.
constexpr std::chrono::seconds output_stall{10};
constexpr std::chrono::seconds interrupt_flush{2};

class subscriber final : public client::client_handler {
public:
  subscriber(runtime &rt, sub_options options, client::client_options client_options)
      : rt_(rt), o_(std::move(options)), client_(rt.io(), std::move(client_options), *this),
        printer_(o_.mode, o_.newline, o_.format), out_(rt, STDOUT_FILENO, output_delay()),
        out_watch_(rt, STDOUT_FILENO, [this] { end(exit_ok); }),
        pacer_(rt, std::chrono::microseconds(500)), deadline_(rt),
        views_(rt, o_.views, o_.mode, o_.format, o_.decode, out_),
        burst_(rt, o_.settle,
               {[this](const protocol::publish &p) { return client_.publish(p); }, [this] { end(exit_ok); },
                [](const std::string &text) { print_warning(text); }}) {
    if (o_.exec.enabled()) { // --exec: commands handle the messages, their stdout is the output
      exec_ = std::make_unique<exec_runner>(rt_, o_.exec, client_, out_);
      exec_->on_full([this](bool full) {
        exec_full_ = full;
        update_reading();
      });
      exec_->on_idle([this] { maybe_disconnect(); });
    }
  }

  void start() {
    rt_.on_interrupt([this] { interrupted(); });
    printer_.set_max_payload(o_.max_payload);
    printer_.set_decode(o_.decode);
    // Stdout full (its reader stopped reading): stop reading the broker until it takes output
    // again, so memory holds at most the buffer and one read; TCP pushes back to the broker.
    out_.on_backpressure([this](bool on) {
      out_full_ = on;
      update_reading();
    });
    out_.on_failure([this](bool broken_pipe, const std::string &error) {
      if (broken_pipe) {
        end(exit_ok); // the reader went away (| head): end quietly
        return;
      }
      print_error("cannot write to stdout: " + error);
      output_failed_ = true; // exit 1 even when the run was already ending with 0 (-C reached)
      end(exit_internal);
    });
    if (o_.timeout > 0) {
      deadline_.start(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(o_.timeout)),
                      [this] { timed_out(); });
    }
    client_.start();
  }

  // ---- client events -------------------------------------------------------------------------
  void on_connected(const protocol::connack &connack, bool fell_back) override {
    if (fell_back && o_.wants_v5()) {
      print_error(
          "the broker only speaks MQTT 3.1.1; --no-local, --retain-as-published, --retain-handling and "
          "--subscription-id need MQTT 5");
      end(exit_usage);
      return;
    }
    if (connected_before_)
      print_warning(connack.session_present ? "reconnected; the broker kept the session"
                                            : "reconnected; the session was not kept, subscribing again");
    const bool unsubscribe_now = !o_.unsubscribe.empty() && (!connected_before_ || awaiting_unsuback_);
    const bool subscribe_now =
        !o_.topics.empty() && (!connected_before_ || !connack.session_present || awaiting_suback_);
    connected_before_ = true;
    if (!ending_ && unsubscribe_now && !unsubscribe())
      return;
    if (!ending_ && subscribe_now && !subscribe())
      return;
    pump_clears();
    maybe_disconnect();
  }

  void on_connection_lost(std::string_view message, std::chrono::milliseconds delay) override {
    out_.flush();
    print_warning(std::string(message) + "; reconnecting in " +
                  seconds_text(std::chrono::duration<double>(delay).count()));
  }

  void on_suback(const protocol::suback &ack) override {
    if (ack.packet_id != subscribe_id_)
      return;
    awaiting_suback_ = false;
    std::size_t refused = 0;
    for (std::size_t i = 0; i < o_.topics.size(); ++i)
      if (protocol::is_error(ack.reasons[i]))
        ++refused;
    if (refused > 0) {
      const bool go_on = o_.allow_partial && refused < o_.topics.size();
      for (std::size_t i = 0; i < o_.topics.size(); ++i) {
        if (!protocol::is_error(ack.reasons[i]))
          continue;
        std::string line = "the broker refused the subscription to '" + o_.topics[i] +
                           "': " + suback_reason_text(client_.session().version(), ack.reasons[i]);
        if (ack.props.reason_string)
          line += ": " + std::string(*ack.props.reason_string);
        if (go_on)
          print_warning(line);
        else
          print_error(line);
      }
      if (!go_on) {
        end(exit_operation_refused);
        return;
      }
    }
    if (o_.connection.debug) {
      for (std::size_t i = 0; i < o_.topics.size(); ++i)
        if (!protocol::is_error(ack.reasons[i]))
          print_debug("subscribed to '" + o_.topics[i] + "' with QoS " +
                      std::to_string(static_cast<int>(ack.reasons[i])));
    }
    views_.subscribed();
    if (o_.exit_after_subscribe) {
      if (!awaiting_unsuback_)
        end(exit_ok);
      return;
    }
    if (o_.retained_only) {
      const bool sentinel_granted =
          ack.reasons.size() > o_.topics.size() && !protocol::is_error(ack.reasons.back());
      burst_.subscribed(sentinel_granted, client_.session().limits().maximum_qos);
    }
  }

  void on_message(const protocol::publish &m) override {
    const bool late = ending_;
    // A kept session (-c): a QoS 1/2 message that arrives once the run is ending (-C reached, -W,
    // SIGINT, --exec commands finishing) is not acknowledged, so the broker delivers it to the next
    // run instead of it being lost. Others are acknowledged before handling, as without -c: the
    // message that ends the run is acknowledged ahead of the DISCONNECT.
    const bool kept = o_.connection.no_clean && !o_.exec.ack_after_exec && m.qos != protocol::qos::at_most_once;
    if (kept && !late)
      client_.acknowledge_inbound(m.packet_id);
    handle_message(m);
    if (exec_)
      exec_->settle(m, late); // acknowledges it itself with --ack-after-exec
    if (kept && late)
      client_.release_inbound(m.packet_id);
  }

  void handle_message(const protocol::publish &m) {
    if (ending_)
      return;
    pacer_.message_handled();
    if (o_.retained_only) {
      if (burst_.on_message(m) || !m.retain)
        return;
    }
    views_.received();
    for (const auto &filter : o_.hidden)
      if (protocol::topic_matches(filter, m.topic))
        return;
    if (m.retain && o_.skip_retained)
      return;
    if (m.retain && o_.remove_retained) {
      clears_.emplace_back(m.topic);
      pump_clears();
    }
    const bool matched = o_.matching.match.matches(m.topic, protocol::as_chars(m.payload));
    if (!matched && !o_.matching.print_all)
      return;
    bool handled = true;
    if (chance_.keep()) {
      if (exec_) {
        handled = exec_->submit(m);
      } else if (!views_.show(m)) {
        printer_.append(out_.text(), m);
        out_.commit();
      }
    }
    if (!handled)
      return;
    if (matched && o_.matching.until)
      end(exit_ok);
    else if (matched && o_.count != 0 && ++printed_ >= o_.count)
      end(exit_ok);
  }

  void on_publish_done(std::uint16_t id, protocol::reason_code reason,
                       const protocol::properties &props) override {
    if (burst_.on_publish_done(id, reason))
      return;
    auto it = clearing_.find(id);
    if (it == clearing_.end())
      return;
    if (protocol::is_error(reason)) {
      ++refused_clears_;
      std::string line = "the broker refused to clear the retained message on '" + it->second +
                         "': " + protocol::reason_code_text(reason);
      if (props.reason_string)
        line += ": " + std::string(*props.reason_string);
      print_error(line);
    }
    clearing_.erase(it);
    pump_clears();
    maybe_disconnect();
  }

  void on_unsuback(const protocol::unsuback &ack) override {
    if (ack.packet_id != unsubscribe_id_ || !awaiting_unsuback_)
      return;
    awaiting_unsuback_ = false;
    bool refused = false;
    for (std::size_t i = 0; i < ack.reasons.size() && i < o_.unsubscribe.size(); ++i) {
      if (protocol::is_error(ack.reasons[i])) {
        std::string line = "the broker refused to unsubscribe from '" + o_.unsubscribe[i] +
                           "': " + protocol::reason_code_text(ack.reasons[i]);
        if (ack.props.reason_string)
          line += ": " + std::string(*ack.props.reason_string);
        print_error(line);
        refused = true;
      } else if (o_.connection.debug) {
        print_debug("unsubscribed from '" + o_.unsubscribe[i] + "': " + protocol::reason_code_text(ack.reasons[i]));
      }
    }
    if (refused)
      end(exit_operation_refused);
    else if (o_.topics.empty() || (o_.exit_after_subscribe && !awaiting_suback_))
      end(exit_ok);
  }

  void on_lost(protocol::packet_type type, std::uint16_t id) override {
    if (type == protocol::packet_type::subscribe && id == subscribe_id_) {
      awaiting_suback_ = true;
      return;
    }
    if (type == protocol::packet_type::unsubscribe && id == unsubscribe_id_)
      return; // awaiting_unsuback_ stays set: the reconnect sends it again
    if (type != protocol::packet_type::publish)
      return;
    if (auto it = clearing_.find(id); it != clearing_.end()) {
      clears_.push_front(std::move(it->second));
      clearing_.erase(it);
    }
  }

  void on_writable() override { pump_clears(); }

  void on_closed(const client::close_reason &why) override {
    burst_.cancel();
    deadline_.cancel();
    const std::size_t unacknowledged = clearing_.size() + clears_.size();
    int status = exit_ok;
    if (status_) {
      status = *status_;
    } else {
      if (why.kind != client::close_kind::normal)
        print_error(why.message);
      status = exit_status_for(why, unacknowledged > 0);
    }
    if (unacknowledged > 0 && o_.remove_retained)
      print_error(std::to_string(unacknowledged) + " retained message(s) were not cleared");
    if (status == exit_ok && refused_clears_ > 0)
      status = exit_operation_refused;
    if (status == exit_ok && unacknowledged > 0)
      status = exit_incomplete;
    views_.finish();
    if (exec_)
      status = exec_->final_status(status);
    finish_output(status);
  }

private:
  // Sends the SUBSCRIBE (user filters, then the sentinel); false when the run ended instead.
  bool subscribe() {
    const auto &limits = client_.session().limits();
    const bool v5 = client_.session().version() == protocol::protocol_version::v5;
    std::string missing;
    if (v5 && o_.subscription_id && !limits.subscription_identifier_available)
      missing = "subscription identifiers (--subscription-id)";
    else if (v5 && !o_.share_group.empty() && !limits.shared_subscription_available)
      missing = "shared subscriptions (--share)";
    else if (v5 && !limits.wildcard_subscription_available &&
             std::any_of(o_.topics.begin(), o_.topics.end(), has_wildcard))
      missing = "wildcard subscriptions";
    if (!missing.empty()) {
      print_error("the broker does not support " + missing);
      end(exit_operation_refused);
      return false;
    }
    protocol::subscribe request;
    protocol::subscribe_options options;
    options.max_qos = static_cast<qos>(o_.qos);
    options.no_local = o_.no_local;
    options.retain_as_published = o_.retain_as_published;
    options.retain_handling = static_cast<std::uint8_t>(o_.retain_handling.value_or(0));
    for (const auto &filter : o_.topics)
      request.subscriptions.push_back({filter, options});
    if (o_.retained_only && !burst_.sentinel_topic().empty())
      request.subscriptions.push_back({burst_.sentinel_topic(), {qos::at_least_once, false, false, 0}});
    if (o_.subscription_id)
      request.props.subscription_identifiers.push_back(*o_.subscription_id);
    const auto sent = client_.subscribe(request);
    if (sent.error) {
      print_error("cannot subscribe: " + sent.error.message());
      end(exit_internal);
      return false;
    }
    subscribe_id_ = sent.packet_id;
    awaiting_suback_ = true;
    return true;
  }

  // Sends the UNSUBSCRIBE of the -U filters; false when the run ended instead.
  bool unsubscribe() {
    protocol::unsubscribe request;
    for (const auto &filter : o_.unsubscribe)
      request.filters.push_back(filter);
    const auto sent = client_.unsubscribe(request);
    if (sent.error) {
      print_error("cannot unsubscribe: " + sent.error.message());
      end(exit_internal);
      return false;
    }
    unsubscribe_id_ = sent.packet_id;
    awaiting_unsuback_ = true;
    return true;
  }

  // Publishes the queued clears of retained messages as far as the in-flight window allows.
  void pump_clears() {
    while (!clears_.empty() && client_.connected() && !disconnecting_) {
      protocol::publish p;
      p.topic = clears_.front();
      p.retain = true;
      p.qos = client_.session().limits().maximum_qos == qos::at_most_once ? qos::at_most_once
                                                                          : qos::at_least_once;
      const auto sent = client_.publish(p);
      if (sent.error == protocol::errc::would_block || sent.error == protocol::errc::not_connected)
        return;
      if (sent.error) {
        print_error(
            "cannot clear the retained message on '" + clears_.front() + "': " +
            broker_limit_refusal(sent.error, client_.session().limits()).value_or(sent.error.message()));
        ++refused_clears_;
        clears_.clear();
        end(exit_operation_refused);
        return;
      }
      if (sent.packet_id != 0)
        clearing_.emplace(sent.packet_id, std::move(clears_.front()));
      clears_.pop_front();
    }
  }

  // SIGINT/SIGTERM: ends the run with 130; output still waiting for a stalled reader gets at most
  // interrupt_flush from now.
  void interrupted() {
    interrupted_at_ = std::chrono::steady_clock::now();
    if (draining_) {
      drain_output();
      return;
    }
    end(exit_interrupted);
  }

  // The connection is closed: writes what is left of the output, then ends with status.
  void finish_output(int status) {
    final_status_ = status;
    draining_ = true;
    drain_output();
  }

  // Waits for a slow reader while it keeps taking output, for a stalled one at most output_stall,
  // after SIGINT at most interrupt_flush from the signal.
  void drain_output() {
    auto deadline = std::chrono::steady_clock::time_point::max();
    auto stall = output_stall;
    if (interrupted_at_) {
      deadline = *interrupted_at_ + interrupt_flush;
      stall = interrupt_flush;
    }
    out_.drain(deadline, stall, [this] { output_drained(); });
  }

  void output_drained() {
    int status = final_status_;
    if (!out_.failed() && out_.pending() > 0) {
      // Messages of any QoS were acknowledged when received: the broker will not send them again.
      const std::string lost = std::to_string(out_.unwritten_records()) +
                               " received message(s) were not written to stdout; they were already "
                               "acknowledged to the broker and are lost";
      if (interrupted_at_) {
        print_error("interrupted while stdout took no more output: " + lost);
        status = exit_interrupted;
      } else {
        print_error("cannot write to stdout: its reader took nothing for " +
                    seconds_text(std::chrono::duration<double>(output_stall).count()) + ": " + lost);
        output_failed_ = true;
      }
    }
    if (status == exit_ok && output_failed_)
      status = exit_internal;
    rt_.finish(status);
  }

  void timed_out() {
    if (ending_)
      return;
    std::string line = "timed out after " + seconds_text(o_.timeout);
    if (o_.count != 0)
      line += " with " + std::to_string(printed_) + " of " + std::to_string(o_.count) + " message(s)";
    else if (awaiting_suback_ || !connected_before_)
      line += " before the subscription was acknowledged";
    else if (o_.matching.until)
      line += " without a matching message";
    print_error(line);
    end(exit_timeout);
  }

  // Ends the run with status: waits for outstanding clears (when ending successfully), then DISCONNECT.
  void end(int status) {
    if (ending_)
      return;
    ending_ = true;
    status_ = status;
    burst_.cancel();
    deadline_.cancel();
    if (exec_ && status != exit_ok) // exit_ok: the queued commands still run, then DISCONNECT
      exec_->stop(status == exit_interrupted);
    maybe_disconnect();
  }

  // Reading the broker pauses while stdout or the command queue is full.
  void update_reading() {
    if (out_full_ || exec_full_)
      client_.pause_reading();
    else
      client_.resume_reading();
  }

  void maybe_disconnect() {
    if (!ending_ || disconnecting_)
      return;
    const bool clears_left = !clears_.empty() || !clearing_.empty();
    if (*status_ == exit_ok && clears_left && client_.connected())
      return;
    if (exec_ && !exec_->idle())
      return; // exec_runner's on_idle calls again
    disconnecting_ = true;
    out_.flush();
    client_.disconnect();
  }

  runtime &rt_;
  sub_options o_;
  random_filter chance_{o_.random_filter}; // after o_: initialised from it
  client::client client_;
  message_printer printer_;
  output_buffer out_;
  output_watch out_watch_; // ends the run at once when the reader of a stdout pipe goes away
  std::unique_ptr<exec_runner> exec_; // --exec / --exec-table; null otherwise
  bool out_full_ = false, exec_full_ = false; // reading paused for stdout / for the command queue
  batch_pacer pacer_;
  runtime::timer deadline_;
  sub_views views_; // --watch, --message-rate
  retained_burst burst_;
  std::deque<std::string> clears_;                          // retained messages to clear, not yet sent
  std::unordered_map<std::uint16_t, std::string> clearing_; // clears sent, waiting for PUBACK
  std::uint64_t printed_ = 0;
  std::size_t refused_clears_ = 0;
  std::uint16_t subscribe_id_ = 0, unsubscribe_id_ = 0;
  std::optional<int> status_;
  bool connected_before_ = false, awaiting_suback_ = false, ending_ = false, disconnecting_ = false;
  bool awaiting_unsuback_ = false;
  bool output_failed_ = false; // a write to stdout failed (not EPIPE): exit 1
  bool draining_ = false;      // the connection is closed, the rest of the output is being written
  int final_status_ = exit_ok;
  std::optional<std::chrono::steady_clock::time_point> interrupted_at_;
};

} // namespace

int main(int argc, char **argv) {
  set_program_name("mqtk-sub");
  CLI::App app{"mqtk-sub: subscribe to MQTT topics and print the messages", "mqtk-sub"};
  sub_options options;
  if (int status = parse_options(argc, argv, options, app); status >= 0)
    return status;
  auto resolved =
      resolve_connection(app, options.connection, environment::from_process(), {"sub", std::nullopt});
  if (!resolved.error.empty()) {
    print_error(resolved.error);
    return exit_usage;
  }
  for (const auto &warning : resolved.warnings)
    print_warning(warning);
  auto &client_options = resolved.options;
  if (resolved.qos && !given(app, "--qos"))
    options.qos = *resolved.qos;
  if (options.wants_v5() && client_options.version_pinned &&
      client_options.session.version != protocol::protocol_version::v5) {
    print_error("--no-local, --retain-as-published, --retain-handling and --subscription-id need -V 5");
    return exit_usage;
  }
  // Receive Maximum: with -C the broker cannot hand over more QoS 1/2 messages than will be printed.
  // Else 65,534, sent explicitly: mosquitto reads an absent one (65,535) as "use max_inflight_messages"
  // (20), holds the rest of a retained burst in a queue of 1,000 and drops what does not fit.
  client_options.session.receive_maximum =
      static_cast<std::uint16_t>(options.count != 0 ? std::min<std::uint64_t>(options.count, 65534) : 65534);
  client_options.session.defer_inbound_acks = options.exec.ack_after_exec || options.connection.no_clean;
  if (options.connection.debug)
    client_options.debug = [](std::string_view line) { print_debug(line); };
  if (options.mode == output_mode::format && options.format.uses('A'))
    client_options.session.topic_alias_maximum = 1024; // -F %A: let the broker use topic aliases

  runtime rt;
  subscriber sub(rt, std::move(options), std::move(client_options));
  sub.start();
  return rt.run();
}

} // namespace mqtk::apps::sub
