// The incremental decoder: buffering, the fixed header, and error reporting.
#include "detail/body_decoders.hpp"

#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace mqtk::protocol {
namespace {

// Writes the error_detail() text of f for a packet of type into buffer; returns its length.
std::size_t describe(const detail::fault &f, packet_type type, std::array<char, 128> &buffer) {
  const std::string_view name = packet_type_name(type);
  const auto rule = static_cast<int>(f.rule.size());
  int written = 0;
  if (f.standalone) {
    written = std::snprintf(buffer.data(), buffer.size(), "%.*s", rule, f.rule.data());
  } else if (!f.property) {
    written = std::snprintf(buffer.data(), buffer.size(), "%.*s %.*s", static_cast<int>(name.size()),
                            name.data(), rule, f.rule.data());
  } else {
    const std::string_view property = property_name(static_cast<property_id>(*f.property));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", *f.property);
    const std::string_view shown = property == "unknown" ? std::string_view(hex) : property;
    written = std::snprintf(buffer.data(), buffer.size(), "%.*s%s property %.*s %.*s",
                            static_cast<int>(name.size()), name.data(), f.will ? " will" : "",
                            static_cast<int>(shown.size()), shown.data(), rule, f.rule.data());
  }
  return std::min(static_cast<std::size_t>(std::max(written, 0)), buffer.size() - 1);
}

} // namespace

decoder::decoder(decoder_options options) : options_(options) {}

void decoder::set_version(protocol_version version) noexcept {
  options_.version = version;
}

protocol_version decoder::version() const noexcept {
  return options_.version;
}

void decoder::set_maximum_packet_size(std::uint32_t size) noexcept {
  options_.maximum_packet_size = size;
}

std::span<std::uint8_t> decoder::prepare(std::size_t n) {
  settle();
  prepared_shared_ = nullptr;
  begin_ += consume_next_;
  consume_next_ = 0;
  if (begin_ == end_) {
    begin_ = end_ = 0;
  }
  if (buffer_.size() - end_ < n && begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < n) {
    buffer_.resize(end_ + n);
  }
  prepared_ = n;
  return {buffer_.data() + end_, n};
}

std::span<std::uint8_t> decoder::prepare_shared(std::span<std::uint8_t> shared, std::size_t n) {
  settle();
  begin_ += consume_next_;
  consume_next_ = 0;
  const std::size_t kept = end_ - begin_;
  if (shared.size() < kept || shared.size() - kept < n)
    return prepare(n);
  if (kept > 0)
    std::memcpy(shared.data(), buffer_.data() + begin_, kept);
  prepared_shared_ = shared.data();
  prepared_ = shared.size() - kept;
  return shared.subspan(kept);
}

void decoder::commit(std::size_t n) {
  if (prepared_shared_) {
    // The undecoded bytes were copied in front of the new ones: decode from the shared buffer.
    end_ = end_ - begin_ + std::min(n, prepared_);
    begin_ = 0;
    shared_ = prepared_shared_;
    prepared_shared_ = nullptr;
  } else {
    end_ += std::min(n, prepared_);
  }
  prepared_ = 0;
}

void decoder::settle() {
  // An own buffer this large only held a large packet: give it back once it is empty.
  constexpr std::size_t kept_capacity = 256;
  if (!shared_)
    return;
  begin_ += consume_next_;
  consume_next_ = 0;
  const std::size_t rest = end_ - begin_;
  if (rest == 0 && buffer_.capacity() > kept_capacity)
    std::vector<std::uint8_t>().swap(buffer_);
  if (buffer_.size() < rest)
    buffer_.resize(rest);
  if (rest > 0)
    std::memcpy(buffer_.data(), shared_ + begin_, rest);
  shared_ = nullptr;
  begin_ = 0;
  end_ = rest;
}

void decoder::feed(bytes_view bytes) {
  if (bytes.empty()) {
    return;
  }
  const std::span<std::uint8_t> space = prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

decode_status decoder::next(packet &out) {
  if (error_) {
    return decode_status::error;
  }
  begin_ += consume_next_;
  consume_next_ = 0;
  const bytes_view available{data() + begin_, end_ - begin_};
  if (available.empty()) {
    return decode_status::need_more;
  }
  const auto type = static_cast<packet_type>(available[0] >> 4);
  auto fail = [&](const detail::fault &f) {
    error_ = make_error_code(f.code);
    std::array<char, 128> text;
    error_detail_.assign(text.data(), describe(f, type, text));
    return decode_status::error;
  };
  if (detail::fault f = detail::check_fixed_header(available[0], options_.side, options_.version)) {
    return fail(f);
  }
  std::uint32_t remaining = 0;
  std::size_t length_size = 0;
  switch (detail::parse_vbi(available.subspan(1), remaining, length_size)) {
  case detail::vbi_status::truncated:
    return decode_status::need_more;
  case detail::vbi_status::too_long:
    return fail(detail::malformed("remaining length is longer than 4 bytes"));
  case detail::vbi_status::ok:
    break;
  }
  const std::size_t total = 1 + length_size + remaining;
  if (total > options_.maximum_packet_size) {
    return fail({errc::packet_too_large, "is larger than the maximum packet size"});
  }
  if (available.size() < total) {
    return decode_status::need_more;
  }
  const detail::body_context context{options_.version, options_.side,
                                     static_cast<std::uint8_t>(available[0] & 0x0F)};
  if (detail::fault f =
          detail::decode_body(type, available.subspan(1 + length_size, remaining), context, out)) {
    return fail(f);
  }
  consume_next_ = total;
  if (type == packet_type::connect) {
    options_.version = std::get<connect>(out).version; // a server learns the version from CONNECT
  }
  return decode_status::ready;
}

std::error_code decoder::error() const noexcept {
  return error_;
}

std::string_view decoder::error_detail() const noexcept {
  return error_detail_;
}

reason_code decoder::error_reason() const noexcept {
  return disconnect_reason_for(error_);
}

void decoder::reset() noexcept {
  begin_ = end_ = consume_next_ = prepared_ = 0;
  shared_ = prepared_shared_ = nullptr;
  error_.clear();
  error_detail_.clear();
}

std::size_t decoder::buffered() const noexcept {
  return end_ - begin_ - consume_next_;
}

bytes_view decoder::pending() const noexcept {
  return {data() + begin_ + consume_next_, buffered()};
}

} // namespace mqtk::protocol
