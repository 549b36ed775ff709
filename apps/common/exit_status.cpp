#include "common/exit_status.hpp"

namespace mqtk::apps {

exit_status exit_status_for(const client::close_reason &reason, bool unacknowledged) {
  using client::close_kind;
  switch (reason.kind) {
  case close_kind::normal:
    return unacknowledged ? exit_incomplete : exit_ok;
  case close_kind::setup:
    return exit_usage;
  case close_kind::connect: // a reconnect that could not connect again leaves messages undelivered
    return unacknowledged ? exit_incomplete : exit_connect;
  case close_kind::tls:
    return exit_tls;
  case close_kind::refused:
    return exit_refused;
  case close_kind::lost:
  case close_kind::broker_disconnect:
    return unacknowledged ? exit_incomplete : exit_connect;
  case close_kind::protocol:
    return exit_protocol;
  case close_kind::no_response:
    return unacknowledged ? exit_incomplete : exit_timeout;
  }
  return exit_internal;
}

} // namespace mqtk::apps
