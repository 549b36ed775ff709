// mqtk-pub --replay: the feed between the JSON line reader and the send loop.
#include "pub/replay_feed.hpp"

#include "common/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <unistd.h>

namespace mqtk::apps::pub {

bool replay_feed::take(std::string_view line, std::string &topic, std::string &error) {
  rewrite_topic(o_.rules, topic);
  due_.reset();
  if (!o_.replay)
    return true;
  const auto doc = nlohmann::json::parse(line, nullptr, false);
  const auto it = doc.is_object() ? doc.find("received_at") : doc.end();
  if (!doc.is_object() || it == doc.end() || !it->is_string()) {
    error = "received_at is missing (--replay needs the timestamps mqtk-sub --json writes)";
    return false;
  }
  const auto received = parse_received_at(it->get_ref<const std::string &>());
  if (!received) {
    error = "received_at is not an RFC 3339 time such as 2026-11-25T14:00:00.123456Z";
    return false;
  }
  due_ = schedule_.due(*received, clock::now());
  return true;
}

std::optional<replay_feed::clock::duration> replay_feed::wait() const {
  if (!due_)
    return std::nullopt;
  const auto now = clock::now();
  if (now >= *due_)
    return std::nullopt;
  return *due_ - now;
}

void replay_feed::sent() {
  if (due_)
    schedule_.sent(*due_, clock::now());
  due_.reset();
}

bool replay_feed::next_loop() {
  if (!o_.replay)
    return false;
  ++loops_done_;
  if (o_.loop != 0 && loops_done_ >= o_.loop)
    return false;
  if (::lseek(STDIN_FILENO, 0, SEEK_SET) != 0)
    return false;
  schedule_.restart();
  return true;
}

void replay_feed::report(bool interrupted, std::uint64_t sent_count) const {
  if (!o_.replay)
    return;
  if (schedule_.late_count() > 0) {
    char late[32];
    std::snprintf(late, sizeof late, "%.3f s", std::chrono::duration<double>(schedule_.max_late()).count());
    print_warning("the replay fell behind: " + std::to_string(schedule_.late_count()) +
                  " message(s) went out more than 100 ms after their time, the latest " + late + " late");
  }
  if (interrupted)
    print_error("replay interrupted after " + std::to_string(sent_count) + " message(s) sent, loop " +
                std::to_string(loops_done_ + 1));
}

} // namespace mqtk::apps::pub
