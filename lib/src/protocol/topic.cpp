#include "mqtk/protocol/topic.hpp"

#include "mqtk/protocol/utf8.hpp"

#include <cstddef>
#include <cstring>

namespace mqtk::protocol {
namespace {

constexpr std::size_t max_topic_size = 65'535;
constexpr std::string_view share_prefix = "$share/";

// The checks names and filters share: length, UTF-8, U+0000.
std::string_view string_error(std::string_view text) noexcept {
  if (text.empty()) {
    return "is empty";
  }
  if (text.size() > max_topic_size) {
    return "is longer than 65,535 bytes";
  }
  if (!is_valid_mqtt_string(text)) {
    return is_valid_utf8(text) ? "contains U+0000" : "is not valid UTF-8";
  }
  return {};
}

// Where '+' and '#' stand in a filter that already passed string_error (empty filters allowed).
std::string_view wildcard_error(std::string_view filter) noexcept {
  const std::size_t size = filter.size();
  for (std::size_t i = 0; i < size; ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') {
      continue;
    }
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == size || filter[i + 1] == '/';
    if (c == '+') {
      if (!starts_level || !ends_level) {
        return "has '+' that does not fill a whole level";
      }
    } else {
      if (!starts_level || !ends_level) {
        return "has '#' that does not fill a whole level";
      }
      if (i + 1 != size) {
        return "has '#' that is not the last level";
      }
    }
  }
  return {};
}

// Matches a plain (non-shared) filter against a name level by level, without allocating.
bool match_plain(std::string_view filter, std::string_view name) noexcept {
  if (!filter.empty() && (filter[0] == '+' || filter[0] == '#') && !name.empty() && name[0] == '$') {
    return false;
  }
  std::size_t f = 0;
  std::size_t n = 0;
  bool name_done = false; // every level of name has been matched
  for (;;) {
    std::size_t f_end = filter.find('/', f);
    const bool f_last = f_end == std::string_view::npos;
    if (f_last) {
      f_end = filter.size();
    }
    const std::string_view f_level = filter.substr(f, f_end - f);
    if (f_level == "#") {
      return true;
    }
    if (name_done) {
      return false;
    }
    std::size_t n_end = name.find('/', n);
    const bool n_last = n_end == std::string_view::npos;
    if (n_last) {
      n_end = name.size();
    }
    if (f_level != "+" && f_level != name.substr(n, n_end - n)) {
      return false;
    }
    if (f_last) {
      return n_last;
    }
    f = f_end + 1;
    if (n_last) {
      name_done = true;
    } else {
      n = n_end + 1;
    }
  }
}

} // namespace

std::string_view topic_name_error(std::string_view name) noexcept {
  if (auto error = string_error(name); !error.empty()) {
    return error;
  }
  const void *plus = std::memchr(name.data(), '+', name.size());
  const void *hash = std::memchr(name.data(), '#', name.size());
  if (plus != nullptr && (hash == nullptr || plus < hash)) {
    return "contains the wildcard '+'";
  }
  if (hash != nullptr) {
    return "contains the wildcard '#'";
  }
  return {};
}

std::string_view topic_filter_error(std::string_view filter) noexcept {
  if (auto error = string_error(filter); !error.empty()) {
    return error;
  }
  if (!filter.starts_with(share_prefix)) {
    return wildcard_error(filter);
  }
  const std::string_view rest = filter.substr(share_prefix.size());
  const std::size_t slash = rest.find('/');
  const std::string_view group = rest.substr(0, slash);
  if (group.empty()) {
    return "has an empty $share group";
  }
  if (group.find('+') != std::string_view::npos) {
    return "has '+' in its $share group";
  }
  if (group.find('#') != std::string_view::npos) {
    return "has '#' in its $share group";
  }
  if (slash == std::string_view::npos) {
    return "has no filter after its $share group";
  }
  const std::string_view inner = rest.substr(slash + 1);
  if (inner.empty()) {
    return "has an empty filter after its $share group";
  }
  return wildcard_error(inner);
}

std::optional<shared_filter> parse_shared_filter(std::string_view filter) noexcept {
  if (!filter.starts_with(share_prefix)) {
    return std::nullopt;
  }
  const std::string_view rest = filter.substr(share_prefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return shared_filter{rest, {}};
  }
  return shared_filter{rest.substr(0, slash), rest.substr(slash + 1)};
}

bool topic_matches(std::string_view filter, std::string_view name) noexcept {
  if (auto shared = parse_shared_filter(filter)) {
    return match_plain(shared->filter, name);
  }
  return match_plain(filter, name);
}

} // namespace mqtk::protocol
