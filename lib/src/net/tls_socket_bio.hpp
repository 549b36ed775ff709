#pragma once

// An OpenSSL BIO straight on a non-blocking socket, for the mqtt:// over TLS transport: records go
// to and from the kernel with no intermediate buffers (Asio's ssl::stream keeps 4 x 17 KiB per
// connection), writes never raise SIGPIPE (MSG_NOSIGNAL), and EAGAIN is a retry.

#include <openssl/bio.h>

namespace mqtk::net::detail {

// A new BIO on socket fd (which it does not close); null when OpenSSL is out of memory.
BIO *make_socket_bio(int fd);

} // namespace mqtk::net::detail
