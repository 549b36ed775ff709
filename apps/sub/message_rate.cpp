// mqtk-sub --message-rate: per-interval and total message rates.
#include "sub/message_rate.hpp"

#include <cinttypes>
#include <cstdio>

namespace mqtk::apps::sub {

rate_meter::rate_meter(clock::duration interval, clock::time_point start, bool json)
    : interval_(interval), start_(start), interval_start_(start), due_(start + interval), json_(json) {}

void rate_meter::report_interval(std::string &out, clock::time_point now) {
  append_report(out, "rate", in_interval_, now - interval_start_);
  in_interval_ = 0;
  interval_start_ = now;
  while (due_ <= now)
    due_ += interval_;
}

void rate_meter::report_total(std::string &out, clock::time_point now) const {
  append_report(out, "total", total_, now - start_);
}

void rate_meter::append_report(std::string &out, const char *what, std::uint64_t messages,
                               clock::duration elapsed) const {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const double per_second = seconds > 0 ? static_cast<double>(messages) / seconds : 0.0;
  char buffer[160];
  if (json_)
    std::snprintf(buffer, sizeof buffer,
                  "{\"report\":\"%s\",\"messages\":%" PRIu64 ",\"seconds\":%.3f,\"per_second\":%.1f}\n", what,
                  messages, seconds, per_second);
  else
    std::snprintf(buffer, sizeof buffer, "%s: %" PRIu64 " message%s in %.3f s, %.1f/s\n", what, messages,
                  messages == 1 ? "" : "s", seconds, per_second);
  out += buffer;
}

} // namespace mqtk::apps::sub
