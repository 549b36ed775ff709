// The socket BIO of the TLS transport: recv/send with MSG_NOSIGNAL, EAGAIN as a retry, EOF flagged.
#include "tls_socket_bio.hpp"

#include <cerrno>
#include <cstdint>

#include <sys/socket.h>

namespace mqtk::net::detail {
namespace {

int socket_of(BIO *bio) {
  return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
}

bool would_block(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

int bio_write(BIO *bio, const char *data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(socket_of(bio), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && would_block(errno))
    BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int bio_read(BIO *bio, char *data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(socket_of(bio), data, static_cast<std::size_t>(size), 0);
  if (n < 0 && would_block(errno))
    BIO_set_retry_read(bio);
  else if (n == 0)
    BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
  return static_cast<int>(n);
}

long bio_ctrl(BIO *bio, int command, long, void *) {
  switch (command) {
  case BIO_CTRL_FLUSH:
    return 1;
  case BIO_CTRL_EOF:
    return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
  default:
    return 0;
  }
}

int bio_create(BIO *bio) {
  BIO_set_init(bio, 1);
  return 1;
}

// The method, made once for the process.
const BIO_METHOD *socket_method() {
  static BIO_METHOD *method = [] {
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "mqtk socket");
    if (m) {
      BIO_meth_set_write(m, bio_write);
      BIO_meth_set_read(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
      BIO_meth_set_create(m, bio_create);
    }
    return m;
  }();
  return method;
}

} // namespace

BIO *make_socket_bio(int fd) {
  const BIO_METHOD *method = socket_method();
  BIO *bio = method ? BIO_new(method) : nullptr;
  if (bio)
    BIO_set_data(bio, reinterpret_cast<void *>(static_cast<std::intptr_t>(fd)));
  return bio;
}

} // namespace mqtk::net::detail
