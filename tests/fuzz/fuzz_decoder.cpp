// libFuzzer target for the incremental decoder, with an encode/decode round trip of every packet.
//
// Input layout (the seeds in corpus/decoder/ follow it, see make_corpus.py):
//   byte 0  settings: bit 0 role (0 client: decodes server packets, 1 server), bit 1 version
//           (0 MQTT 3.1.1, 1 MQTT 5.0), bit 2 feed through prepare/commit instead of feed, bits 3-4
//           maximum packet size (0 default, 1 16, 2 128, 3 1,024 bytes)
//   byte 1  chunking: 0 feeds the stream at once, n > 0 feeds it in pseudo-random chunks of 1..n
//   rest    the byte stream a peer sent
// Any inconsistency aborts (a finding): an encode error or a different packet type after the round
// trip, a second encoding that differs from the first, an error outside the decoder's contract.
#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/error.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace proto = mqtk::protocol;

namespace {

[[noreturn]] void finding(const char *what, const proto::packet &p) {
  std::fprintf(stderr, "fuzz_decoder: %s (packet %.*s)\n", what,
               static_cast<int>(proto::packet_type_name(proto::type_of(p)).size()),
               proto::packet_type_name(proto::type_of(p)).data());
  std::abort();
}

[[noreturn]] void finding(const char *what) {
  std::fprintf(stderr, "fuzz_decoder: %s\n", what);
  std::abort();
}

// Checks the error contract of a failed decoder.
void check_error(const proto::decoder &d) {
  const auto ec = d.error();
  const auto reason = static_cast<std::uint8_t>(d.error_reason());
  if (ec == proto::errc::malformed_packet) {
    if (reason != 0x81) {
      finding("malformed_packet without reason 0x81");
    }
  } else if (ec == proto::errc::protocol_error) {
    if (reason != 0x82) {
      finding("protocol_error without reason 0x82");
    }
  } else if (ec == proto::errc::packet_too_large) {
    if (reason != 0x95) {
      finding("packet_too_large without reason 0x95");
    }
  } else {
    finding("error outside malformed_packet, protocol_error, packet_too_large");
  }
}

// Encodes p as the peer would, decodes it with a fresh decoder of the same side and checks that
// the same packet type comes back and encodes to the same bytes.
void round_trip(const proto::packet &p, proto::role side, proto::protocol_version version) {
  std::vector<std::uint8_t> wire;
  if (proto::encode(p, {.version = version}, wire)) {
    finding("a decoded packet does not encode", p);
  }
  proto::decoder again({.side = side, .version = version});
  again.feed(wire);
  proto::packet copy;
  if (again.next(copy) != proto::decode_status::ready) {
    finding("the encoding of a decoded packet does not decode", p);
  }
  if (copy.index() != p.index()) {
    finding("the round trip changed the packet type", p);
  }
  if (again.buffered() != 0) {
    finding("the encoding of one packet left bytes after it", p);
  }
  std::vector<std::uint8_t> wire_again;
  if (proto::encode(copy, {.version = version}, wire_again)) {
    finding("a round-tripped packet does not encode", p);
  }
  if (wire_again != wire) {
    finding("the round trip changed the encoding", p);
  }
}

// A small deterministic generator of chunk sizes.
struct chunker {
  std::uint32_t state;
  std::uint8_t limit;
  std::size_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return 1 + state % limit;
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size < 2) {
    return 0;
  }
  const std::uint8_t settings = data[0];
  const auto side = (settings & 1) != 0 ? proto::role::server : proto::role::client;
  const auto version = (settings & 2) != 0 ? proto::protocol_version::v5 : proto::protocol_version::v311;
  const bool use_prepare = (settings & 4) != 0;
  const std::uint32_t max_sizes[] = {proto::max_packet_size, 16, 128, 1024};
  const std::uint32_t max_size = max_sizes[(settings >> 3) & 3];
  chunker chunks{0x9E37'79B9u ^ data[1], data[1]};
  const proto::bytes_view stream(data + 2, size - 2);

  proto::decoder d({.side = side, .version = version, .maximum_packet_size = max_size});
  proto::packet p;
  std::size_t offset = 0;
  while (offset < stream.size()) {
    const std::size_t n =
        chunks.limit == 0 ? stream.size() - offset : std::min(chunks.next(), stream.size() - offset);
    const auto chunk = stream.subspan(offset, n);
    offset += n;
    if (use_prepare) {
      const auto space = d.prepare(n);
      if (space.size() < n) {
        finding("prepare gave less space than asked for");
      }
      std::memcpy(space.data(), chunk.data(), n);
      d.commit(n);
    } else {
      d.feed(chunk);
    }
    for (;;) {
      const auto status = d.next(p);
      if (status == proto::decode_status::need_more) {
        if (d.buffered() > offset) {
          finding("more bytes buffered than were fed");
        }
        break;
      }
      if (status == proto::decode_status::error) {
        check_error(d);
        if (d.error_detail().empty()) {
          finding("an error without detail");
        }
        if (d.next(p) != proto::decode_status::error) {
          finding("the decoder recovered from an error without reset()");
        }
        return 0;
      }
      round_trip(p, side, d.version());
    }
  }
  return 0;
}
