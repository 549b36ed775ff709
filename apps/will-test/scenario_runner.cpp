// mqtk-will-test: one scenario's clients and timeline. Observer up and subscribed, then the will
// client connects and is ended; the observer's first message on the will topic (or the timeout)
// decides, then a later subscriber checks a retained will and clears it.
#include "will-test/scenario_runner.hpp"

#include "common/exit_status.hpp"
#include "common/publish_refusal.hpp"
#include "common/runtime.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace mqtk::apps::will_test {

namespace {

using clock = std::chrono::steady_clock;

enum class role { observer, will, takeover, late };
constexpr std::size_t role_count = 4;

clock::duration seconds(double s) {
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
}

} // namespace

struct scenario_runner::impl {
  // Forwards one client's events to the scenario, tagged with the client's role.
  struct role_handler final : client::client_handler {
    role_handler(impl &owner, role tag) : r(owner), who(tag) {}
    impl &r;
    role who;
    void on_connected(const protocol::connack &, bool) override { r.connected(who); }
    void on_suback(const protocol::suback &s) override { r.suback(who, s); }
    void on_message(const protocol::publish &p) override { r.message(who, p); }
    void on_publish_done(std::uint16_t, protocol::reason_code, const protocol::properties &) override {
      if (who == role::late)
        r.finish();
    }
    void on_closed(const client::close_reason &why) override { r.closed(who, why); }
  };

  impl(runtime &rt, end_mode mode, client::client_options will_client, scenario_settings settings,
       std::function<void()> done)
      : rt_(rt), settings_(settings), will_options_(std::move(will_client)), done_(std::move(done)),
        timer_(rt), handlers_{role_handler{*this, role::observer}, role_handler{*this, role::will},
                              role_handler{*this, role::takeover}, role_handler{*this, role::late}} {
    result_.mode = mode;
    result_.client_id = will_options_.session.client_id;
    result_.will_topic = will_options_.session.will->topic;
  }

  // Options for a helper client (observer, takeover, later subscriber): no will, own id.
  client::client_options helper_options(const std::string &id) const {
    client::client_options o = will_options_;
    o.session.client_id = id;
    o.session.will.reset();
    o.session.clean_start = true;
    o.session.session_expiry = 0;
    o.reconnect.enabled = false;
    return o;
  }

  void launch(role who, client::client_options options) {
    auto &slot = clients_[static_cast<std::size_t>(who)];
    slot = std::make_unique<client::client>(rt_.io(), std::move(options),
                                            handlers_[static_cast<std::size_t>(who)]);
    open_[static_cast<std::size_t>(who)] = true;
    slot->start();
  }

  client::client &get(role who) { return *clients_[static_cast<std::size_t>(who)]; }

  void start() { launch(role::observer, helper_options(result_.client_id + "-observer")); }

  // ---- events --------------------------------------------------------------------------------
  void connected(role who) {
    if (finished_)
      return;
    switch (who) {
    case role::observer: {
      v5_ = get(role::observer).session().version() == protocol::protocol_version::v5;
      const auto &will = *will_options_.session.will;
      if (!v5_ && !will.props.get().empty()) {
        fail("the broker only speaks MQTT 3.1.1: the will's MQTT 5 properties cannot be sent", exit_usage);
        return;
      }
      protocol::subscribe request;
      protocol::subscribe_options options;
      options.max_qos = protocol::qos::exactly_once;
      options.retain_as_published = v5_;     // the will's retain flag stays visible
      options.retain_handling = v5_ ? 2 : 0; // no stale retained message on the topic
      request.subscriptions.push_back({will.topic, options});
      if (auto sent = get(role::observer).subscribe(request); sent.error)
        fail("cannot subscribe to the will topic: " + sent.error.message(), exit_internal);
      break;
    }
    case role::will:
      end_will_client();
      break;
    case role::takeover:
      break;
    case role::late:
      subscribe_late();
      break;
    }
  }

  void suback(role who, const protocol::suback &s) {
    if (finished_ || s.reasons.empty())
      return;
    if (protocol::is_error(s.reasons.front())) {
      fail("the broker refused the subscription to the will topic: " + protocol::reason_code_text(s.reasons.front()),
           exit_operation_refused);
      return;
    }
    if (who == role::observer) {
      will_options_.session.version = get(role::observer).session().version();
      will_options_.version_pinned = true;
      will_options_.reconnect.enabled = false;
      launch(role::will, will_options_);
    } else if (who == role::late) {
      timer_.start(seconds(settings_.retained_wait), [this] {
        result_.retained_copy = false;
        finish();
      });
    }
  }

  void message(role who, const protocol::publish &p) {
    if (finished_ || p.topic != result_.will_topic)
      return;
    if (who == role::late) {
      if (!p.retain || result_.retained_copy)
        return;
      const auto &want = will_options_.session.will->payload;
      result_.retained_copy = std::equal(want.begin(), want.end(), p.payload.begin(), p.payload.end());
      timer_.cancel();
      clear_retained_will();
      return;
    }
    if (who != role::observer || !result_.ended || result_.will || (!v5_ && p.retain))
      return; // before the end, a second copy, or a stale retained message (3.1.1)
    result_.latency_s = std::chrono::duration<double>(clock::now() - ended_at_).count();
    result_.will = observed_message::of(p);
    timer_.cancel();
    if (will_options_.session.will->retain) {
      launch(role::late, helper_options(result_.client_id + "-late"));
      return;
    }
    finish();
  }

  void closed(role who, const client::close_reason &why) {
    open_[static_cast<std::size_t>(who)] = false;
    if (!finished_) {
      const bool expected_close = (who == role::will && result_.ended);
      if (!expected_close) {
        int status = exit_status_for(why, false);
        if (status == exit_ok)
          status = exit_connect;
        std::string name = who == role::observer   ? "observer"
                           : who == role::will     ? "will client"
                           : who == role::takeover ? "takeover client"
                                                   : "later subscriber";
        fail(name + ": " + (why.message.empty() ? "the connection ended early" : why.message), status);
        return;
      }
    }
    maybe_done();
  }

  // ---- the end -------------------------------------------------------------------------------
  void end_will_client() {
    client::client &will = get(role::will);
    const auto &s = will.session();
    scenario_setup setup;
    setup.mode = result_.mode;
    setup.v5 = v5_;
    setup.keep_alive = s.limits().keep_alive;
    if (const auto &delay = s.options().will->props.get().will_delay_interval)
      setup.will_delay = *delay;
    setup.session_expiry = s.options().session_expiry;
    setup.clean_start = s.options().clean_start;
    setup.tolerance = settings_.tolerance;
    result_.expected = expect(setup);
    if (!result_.expected.applicable) {
      finish();
      return;
    }
    result_.wait_s = settings_.timeout > 0 ? settings_.timeout : default_timeout(result_.expected);
    result_.ended = true;
    ended_at_ = clock::now();
    switch (result_.mode) {
    case end_mode::abrupt:
      will.abort();
      break;
    case end_mode::keepalive:
      will.go_silent();
      break;
    case end_mode::graceful:
      will.disconnect({});
      break;
    case end_mode::disconnect_with_will:
      will.disconnect({protocol::reason_code::disconnect_with_will_message, {}});
      break;
    case end_mode::takeover: {
      client::client_options o = will_options_;
      o.session.will.reset();
      launch(role::takeover, std::move(o));
      break;
    }
    }
    if (finished_)
      return;
    timer_.start(seconds(result_.wait_s), [this] { finish(); });
  }

  void subscribe_late() {
    protocol::subscribe request;
    request.subscriptions.push_back({result_.will_topic, {protocol::qos::exactly_once, false, false, 0}});
    if (auto sent = get(role::late).subscribe(request); sent.error)
      fail("cannot subscribe to the will topic: " + sent.error.message(), exit_internal);
  }

  // Removes the retained will the scenario left (zero-length retained publish), unless asked not to.
  void clear_retained_will() {
    if (settings_.keep_retained) {
      finish();
      return;
    }
    client::client &late = get(role::late);
    protocol::publish p;
    p.topic = result_.will_topic;
    p.qos = std::min(protocol::qos::at_least_once, late.session().limits().maximum_qos);
    p.retain = true;
    const auto sent = late.publish(p);
    if (auto limit = broker_limit_refusal(sent.error, late.session().limits())) {
      fail("cannot clear the retained will on '" + result_.will_topic + "': " + *limit,
           exit_operation_refused);
      return;
    }
    if (sent.error || p.qos == protocol::qos::at_most_once)
      finish(); // nothing to wait for: a QoS 0 clear goes out before the DISCONNECT
  }

  void fail(const std::string &error, int status) {
    if (finished_)
      return;
    result_.error = error;
    result_.error_status = status;
    finish();
  }

  // Concludes the scenario and closes every client that is still open.
  void finish() {
    if (finished_)
      return;
    finished_ = true;
    timer_.cancel();
    if (result_.error.empty() && result_.expected.applicable && result_.ended) {
      const auto &want = *will_options_.session.will;
      result_.differences = check_delivery(result_.expected, result_.will.has_value(), result_.latency_s,
                                           result_.retained_copy, result_.wait_s);
      if (result_.will) {
        auto mismatches = compare_will(want, result_.will->view(), v5_, v5_);
        result_.differences.insert(result_.differences.end(), mismatches.begin(), mismatches.end());
      }
    }
    for (std::size_t i = 0; i < role_count; ++i)
      if (open_[i] && clients_[i])
        clients_[i]->disconnect();
    maybe_done();
  }

  void maybe_done() {
    if (!finished_ || reported_)
      return;
    for (bool open : open_)
      if (open)
        return;
    reported_ = true;
    done_();
  }

  runtime &rt_;
  scenario_settings settings_;
  client::client_options will_options_;
  std::function<void()> done_;
  runtime::timer timer_;
  std::array<role_handler, role_count> handlers_;
  std::array<std::unique_ptr<client::client>, role_count> clients_;
  std::array<bool, role_count> open_{};
  scenario_result result_;
  clock::time_point ended_at_;
  bool v5_ = true;
  bool finished_ = false;
  bool reported_ = false;
};

scenario_runner::scenario_runner(runtime &rt, end_mode mode, client::client_options will_client,
                                 scenario_settings settings, std::function<void()> done)
    : impl_(std::make_unique<impl>(rt, mode, std::move(will_client), settings, std::move(done))) {}

scenario_runner::~scenario_runner() = default;
void scenario_runner::start() {
  impl_->start();
}
void scenario_runner::stop(const std::string &error, int status) {
  impl_->fail(error, status);
}
const scenario_result &scenario_runner::result() const {
  return impl_->result_;
}

} // namespace mqtk::apps::will_test
