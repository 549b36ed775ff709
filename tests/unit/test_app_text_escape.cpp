// The escaper behind every diagnostic line and --pretty: broker text can never leave one line or
// reach the terminal as a control sequence.
#include "common/text_escape.hpp"

#include <doctest/doctest.h>

#include <string>

using mqtk::apps::backslash_mode;
using mqtk::apps::escaped;

TEST_CASE("escaped: printable ASCII and valid UTF-8 above U+009F stay as they are") {
  CHECK(escaped("plain text: a/b #+ {}") == "plain text: a/b #+ {}");
  CHECK(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(escaped("\xc2\xa0") == "\xc2\xa0"); // U+00A0, the first code point after C1
  CHECK(escaped("") == "");
}

TEST_CASE("escaped: C0 controls, DEL and C1 controls become escapes") {
  CHECK(escaped("a\nb") == "a\\nb");
  CHECK(escaped("a\r\nb\tc") == "a\\r\\nb\\tc");
  CHECK(escaped("\x1b[2J\x1b]0;owned\x07") == "\\x1b[2J\\x1b]0;owned\\x07");
  CHECK(escaped(std::string("nul\0byte", 8)) == "nul\\x00byte");
  CHECK(escaped("\x7f") == "\\x7f");
  CHECK(escaped("\x1f") == "\\x1f");
  CHECK(escaped("\xc2\x80") == "\\u0080");
  CHECK(escaped("\xc2\x9b" "31m") == "\\u009b31m"); // CSI as a C1 control
  CHECK(escaped("\xc2\x9f") == "\\u009f");
}

TEST_CASE("escaped: a forged second diagnostic line stays on the first") {
  const std::string text = escaped("bye\nmqtk-sub: connected, all is well");
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text == "bye\\nmqtk-sub: connected, all is well");
}

TEST_CASE("escaped: each byte of invalid UTF-8 becomes \\xNN") {
  CHECK(escaped("\xff") == "\\xff");
  CHECK(escaped("a\x80z") == "a\\x80z");                     // stray continuation byte
  CHECK(escaped("\xc3") == "\\xc3");                         // truncated at the end
  CHECK(escaped("\xc3(") == "\\xc3(");                       // truncated before ASCII
  CHECK(escaped("\xc0\xaf") == "\\xc0\\xaf");                // overlong '/'
  CHECK(escaped("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");       // overlong, 3 bytes
  CHECK(escaped("\xed\xa0\x80") == "\\xed\\xa0\\x80");       // surrogate U+D800
  CHECK(escaped("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80"); // above U+10FFFF
  CHECK(escaped("\xe2\x82") == "\\xe2\\x82");
  CHECK(escaped("\xe2\x82\xac\xe2") == "\xe2\x82\xac\\xe2");
}

TEST_CASE("escaped: backslashes are kept for diagnostics and doubled for --pretty") {
  CHECK(escaped("C:\\path") == "C:\\path");
  CHECK(escaped("C:\\path", backslash_mode::double_) == "C:\\\\path");
  CHECK(escaped("\\x1b\x1b", backslash_mode::double_) == "\\\\x1b\\x1b");
}
