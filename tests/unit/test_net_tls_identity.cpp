// The TLS identity options of issue 13 (tls_identity.cpp) at the context level: each is part of
// the context cache key, and bad settings are setup failures. Handshakes are tested against
// mosquitto in tests/integration/test_tls_*.py.
#include "support_net/test_certs.hpp"

#include "../../lib/src/net/tls_context.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <sys/stat.h>

using mqtk::net::failure_kind;
using mqtk::net::detail::load_tls_context;

TEST_CASE("net tls identity: every identity field is part of the context cache key") {
  mqtk::net::tls_options options;
  options.cafile = net_test::test_certs::get().ca;
  mqtk::net::failure error;
  auto base = load_tls_context(options, error);
  REQUIRE(base);
  const std::string keylog = "/tmp/mqtk-unit-keylog-" + std::to_string(::getpid());
  const std::function<void(mqtk::net::tls_options &)> changes[] = {
      [](auto &o) { o.max_version = mqtk::net::tls_version::v1_2; },
      [](auto &o) { o.pins.push_back({}); },
      [](auto &o) {
        o.psk_identity = "id";
        o.psk = {1, 2, 3};
      },
      [&](auto &o) { o.keylog_file = keylog; },
  };
  for (std::size_t i = 0; i < std::size(changes); ++i) {
    CAPTURE(i);
    auto other = options;
    changes[i](other);
    auto context = load_tls_context(other, error);
    REQUIRE(context);
    CHECK(context != base);
    CHECK(load_tls_context(other, error) == context);
  }
  struct stat st{};
  REQUIRE(::stat(keylog.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::remove(keylog.c_str());
}

TEST_CASE("net tls identity: unusable settings are setup failures") {
  mqtk::net::tls_options options;
  options.cafile = net_test::test_certs::get().ca;
  auto failing = [&](const std::function<void(mqtk::net::tls_options &)> &change) {
    auto other = options;
    change(other);
    mqtk::net::failure error;
    CHECK_FALSE(load_tls_context(other, error));
    CHECK(error.kind == failure_kind::setup);
    return error.message;
  };
  CHECK(failing([](auto &o) { o.crlfile = "/nonexistent/crl.pem"; }) ==
        "cannot read CRL file '/nonexistent/crl.pem': No such file or directory");
  CHECK(failing([](auto &o) { o.crlfile = o.cafile; }).find("cannot load CRL file") == 0);
  CHECK(failing([](auto &o) { o.pkcs12 = o.cafile; }).find("not a PKCS#12 (DER) file") != std::string::npos);
  CHECK(failing([](auto &o) { o.psk_identity = "id"; }) == "TLS-PSK needs both an identity and a key");
  CHECK(failing([](auto &o) {
          o.min_version = mqtk::net::tls_version::v1_3;
          o.max_version = mqtk::net::tls_version::v1_2;
        }) == "the highest TLS version is below the lowest");
  CHECK(failing([](auto &o) { o.keylog_file = "/nonexistent/dir/keys.log"; })
            .find("cannot open TLS key log '/nonexistent/dir/keys.log'") == 0);
}
