// runtime and SIGINT: a signal that arrives as the run ends, before the loop could take it (Ctrl-C
// also ends the command feeding stdin, and that EOF can finish the run first), still makes the run
// end as interrupted: status 130, and interrupt_signal_arrived() for stdout's 2 s bound at exit.
#include "common/exit_status.hpp"
#include "common/runtime.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <doctest/doctest.h>

#include <csignal>

using mqtk::apps::exit_interrupted;
using mqtk::apps::interrupt_signal_arrived;
using mqtk::apps::runtime;

TEST_CASE("runtime signal: a run that ends normally reports its own status and no signal") {
  runtime rt;
  bool interrupted = false;
  rt.on_interrupt([&] { interrupted = true; });
  boost::asio::post(rt.io(), [&] { rt.finish(0); });
  CHECK(rt.run() == 0);
  CHECK_FALSE(interrupted);
  CHECK_FALSE(interrupt_signal_arrived());
}

TEST_CASE("runtime signal: SIGINT delivered just before the run finishes makes it end with 130") {
  runtime rt;
  bool interrupted = false;
  rt.on_interrupt([&] { interrupted = true; });
  boost::asio::post(rt.io(), [&] {
    std::raise(SIGINT); // handled by the signal handler now, by the loop only at its next turn
    rt.finish(0);       // the input ended first: the loop never takes the signal
  });
  CHECK(rt.run() == exit_interrupted);
  CHECK_FALSE(interrupted); // the tool's handler did not run; the status says what happened
  CHECK(interrupt_signal_arrived());
}

TEST_CASE(
    "runtime signal: SIGINT taken by the loop runs the tool's handler, and a new runtime starts clean") {
  {
    runtime rt;
    bool interrupted = false;
    rt.on_interrupt([&] {
      interrupted = true;
      rt.finish(exit_interrupted);
    });
    boost::asio::post(rt.io(), [] { std::raise(SIGINT); });
    CHECK(rt.run() == exit_interrupted);
    CHECK(interrupted);
    CHECK(interrupt_signal_arrived());
  }
  runtime next;
  CHECK_FALSE(interrupt_signal_arrived());
}
