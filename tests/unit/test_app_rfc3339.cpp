// parse_rfc3339_ns: the one RFC 3339 reader of mqtk-pub --replay and mqtk-bench --start-at.
#include "common/rfc3339.hpp"

#include <doctest/doctest.h>

using mqtk::apps::parse_rfc3339_ns;

TEST_CASE("rfc3339: the forms it accepts") {
  CHECK(parse_rfc3339_ns("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_ns("2026-11-25T14:00:00Z") == 1'795'615'200'000'000'000);
  CHECK(parse_rfc3339_ns("2026-11-25t14:00:00.5z") == 1'795'615'200'500'000'000);
  CHECK(parse_rfc3339_ns("2026-11-25 15:30:00.25+01:30") == 1'795'615'200'250'000'000);
  CHECK(parse_rfc3339_ns("2026-11-25T12:00:00-02:00") == 1'795'615'200'000'000'000);
  CHECK(parse_rfc3339_ns("2026-11-25T14:00:00.1234567891234Z") == 1'795'615'200'123'456'789); // past ns dropped
  CHECK(parse_rfc3339_ns("2016-12-31T23:59:60Z") == 1'483'228'800'000'000'000);               // leap second
  CHECK(parse_rfc3339_ns("2024-02-29T00:00:00Z") == 1'709'164'800'000'000'000);
  CHECK(parse_rfc3339_ns("1969-12-31T23:59:59.5Z") == -500'000'000);
}

TEST_CASE("rfc3339: what it refuses") {
  for (const char *bad : {"", "2026-11-25", "2026-11-25T14:00:00", "2026-11-25T14:00:00.Z", "2026-02-29T00:00:00Z",
                          "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-25T24:00:00Z",
                          "2026-11-25T14:60:00Z", "2026-11-25T14:00:61Z", "2026-11-25T14:00:00+0100",
                          "2026-11-25T14:00:00+24:00", "2026-11-25X14:00:00Z", "2026-11-25T14:00:00Zjunk",
                          "２026-11-25T14:00:00Z"})
    CHECK_MESSAGE(!parse_rfc3339_ns(bad), bad);
}
