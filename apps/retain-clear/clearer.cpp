// mqtk-retain-clear: the run. Lists the retained messages under the filters (the end of the
// broker's retained burst is marked by a sentinel we publish after SUBACK and wait for), writes the
// backup, asks when a person should confirm, clears each message with a zero-length retained QoS 1
// publish within the broker's Receive Maximum, then lists again to verify that none is left.
#include "retain-clear/clearer.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/publish_refusal.hpp"
#include "common/runtime.hpp"
#include "common/stdout_writer.hpp"
#include "mqtk/client/entropy.hpp"
#include "mqtk/protocol/error.hpp"
#include "retain-clear/backup.hpp"
#include "retain-clear/report.hpp"
#include "retain-clear/retained_rules.hpp"
#include "retain-clear/retained_store.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>
#include <unordered_map>

namespace mqtk::apps::retain_clear {

namespace {

using clock = std::chrono::steady_clock;
constexpr std::size_t max_buffered_output = 1 << 16;
constexpr std::size_t max_passes = 100; // clear passes over messages that earlier listings missed
constexpr std::size_t max_prompt_lines = 50; // topics listed above the confirmation prompt

enum class phase { connecting, listing, confirming, clearing, verifying, done };

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
}

class clearer final : public client::client_handler {
public:
  clearer(runtime &rt, retain_clear_options options, client::client_options client_options)
      : rt_(rt), o_(std::move(options)), selection_(o_.filters, o_.excludes),
        client_(rt.io(), std::move(client_options), *this), idle_timer_(rt), deadline_timer_(rt),
        prompt_(rt, 4096) {
    sentinel_topic_ = o_.sentinel_topic.empty() ? "mqtk/sentinel/" + client::random_hex(16) : o_.sentinel_topic;
    sentinel_usable_ = !o_.no_sentinel;
    report_.filters = o_.filters;
    report_.excludes = o_.excludes;
    report_.dry_run = o_.dry_run;
    report_.backup = o_.backup;
  }

  // Checks the backup path (nothing is written yet); false (usage error) when it cannot be used.
  bool prepare() {
    if (o_.backup.empty())
      return true;
    std::string error;
    if (!backup_.prepare(o_.backup, o_.force, error)) {
      print_error(error);
      return false;
    }
    return true;
  }

  void start() {
    started_at_ = clock::now();
    rt_.on_interrupt([this] { stop_early(exit_interrupted, "interrupted"); });
    if (o_.timeout > 0)
      deadline_timer_.start(seconds(o_.timeout), [this] {
        char text[64];
        std::snprintf(text, sizeof text, "timed out after %g s", o_.timeout);
        stop_early(exit_timeout, text);
      });
    client_.start();
  }

  // ---- client events -------------------------------------------------------------------------
  void on_connected(const protocol::connack &, bool) override {
    if (phase_ != phase::connecting)
      return;
    if (!client_.session().limits().retain_available) {
      fail(exit_operation_refused,
           "the broker does not support retained messages (CONNACK Retain Available 0): "
           "there is nothing to list or clear");
      return;
    }
    begin_listing(phase::listing);
  }

  void on_suback(const protocol::suback &s) override {
    if (s.packet_id != subscribe_id_ || (phase_ != phase::listing && phase_ != phase::verifying))
      return;
    for (std::size_t i = 0; i < o_.filters.size() && i < s.reasons.size(); ++i) {
      if (protocol::is_error(s.reasons[i])) {
        fail(exit_operation_refused, "the broker refused the subscription to '" + o_.filters[i] +
                                         "': " + protocol::reason_code_text(s.reasons[i]));
        return;
      }
    }
    if (sentinel_usable_ && s.reasons.size() > o_.filters.size() && protocol::is_error(s.reasons.back()))
      drop_sentinel("the broker refused the subscription to the sentinel topic: " +
                    protocol::reason_code_text(s.reasons.back()));
    if (sentinel_usable_) {
      protocol::publish p;
      p.topic = sentinel_topic_;
      p.payload = protocol::as_bytes(token_);
      p.qos = protocol::qos::at_least_once;
      const auto result = client_.publish(p);
      if (result.error)
        drop_sentinel("the sentinel could not be published (" + result.error.message() + ")");
      else
        sentinel_id_ = result.packet_id;
    }
    arm_idle_timer();
  }

  void on_message(const protocol::publish &p) override {
    if (phase_ != phase::listing && phase_ != phase::verifying)
      return;
    if (sentinel_usable_ && p.topic == sentinel_topic_) {
      if (protocol::as_chars(p.payload) == token_)
        end_listing(true);
      return;
    }
    if (!p.retain || !selection_.selects(p.topic))
      return;
    if (phase_ == phase::listing || !store_.contains(p.topic))
      store_.add(p, std::chrono::system_clock::now()); // first listing, or missed by an earlier one
    else
      still_present_.insert(std::string(p.topic));
    arm_idle_timer();
  }

  void on_publish_done(std::uint16_t id, protocol::reason_code reason,
                       const protocol::properties &props) override {
    if (sentinel_id_ && id == *sentinel_id_) {
      sentinel_id_.reset();
      if (protocol::is_error(reason))
        drop_sentinel("the broker refused the sentinel: " + protocol::reason_code_text(reason));
      return;
    }
    auto it = inflight_.find(id);
    if (it == inflight_.end() || phase_ == phase::done)
      return;
    retained_entry &e = store_.entries()[it->second];
    inflight_.erase(it);
    e.reason = reason;
    e.state = protocol::is_error(reason) ? entry_state::failed : entry_state::cleared;
    if (props.reason_string)
      e.detail = std::string(*props.reason_string);
    if (e.state == entry_state::failed && !o_.json)
      print_error("the broker refused to clear '" + e.topic + "': " + protocol::reason_code_text(reason));
    pump();
  }

  void on_writable() override { pump(); }

  void on_closed(const client::close_reason &why) override {
    if (phase_ == phase::done) {
      rt_.finish(status_);
      return;
    }
    print_error(why.kind == client::close_kind::normal ? "the connection ended early" : why.message);
    int status = exit_status_for(why, !inflight_.empty());
    if (status == exit_ok)
      status = exit_connect;
    if (!store_.entries().empty()) {
      report_.error = why.message.empty() ? "the connection ended early" : why.message;
      finish_report();
    }
    phase_ = phase::done;
    rt_.finish(status);
  }

private:
  // ---- listing -------------------------------------------------------------------------------
  // Subscribes to the filters (and the sentinel topic); the broker answers with its retained burst.
  void begin_listing(phase next) {
    phase_ = next;
    token_ = (next == phase::listing ? "list-" : "verify-") + client::random_hex(16);
    const bool v5 = client_.session().version() == protocol::protocol_version::v5;
    protocol::subscribe request;
    for (const auto &filter : o_.filters) {
      protocol::subscribe_options options;
      options.max_qos = protocol::qos::exactly_once; // delivered at the retained message's own QoS
      options.no_local = v5;                         // our clears are not echoed back
      request.subscriptions.push_back({filter, options});
    }
    if (sentinel_usable_)
      request.subscriptions.push_back({sentinel_topic_, {protocol::qos::at_least_once, false, false, 0}});
    const auto result = client_.subscribe(request);
    if (result.error) {
      fail(exit_internal, "cannot subscribe: " + result.error.message());
      return;
    }
    subscribe_id_ = result.packet_id;
  }

  void drop_sentinel(const std::string &why) {
    if (!sentinel_usable_)
      return;
    sentinel_usable_ = false;
    print_warning(why + "; listings end after " + format_seconds(o_.settle) +
                  " s without a retained message");
  }

  // The fallback end of a listing: --settle seconds without a retained message (or the sentinel).
  void arm_idle_timer() {
    idle_timer_.start(seconds(o_.settle), [this] {
      if (sentinel_usable_ && !sentinel_lost_noted_) {
        sentinel_lost_noted_ = true;
        print_warning("the sentinel did not come back within " + format_seconds(o_.settle) +
                      " s of silence; the broker may have dropped part of its retained burst (" +
                      (o_.dry_run ? "this list may be incomplete)" : "later passes clear what was missed)"));
      }
      end_listing(false);
    });
  }

  // A listing ended. The first one leads to the backup, the prompt and the clears; a verification
  // that finds messages an earlier listing missed (a broker may drop part of a large burst) clears
  // those in another pass; otherwise it gives the final word.
  void end_listing(bool by_sentinel) {
    idle_timer_.cancel();
    auto &entries = store_.entries();
    const bool missed = next_ < entries.size();
    if (phase_ == phase::verifying && !(missed && pass_ < max_passes)) {
      report_.verified = true;
      for (std::size_t i = next_; i < entries.size(); ++i)
        still_present_.insert(entries[i].topic);
      report_.still_present.assign(still_present_.begin(), still_present_.end());
      store_.mark_kept(report_.still_present);
      complete();
      return;
    }
    if (phase_ == phase::listing) {
      report_.listing_end = by_sentinel ? "sentinel" : "settle";
      store_.sort();
    }
    // Every message found so far is in the backup, on disk, before any of them is cleared.
    if (backup_.enabled() && missed) {
      std::string error;
      const bool earlier = backup_.written();
      if (!backup_.write(entries, error)) {
        stop_early(exit_usage, error + (earlier ? "; nothing more was cleared (" + o_.backup +
                                                      " still holds the messages cleared before)"
                                                : "; nothing was cleared"));
        return;
      }
    }
    if (phase_ == phase::verifying) {
      ++pass_;
      still_present_.clear();
      start_clearing();
      return;
    }
    if (entries.empty() || o_.dry_run) {
      report_.verified = entries.empty(); // a listing that found nothing is its own verification
      complete();
      return;
    }
    if (needs_confirmation(::isatty(STDIN_FILENO) == 1, entries.size(), o_.yes)) {
      ask();
      return;
    }
    start_clearing();
  }

  // ---- confirmation --------------------------------------------------------------------------
  void ask() {
    phase_ = phase::confirming;
    std::vector<std::string> topics;
    for (const auto &e : store_.entries())
      topics.push_back(e.topic);
    std::string listing;
    for (const auto &line : prompt_lines(topics, max_prompt_lines))
      listing += line + "\n";
    std::fputs(listing.c_str(), stderr);
    std::string question = "clear " + std::to_string(store_.entries().size()) + " retained messages under";
    for (const auto &filter : o_.filters)
      question += " '" + filter + "'";
    question += "? [y/N] ";
    std::fputs(question.c_str(), stderr);
    std::fflush(stderr);
    prompt_.start(
        [this](std::string_view line) {
          answer(line);
          return false;
        },
        [this](const std::string &) { answer(""); });
  }

  void answer(std::string_view line) {
    if (phase_ != phase::confirming)
      return;
    std::string word;
    for (char c : line)
      if (!std::isspace(static_cast<unsigned char>(c)))
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word == "y" || word == "yes") {
      start_clearing();
      return;
    }
    print_error("nothing was cleared");
    stop_early(exit_interrupted, "not confirmed");
  }

  // ---- clearing ------------------------------------------------------------------------------
  void start_clearing() {
    phase_ = phase::clearing;
    pump();
  }

  // Sends clears while the broker's window and the socket allow; verifies once all are answered.
  void pump() {
    if (phase_ != phase::clearing || pumping_)
      return;
    pumping_ = true;
    auto &entries = store_.entries();
    while (next_ < entries.size() && client_.connected() && client_.pending_output() <= max_buffered_output) {
      retained_entry &e = entries[next_];
      protocol::publish p;
      p.topic = e.topic;
      p.qos = protocol::qos::at_least_once;
      p.retain = true;
      const auto result = client_.publish(p);
      if (result.error == protocol::errc::would_block)
        break;
      ++next_;
      if (result.error) {
        e.state = entry_state::failed;
        e.reason = protocol::reason_code::unspecified_error;
        e.detail =
            "not sent: " +
            broker_limit_refusal(result.error, client_.session().limits()).value_or(result.error.message());
        continue;
      }
      e.state = entry_state::pending;
      inflight_.emplace(result.packet_id, next_ - 1);
    }
    pumping_ = false;
    if (next_ == entries.size() && inflight_.empty())
      begin_listing(phase::verifying);
  }

  // ---- ending --------------------------------------------------------------------------------
  void complete() {
    phase_ = phase::done;
    finish_report();
    switch (judge(count(store_.entries(), report_))) {
    case verdict::clean:
      status_ = exit_ok;
      break;
    case verdict::refused:
      status_ = exit_operation_refused;
      break;
    case verdict::left:
      status_ = exit_check_failed;
      if (!o_.json)
        print_error(std::to_string(report_.still_present.size()) + " retained message(s) still present");
      break;
    }
    close();
  }

  void fail(int status, const std::string &message) {
    print_error(message);
    phase_ = phase::done;
    status_ = status;
    close();
  }

  // Interrupt, timeout or a declined prompt: report what was done so far, then stop.
  void stop_early(int status, const std::string &why) {
    if (phase_ == phase::done)
      return;
    const bool report = !store_.entries().empty();
    phase_ = phase::done;
    status_ = status;
    print_error(why);
    if (report) {
      report_.error = why;
      finish_report();
    }
    close();
  }

  void finish_report() {
    idle_timer_.cancel();
    deadline_timer_.cancel();
    report_.elapsed_s = std::chrono::duration<double>(clock::now() - started_at_).count();
    report_.passes = o_.dry_run ? 0 : pass_;
    report_.backup_written = backup_.written();
    store_.sort();
    print_report(report_, store_.entries(), o_.json);
  }

  void close() {
    idle_timer_.cancel();
    deadline_timer_.cancel();
    client_.disconnect();
  }

  static std::string format_seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", s);
    return text;
  }

  runtime &rt_;
  retain_clear_options o_;
  topic_selection selection_;
  client::client client_;
  runtime::timer idle_timer_;
  runtime::timer deadline_timer_;
  line_reader prompt_;
  backup_file backup_;
  retained_store store_;
  run_report report_;
  std::set<std::string> still_present_;
  std::unordered_map<std::uint16_t, std::size_t> inflight_; // packet id -> entry index
  std::string sentinel_topic_;
  std::string token_;
  std::optional<std::uint16_t> sentinel_id_;
  std::uint16_t subscribe_id_ = 0;
  std::size_t next_ = 0; // entries before this one had their clear sent
  std::size_t pass_ = 1;
  clock::time_point started_at_;
  phase phase_ = phase::connecting;
  int status_ = exit_ok;
  bool sentinel_usable_ = true;
  bool pumping_ = false;
  bool sentinel_lost_noted_ = false;
};

} // namespace

int run(retain_clear_options options, client::client_options client_options) {
  runtime rt;
  clearer c(rt, std::move(options), std::move(client_options));
  if (!c.prepare())
    return exit_usage;
  c.start();
  return finish_stdout(rt.run());
}

} // namespace mqtk::apps::retain_clear
