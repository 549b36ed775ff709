// mqtk-bench: holding reads back under a busy stream (see bench_read_pacer.hpp).
#include "bench/bench_read_pacer.hpp"

#include "bench/bench_payload.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <thread>

namespace mqtk::apps::bench {

namespace {

using namespace std::chrono_literals;

constexpr auto max_hold = 4ms; // the 1/256 rule decides below that: it is reached from about 1 s of latency
constexpr double max_error = 1.0 / 256; // under half the narrowest histogram bucket
constexpr auto timer_slack = 50us;      // Linux's default: a sleep may overrun by this much

} // namespace

read_pacer::read_pacer(runtime &rt) : rt_(rt), hold_(max_hold, max_error, timer_slack) {}

void read_pacer::message_handled(std::span<const std::uint8_t> payload, std::uint64_t arrival_ns) {
  if (const auto header = read_bench_header(payload))
    hold_.observe(static_cast<std::int64_t>(arrival_ns - header->sent_ns));
  if (pending_)
    return;
  pending_ = true;
  // Runs after the handlers already queued: the rest of this read and the other ready connections.
  boost::asio::post(rt_.io(), [this] { batch_done(); });
}

void read_pacer::batch_done() {
  pending_ = false;
  const auto now = std::chrono::steady_clock::now();
  const auto wait = hold_.end_batch(now - last_batch_);
  if (wait.count() > 0) {
    std::this_thread::sleep_for(wait);
    last_batch_ = std::chrono::steady_clock::now();
  } else {
    last_batch_ = now;
  }
}

} // namespace mqtk::apps::bench
