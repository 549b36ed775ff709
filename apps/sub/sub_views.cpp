// mqtk-sub's --watch table on stdout and --message-rate reports on stderr, driven by the run loop.
#include "sub/sub_views.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace mqtk::apps::sub {

namespace {

using namespace std::chrono_literals;

// How soon a terminal shows a change, and how often ages are brought up to date; a pipe or file
// gets the table every second when something changed.
constexpr auto change_delay = 100ms;
constexpr auto redraw_interval = 1s;

// The terminal's columns and lines: the window size of stdout, else $COLUMNS/$LINES, else 80x24.
std::pair<std::size_t, std::size_t> screen_size() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
    return {ws.ws_col, ws.ws_row};
  auto env = [](const char *name, std::size_t fallback) {
    const char *value = std::getenv(name);
    const long n = value ? std::strtol(value, nullptr, 10) : 0;
    return n > 0 && n < 100000 ? static_cast<std::size_t>(n) : fallback;
  };
  return {env("COLUMNS", 80), env("LINES", 24)};
}

void write_stderr(const std::string &text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

} // namespace

sub_views::sub_views(runtime &rt, const view_options &o, output_mode mode, const format_template &format,
                     std::optional<payload_codec> decode, output_buffer &out)
    : o_(o), json_(mode == output_mode::json), out_(out), draw_timer_(rt), rate_timer_(rt) {
  if (o_.watch) {
    table_.emplace(o_.watch_limit);
    value_printer_.emplace(mode == output_mode::format ? output_mode::format : output_mode::payload, false, format);
    value_printer_->set_decode(decode);
    tty_ = ::isatty(STDOUT_FILENO) == 1;
  }
}

void sub_views::subscribed() {
  if (table_ && tty_ && !drawn_)
    draw(); // the empty table at once: the terminal shows what is being watched before any message
  if (!o_.rate_interval || rate_)
    return;
  const auto interval = std::chrono::duration_cast<rate_meter::clock::duration>(
      std::chrono::duration<double>(*o_.rate_interval));
  rate_.emplace(interval, rate_meter::clock::now(), json_);
  rate_timer_.start(interval, [this] { report_rate(); });
}

bool sub_views::show(const protocol::publish &m) {
  if (!table_)
    return false;
  value_.clear();
  value_printer_->append(value_, m);
  const auto now = rate_meter::clock::now();
  table_->update(m.topic, value_, now);
  if (!drawn_ || (tty_ && next_draw_ - now > change_delay)) {
    next_draw_ = drawn_ ? now + change_delay : now;
    draw_timer_.start(next_draw_ - now, [this] { draw(); });
  }
  return true;
}

void sub_views::draw() {
  const auto now = rate_meter::clock::now();
  if (tty_ || table_->changed()) {
    std::string &text = out_.text();
    if (tty_ && !drawn_)
      text += "\x1b[2J"; // a clean screen once; then each frame overwrites the last
    const auto [columns, lines] = screen_size();
    table_->render(text, now, columns, tty_ ? lines - 1 : o_.watch_limit + 2, tty_);
    out_.commit();
    table_->clear_changed();
    drawn_ = true;
  }
  if (finished_)
    return;
  next_draw_ = now + redraw_interval;
  draw_timer_.start(redraw_interval, [this] { draw(); });
}

void sub_views::report_rate() {
  const auto now = rate_meter::clock::now();
  std::string line;
  rate_->report_interval(line, now);
  write_stderr(line);
  rate_timer_.start(rate_->due() - now, [this] { report_rate(); });
}

void sub_views::finish() {
  if (finished_)
    return;
  finished_ = true;
  draw_timer_.cancel();
  rate_timer_.cancel();
  if (table_ && (drawn_ || table_->changed()))
    draw();
  if (rate_) {
    std::string line;
    rate_->report_total(line, rate_meter::clock::now());
    write_stderr(line);
  }
}

} // namespace mqtk::apps::sub
