#pragma once

// The packaged tools load the system's libssl when a TLS connection (or --version) first needs it,
// so a plain mqtt:// run never maps libcrypto (docs/performance.md, "Packaged build"). Other builds
// link OpenSSL as usual and this always succeeds.

#include <string>

namespace mqtk::net::detail {

// True when OpenSSL's functions can be called; otherwise sets error ("cannot load libssl.so.3: ...").
// Loads the library at the first call; cheap afterwards; thread-safe.
bool load_openssl(std::string &error);

} // namespace mqtk::net::detail
