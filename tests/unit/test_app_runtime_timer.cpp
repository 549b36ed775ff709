// runtime::timer: a timer destroyed after its expiry was already queued does not run its callback
// (and, under ASan, reads no freed memory).
#include "common/runtime.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <thread>

using namespace std::chrono_literals;

TEST_CASE("runtime timer: destroying a timer whose expiry is queued drops its callback") {
  mqtk::apps::runtime rt;
  auto doomed = std::make_unique<mqtk::apps::runtime::timer>(rt);
  mqtk::apps::runtime::timer killer(rt);
  bool doomed_ran = false, killer_ran = false;
  // The killer expires first; both have expired before the loop runs, so both completions are
  // queued in one pass and the killer's handler destroys the doomed timer before its handler runs.
  killer.start(0ms, [&] {
    killer_ran = true;
    doomed.reset();
  });
  doomed->start(0ms, [&] { doomed_ran = true; });
  std::this_thread::sleep_for(5ms);
  rt.io().poll();
  CHECK(killer_ran);
  CHECK_FALSE(doomed_ran);
}

TEST_CASE("runtime timer: restarting replaces the pending callback, cancel drops it") {
  mqtk::apps::runtime rt;
  mqtk::apps::runtime::timer t(rt);
  int first = 0, second = 0;
  t.start(0ms, [&] { ++first; });
  t.start(0ms, [&] { ++second; });
  std::this_thread::sleep_for(5ms);
  rt.io().poll();
  CHECK(first == 0);
  CHECK(second == 1);
  t.start(0ms, [&] { ++second; });
  t.cancel();
  std::this_thread::sleep_for(5ms);
  rt.io().restart();
  rt.io().poll();
  CHECK(second == 1);
}
