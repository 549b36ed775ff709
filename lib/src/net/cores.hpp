#pragma once

// Factories of the stream-specific transport cores, one per .cpp so that Beast and OpenSSL stay in
// the translation units that need them.

#include "settings.hpp"

#include <memory>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace mqtk::net {
class transport_handler;
} // namespace mqtk::net

namespace mqtk::net::detail {

class transport_core;

// mqtt://: plain TCP.
std::shared_ptr<transport_core> make_tcp_core(boost::asio::io_context &io, transport_handler &handler,
                                              std::shared_ptr<const connect_settings> settings);
// mqtts://: TLS over TCP (settings->tls set).
std::shared_ptr<transport_core> make_tls_core(boost::asio::io_context &io, transport_handler &handler,
                                              std::shared_ptr<const connect_settings> settings);
// ws:// and wss://: WebSocket over TCP or TLS.
std::shared_ptr<transport_core> make_ws_core(boost::asio::io_context &io, transport_handler &handler,
                                             std::shared_ptr<const connect_settings> settings);
// unix://: Unix domain stream socket.
std::shared_ptr<transport_core> make_unix_core(boost::asio::io_context &io, transport_handler &handler,
                                               std::shared_ptr<const connect_settings> settings);

} // namespace mqtk::net::detail
