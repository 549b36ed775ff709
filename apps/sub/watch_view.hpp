#pragma once

// mqtk-sub --watch: one line per topic with its newest value, message count and age, as a table that
// is redrawn in place on a terminal. Time and width are passed in, never read, so the unit tests
// render it with their own clock and screen size.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mqtk::apps::sub {

// The topics seen, in the order first seen, at most limit of them.
class watch_table {
public:
  using clock = std::chrono::steady_clock;
  // Longest value kept per topic, in characters after escaping: more never fits a line.
  static constexpr std::size_t max_value_bytes = 1024;

  // A table that keeps at most limit topics; messages on later topics are only counted.
  explicit watch_table(std::size_t limit);
  // Records a message on topic whose value (rendered, not yet escaped) is value, received at now.
  void update(std::string_view topic, std::string_view value, clock::time_point now);
  // True when a message arrived since the last clear_changed().
  bool changed() const noexcept { return changed_; }
  // Marks the table as drawn.
  void clear_changed() noexcept { changed_ = false; }
  // Topics kept.
  std::size_t size() const noexcept { return rows_.size(); }

  // Appends the table: a header line, one line per topic (at most max_lines lines in all, the last
  // of them "+N more ..." when topics are left out) with topic, count, age and value, each line cut
  // to width columns. With ansi, it is one screen update: cursor home, each line followed by
  // erase-to-end-of-line, then erase-below; without, plain lines and an empty line after the table.
  void render(std::string &out, clock::time_point now, std::size_t width, std::size_t max_lines, bool ansi) const;

private:
  struct row {
    std::string topic; // escaped
    std::string value; // escaped, at most max_value_bytes characters
    std::uint64_t count = 0;
    clock::time_point last;
  };
  std::size_t limit_;
  std::vector<row> rows_;
  std::unordered_map<std::string, std::size_t> index_; // raw topic -> rows_ index
  std::uint64_t beyond_limit_ = 0;                     // messages on topics not kept
  bool changed_ = false;
};

// An age as a person reads it: "7s", "4m05s", "2h03m", "51h".
std::string age_text(std::chrono::steady_clock::duration age);

// The longest prefix of UTF-8 text of at most columns characters (one column each).
std::string_view fit_columns(std::string_view text, std::size_t columns);

} // namespace mqtk::apps::sub
