#pragma once

// mqtk-sub's --watch and --message-rate: their flags, and the views the run loop feeds.

#include "common/output_buffer.hpp"
#include "common/payload_codec.hpp"
#include "common/runtime.hpp"
#include "sub/message_printer.hpp"
#include "sub/message_rate.hpp"
#include "sub/watch_view.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace mqtk::apps::sub {

// --watch, --watch-limit and --message-rate, as given and as resolved.
struct view_options {
  bool watch = false;                   // --watch: a table of topics instead of one line per message
  std::size_t watch_limit = 200;        // --watch-limit: topics kept in the table
  std::vector<std::string> rate_given;  // --message-rate [SECONDS], as given
  std::optional<double> rate_interval;  // seconds per --message-rate report, resolved
};

// Adds the view flags to app.
void add_view_options(CLI::App &app, view_options &o);

// Checks the view flags against the output mode (resolved already) and resolves rate_interval.
// Returns "" or the usage error.
std::string resolve_view_options(const CLI::App &app, view_options &o, output_mode mode, bool newline);

// What mqtk-sub shows besides (--message-rate) or instead of (--watch) the printed messages.
class sub_views {
public:
  // The views o asks for; mode/format/decode render the --watch values, out is stdout, json makes
  // the rate reports JSON objects.
  sub_views(runtime &rt, const view_options &o, output_mode mode, const format_template &format,
            std::optional<payload_codec> decode, output_buffer &out);
  // The subscription is acknowledged: the first call starts the rate intervals (and, on a terminal,
  // draws the empty table).
  void subscribed();
  // A message arrived from the broker (counted by --message-rate).
  void received() {
    if (rate_)
      rate_->add();
  }
  // With --watch: takes m into the table and returns true (it is not printed); else false.
  bool show(const protocol::publish &m);
  // The run ends: the last table and the total rate line.
  void finish();

private:
  void draw();
  void report_rate();

  const view_options &o_;
  bool json_;
  output_buffer &out_;
  std::optional<watch_table> table_;
  std::optional<message_printer> value_printer_;
  std::optional<rate_meter> rate_;
  runtime::timer draw_timer_, rate_timer_;
  bool tty_ = false, drawn_ = false, finished_ = false;
  rate_meter::clock::time_point next_draw_{};
  std::string value_; // the value of the message being shown
};

} // namespace mqtk::apps::sub
