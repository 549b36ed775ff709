// poison_detector: which connection ends make a message poison (the broker closing right after it,
// again after each resend) and which start the count over.
#include "mqtk/client/poison_detector.hpp"

#include <doctest/doctest.h>

using mqtk::client::poison_detector;

TEST_CASE("poison detector: three broker closes in a row right after the same message") {
  poison_detector d(3);
  CHECK_FALSE(d.ended(7, true, true)); // first end: the message was sent on a connection that worked
  CHECK(d.strikes() == 1);
  CHECK_FALSE(d.ended(7, true, false)); // resent, closed again before anything was acknowledged
  CHECK(d.strikes() == 2);
  CHECK(d.ended(7, true, false));
  CHECK(d.strikes() == 3);
}

TEST_CASE("poison detector: what starts the count over") {
  poison_detector d(3);
  REQUIRE_FALSE(d.ended(7, true, true));
  REQUIRE_FALSE(d.ended(7, true, false));
  REQUIRE(d.strikes() == 2);

  SUBCASE("the message was acknowledged after all") {
    d.acknowledged(7);
    CHECK(d.strikes() == 0);
    CHECK_FALSE(d.ended(7, true, false)); // the same packet id, now another message
    CHECK(d.strikes() == 1);
  }
  SUBCASE("another message's acknowledgement changes nothing") {
    d.acknowledged(8);
    CHECK(d.ended(7, true, false));
  }
  SUBCASE("a timeout on our side is not the broker refusing the message") {
    CHECK_FALSE(d.ended(7, false, false));
    CHECK(d.strikes() == 0);
  }
  SUBCASE("a connection that recovered before it ended") {
    CHECK_FALSE(d.ended(7, true, true));
    CHECK(d.strikes() == 1);
  }
  SUBCASE("another oldest message") {
    CHECK_FALSE(d.ended(9, true, false));
    CHECK(d.strikes() == 1);
  }
  SUBCASE("nothing in flight") {
    CHECK_FALSE(d.ended(std::nullopt, true, false));
    CHECK(d.strikes() == 0);
  }
}

TEST_CASE("poison detector: a limit of 0 never gives up") {
  poison_detector d(0);
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(d.ended(1, true, false));
  CHECK(d.strikes() == 10);
}
