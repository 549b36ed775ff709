// The SCRAM client (RFC 5802, RFC 7677) with injected client nonces: the RFCs' own exchanges, a
// SHA-512 one, user name escaping, and every way a server's message is refused.
#include "../../lib/src/client/scram.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mqtk::client::detail;

TEST_CASE("SCRAM-SHA-1: the RFC 5802 section 5 exchange") {
  scram_client c(scram_hash::sha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
  CHECK(c.client_first() == "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  const auto final = c.client_final("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
  REQUIRE(final);
  CHECK(*final == "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  CHECK(c.verify_server_final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
  CHECK(c.method() == "SCRAM-SHA-1");
}

// RFC 7677 section 3.
constexpr const char *rfc7677_nonce = "rOprNGfwEbeRWgbNEkqO";
constexpr const char *rfc7677_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

TEST_CASE("SCRAM-SHA-256: the RFC 7677 section 3 exchange") {
  scram_client c(scram_hash::sha256, "user", "pencil", rfc7677_nonce);
  CHECK(c.client_first() == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  const auto final = c.client_final(rfc7677_server_first);
  REQUIRE(final);
  CHECK(*final == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                  "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  CHECK(c.verify_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

// No RFC has SHA-512 vectors. These were computed independently with Python's hashlib and hmac
// (hashlib.pbkdf2_hmac("sha512", password, salt, 4096), then RFC 5802 §3's ClientKey, StoredKey,
// ClientSignature and ServerSignature over the AuthMessage), on RFC 7677's inputs.
TEST_CASE("SCRAM-SHA-512 on RFC 7677's inputs (vectors from Python hashlib)") {
  scram_client c(scram_hash::sha512, "user", "pencil", rfc7677_nonce);
  const auto final = c.client_final(rfc7677_server_first);
  REQUIRE(final);
  CHECK(*final == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                  "p=gMGXRcevScNtxZ6/8lQYpGtnsNAc3mGcmNomv+xnoOMw+3R2xNJdMNnzMlTN8PPC6wdp6dybEmDYXYTxwnYPJQ==");
  CHECK(c.verify_server_final(
      "v=ZQnYEgWQMFmmsM8aQMF0nDDCy/AgCzkwk8CmMZYcMg0vSVlKDanekLtifDSeVGT4+5ZxXnJq199RVG2rR7N7Zw=="));
}

// The same Python script, with the escaped name "a=3Db=2Cc" in the AuthMessage and the UTF-8
// password "p\u00e4ss" as bytes (no SASLprep).
TEST_CASE("SCRAM escapes '=' and ',' in the user name and sends a UTF-8 password as is") {
  scram_client c(scram_hash::sha512, "a=b,c", "p\xc3\xa4ss", "Zm9vYmFy");
  CHECK(c.client_first() == "n,,n=a=3Db=2Cc,r=Zm9vYmFy");
  const auto final = c.client_final("r=Zm9vYmFyc2VydmVy,s=c2FsdHNhbHQ=,i=4096");
  REQUIRE(final);
  CHECK(*final == "c=biws,r=Zm9vYmFyc2VydmVy,"
                  "p=tu2H+Qan1RTrlbmxpBPW74FV9D/var5D/MxhRwTxq1M777dCzLhNgC/4tWJ3/qcnxB3dq6ZTIzxG2XDrG89imA==");
  CHECK(c.verify_server_final(
      "v=+M+ejFNPYsEdoMVR2wsV5PbZY8t5y9fQiJahZc7dD/eZTzN8gzgQ3p5Zc7YJfwBWT/Q93OyTjPMgtX/WuPsx/w=="));
}

TEST_CASE("SCRAM refuses a wrong server signature, naming it") {
  scram_client c(scram_hash::sha256, "user", "pencil", rfc7677_nonce);
  REQUIRE(c.client_final(rfc7677_server_first));
  CHECK_FALSE(c.verify_server_final("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  CHECK(c.error().find("server signature does not match") != std::string::npos);
  CHECK_FALSE(c.verify_server_final("v=not*base64"));
  CHECK(c.error().find("not base64") != std::string::npos);
  CHECK_FALSE(c.verify_server_final("e=invalid-proof"));
  CHECK(c.error() == "the server refused the authentication: 'invalid-proof'");
  CHECK_FALSE(c.verify_server_final(""));
  CHECK(c.error().find("malformed") != std::string::npos);
}

TEST_CASE("SCRAM refuses a server-final before the server-first") {
  scram_client c(scram_hash::sha256, "user", "pencil", rfc7677_nonce);
  CHECK_FALSE(c.verify_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  CHECK(c.error().find("before the server-first") != std::string::npos);
}

TEST_CASE("SCRAM refuses bad server-first messages") {
  struct bad_case {
    const char *message;
    const char *error_part;
  };
  const bad_case cases[] = {
      {"", "malformed"},
      {"garbage", "malformed"},
      {"e=unknown-user", "refused the authentication: 'unknown-user'"},
      {"m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "mandatory extension"},
      {"r=rOprNGfwEbeRWgbNEkqOxyz,i=4096", "want r=,s=,i="},
      {"r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "nonce does not extend ours"},
      {"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "nonce does not extend ours"},
      {"r=rOprNGfwEbeRWgbNEkqOxyz,s=!!!,i=4096", "salt is not base64"},
      {"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=lots", "not a number"},
      {"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1", "asks for 1 iterations"},
      {"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000", "asks for 2000000000 iterations"},
  };
  for (const bad_case &bad : cases) {
    CAPTURE(bad.message);
    scram_client c(scram_hash::sha256, "user", "pencil", rfc7677_nonce);
    CHECK_FALSE(c.client_final(bad.message));
    CHECK(c.error().find(bad.error_part) != std::string::npos);
  }
}

TEST_CASE("SCRAM extensions after the iteration count are ignored") {
  scram_client c(scram_hash::sha256, "user", "pencil", rfc7677_nonce);
  CHECK(c.client_final(std::string(rfc7677_server_first) + ",x=extension"));
}

TEST_CASE("SCRAM random client nonces are printable, distinct and without commas") {
  scram_client a(scram_hash::sha256, "user", "pencil");
  scram_client b(scram_hash::sha256, "user", "pencil");
  const std::string prefix = "n,,n=user,r=";
  REQUIRE(a.client_first().starts_with(prefix));
  const std::string nonce = a.client_first().substr(prefix.size());
  CHECK(nonce.size() == 24);
  CHECK(nonce.find(',') == std::string::npos);
  CHECK(a.client_first() != b.client_first());
}

TEST_CASE("SCRAM method names and credential checks") {
  CHECK(scram_hash_named("SCRAM-SHA-1") == scram_hash::sha1);
  CHECK(scram_hash_named("scram-sha-256") == scram_hash::sha256);
  CHECK(scram_hash_named("SCRAM-SHA-512") == scram_hash::sha512);
  CHECK_FALSE(scram_hash_named("SCRAM-SHA-384"));
  CHECK_FALSE(scram_hash_named("PLAIN"));
  CHECK(scram_method_name(scram_hash::sha512) == "SCRAM-SHA-512");
  CHECK(scram_credentials_error("user", "p\xc3\xa4ss").empty());
  CHECK(scram_credentials_error("us\ter", "x").find("user name") != std::string::npos);
  CHECK(scram_credentials_error("user", "x\x7f").find("password") != std::string::npos);
}
