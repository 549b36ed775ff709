#pragma once

#include <cstdint>
#include <optional>

namespace mqtk::client {

// Recognises a poison message: an outbound QoS 1/2 PUBLISH that the broker answers by closing the
// connection, again each time it is resent after a reconnect, so resending it would loop forever.
// Pure bookkeeping fed by the client; no clock, no I/O.
//
// Each end of an established connection is a strike against the oldest unacknowledged PUBLISH
// (the first one a resend sends) when the broker ended it (EOF, reset or DISCONNECT, not a timeout
// of ours). Consecutive strikes against the same message add up only while the reconnected
// connections end before they recover (nothing acknowledged on them, not up for long); anything
// else starts over. limit strikes in a row make the message poison.
class poison_detector {
public:
  // A detector that calls a message poison after limit consecutive strikes (0: never).
  explicit poison_detector(unsigned limit) : limit_(limit) {}

  // The broker acknowledged outbound PUBLISH packet_id (PUBACK, PUBREC or PUBCOMP): it got through.
  void acknowledged(std::uint16_t packet_id) noexcept {
    if (strikes_ > 0 && packet_id == suspect_)
      strikes_ = 0;
  }
  // An established connection ended. suspect: the oldest unacknowledged outbound PUBLISH, if any;
  // by_broker: the broker closed it; recovered: something was acknowledged on it or it was up for a
  // while. True when suspect is now poison.
  bool ended(std::optional<std::uint16_t> suspect, bool by_broker, bool recovered) noexcept {
    if (!suspect || !by_broker) {
      strikes_ = 0;
      return false;
    }
    if (strikes_ > 0 && *suspect == suspect_ && !recovered) {
      ++strikes_;
    } else {
      suspect_ = *suspect;
      strikes_ = 1;
    }
    return limit_ > 0 && strikes_ >= limit_;
  }
  // Consecutive strikes against the current suspect.
  unsigned strikes() const noexcept { return strikes_; }

private:
  unsigned limit_;
  unsigned strikes_ = 0;
  std::uint16_t suspect_ = 0;
};

} // namespace mqtk::client
