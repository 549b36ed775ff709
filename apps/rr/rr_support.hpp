#pragma once

#include "mqtk/client/client.hpp"
#include "mqtk/protocol/packets.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps::rr {

// 16 random hex digits (correlation data prefixes, private response topics).
std::string random_token();

// The response topic of a request run: the --response-topic flag's; else, when the broker sent
// Response Information, "<information>/mqtk-rr/<token>"; else the private "mqtk-rr/response/<token>".
std::string response_topic_for(const std::optional<std::string> &flag, std::optional<std::string_view> information,
                               std::string_view token);

// Checks the SUBACK for filters: prints one error line per refused filter (with the broker's
// reason string) and returns false when any was refused.
bool suback_granted(const protocol::suback &ack, const std::vector<std::string> &filters);

// "1.234 ms": a duration in milliseconds with three decimals.
std::string milliseconds_text(std::chrono::nanoseconds d);

// "2.5 s": seconds as given on the command line.
std::string seconds_text(double seconds);

// After SIGINT/SIGTERM: says on stderr how many requests go unanswered (nothing when none).
void report_unanswered(std::size_t unanswered);

// Warns on stderr that the connection was lost and is reconnected after delay.
void warn_connection_lost(std::string_view message, std::chrono::milliseconds delay);

// Subscribes to filters with max_qos and retain_handling; the SUBSCRIBE's packet id, or nothing
// after printing why it could not be sent.
std::optional<std::uint16_t> subscribe_filters(client::client &c, const std::vector<std::string> &filters,
                                               int max_qos, std::uint8_t retain_handling);

// The exit status for a close nobody asked for (prints its message first unless it was normal).
int unexpected_close_status(const client::close_reason &why, bool unacknowledged);

} // namespace mqtk::apps::rr
