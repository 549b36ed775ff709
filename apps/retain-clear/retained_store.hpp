#pragma once

// The retained messages a listing found, owning their bytes, in topic order once sorted.
#include "mqtk/protocol/owned_properties.hpp"
#include "mqtk/protocol/packets.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace mqtk::apps::retain_clear {

// Where one retained message stands in a run.
enum class entry_state {
  found,   // listed (and, in a dry run, left alone)
  pending, // clear sent, not yet acknowledged
  cleared, // the broker acknowledged the clear with success
  failed,  // the broker refused the clear (reason >= 0x80) or it could not be sent
  kept,    // the broker acknowledged the clear, but verification still found the message (an MQTT
           // 3.1.1 broker cannot refuse a PUBLISH: mosquitto acknowledges and drops a forbidden one)
};

// One retained message as the broker delivered it, plus what happened to it.
struct retained_entry {
  std::string topic;
  std::vector<std::uint8_t> payload;
  protocol::qos qos = protocol::qos::at_most_once;
  protocol::owned_properties props;
  std::chrono::system_clock::time_point received_at;
  entry_state state = entry_state::found;
  protocol::reason_code reason = protocol::reason_code::success; // the clear's PUBACK reason
  std::string detail;                                            // reason string or local error

  // A retained publish viewing this entry's storage (as it was found, for the backup).
  protocol::publish view() const {
    protocol::publish p;
    p.topic = topic;
    p.payload = {payload.data(), payload.size()};
    p.qos = qos;
    p.retain = true;
    p.props = props.get();
    return p;
  }
};

// The retained messages of one listing, one per topic (a topic seen twice through overlapping
// filters keeps its latest copy).
class retained_store {
public:
  // Records a delivered retained message.
  void add(const protocol::publish &message, std::chrono::system_clock::time_point received_at) {
    auto [it, inserted] = index_.try_emplace(std::string(message.topic), entries_.size());
    if (inserted)
      entries_.emplace_back();
    retained_entry &e = entries_[it->second];
    e.topic = message.topic;
    e.payload.assign(message.payload.begin(), message.payload.end());
    e.qos = message.qos;
    protocol::properties props = message.props;
    props.subscription_identifiers.clear(); // ours, not the message's
    props.topic_alias.reset();
    e.props.assign(props);
    e.received_at = received_at;
  }

  // Sorts the entries by topic (stable, readable reports); the topic index is rebuilt.
  void sort() {
    std::sort(entries_.begin(), entries_.end(),
              [](const retained_entry &a, const retained_entry &b) { return a.topic < b.topic; });
    for (std::size_t i = 0; i < entries_.size(); ++i)
      index_[entries_[i].topic] = i;
  }

  // Entries whose clear was acknowledged but that verification still found become kept: they were
  // not cleared, whatever the PUBACK said. Returns how many.
  std::size_t mark_kept(const std::vector<std::string> &still_present) {
    std::size_t kept = 0;
    for (const auto &topic : still_present) {
      auto it = index_.find(topic);
      if (it == index_.end() || entries_[it->second].state != entry_state::cleared)
        continue;
      entries_[it->second].state = entry_state::kept;
      ++kept;
    }
    return kept;
  }

  // True when topic was listed.
  bool contains(std::string_view topic) const { return index_.count(std::string(topic)) != 0; }
  // The entries, in arrival order until sort().
  std::vector<retained_entry> &entries() noexcept { return entries_; }
  // The entries, in arrival order until sort().
  const std::vector<retained_entry> &entries() const noexcept { return entries_; }

private:
  std::vector<retained_entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

} // namespace mqtk::apps::retain_clear
