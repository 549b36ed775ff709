#pragma once

// Test PKI generated once per run with the openssl command into a temporary directory: a CA, server
// certificates (valid for localhost/127.0.0.1/::1, DNS-only, expired, from an unknown CA) and a
// client certificate with an encrypted key. Header-only test support.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace net_test {

// Paths of the generated files.
struct test_certs {
  std::string dir;
  std::string ca;         // trusted CA certificate
  std::string server_key; // key of every server certificate below
  std::string server;     // SAN DNS:localhost, IP:127.0.0.1, IP:::1; signed by ca
  std::string dns_only;   // SAN DNS:localhost only; signed by ca
  std::string expired;    // like server, but expired; signed by ca
  std::string rogue;      // like server, signed by a CA nobody trusts
  std::string client;     // client certificate signed by ca
  std::string client_key; // its key, encrypted with client_password
  std::string client_password = "s3cret";

  // The certificates of this run (generated on first use; throws if openssl fails).
  static const test_certs &get() {
    static const test_certs instance = generate();
    static const remover cleanup{instance.dir};
    return instance;
  }

private:
  // Deletes the directory at exit.
  struct remover {
    std::string dir;
    ~remover() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };

  static void run(const std::string &command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
      throw std::runtime_error("test certificate generation failed: " + command);
  }

  static test_certs generate() {
    namespace fs = std::filesystem;
    test_certs c;
    fs::path dir = fs::temp_directory_path() / ("mqtk-net-certs-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    c.dir = dir.string();
    auto path = [&](const char *name) { return (dir / name).string(); };
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 ";
    auto write = [&](const char *name, const std::string &text) { std::ofstream(path(name)) << text; };
    write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
    write("dns.ext", "subjectAltName=DNS:localhost\n");
    write("client.ext", "extendedKeyUsage=clientAuth\n");
    auto sign = [&](const std::string &csr, const std::string &issuer, const std::string &out,
                    const char *ext, const char *days) {
      run("openssl x509 -req -in " + csr + " -CA " + issuer + ".pem -CAkey " + issuer +
          ".key -CAcreateserial -out " + out + " -days " + days + " -extfile " + path(ext));
    };
    c.ca = path("ca.pem");
    run("openssl req -x509" + ec + "-nodes -keyout " + path("ca.key") + " -out " + c.ca +
        " -days 2 -subj /CN=mqtk-test-ca");
    run("openssl req -x509" + ec + "-nodes -keyout " + path("rogue-ca.key") + " -out " +
        path("rogue-ca.pem") + " -days 2 -subj /CN=mqtk-rogue-ca");
    c.server_key = path("server.key");
    run("openssl req -new" + ec + "-nodes -keyout " + c.server_key + " -out " + path("server.csr") +
        " -subj /CN=localhost");
    c.server = path("server.pem");
    c.dns_only = path("dns-only.pem");
    c.expired = path("expired.pem");
    c.rogue = path("rogue.pem");
    sign(path("server.csr"), path("ca"), c.server, "server.ext", "2");
    sign(path("server.csr"), path("ca"), c.dns_only, "dns.ext", "2");
    sign(path("server.csr"), path("ca"), c.expired, "server.ext", "-1");
    sign(path("server.csr"), path("rogue-ca"), c.rogue, "server.ext", "2");
    c.client_key = path("client.key");
    c.client = path("client.pem");
    run("openssl req -new" + ec + "-keyout " + c.client_key + " -passout pass:" + c.client_password +
        " -out " + path("client.csr") + " -subj /CN=mqtk-client");
    sign(path("client.csr"), path("ca"), c.client, "client.ext", "2");
    return c;
  }
};

} // namespace net_test
