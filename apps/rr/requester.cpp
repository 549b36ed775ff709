// mqtk-rr request mode: subscribe to the response topic (waiting for SUBACK), publish each request
// with Response Topic and its own Correlation Data, match responses by correlation data (over MQTT
// 3.1.1: the next message on the response topic), print them with mqtk-sub's output modes, time
// them for --latency, and end on the last response, -W, a refusal or SIGINT.
#include "rr/requester.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/runtime.hpp"
#include "common/stdout_writer.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/topic.hpp"
#include "rr/correlation_tracker.hpp"
#include "rr/latency_report.hpp"
#include "rr/latency_summary.hpp"
#include "rr/rr_support.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

namespace mqtk::apps::rr {

namespace {

using clock = std::chrono::steady_clock;

clock::duration seconds(double s) {
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
}

class requester final : public client::client_handler {
public:
  requester(runtime &rt, rr_options options, client::client_options client_options, std::vector<std::uint8_t> payload)
      : rt_(rt), o_(std::move(options)), client_(rt.io(), std::move(client_options), *this),
        payload_(std::move(payload)), tracker_(random_token()), printer_(o_.mode, o_.newline, o_.format),
        interval_timer_(rt), setup_timer_(rt), deadline_timer_(rt) {
    for (const auto &pair : o_.user_properties) {
      const auto eq = pair.find('=');
      user_pairs_.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    }
  }

  void start() {
    rt_.on_interrupt([this] {
      report_unanswered(tracker_.outstanding());
      end(exit_interrupted);
    });
    if (o_.timeout > 0)
      setup_timer_.start(seconds(o_.timeout), [this] {
        print_error("timed out after " + seconds_text(o_.timeout) +
                    " before the subscription to the response topic was acknowledged");
        end(exit_timeout);
      });
    client_.start();
  }

  // ---- client events -------------------------------------------------------------------------
  void on_connected(const protocol::connack &connack, bool) override {
    if (ending_)
      return;
    v5_ = client_.session().version() == protocol::protocol_version::v5;
    if (!v5_ && !o_.response_topic) {
      print_error("the broker speaks MQTT 3.1.1, which has no Response Topic or Correlation Data: give "
                  "--response-topic that the responder answers on");
      end(exit_usage);
      return;
    }
    if (!v5_ && (o_.in_flight > 1 || o_.request_response_information || !o_.user_properties.empty())) {
      print_error("over MQTT 3.1.1 responses cannot be matched: --in-flight above 1, "
                  "--request-response-information and --user-property need MQTT 5");
      end(exit_usage);
      return;
    }
    if (response_topic_.empty() && !choose_response_topic(connack))
      return;
    const auto &limits = client_.session().limits();
    if (o_.qos > 0 && o_.in_flight > limits.receive_maximum) {
      if (o_.connection.debug)
        print_debug("--in-flight lowered to the broker's Receive Maximum " + std::to_string(limits.receive_maximum));
      o_.in_flight = limits.receive_maximum;
    }
    if (!subscribed_ || !connack.session_present) {
      subscribed_ = false; // no requests until the response topic is subscribed (again)
      subscribe();
    } else {
      pump();
    }
  }

  void on_connection_lost(std::string_view message, std::chrono::milliseconds delay) override {
    warn_connection_lost(message, delay);
  }

  void on_suback(const protocol::suback &ack) override {
    if (ack.packet_id != subscribe_id_ || ending_)
      return;
    if (!suback_granted(ack, {response_topic_})) {
      end(exit_operation_refused);
      return;
    }
    if (o_.connection.debug)
      print_debug("subscribed to the response topic '" + response_topic_ + "'");
    subscribed_ = true;
    setup_timer_.cancel();
    pump();
  }

  void on_message(const protocol::publish &m) override {
    if (ending_)
      return;
    const auto now = clock::now();
    std::optional<matched_response> match;
    if (m.topic == response_topic_) {
      if (v5_ && m.props.correlation_data)
        match = tracker_.match(std::string(protocol::as_chars(*m.props.correlation_data)), now);
      else if (!v5_ && !m.retain && !last_issued_.empty())
        match = tracker_.match(std::exchange(last_issued_, {}), now);
    }
    if (!match) {
      ++ignored_;
      if (o_.connection.debug) {
        std::string line = "ignored a message on '" + shown(m.topic) + "'";
        if (!v5_)
          line += m.retain ? ": retained" : ": no request is waiting";
        else if (!m.props.correlation_data)
          line += " without correlation data";
        else
          line += " with unknown correlation data '" + shown(protocol::as_chars(*m.props.correlation_data)) + "'";
        print_debug(line);
      }
      return;
    }
    forget_deadline(match->index);
    out_.clear();
    printer_.append(out_, m);
    bool written = write_stdout(out_);
    if (o_.latency) {
      latency_.add(match->round_trip);
      report_latency(latency_line(match->index + 1, match->round_trip, o_.json()), written);
    }
    if (!written) {
      end(exit_ok); // stdout closed or failed: finish_stdout picks the status
      return;
    }
    if (++answered_ >= o_.repeat)
      end(exit_ok);
    else
      pump();
  }

  void on_publish_done(std::uint16_t id, protocol::reason_code reason, const protocol::properties &props) override {
    auto it = requests_in_flight_.find(id);
    if (it == requests_in_flight_.end())
      return;
    const std::size_t index = it->second;
    requests_in_flight_.erase(it);
    if (!protocol::is_error(reason) || ending_)
      return;
    std::string line = "the broker refused request " + std::to_string(index + 1) + " on '" + o_.topics.front() +
                       "': " + protocol::reason_code_text(reason);
    if (props.reason_string)
      line += ": " + std::string(*props.reason_string);
    print_error(line);
    end(exit_operation_refused);
  }

  void on_lost(protocol::packet_type type, std::uint16_t id) override {
    if (type == protocol::packet_type::subscribe && id == subscribe_id_) {
      subscribed_ = false;
      return;
    }
    auto it = requests_in_flight_.find(id);
    if (type != protocol::packet_type::publish || it == requests_in_flight_.end() || ending_)
      return;
    print_error("request " + std::to_string(it->second + 1) + " was lost with the connection");
    requests_in_flight_.erase(it);
    end(exit_incomplete);
  }

  void on_writable() override { pump(); }

  void on_closed(const client::close_reason &why) override {
    interval_timer_.cancel();
    setup_timer_.cancel();
    deadline_timer_.cancel();
    const int status = status_ ? *status_ : unexpected_close_status(why, !requests_in_flight_.empty());
    if (o_.latency)
      report_latency(summary_line(latency_.figures(), o_.json()), true);
    if (o_.connection.debug && ignored_ > 0)
      print_debug("ignored " + std::to_string(ignored_) + " message(s) that answered no request of this run");
    rt_.finish(status);
  }

private:
  // Picks the response topic once connected; false when the run ended instead.
  bool choose_response_topic(const protocol::connack &connack) {
    std::optional<std::string_view> information;
    if (o_.request_response_information) {
      information = connack.props.response_information;
      if (!information && o_.connection.debug)
        print_debug("the broker sent no Response Information; using a private response topic");
    }
    response_topic_ = response_topic_for(o_.response_topic, information, random_token());
    if (auto problem = protocol::topic_name_error(response_topic_); !problem.empty()) {
      print_error("the broker's Response Information gives the response topic '" + shown(response_topic_) +
                  "', which " + std::string(problem));
      end(exit_protocol);
      return false;
    }
    if (o_.connection.debug)
      print_debug("response topic '" + shown(response_topic_) + "'");
    return true;
  }

  // Subscribes to the response topic with Retain Handling 2: a response is never a retained message.
  void subscribe() {
    if (auto id = subscribe_filters(client_, {response_topic_}, o_.qos, 2))
      subscribe_id_ = *id;
    else
      end(exit_internal);
  }

  // Sends requests while --repeat, --in-flight and --interval allow.
  void pump() {
    if (ending_ || !subscribed_ || !client_.connected() || waiting_interval_)
      return;
    while (tracker_.issued() < o_.repeat && tracker_.outstanding() < o_.in_flight) {
      const auto now = clock::now();
      if (tracker_.issued() > 0 && now < next_send_at_) {
        waiting_interval_ = true;
        interval_timer_.start(next_send_at_ - now, [this] {
          waiting_interval_ = false;
          pump();
        });
        return;
      }
      if (!send_request(now))
        return;
    }
  }

  // Publishes the next request; false when the run ended instead.
  bool send_request(clock::time_point now) {
    const std::size_t index = tracker_.issued();
    const std::string correlation = tracker_.issue(now);
    protocol::publish p;
    p.topic = o_.topics.front();
    p.payload = {payload_.data(), payload_.size()};
    p.qos = static_cast<protocol::qos>(std::min<int>(o_.qos, static_cast<int>(client_.session().limits().maximum_qos)));
    if (v5_) {
      p.props.response_topic = response_topic_;
      p.props.correlation_data = protocol::as_bytes(correlation);
      for (const auto &[k, v] : user_pairs_)
        p.props.user_properties.push_back({k, v});
    } else {
      last_issued_ = correlation;
    }
    const auto sent = client_.publish(p);
    if (sent.error) {
      print_error("cannot send request " + std::to_string(index + 1) + ": " + sent.error.message());
      end(exit_internal);
      return false;
    }
    if (sent.packet_id != 0)
      requests_in_flight_[sent.packet_id] = index;
    if (o_.timeout > 0) {
      due_[index] = now + seconds(o_.timeout);
      if (due_.size() == 1)
        arm_deadline();
    }
    next_send_at_ = now + seconds(o_.interval);
    return true;
  }

  // -W: one timer for the earliest due response (requests go out in order with one timeout, so that
  // is the oldest outstanding request). Timers are never destroyed during the run: a timer whose
  // expiry is already queued must outlive it.
  void arm_deadline() {
    if (due_.empty()) {
      deadline_timer_.cancel();
      return;
    }
    deadline_timer_.start(due_.begin()->second - clock::now(), [this] {
      if (!due_.empty() && due_.begin()->second <= clock::now())
        timed_out(due_.begin()->first);
      else
        arm_deadline();
    });
  }

  void forget_deadline(std::size_t index) {
    const bool earliest = !due_.empty() && due_.begin()->first == index;
    due_.erase(index);
    if (earliest)
      arm_deadline();
  }

  void timed_out(std::size_t index) {
    if (ending_)
      return;
    std::string line = "timed out after " + seconds_text(o_.timeout) + " without a response";
    if (o_.repeat > 1)
      line += " to request " + std::to_string(index + 1) + " of " + std::to_string(o_.repeat) + " (" +
              std::to_string(answered_) + " answered)";
    print_error(line);
    end(exit_timeout);
  }

  // --latency: a line on stdout with --json (while stdout works), else on stderr.
  void report_latency(const std::string &line, bool stdout_ok) {
    if (o_.json()) {
      if (stdout_ok)
        write_stdout(line + "\n");
    } else {
      print_debug(line);
    }
  }

  void end(int status) {
    if (ending_)
      return;
    ending_ = true;
    status_ = status;
    interval_timer_.cancel();
    setup_timer_.cancel();
    deadline_timer_.cancel();
    client_.disconnect();
  }

  runtime &rt_;
  rr_options o_;
  client::client client_;
  std::vector<std::uint8_t> payload_;
  std::vector<std::pair<std::string, std::string>> user_pairs_;
  correlation_tracker tracker_;
  latency_summary latency_;
  sub::message_printer printer_;
  runtime::timer interval_timer_, setup_timer_, deadline_timer_;
  std::map<std::size_t, clock::time_point> due_; // -W: when each outstanding request's response is due
  std::map<std::uint16_t, std::size_t> requests_in_flight_;           // packet id -> request, until PUBACK/PUBCOMP
  std::string response_topic_;
  std::string last_issued_; // MQTT 3.1.1: the correlation data of the request waiting for the next message
  std::string out_;
  clock::time_point next_send_at_{};
  std::uint64_t answered_ = 0, ignored_ = 0;
  std::uint16_t subscribe_id_ = 0;
  std::optional<int> status_;
  bool v5_ = true, subscribed_ = false, waiting_interval_ = false, ending_ = false;
};

} // namespace

int run_requests(rr_options options, client::client_options client_options, std::vector<std::uint8_t> payload) {
  runtime rt;
  requester req(rt, std::move(options), std::move(client_options), std::move(payload));
  req.start();
  return finish_stdout(rt.run());
}

} // namespace mqtk::apps::rr
