// mqtk-rr --serve: for each request with a Response Topic, run the command with the payload on stdin
// and the request in MQTT_* environment variables (mqtk-sub --exec's), then publish its stdout to
// the Response Topic with the request's Correlation Data. A command that fails is reported on
// stderr and on the response (user property mqtk-exit-status or mqtk-error).
#include "rr/responder.hpp"

#include "common/child_process.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/runtime.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/topic.hpp"
#include "rr/rr_support.hpp"
#include "sub/exec_dispatch.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>

namespace mqtk::apps::rr {

namespace {

// Requests held waiting for a free job slot, per job, before the broker is no longer read.
constexpr std::size_t waiting_per_job = 64;

// A request taken, and then its response waiting to be published.
struct request_job {
  std::string topic;                      // where the request came
  std::string response_topic;             // where the response goes
  std::optional<std::string> correlation; // the request's correlation data, echoed
  child_spec spec;                        // the command run for it
  std::string payload;                    // the response: the command's stdout
  std::vector<std::pair<std::string, std::string>> status; // mqtk-exit-status / mqtk-error
};

class responder final : public client::client_handler {
public:
  responder(runtime &rt, rr_options options, client::client_options client_options)
      : rt_(rt), o_(std::move(options)), client_(rt.io(), std::move(client_options), *this), limiter_(o_.jobs) {}

  void start() {
    rt_.on_interrupt([this] {
      report_unanswered(children_.size() + limiter_.waiting() + responses_.size());
      end(exit_interrupted);
    });
    client_.start();
  }

  // ---- client events -------------------------------------------------------------------------
  void on_connected(const protocol::connack &connack, bool) override {
    if (ending_)
      return;
    if (client_.session().version() != protocol::protocol_version::v5) {
      print_error("--serve needs MQTT 5: requests over MQTT 3.1.1 carry no Response Topic");
      end(exit_usage);
      return;
    }
    if (!subscribed_ || !connack.session_present)
      subscribe();
    pump();
  }

  void on_connection_lost(std::string_view message, std::chrono::milliseconds delay) override {
    warn_connection_lost(message, delay);
  }

  void on_suback(const protocol::suback &ack) override {
    if (ack.packet_id != subscribe_id_ || ending_)
      return;
    if (!suback_granted(ack, o_.topics)) {
      end(exit_operation_refused);
      return;
    }
    subscribed_ = true;
    if (o_.connection.debug)
      print_debug("serving requests on " + std::to_string(o_.topics.size()) + " filter(s)");
  }

  void on_message(const protocol::publish &m) override {
    if (ending_)
      return;
    if (!m.props.response_topic || !protocol::topic_name_error(*m.props.response_topic).empty()) {
      ++skipped_;
      if (o_.connection.debug)
        print_debug("skipped a request on '" + shown(m.topic) + "': " +
                    (m.props.response_topic ? "its Response Topic is not a valid topic name" : "no Response Topic"));
      return;
    }
    auto job = std::make_shared<request_job>();
    job->topic = m.topic;
    job->response_topic = *m.props.response_topic;
    if (m.props.correlation_data)
      job->correlation = std::string(protocol::as_chars(*m.props.correlation_data));
    job->spec.argv = o_.command;
    job->spec.stdin_data = protocol::as_chars(m.payload);
    job->spec.env = sub::message_environment(m);
    job->spec.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o_.exec_timeout * 1000));
    job->spec.kill_grace = std::chrono::milliseconds(500);
    limiter_.submit([this, job](std::function<void()> done) { run(job, std::move(done)); });
    if (!paused_ && limiter_.waiting() >= waiting_per_job * o_.jobs) {
      paused_ = true;
      client_.pause_reading();
    }
  }

  void on_publish_done(std::uint16_t id, protocol::reason_code reason, const protocol::properties &props) override {
    auto it = publishing_.find(id);
    if (it == publishing_.end())
      return;
    if (protocol::is_error(reason)) {
      std::string line = "the broker refused the response on '" + shown(it->second) +
                         "': " + protocol::reason_code_text(reason);
      if (props.reason_string)
        line += ": " + std::string(*props.reason_string);
      print_error(line);
    }
    publishing_.erase(it);
  }

  void on_writable() override { pump(); }

  void on_closed(const client::close_reason &why) override {
    children_.clear(); // kills what still runs
    limiter_.clear_waiting();
    const int status = status_ ? *status_ : unexpected_close_status(why, !publishing_.empty());
    std::string line = "answered " + std::to_string(answered_) + " request(s)";
    if (failed_ > 0)
      line += ", " + std::to_string(failed_) + " with a failed command";
    if (skipped_ > 0)
      line += "; skipped " + std::to_string(skipped_) + " without a usable Response Topic";
    if (answered_ + skipped_ > 0)
      print_debug(line);
    rt_.finish(status);
  }

private:
  void subscribe() {
    if (auto id = subscribe_filters(client_, o_.topics, o_.qos, 0))
      subscribe_id_ = *id;
    else
      end(exit_internal);
  }

  // Runs the command for job in its slot; done frees the slot.
  void run(const std::shared_ptr<request_job> &job, std::function<void()> done) {
    if (ending_) {
      done();
      return;
    }
    const std::uint64_t id = next_child_++;
    children_[id] = std::make_unique<child_process>(
        rt_, job->spec, [this, id, job, done = std::move(done)](child_result result) {
          finished(*job, result);
          children_.erase(id); // safe: the child's loop handler keeps its state alive until it returns
          done();
          if (paused_ && limiter_.waiting() < waiting_per_job * o_.jobs / 2 + 1) {
            paused_ = false;
            client_.resume_reading();
          }
        });
  }

  void finished(request_job &job, child_result &result) {
    if (!result.ok()) {
      ++failed_;
      print_error("request on '" + shown(job.topic) + "': the command " + result.describe());
      if (result.started && !result.timed_out && result.signal == 0)
        job.status.emplace_back("mqtk-exit-status", std::to_string(result.exit_code));
      else
        job.status.emplace_back("mqtk-error", result.describe());
    }
    if (result.output_truncated)
      print_warning("request on '" + shown(job.topic) + "': the command's output was cut to " +
                    std::to_string(job.spec.max_output) + " bytes");
    job.payload = std::move(result.output);
    job.spec = {};
    responses_.push_back(std::move(job));
    pump();
  }

  // Publishes the finished responses while the connection and the in-flight window allow.
  void pump() {
    while (!responses_.empty() && client_.connected() && !ending_) {
      const auto &job = responses_.front();
      protocol::publish p;
      p.topic = job.response_topic;
      p.payload = protocol::as_bytes(job.payload);
      p.qos = static_cast<protocol::qos>(std::min<int>(o_.qos, static_cast<int>(client_.session().limits().maximum_qos)));
      if (job.correlation)
        p.props.correlation_data = protocol::as_bytes(*job.correlation);
      for (const auto &[k, v] : job.status)
        p.props.user_properties.push_back({k, v});
      const auto sent = client_.publish(p);
      if (sent.error == protocol::errc::would_block || sent.error == protocol::errc::not_connected)
        return;
      if (sent.error)
        print_error("cannot send the response on '" + shown(job.response_topic) + "': " + sent.error.message());
      else
        ++answered_;
      if (sent.packet_id != 0)
        publishing_[sent.packet_id] = job.response_topic;
      responses_.pop_front();
    }
  }

  void end(int status) {
    if (ending_)
      return;
    ending_ = true;
    status_ = status;
    limiter_.clear_waiting();
    children_.clear();
    client_.disconnect();
  }

  runtime &rt_;
  rr_options o_;
  client::client client_;
  job_limiter limiter_;
  std::map<std::uint64_t, std::unique_ptr<child_process>> children_;
  std::deque<request_job> responses_;                   // finished, not yet published
  std::map<std::uint16_t, std::string> publishing_;     // packet id -> response topic, until acknowledged
  std::uint64_t next_child_ = 0, answered_ = 0, failed_ = 0, skipped_ = 0;
  std::uint16_t subscribe_id_ = 0;
  std::optional<int> status_;
  bool subscribed_ = false, paused_ = false, ending_ = false;
};

} // namespace

int serve_requests(rr_options options, client::client_options client_options) {
  runtime rt;
  responder server(rt, std::move(options), std::move(client_options));
  server.start();
  return rt.run();
}

} // namespace mqtk::apps::rr
