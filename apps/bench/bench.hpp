#pragma once

#include "bench/bench_source_addresses.hpp"
#include "common/connection_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::bench {

// What a run does: open connections only, publish, subscribe, or both in one process.
enum class bench_mode { conn, pub, sub, pubsub };

// Flags for many connections (bench_options_scale.cpp).
struct scale_options {
  std::vector<std::string> ifaddr;  // --ifaddr values as typed
  source_addresses addresses;       // parsed from them; connections take them round robin
  bool tls_keep_buffers = false;    // --tls-keep-buffers: idle TLS connections keep OpenSSL's buffers
};

// Everything mqtk-bench's flags say.
struct bench_options {
  connection_flags connection;
  bench_mode mode = bench_mode::pubsub;
  std::uint32_t clients = 1;     // connections (conn), publishers (pub, pubsub), subscribers (sub)
  std::uint32_t subscribers = 1; // pubsub: subscribing connections
  std::string topic;             // publish topic with %i (client index); sub: the filter
  int qos = 0;
  std::uint32_t size = 32;           // payload bytes (at least the 24-byte bench header)
  double rate = 0;                   // messages per second per publisher; 0: as fast as flow control allows
  std::uint64_t count = 0;           // messages per publisher (sub: in all); 0: until the duration ends
  double duration = 10;              // seconds of publishing (pub, pubsub), receiving (sub), holding (conn)
  double connect_rate = 500;         // new connections per second
  double interval = 1;               // seconds between progress reports
  double drain = 5;                  // pubsub/pub: seconds to wait for outstanding acks and messages
  std::uint32_t max_inflight = 1024; // per publisher, also capped by the broker's Receive Maximum
  bool json = false;
  bool quiet = false;             // no progress lines, summary only
  std::optional<double> max_loss; // percent; above it: exit 10
  std::optional<double> max_p99;  // milliseconds; above it: exit 10
  std::optional<double> min_rate; // messages per second received (sent for pub); below it: exit 10
  scale_options scale;
};

// The name of a mode as typed on the command line.
const char *mode_name(bench_mode mode);

// Expands %i in a topic pattern to the client index.
std::string expand_topic(const std::string &pattern, std::uint32_t index);

// The filter pubsub subscribers use: the publish pattern with %i replaced by +.
std::string subscriber_filter(const std::string &pattern);

// Parses argv into options; on failure prints one line and returns the exit status (2), or 0 after
// --help/--version. Returns -1 when the caller should go on.
int parse_options(int argc, char **argv, bench_options &options, CLI::App &app);

// Adds --ifaddr and --tls-keep-buffers (group "Connections at scale").
void add_scale_options(CLI::App &app, bench_options &o);

// Parses --ifaddr into o.scale.addresses; "" when fine, else the usage error line.
std::string scale_options_error(const CLI::App &app, bench_options &o);

// Runs mqtk-bench and returns its exit status.
int main(int argc, char **argv);

} // namespace mqtk::apps::bench
