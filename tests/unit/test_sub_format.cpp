// mqtk-sub's -F template parser: fields with their options, @ time conversions, escapes, errors.
#include "../../apps/sub/format_template.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mqtk::apps::sub;
using kind = format_piece::kind;

namespace {

format_template parsed(std::string_view spec) {
  format_template t;
  const std::string error = parse_format(spec, t);
  INFO("spec: ", spec, " error: ", error);
  REQUIRE(error.empty());
  return t;
}

std::string error_of(std::string_view spec) {
  format_template t;
  return parse_format(spec, t);
}

format_piece field(char directive) {
  format_piece p;
  p.type = kind::field;
  p.directive = directive;
  return p;
}

format_piece text(std::string value) {
  format_piece p;
  p.text = std::move(value);
  return p;
}

} // namespace

TEST_CASE("parse_format: fields and literal text") {
  SUBCASE("mosquitto_sub's common fields") {
    const auto t = parsed("%t %p %q %r %m %l %x %X %I %U %j");
    REQUIRE(t.pieces.size() == 21);
    const std::string letters = "tpqrmlxXIUj";
    for (std::size_t i = 0; i < letters.size(); ++i) {
      CHECK(t.pieces[2 * i] == field(letters[i]));
      if (i + 1 < letters.size())
        CHECK(t.pieces[2 * i + 1] == text(" "));
    }
  }
  SUBCASE("property fields") {
    const auto t = parsed("%C%D%E%F%P%R%S");
    REQUIRE(t.pieces.size() == 7);
    CHECK(t.pieces[0] == field('C'));
    CHECK(t.pieces[6] == field('S'));
  }
  SUBCASE("%% and adjacent text merge into one literal") {
    const auto t = parsed("100%% of %t");
    REQUIRE(t.pieces.size() == 2);
    CHECK(t.pieces[0] == text("100% of "));
    CHECK(t.pieces[1] == field('t'));
  }
  SUBCASE("an empty template has no pieces") {
    CHECK(parsed("").pieces.empty());
  }
  SUBCASE("UTF-8 literal text is kept byte for byte") {
    CHECK(parsed("\xC3\xA9 ").pieces[0] == text("\xC3\xA9 "));
  }
}

TEST_CASE("parse_format: field options") {
  SUBCASE("width, left alignment, zero padding, precision") {
    const auto t = parsed("%-10t%08l%.3p%5.2x");
    REQUIRE(t.pieces.size() == 4);
    CHECK(t.pieces[0].left_align);
    CHECK(t.pieces[0].width == 10);
    CHECK(t.pieces[0].precision == -1);
    CHECK(t.pieces[1].zero_pad);
    CHECK(t.pieces[1].width == 8);
    CHECK(t.pieces[2].precision == 3);
    CHECK(t.pieces[2].width == 0);
    CHECK(t.pieces[3].width == 5);
    CHECK(t.pieces[3].precision == 2);
  }
  SUBCASE("a bare '.' means precision 0") {
    CHECK(parsed("%.t").pieces[0].precision == 0);
  }
  SUBCASE("%% takes no options") {
    CHECK(error_of("%5%") == "'%%' takes no width or precision at offset 0");
  }
  SUBCASE("absurd widths are refused") {
    CHECK(error_of("%99999t").find("too large") != std::string::npos);
  }
}

TEST_CASE("parse_format: time conversions") {
  const auto t = parsed("@Y-@m-@dT@H:@M:@S.@N @@");
  REQUIRE(t.pieces.size() == 14);
  CHECK(t.pieces[0].type == kind::time);
  CHECK(t.pieces[0].directive == 'Y');
  CHECK(t.pieces[1] == text("-"));
  CHECK(t.pieces[12].directive == 'N');
  CHECK(t.pieces[13] == text(" @"));
  CHECK(t.needs_time());
  CHECK_FALSE(parsed("%t %p @@").needs_time());
  CHECK(parsed("%I").needs_time());
  CHECK(parsed("%U").needs_time());
  CHECK(parsed("%j").needs_time());
}

TEST_CASE("parse_format: backslash escapes") {
  const auto t = parsed(R"(a\tb\n\\\0\e\a\r\v)");
  REQUIRE(t.pieces.size() == 1);
  CHECK(t.pieces[0].text == std::string("a\tb\n\\\0\033\a\r\v", 10));
}

TEST_CASE("parse_format: errors name the problem and where it is") {
  CHECK(error_of("%t %z") == "unknown directive '%z' at offset 3");

  CHECK(error_of("x %") == "the template ends inside a '%' field");
  CHECK(error_of("%-5") == "the template ends inside a '%' field");
  CHECK(error_of(R"(\q)") == "unknown escape '\\q' at offset 0");
  CHECK(error_of("a\\") == "the template ends with a lone '\\'");
  CHECK(error_of("@") == "the template ends with a lone '@'");
  CHECK(error_of("@1") == "unknown time conversion '@1' at offset 0");
  CHECK(error_of("@Q") == "unknown time conversion '@Q' at offset 0");
  CHECK(error_of("%t @E") == "unknown time conversion '@E' at offset 3");
  CHECK(error_of("@O") == "unknown time conversion '@O' at offset 0");
}

TEST_CASE("parse_format: every strftime conversion letter is accepted") {
  for (const char c : time_conversions) {
    const std::string spec{'@', c};
    INFO("spec: ", spec);
    CHECK(error_of(spec).empty());
  }
  for (const char c : std::string_view("EfiJKLoOqQvX")) {
    if (time_conversions.find(c) != std::string_view::npos)
      continue;
    const std::string spec{'@', c};
    INFO("spec: ", spec);
    CHECK_FALSE(error_of(spec).empty());
  }
}

TEST_CASE("parse_format: a reused template is reset") {
  format_template t;
  REQUIRE(parse_format("%t %p", t).empty());
  REQUIRE(parse_format("%q", t).empty());
  REQUIRE(t.pieces.size() == 1);
  CHECK(t.pieces[0] == field('q'));
}
