#include "mqtk/protocol/topic.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using mqtk::protocol::parse_shared_filter;
using mqtk::protocol::topic_filter_error;
using mqtk::protocol::topic_name_error;
using namespace std::string_literals;
using namespace std::string_view_literals;

TEST_CASE("topic_name_error accepts valid names") {
  SUBCASE("plain names") {
    CHECK(topic_name_error("a").empty());
    CHECK(topic_name_error("sport/tennis/player1").empty());
    CHECK(topic_name_error("Accounts payable").empty()); // 4.7.3: spaces are allowed
    CHECK(topic_name_error(" ").empty());
  }
  SUBCASE("empty levels") {
    CHECK(topic_name_error("/").empty()); // 4.7.3: two zero-length levels
    CHECK(topic_name_error("/finance").empty());
    CHECK(topic_name_error("a//b").empty());
    CHECK(topic_name_error("a/").empty());
    CHECK(topic_name_error("///").empty());
  }
  SUBCASE("names starting with '$' and other special characters") {
    CHECK(topic_name_error("$SYS/broker/uptime").empty());
    CHECK(topic_name_error("$share/g/x").empty()); // only filters know about $share
    CHECK(topic_name_error("a$b*c?d").empty());
  }
  SUBCASE("non-ASCII UTF-8") {
    CHECK(topic_name_error("caf\xC3\xA9/\xE2\x82\xAC/\xF0\x9F\x98\x80").empty());
  }
  SUBCASE("exactly 65,535 bytes") {
    CHECK(topic_name_error(std::string(65'535, 'a')).empty());
  }
}

TEST_CASE("topic_name_error explains each rejection") {
  SUBCASE("empty") {
    CHECK(topic_name_error("") == "is empty");
  }
  SUBCASE("too long") {
    CHECK(topic_name_error(std::string(65'536, 'a')) == "is longer than 65,535 bytes");
    CHECK(topic_name_error(std::string(100'000, '+')) == "is longer than 65,535 bytes");
  }
  SUBCASE("not valid UTF-8") {
    CHECK(topic_name_error("a/\xC3") == "is not valid UTF-8");
    CHECK(topic_name_error("\xED\xA0\x80") == "is not valid UTF-8");
    CHECK(topic_name_error("\xC0\x80") == "is not valid UTF-8");
    CHECK(topic_name_error("a\0\xFF"sv) == "is not valid UTF-8"); // ill-formed wins over U+0000
  }
  SUBCASE("U+0000") {
    CHECK(topic_name_error("a\0b"sv) == "contains U+0000");
    CHECK(topic_name_error("\0"sv) == "contains U+0000");
    CHECK(topic_name_error("abcdefghijk\0+"sv) == "contains U+0000");
  }
  SUBCASE("wildcards") {
    CHECK(topic_name_error("+") == "contains the wildcard '+'");
    CHECK(topic_name_error("sport/+/player1") == "contains the wildcard '+'");
    CHECK(topic_name_error("a+b") == "contains the wildcard '+'");
    CHECK(topic_name_error("#") == "contains the wildcard '#'");
    CHECK(topic_name_error("sport/tennis/#") == "contains the wildcard '#'");
    CHECK(topic_name_error("channel#5") == "contains the wildcard '#'");
  }
  SUBCASE("with both wildcards the first one is named") {
    CHECK(topic_name_error("a/+/#") == "contains the wildcard '+'");
    CHECK(topic_name_error("a/#/+") == "contains the wildcard '#'");
  }
}

TEST_CASE("topic_filter_error accepts valid filters") {
  SUBCASE("the spec's valid examples (4.7.1.2, 4.7.1.3)") {
    CHECK(topic_filter_error("sport/tennis/player1/#").empty());
    CHECK(topic_filter_error("sport/#").empty());
    CHECK(topic_filter_error("#").empty());
    CHECK(topic_filter_error("sport/tennis/#").empty());
    CHECK(topic_filter_error("sport/tennis/+").empty());
    CHECK(topic_filter_error("+").empty());
    CHECK(topic_filter_error("+/tennis/#").empty());
    CHECK(topic_filter_error("sport/+/player1").empty());
    CHECK(topic_filter_error("+/+").empty());
    CHECK(topic_filter_error("/+").empty());
    CHECK(topic_filter_error("$SYS/#").empty());
    CHECK(topic_filter_error("$SYS/monitor/+").empty());
  }
  SUBCASE("wildcards next to empty levels") {
    CHECK(topic_filter_error("/#").empty());
    CHECK(topic_filter_error("+/").empty());
    CHECK(topic_filter_error("//+//").empty());
    CHECK(topic_filter_error("+/+/+/#").empty());
    CHECK(topic_filter_error("/").empty());
  }
  SUBCASE("plain names are filters") {
    CHECK(topic_filter_error("a/b").empty());
    CHECK(topic_filter_error("caf\xC3\xA9").empty());
    CHECK(topic_filter_error(std::string(65'535, 'a')).empty());
  }
  SUBCASE("shared subscriptions (4.8.2)") {
    CHECK(topic_filter_error("$share/consumer1/sport/tennis/+").empty());
    CHECK(topic_filter_error("$share/consumer2/sport/tennis/+").empty());
    CHECK(topic_filter_error("$share/consumer1//finance").empty());
    CHECK(topic_filter_error("$share/consumer1/+/finance").empty());
    CHECK(topic_filter_error("$share/g/#").empty());
    CHECK(topic_filter_error("$share/g/$SYS/#").empty());
    CHECK(topic_filter_error("$share/g/$share/h/x").empty()); // the inner filter is just a filter
    CHECK(topic_filter_error("$share/g$/x").empty());
  }
  SUBCASE("look-alikes of $share are plain filters") {
    CHECK(topic_filter_error("$share").empty());
    CHECK(topic_filter_error("$shared/g/#").empty());
    CHECK(topic_filter_error("$SHARE/g/#").empty());
    CHECK(topic_filter_error("x/$share/g/#").empty());
  }
}

TEST_CASE("topic_filter_error explains each rejection") {
  SUBCASE("string rules") {
    CHECK(topic_filter_error("") == "is empty");
    CHECK(topic_filter_error(std::string(65'536, '#')) == "is longer than 65,535 bytes");
    CHECK(topic_filter_error("a/\xFF/#") == "is not valid UTF-8");
    CHECK(topic_filter_error("a/\0/#"sv) == "contains U+0000");
  }
  SUBCASE("'#' not the last level (4.7.1.2)") {
    CHECK(topic_filter_error("sport/tennis/#/ranking") == "has '#' that is not the last level");
    CHECK(topic_filter_error("#/") == "has '#' that is not the last level");
    CHECK(topic_filter_error("#/#") == "has '#' that is not the last level");
  }
  SUBCASE("'#' not a whole level") {
    CHECK(topic_filter_error("sport/tennis#") == "has '#' that does not fill a whole level");
    CHECK(topic_filter_error("sport/#tennis") == "has '#' that does not fill a whole level");
    CHECK(topic_filter_error("##") == "has '#' that does not fill a whole level");
    CHECK(topic_filter_error("a#/b") == "has '#' that does not fill a whole level");
  }
  SUBCASE("'+' not a whole level (4.7.1.3)") {
    CHECK(topic_filter_error("sport+") == "has '+' that does not fill a whole level");
    CHECK(topic_filter_error("+sport") == "has '+' that does not fill a whole level");
    CHECK(topic_filter_error("a/b+/c") == "has '+' that does not fill a whole level");
    CHECK(topic_filter_error("++") == "has '+' that does not fill a whole level");
    CHECK(topic_filter_error("+#") == "has '+' that does not fill a whole level");
    CHECK(topic_filter_error("$share+") == "has '+' that does not fill a whole level");
  }
  SUBCASE("the first bad wildcard is named") {
    CHECK(topic_filter_error("a+/#/b") == "has '+' that does not fill a whole level");
    CHECK(topic_filter_error("#/a+") == "has '#' that is not the last level");
  }
  SUBCASE("$share group") {
    CHECK(topic_filter_error("$share/") == "has an empty $share group");
    CHECK(topic_filter_error("$share//x") == "has an empty $share group");
    CHECK(topic_filter_error("$share/+/x") == "has '+' in its $share group");
    CHECK(topic_filter_error("$share/g+/x") == "has '+' in its $share group");
    CHECK(topic_filter_error("$share/#") == "has '#' in its $share group");
    CHECK(topic_filter_error("$share/a#b/x") == "has '#' in its $share group");
  }
  SUBCASE("$share inner filter") {
    CHECK(topic_filter_error("$share/g") == "has no filter after its $share group");
    CHECK(topic_filter_error("$share/g/") == "has an empty filter after its $share group");
    CHECK(topic_filter_error("$share/g/a#") == "has '#' that does not fill a whole level");
    CHECK(topic_filter_error("$share/g/#/a") == "has '#' that is not the last level");
    CHECK(topic_filter_error("$share/g/a+") == "has '+' that does not fill a whole level");
  }
  SUBCASE("string rules apply to shared filters as a whole") {
    CHECK(topic_filter_error("$share/\xC3/x") == "is not valid UTF-8");
    CHECK(topic_filter_error("$share/g/\0"sv) == "contains U+0000");
    CHECK(topic_filter_error("$share/g/" + std::string(65'527, 'a')) == "is longer than 65,535 bytes");
    CHECK(topic_filter_error("$share/g/" + std::string(65'526, 'a')).empty());
  }
}

TEST_CASE("parse_shared_filter") {
  SUBCASE("splits group and filter") {
    auto s = parse_shared_filter("$share/consumer1/sport/tennis/+");
    REQUIRE(s.has_value());
    CHECK(s->group == "consumer1");
    CHECK(s->filter == "sport/tennis/+");
  }
  SUBCASE("inner filter starting with an empty level") {
    auto s = parse_shared_filter("$share/consumer1//finance");
    REQUIRE(s.has_value());
    CHECK(s->group == "consumer1");
    CHECK(s->filter == "/finance");
  }
  SUBCASE("the views point into the argument") {
    constexpr std::string_view text = "$share/g/#";
    auto s = parse_shared_filter(text);
    REQUIRE(s.has_value());
    CHECK(s->group.data() == text.data() + 7);
    CHECK(s->filter.data() == text.data() + 9);
  }
  SUBCASE("not shared") {
    CHECK_FALSE(parse_shared_filter("sport/#").has_value());
    CHECK_FALSE(parse_shared_filter("$share").has_value());
    CHECK_FALSE(parse_shared_filter("$SHARE/g/x").has_value());
    CHECK_FALSE(parse_shared_filter("$shared/g/x").has_value());
    CHECK_FALSE(parse_shared_filter("").has_value());
  }
  SUBCASE("malformed shared filters still split, for topic_filter_error to judge") {
    auto no_filter = parse_shared_filter("$share/g");
    REQUIRE(no_filter.has_value());
    CHECK(no_filter->group == "g");
    CHECK(no_filter->filter.empty());
    auto empty_group = parse_shared_filter("$share//x");
    REQUIRE(empty_group.has_value());
    CHECK(empty_group->group.empty());
    CHECK(empty_group->filter == "x");
  }
}
