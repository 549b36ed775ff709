#pragma once

// Shows untrusted text (a broker's Reason String, a topic, a payload) on a terminal as one line of
// visible characters, so that it can neither move the cursor, retitle the window nor forge a line.

#include <string>
#include <string_view>

namespace mqtk::apps {

// What append_escaped does with a backslash.
enum class backslash_mode {
  keep,   // diagnostics: a backslash stays as it is
  double_ // --pretty: "\\", so that every escape is unambiguous
};

// Appends text with C0 controls (tab and newline included), DEL and C1 controls (U+0080..U+009F)
// shown as escapes ("\n", "\r", "\t", "\x1b", "\x7f", "\u0085") and each byte of invalid UTF-8 as
// "\xNN"; everything else (printable ASCII, valid UTF-8 above U+009F) is copied as it is.
void append_escaped(std::string &out, std::string_view text, backslash_mode mode = backslash_mode::keep);

// text as append_escaped appends it.
std::string escaped(std::string_view text, backslash_mode mode = backslash_mode::keep);

} // namespace mqtk::apps
