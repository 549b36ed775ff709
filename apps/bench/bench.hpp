#pragma once

#include "bench/bench_shard.hpp"
#include "bench/bench_source_addresses.hpp"
#include "common/connection_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::bench {

// What a run does: open connections only, publish, subscribe, or both in one process.
enum class bench_mode { conn, pub, sub, pubsub };

// The cluster flag (--sub-url) and the brokers it and -h/-L resolve to (resolve_cluster).
struct cluster_options {
  std::vector<std::string> sub_urls; // --sub-url values as given
  // Filled by resolve_cluster before the run:
  std::vector<broker_entry> brokers;   // every broker once, in the order first named
  std::vector<std::size_t> main_slots; // the -h/-L entries in order, as indexes into brokers
  std::vector<std::size_t> sub_slots;  // the --sub-url entries likewise; empty: none given
};

// Where the exporters write (--hdr-log, --plot) and listen (--metrics-listen); empty: off.
struct export_options {
  std::string hdr_log;        // HdrHistogram interval log file
  std::string plot;           // SVG file
  std::string metrics_listen; // ADDR:PORT of the Prometheus endpoint
};

// How subscribers read and paced publishers write (the cpu part's flags, bench_options_cpu.cpp).
struct cpu_options {
  bool read_hold = true; // hold reads back under a backlogged stream (bench_read_hold.hpp); --no-read-hold
  double tick_ms = 0;    // --tick: the pacing tick of --rate in milliseconds; 0: the default (pacing_tick)
};

// Flags for many connections (bench_options_scale.cpp).
struct scale_options {
  std::vector<std::string> ifaddr;  // --ifaddr values as typed
  source_addresses addresses;       // parsed from them; connections take them round robin
  bool tls_keep_buffers = false;    // --tls-keep-buffers: idle TLS connections keep OpenSSL's buffers
  bool tls_no_resume = false;       // --tls-no-resume: no TLS session resumption, full handshakes
};

// Everything mqtk-bench's flags say.
struct bench_options {
  connection_flags connection;
  bench_mode mode = bench_mode::pubsub;
  std::uint32_t clients = 1;     // connections (conn), publishers (pub, pubsub), subscribers (sub)
  std::uint32_t subscribers = 1; // pubsub: subscribing connections
  std::string topic;             // publish topic with %i (client index); sub: the filter
  int qos = 0;
  std::uint32_t size = 32;           // payload bytes (at least the 32-byte bench header)
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
  shard_options shard;            // --shard, --shards, --start-at, --output
  cluster_options cluster;        // --sub-url, and -h/-L lists
  export_options exports;         // --hdr-log, --plot, --metrics-listen
  cpu_options cpu;                // --no-read-hold, --tick
  scale_options scale;            // --ifaddr, --tls-keep-buffers
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
// Registers the cpu part's flags (--no-read-hold, --tick) in their own group.
void add_cpu_options(CLI::App &app, bench_options &o);
// The pacing tick of --rate in milliseconds: --tick, else 1000/rate between 2 and 10 (0 without --rate).
double pacing_tick_ms(const bench_options &o) noexcept;
// The usage error in the cpu part's flags for o's mode; "" when fine.
std::string cpu_options_error(const CLI::App &app, const bench_options &o);

// Adds --shard, --shards, --start-at and --output (an option group of their own) to app.
void add_shard_options(CLI::App &app, bench_options &options);

// Checks and resolves the shard flags after parsing (the shard index from JOB_COMPLETION_INDEX,
// the start time, the output file); the usage error, or "" when fine.
std::string shard_options_error(const CLI::App &app, bench_options &options);

// Adds the cluster flags (--sub-url) to app, in an option group of their own.
void add_cluster_options(CLI::App &app, bench_options &options);

// The usage error of the cluster flags for the mode parsed, "" when fine.
std::string cluster_options_error(const CLI::App &app, const bench_options &options);

// Adds --hdr-log, --plot and --metrics-listen (their own option group) to app.
void add_export_options(CLI::App &app, bench_options &options);
// The usage error in the export flags ("" when fine): empty or clashing paths, a bad ADDR:PORT.
std::string export_options_error(const CLI::App &app, const bench_options &options);

// Adds --ifaddr, --tls-keep-buffers and --tls-no-resume (group "Connections at scale").
void add_scale_options(CLI::App &app, bench_options &o);

// Parses --ifaddr into o.scale.addresses; "" when fine, else the usage error line.
std::string scale_options_error(const CLI::App &app, bench_options &o);

// Runs mqtk-bench and returns its exit status.
int main(int argc, char **argv);

} // namespace mqtk::apps::bench
