#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace mqtk::apps {

// Whether SIGINT or SIGTERM arrived since the last runtime was made, handled by its loop or not
// (a signal that comes as the run ends is noted before the loop could take it): async-signal-safe
// to set, readable anywhere, as while stdout is flushed at exit.
bool interrupt_signal_arrived() noexcept;

// The event loop of one tool run: an io_context, SIGINT/SIGTERM handling, SIGPIPE ignored, one-shot
// timers, and the exit status. Keeps Asio out of the tools' headers.
class runtime {
public:
  // Sets up the loop and signal handling.
  runtime();
  ~runtime();
  runtime(const runtime &) = delete;
  runtime &operator=(const runtime &) = delete;

  // The io_context clients run on.
  boost::asio::io_context &io() noexcept;
  // Called on the first SIGINT/SIGTERM; a second one, or 5 s without finish(), exits at once with 130.
  void on_interrupt(std::function<void()> handler);
  // Runs the loop until finish() was called and nothing is left to do; returns the exit status,
  // 130 if a signal arrived, even one the loop did not get to (the input ended at the same moment).
  int run();
  // Records the exit status and stops the loop.
  void finish(int status);
  // True once finish() was called.
  bool finished() const noexcept;

  // A one-shot timer; starting it again replaces the pending callback.
  class timer {
  public:
    // A timer on rt's loop.
    explicit timer(runtime &rt);
    ~timer();
    // Calls fn after delay (unless cancelled or restarted first).
    void start(std::chrono::steady_clock::duration delay, std::function<void()> fn);
    // Drops the pending callback.
    void cancel();

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
  };

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Reads stdin line by line without blocking the loop (pipes and terminals) or synchronously in
// chunks (regular files). Lines are delivered without their '\n' (and '\r' before it). It never sets
// O_NONBLOCK on stdin: that flag would stay on the terminal or pipe the shell shares.
class line_reader {
public:
  // A reader on rt's loop; max_line bounds one line (longer lines are an error).
  line_reader(runtime &rt, std::size_t max_line);
  ~line_reader();
  // Starts reading: on_line for each line (return false to pause), on_end(error) at EOF ("" if clean).
  // Starting again after the end (not from inside on_end) reads on from where stdin now is.
  void start(std::function<bool(std::string_view)> on_line, std::function<void(const std::string &)> on_end);
  // Continues after on_line returned false.
  void resume();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Reads all of stdin (binary safe); false with error on failure.
bool read_all_stdin(std::string &out, std::string &error);

} // namespace mqtk::apps
