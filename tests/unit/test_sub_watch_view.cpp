// mqtk-sub --watch: the table of topics rendered with a clock and a screen size given by the test:
// order, counts, ages, escaping, cutting to the width, the topic limit and the "+N more" line.
#include "../../apps/sub/watch_view.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mqtk::apps::sub;
using namespace std::chrono_literals;
using clock_type = watch_table::clock;

namespace {

// The lines of a plain (non-ANSI) rendering, without the empty line that ends it.
std::vector<std::string> lines_of(const watch_table &t, clock_type::time_point now, std::size_t width,
                                  std::size_t max_lines) {
  std::string out;
  t.render(out, now, width, max_lines, false);
  REQUIRE(out.size() >= 2);
  CHECK(out.substr(out.size() - 2) == "\n\n");
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = out.find('\n', start)) != std::string::npos && nl != start; start = nl + 1)
    lines.push_back(out.substr(start, nl - start));
  return lines;
}

} // namespace

TEST_CASE("watch_table: one line per topic in the order first seen, newest value, count and age") {
  const clock_type::time_point t0{1000s};
  watch_table t(10);
  t.update("sensors/a", "21.5", t0);
  t.update("sensors/bb", "on", t0 + 1s);
  t.update("sensors/a", "22.0", t0 + 3s);
  CHECK(t.changed());
  const auto lines = lines_of(t, t0 + 65s, 60, 24);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "TOPIC        COUNT     AGE  VALUE");
  CHECK(lines[1] == "sensors/a        2   1m02s  22.0");
  CHECK(lines[2] == "sensors/bb       1   1m04s  on");
  t.clear_changed();
  CHECK_FALSE(t.changed());
}

TEST_CASE("watch_table: ANSI frames redraw in place") {
  watch_table t(10);
  t.update("a", "1", clock_type::time_point{});
  std::string out;
  t.render(out, clock_type::time_point{} + 5s, 40, 24, true);
  CHECK(out == "\x1b[HTOPIC   COUNT     AGE  VALUE\x1b[K\n"
               "a           1      5s  1\x1b[K\n"
               "\x1b[J");
}

TEST_CASE("watch_table: broker text is escaped and every line fits the width") {
  const clock_type::time_point t0{};
  watch_table t(10);
  t.update("evil/\x1b]0;title\x07", "line1\nline2\x1b[2J", t0);
  t.update("long", std::string(500, 'x'), t0);
  t.update("caf\xC3\xA9", "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC", t0);
  const auto lines = lines_of(t, t0, 40, 24);
  REQUIRE(lines.size() == 4);
  for (const auto &line : lines) {
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find('\x07') == std::string::npos);
    CHECK(fit_columns(line, 40) == line);
  }
  CHECK(lines[1] == "evil/\\x1b]0;t       1      0s  line1\\nli"); // the topic column is a third of the width
  CHECK(lines[2].size() == 40);
  CHECK(lines[3] == "caf\xC3\xA9                1      0s  \xC3\xA9t\xC3\xA9 \xE2\x82\xAC");
}

TEST_CASE("watch_table: bounded: topics beyond the limit are only counted, lines beyond the screen left out") {
  const clock_type::time_point t0{};
  watch_table t(3);
  for (const char *topic : {"t/1", "t/2", "t/3", "t/4", "t/5", "t/4"})
    t.update(topic, "v", t0);
  CHECK(t.size() == 3);
  auto lines = lines_of(t, t0, 80, 24);
  REQUIRE(lines.size() == 5);
  CHECK(lines[3].rfind("t/3", 0) == 0);
  CHECK(lines[4] == "+0 more topic(s), 3 message(s) on topics beyond --watch-limit 3");

  watch_table small(100);
  for (int i = 0; i < 10; ++i)
    small.update("topic/" + std::to_string(i), "v", t0);
  lines = lines_of(small, t0, 80, 5); // a 6-line terminal: header, 3 topics, the "more" line
  REQUIRE(lines.size() == 5);
  CHECK(lines[3].rfind("topic/2", 0) == 0);
  CHECK(lines[4] == "+7 more topic(s)");
}

TEST_CASE("watch_table: long values are kept cut, not whole") {
  watch_table t(1);
  t.update("a", std::string(100000, 'y'), clock_type::time_point{});
  const auto lines = lines_of(t, clock_type::time_point{}, 5000, 24);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].size() < watch_table::max_value_bytes + 40);
}

TEST_CASE("age_text and fit_columns") {
  CHECK(age_text(0s) == "0s");
  CHECK(age_text(59s) == "59s");
  CHECK(age_text(245s) == "4m05s");
  CHECK(age_text(2h + 3min + 9s) == "2h03m");
  CHECK(age_text(51h) == "51h00m");
  CHECK(age_text(120h) == "120h");
  CHECK(age_text(-5s) == "0s");
  CHECK(fit_columns("h\xC3\xA9llo", 2) == "h\xC3\xA9");
  CHECK(fit_columns("abc", 10) == "abc");
  CHECK(fit_columns("abc", 0) == "");
}
