// Decoding from a buffer shared by many decoders (decoder::prepare_shared, settle): packets cut
// anywhere come out whole, the shared buffer can be reused by others after settle, and bytes that
// would not leave room in it go to the decoder's own buffer.
#include "test_codec_helpers.hpp"

#include <algorithm>
#include <cstring>

using namespace codec_test;

namespace {

bytes publish_bytes(const std::string &topic, const std::string &payload) {
  publish p;
  p.topic = topic;
  p.payload = bin(payload);
  return encode_ok(p);
}

// Reads chunk into d through shared, decodes every ready packet's topic, settles, then scribbles
// over shared (another connection using it).
void read_through_shared(decoder &d, std::vector<std::uint8_t> &shared, bytes_view chunk,
                         std::vector<std::string> &topics) {
  const auto space = d.prepare_shared(shared, 16);
  REQUIRE(space.size() >= chunk.size());
  std::memcpy(space.data(), chunk.data(), chunk.size());
  d.commit(chunk.size());
  packet p;
  while (d.next(p) == decode_status::ready)
    topics.emplace_back(std::get<publish>(p).topic);
  d.settle();
  std::fill(shared.begin(), shared.end(), std::uint8_t{0xEE});
}

} // namespace

TEST_CASE("codec shared input: packets cut at every point arrive whole, shared reused in between") {
  const bytes stream = concat_bytes({publish_bytes("a/1", "one"), publish_bytes("b/22", "two"),
                                     publish_bytes("c/333", std::string(40, 'x'))});
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    CAPTURE(cut);
    decoder d({role::client});
    std::vector<std::uint8_t> shared(256);
    std::vector<std::string> topics;
    read_through_shared(d, shared, bytes_view(stream).first(cut), topics);
    read_through_shared(d, shared, bytes_view(stream).subspan(cut), topics);
    CHECK(topics == std::vector<std::string>{"a/1", "b/22", "c/333"});
    CHECK(d.buffered() == 0);
  }
}

TEST_CASE("codec shared input: nothing changes until commit") {
  const bytes one = publish_bytes("t", "payload");
  decoder d({role::client});
  std::vector<std::uint8_t> shared(128);
  d.feed(bytes_view(one).first(3));
  (void)d.prepare_shared(shared, 16); // a read that then brought nothing (EAGAIN)
  std::fill(shared.begin(), shared.end(), std::uint8_t{0xEE});
  d.feed(bytes_view(one).subspan(3));
  packet p;
  REQUIRE(d.next(p) == decode_status::ready);
  CHECK(as_chars(std::get<publish>(p).payload) == "payload");
}

TEST_CASE("codec shared input: undecoded bytes that leave too little room use the own buffer") {
  const bytes big = publish_bytes("big", std::string(200, 'y'));
  decoder d({role::client});
  std::vector<std::uint8_t> shared(128);
  d.feed(bytes_view(big).first(120)); // more than 128 - 16 bytes are waiting
  const auto space = d.prepare_shared(shared, 16);
  const bool in_shared = space.data() >= shared.data() && space.data() < shared.data() + shared.size();
  CHECK_FALSE(in_shared);
  REQUIRE(space.size() >= 16);
  const std::size_t rest = big.size() - 120;
  std::size_t done = 0;
  while (done < rest) {
    auto s = done == 0 ? space : d.prepare_shared(shared, 16);
    const std::size_t n = std::min(s.size(), rest - done);
    std::memcpy(s.data(), big.data() + 120 + done, n);
    d.commit(n);
    done += n;
  }
  packet p;
  REQUIRE(d.next(p) == decode_status::ready);
  CHECK(std::get<publish>(p).payload.size() == 200);
  d.settle();
  CHECK(d.buffered() == 0);
}
