// The TLS library's version, at run time and at build time.
#include "mqtk/net/tls_library.hpp"

#include "openssl_loader.hpp"

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

namespace mqtk::net {

std::string tls_library_version() {
  if (std::string error; !detail::load_openssl(error))
    return "no TLS library (" + error + ")";
  return OpenSSL_version(OPENSSL_VERSION);
}

std::string tls_library_built_version() { return OPENSSL_VERSION_TEXT; }

} // namespace mqtk::net
