#pragma once

#include "will-test/scenario_result.hpp"

#include "mqtk/client/client.hpp"

#include <functional>
#include <memory>

namespace mqtk::apps {
class runtime;
} // namespace mqtk::apps

namespace mqtk::apps::will_test {

// What every scenario of a run shares.
struct scenario_settings {
  double timeout = 0;         // seconds to wait for the will after the end; 0: derived from the expectation
  double tolerance = 2;       // seconds a will may come later than the spec's time
  double retained_wait = 3;   // seconds the later subscriber waits for the retained will
  bool keep_retained = false; // leave the retained will on the broker
};

// Runs one scenario: an observer subscribes to the will topic, the will client connects with its
// will and is ended as the scenario says, then the observer waits for the will (and, for a retained
// will, a later subscriber checks that it was retained). Calls done once, when every client is closed.
class scenario_runner {
public:
  // A scenario with the will client's options (client id, will and session included).
  scenario_runner(runtime &rt, end_mode mode, client::client_options will_client, scenario_settings settings,
                  std::function<void()> done);
  ~scenario_runner();
  scenario_runner(const scenario_runner &) = delete;
  scenario_runner &operator=(const scenario_runner &) = delete;

  // Connects the observer; the rest follows from the events.
  void start();
  // Ends the scenario at once with error (SIGINT) and closes its clients.
  void stop(const std::string &error, int status);
  // The outcome so far; final once done was called.
  const scenario_result &result() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace mqtk::apps::will_test
