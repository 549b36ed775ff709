#pragma once

// The pure rules of mqtk-retain-clear, free of I/O so unit tests can include this header alone:
// which topics a run may touch, and what its counts mean for the exit status.
#include "mqtk/protocol/topic.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps::retain_clear {

// The topics a run selects: those matching an include filter (-t) and no exclude filter (-T). A
// topic starting with '$' is selected only through a filter that starts with '$' itself.
class topic_selection {
public:
  // A selection from valid include and exclude filters.
  topic_selection(std::vector<std::string> filters, std::vector<std::string> excludes)
      : filters_(std::move(filters)), excludes_(std::move(excludes)) {}

  // True when a run may list and clear the retained message on topic.
  bool selects(std::string_view topic) const {
    const bool dollar = !topic.empty() && topic.front() == '$';
    bool included = false;
    for (const auto &filter : filters_) {
      if (dollar && filter.front() != '$')
        continue;
      if (protocol::topic_matches(filter, topic)) {
        included = true;
        break;
      }
    }
    if (!included)
      return false;
    for (const auto &filter : excludes_)
      if (protocol::topic_matches(filter, topic))
        return false;
    return true;
  }

  // The include filters.
  const std::vector<std::string> &filters() const noexcept { return filters_; }
  // The exclude filters.
  const std::vector<std::string> &excludes() const noexcept { return excludes_; }

private:
  std::vector<std::string> filters_;
  std::vector<std::string> excludes_;
};

// What happened to the retained messages of one run.
struct tally {
  std::size_t found = 0;         // retained messages listed
  std::size_t cleared = 0;       // clears the broker acknowledged with success
  std::size_t failed = 0;        // clears the broker refused (reason code >= 0x80)
  std::size_t still_present = 0; // retained messages the verification listing still found
};

// The verdict of a run, in order of precedence.
enum class verdict {
  clean,   // nothing refused, nothing left (or a dry run): exit 0
  refused, // the broker refused at least one clear: exit 6
  left,    // verification found retained messages left: exit 10
};

// The verdict for a finished run's counts: a refused clear explains what is left, so it wins.
inline verdict judge(const tally &t) {
  if (t.failed > 0)
    return verdict::refused;
  if (t.still_present > 0)
    return verdict::left;
  return verdict::clean;
}

// True when a confirmation prompt is due: stdin is a terminal, more than 10 messages would be
// cleared and --yes was not given.
inline bool needs_confirmation(bool stdin_is_terminal, std::size_t to_clear, bool yes) {
  return stdin_is_terminal && !yes && to_clear > 10;
}

// What is at a --backup path before the run.
struct backup_target {
  bool exists = false;
  bool regular = false;    // a regular file (after following symbolic links)
  bool directory = false;  // a directory
  std::uint64_t bytes = 0; // size of a regular file
};

// Why the run must not use an existing backup path ("is a directory", ...), or empty when it may:
// a non-empty file holds an earlier backup, perhaps the only copy of what was cleared then, so it
// is replaced only with --force (and only once this run has something to write).
inline std::string backup_problem(const backup_target &t, bool force) {
  if (!t.exists)
    return {};
  if (t.directory)
    return "is a directory";
  if (!t.regular)
    return "is not a regular file";
  if (t.bytes > 0 && !force)
    return "exists and is not empty (it may hold an earlier backup): give --force to replace it, or "
           "another file";
  return {};
}

// A topic as a terminal may show it: control characters (a broker's topic may hold any) as \xNN.
inline std::string terminal_safe(std::string_view topic) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (char c : topic) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      out += "\\x";
      out += digits[b >> 4];
      out += digits[b & 15];
    } else {
      out += c;
    }
  }
  return out;
}

// The topics a confirmation prompt lists before its question (terminal_safe): all of them up to
// limit, else the first limit - 1 and a line saying how many more.
inline std::vector<std::string> prompt_lines(const std::vector<std::string> &topics, std::size_t limit) {
  std::vector<std::string> lines;
  const bool all = topics.size() <= limit;
  const std::size_t shown = all ? topics.size() : (limit > 0 ? limit - 1 : 0);
  for (std::size_t i = 0; i < shown; ++i)
    lines.push_back("  " + terminal_safe(topics[i]));
  if (!all)
    lines.push_back("  ... and " + std::to_string(topics.size() - shown) + " more (--dry-run lists them all)");
  return lines;
}

} // namespace mqtk::apps::retain_clear
