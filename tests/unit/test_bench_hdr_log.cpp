// mqtk-bench --hdr-log: the HdrHistogram layout and V2 encoding (golden bytes from HdrHistogram
// 2.1.11, Debian libhdrhistogram-java), the conversion from our histogram, and the log sink.
#include "../../apps/bench/bench_hdr_log.hpp"
#include "../../apps/bench/bench_payload.hpp"
#include "../../apps/common/json_message.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mqtk::apps::bench;

namespace {

std::string hex(const std::vector<std::uint8_t> &bytes, std::size_t from = 0) {
  std::string out;
  char buf[3];
  for (std::size_t i = from; i < bytes.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    out += buf;
  }
  return out;
}

std::uint32_t u32(const std::vector<std::uint8_t> &b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}

// The counts of a V2 payload (2 significant digits), decoded the way HdrHistogram does.
std::vector<std::uint64_t> decode_counts(const std::vector<std::uint8_t> &encoded) {
  std::vector<std::uint64_t> counts;
  std::size_t at = 40;
  while (at < encoded.size()) {
    std::uint64_t value = 0;
    int shift = 0;
    for (int i = 0; i < 9; ++i) {
      const std::uint8_t byte = encoded[at++];
      if (i == 8) {
        value |= std::uint64_t{byte} << 56;
        break;
      }
      value |= std::uint64_t{byte & 0x7fu} << shift;
      shift += 7;
      if ((byte & 0x80) == 0)
        break;
    }
    const auto word = static_cast<std::int64_t>((value >> 1) ^ (~(value & 1) + 1));
    if (word < 0)
      counts.insert(counts.end(), static_cast<std::size_t>(-word), 0);
    else
      counts.push_back(static_cast<std::uint64_t>(word));
  }
  return counts;
}

// HdrHistogram's getValueAtPercentile over decoded counts (2 digits: 128 sub-buckets per half).
std::uint64_t hdr_percentile(const std::vector<std::uint64_t> &counts, double percentile) {
  std::uint64_t total = 0;
  for (auto c : counts)
    total += c;
  auto rank = static_cast<std::uint64_t>(percentile / 100.0 * static_cast<double>(total) + 0.5);
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) {
      int bucket = static_cast<int>(i >> 7) - 1;
      std::uint64_t sub = (i & 127) + 128;
      if (bucket < 0) {
        sub -= 128;
        bucket = 0;
      }
      return (sub << bucket) + (std::uint64_t{1} << bucket) - 1;
    }
  }
  return 0;
}

std::string read_text(const std::filesystem::path &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_CASE("hdr histogram: the V2 encoding is HdrHistogram's, byte for byte") {
  // new Histogram(1, 1L << 47, 2); recordValue(0); recordValue(5); recordValueWithCount(1000, 3);
  // recordValue(1000000); encodeIntoByteBuffer(...)
  hdr_histogram h(2, std::uint64_t{1} << 47);
  h.record(0);
  h.record(5);
  h.record(1000, 3);
  h.record(1000000);
  CHECK(hex(h.encode()) == "1c849313"         // cookie: V2 | 0x10
                           "00000009"         // payload length
                           "00000000"         // normalizing index offset
                           "00000002"         // significant digits
                           "0000000000000001" // lowest discernible value
                           "0000800000000000" // highest trackable value
                           "3ff0000000000000" // integer to double ratio 1.0
                           "020702e70706f11302");
  CHECK(h.count() == 6);
  CHECK(h.highest_equivalent(1000) == 1003); // getValueAtPercentile(50) of that histogram
  CHECK(h.highest_equivalent(1000000) == 1003519);
  CHECK(h.lowest_equivalent(70000000000) == 69793218560);
  CHECK(h.highest_equivalent(70000000000) == 70330089471);
}

TEST_CASE("hdr histogram: a count past 2^56 takes the ninth LEB128 byte, as HdrHistogram writes it") {
  hdr_histogram h(2, std::uint64_t{1} << 47);
  h.record(70000000000, std::uint64_t{1} << 60);
  h.record(3);
  const auto encoded = h.encode();
  CHECK(hex(encoded, 40) == "0502fb3b808080808080808020");
  CHECK(u32(encoded, 4) == encoded.size() - 40);
}

TEST_CASE("hdr histogram: an empty histogram encodes one empty count; clear() forgets") {
  hdr_histogram h(2, 1000);
  h.record(7);
  h.clear();
  CHECK(h.count() == 0);
  CHECK(hex(h.encode(), 40) == "00");
  h.record(5000); // above highest: counted as highest
  CHECK(h.max() == 1000);
}

TEST_CASE("hdr histogram: the compressed form is cookie, length and zlib of the encoding, in base64") {
  hdr_histogram h(2, std::uint64_t{1} << 47);
  for (std::uint64_t v = 1000; v < 200000; v += 997)
    h.record(v);
  const std::string text = h.compressed_base64();
  REQUIRE(text.rfind("HISTF", 0) == 0); // what every HdrHistogram log line's histogram starts with
  std::vector<std::uint8_t> packed;
  REQUIRE(mqtk::apps::decode_base64(text, packed));
  CHECK(u32(packed, 0) == 0x1c849314);
  REQUIRE(u32(packed, 4) == packed.size() - 8);
  const auto plain = h.encode();
  std::vector<std::uint8_t> inflated(plain.size() + 16);
  uLongf size = static_cast<uLongf>(inflated.size());
  REQUIRE(uncompress(inflated.data(), &size, packed.data() + 8, static_cast<uLong>(packed.size() - 8)) == Z_OK);
  inflated.resize(size);
  CHECK(inflated == plain);
}

TEST_CASE("to_hdr: HdrHistogram's percentiles land in the same bucket of ours, min and max exact") {
  latency_histogram ours;
  // 1,000 samples: a body around 80 us, a tail to 40 ms, and a few below 64 ns (exact buckets).
  for (int i = 0; i < 1000; ++i) {
    const double body = 50000 + 60000 * std::sin(i * 0.7) * std::sin(i * 0.7);
    ours.record(i % 100 == 99 ? 40000000 - static_cast<std::uint64_t>(i) * 1000
                : i % 250 == 3 ? static_cast<std::uint64_t>(i % 60)
                               : static_cast<std::uint64_t>(body));
  }
  hdr_histogram hdr(hdr_log_digits, hdr_log_highest);
  to_hdr(ours, hdr);
  CHECK(hdr.count() == ours.count());
  CHECK(hdr.max() == ours.max());
  const auto counts = decode_counts(hdr.encode());
  for (double p : {10.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    const double theirs = static_cast<double>(hdr_percentile(counts, p));
    const double mine = static_cast<double>(ours.percentile(p / 100));
    CAPTURE(p);
    CHECK(std::fabs(theirs - mine) <= mine / 64 + 1);
  }
  CHECK(hdr_percentile(counts, 100) == hdr.highest_equivalent(ours.max()));
}

TEST_CASE("to_hdr: one sample is that sample; an empty histogram stays empty") {
  latency_histogram one;
  one.record(123456);
  hdr_histogram hdr(hdr_log_digits, hdr_log_highest);
  to_hdr(one, hdr);
  CHECK(hdr.count() == 1);
  CHECK(hdr.max() == 123456);
  to_hdr(latency_histogram{}, hdr);
  CHECK(hdr.count() == 0);
}

TEST_CASE("hdr log: head and lines in the interval log format 1.3") {
  std::string out;
  append_hdr_log_head(out, 1441812279474000000ull);
  CHECK(out ==
        "#[Histogram log format version 1.3]\n"
        "#[mqtk-bench: values in nanoseconds, Interval_Max in milliseconds]\n"
        "#[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 15:24:39 UTC 2015]\n"
        "#[BaseTime: 1441812279.474 (seconds since epoch)]\n"
        "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n");
  latency_histogram h;
  h.record(2500000);
  h.record(1234567);
  hdr_histogram scratch(hdr_log_digits, hdr_log_highest);
  out.clear();
  append_hdr_log_line(out, "latency", 1.0, 0.9995, h, scratch);
  CHECK(out.rfind("Tag=latency,1.000,1.000,2.500,HISTF", 0) == 0);
  CHECK(out.back() == '\n');
}

namespace {

std::vector<std::uint8_t> payload(std::uint64_t sent_ns) {
  std::vector<std::uint8_t> bytes(bench_header_size, 'x');
  static std::uint32_t sequence = 0;
  write_bench_header(bytes, {1, 0, sequence++, sent_ns});
  return bytes;
}

struct temp_dir {
  temp_dir() {
    char name[] = "/tmp/mqtk-unit-hdr-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

} // namespace

TEST_CASE("hdr log sink: every interval, then the rest of the run; FILE replaced only at the end") {
  temp_dir dir;
  const auto file = dir.path / "run.hlog";
  std::ofstream(file) << "old log\n";
  bench_recorder recorder(1, false);
  std::uint64_t now = 1700000000000000000ull;
  hdr_log_sink sink(recorder, [&now] { return now; });
  REQUIRE(sink.open(file.string()).empty());
  recorder.add_sink(sink);
  sequence_tracker tracker;
  recorder.connected(1000);
  recorder.begin(now);
  recorder.received(tracker, payload(100), 1100);
  recorder.end_interval(1.0, 1.0, 1);
  recorder.received(tracker, payload(100), 2100);
  recorder.received(tracker, payload(100), 3100);
  now += 1500000000; // 1.5 s after the start
  CHECK(read_text(file) == "old log\n");
  recorder.finish();
  CHECK(sink.error().empty());
  const std::string log = read_text(file);
  CHECK(log.find("#[StartTime: 1700000000.000 ") != std::string::npos);
  CHECK(log.find("\nTag=latency,0.000,1.000,0.001,HISTF") != std::string::npos);
  CHECK(log.find("\nTag=latency,1.000,0.500,0.003,HISTF") != std::string::npos);
  std::size_t leftovers = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir.path))
    leftovers += entry.path() != file ? 1 : 0;
  CHECK(leftovers == 0);
}

TEST_CASE("hdr log sink: a run that never connected leaves FILE alone; a directory is refused") {
  temp_dir dir;
  const auto file = dir.path / "keep.hlog";
  std::ofstream(file) << "keep\n";
  bench_recorder recorder(1, false);
  hdr_log_sink sink(recorder, [] { return std::uint64_t{1}; });
  REQUIRE(sink.open(file.string()).empty());
  recorder.add_sink(sink);
  recorder.finish();
  CHECK(read_text(file) == "keep\n");
  hdr_log_sink other(recorder, [] { return std::uint64_t{1}; });
  CHECK(other.open(dir.path.string()) == "cannot write --hdr-log file " + dir.path.string() + ": Is a directory");
  CHECK(other.open((dir.path / "no/such/dir/x").string()).find(": No such file or directory") != std::string::npos);
}
