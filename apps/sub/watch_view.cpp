// mqtk-sub --watch: the table of topics and its rendering.
#include "sub/watch_view.hpp"

#include "common/text_escape.hpp"

#include <algorithm>
#include <cstdio>

namespace mqtk::apps::sub {

namespace {

// Characters (not bytes) of UTF-8 text.
std::size_t columns_of(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++n;
  return n;
}

void pad_to(std::string &line, std::string_view text, std::size_t columns) {
  const std::string_view fitted = fit_columns(text, columns);
  line += fitted;
  line.append(columns - columns_of(fitted), ' ');
}

} // namespace

watch_table::watch_table(std::size_t limit) : limit_(limit) {}

void watch_table::update(std::string_view topic, std::string_view value, clock::time_point now) {
  changed_ = true;
  auto it = index_.find(std::string(topic));
  if (it == index_.end()) {
    if (rows_.size() >= limit_) {
      ++beyond_limit_;
      return;
    }
    it = index_.emplace(std::string(topic), rows_.size()).first;
    rows_.push_back({escaped(topic), {}, 0, now});
  }
  row &r = rows_[it->second];
  r.value.clear();
  append_escaped(r.value, value.substr(0, max_value_bytes));
  if (r.value.size() > max_value_bytes)
    r.value.resize(fit_columns(r.value, max_value_bytes).size());
  ++r.count;
  r.last = now;
}

void watch_table::render(std::string &out, clock::time_point now, std::size_t width, std::size_t max_lines,
                         bool ansi) const {
  width = std::max<std::size_t>(width, 20);
  max_lines = std::max<std::size_t>(max_lines, 2);
  std::size_t topic_width = 5; // "TOPIC"
  for (const auto &r : rows_)
    topic_width = std::max(topic_width, columns_of(r.topic));
  topic_width = std::min(topic_width, std::max<std::size_t>(width / 3, 10));
  const bool left_out = rows_.size() + 1 > max_lines || beyond_limit_ > 0;
  const std::size_t shown = left_out ? std::min(rows_.size(), max_lines - 2) : rows_.size();

  if (ansi)
    out += "\x1b[H";
  auto emit = [&](const std::string &line) {
    out += fit_columns(line, width);
    out += ansi ? "\x1b[K\n" : "\n";
  };
  std::string line;
  pad_to(line, "TOPIC", topic_width);
  line += "   COUNT     AGE  VALUE";
  emit(line);
  for (std::size_t i = 0; i < shown; ++i) {
    const row &r = rows_[i];
    line.clear();
    pad_to(line, r.topic, topic_width);
    char numbers[48];
    std::snprintf(numbers, sizeof numbers, " %7llu %7s  ", static_cast<unsigned long long>(r.count),
                  age_text(now - r.last).c_str());
    line += numbers;
    line += r.value;
    emit(line);
  }
  if (left_out) {
    line = "+" + std::to_string(rows_.size() - shown) + " more topic(s)";
    if (beyond_limit_ > 0)
      line += ", " + std::to_string(beyond_limit_) + " message(s) on topics beyond --watch-limit " +
              std::to_string(limit_);
    emit(line);
  }
  out += ansi ? "\x1b[J" : "\n";
}

std::string age_text(std::chrono::steady_clock::duration age) {
  const auto s = std::max<long long>(std::chrono::duration_cast<std::chrono::seconds>(age).count(), 0);
  char buffer[32];
  if (s < 60)
    std::snprintf(buffer, sizeof buffer, "%llds", s);
  else if (s < 3600)
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", s / 60, s % 60);
  else if (s < 100 * 3600)
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", s / 3600, s / 60 % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lldh", s / 3600);
  return buffer;
}

std::string_view fit_columns(std::string_view text, std::size_t columns) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
      continue;
    if (n++ == columns)
      return text.substr(0, i);
  }
  return text;
}

} // namespace mqtk::apps::sub
