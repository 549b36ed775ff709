"""--tls-version ranges, --crlfile and --pin-sha256 against real mosquitto TLS listeners (issue 13,
"TLS identities and checks"): each check refuses with exit 4 naming the problem, and lets through
what it should."""

import os
import ssl
import tempfile
import unittest

import mqtk_testlib as t


def started(broker):
    broker.__enter__()
    return broker


class TlsChecks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="mqtk-tls-")
        cls.tls = t.tls_material(cls.dir.name)
        cls.brokers = []

        def broker(**listener):
            b = started(t.Mosquitto(tls=cls.tls.listener(**listener)))
            cls.brokers.append(b)
            return b

        cls.any_version = broker()
        # mosquitto's tls_version tlsv1.2 still allows 1.3: a Python TLS endpoint speaks only 1.2.
        cls.only_12 = t.TlsConnackServer(cls.tls.server_cert, cls.tls.server_key, ssl.TLSVersion.TLSv1_2)
        cls.only_13 = broker(tls_version="tlsv1.3")
        cls.revoked = broker(server="revoked_server")
        cls.self_signed = broker(server="self_signed")
        cls.pin = t.spki_sha256(cls.tls.server_cert)

    @classmethod
    def tearDownClass(cls):
        for b in cls.brokers:
            b.__exit__(None, None, None)
        cls.only_12.close()
        cls.dir.cleanup()

    def pub(self, broker, *args, cafile=True):
        ca = ["--cafile", self.tls.ca_cert] if cafile else []
        port = broker.port if isinstance(broker, t.TlsConnackServer) else broker.tls_port
        return t.run_tool(["mqtk-pub", "-L", f"mqtts://localhost:{port}", *ca, "-V", "5", "-t", "c", "-m", "x",
                           *args], timeout=15)

    def protocol(self, result):
        """The protocol --tls-info reported."""
        for line in result.stderr.decode().splitlines():
            if ": TLS localhost:" in line:
                return line.split(": ")[2].split(",")[0]
        self.fail(f"no --tls-info line in {result.stderr!r}")

    def test_version_ranges(self):
        cases = [  # (--tls-version, broker, expected status, protocol when connected)
            ("1.2", self.any_version, 0, "TLSv1.2"),
            ("1.2", self.only_13, 4, None),
            ("1.3", self.any_version, 0, "TLSv1.3"),
            ("1.3", self.only_12, 4, None),
            ("1.2+", self.any_version, 0, "TLSv1.3"),
            ("1.2+", self.only_12, 0, "TLSv1.2"),
            ("tlsv1.2", self.only_12, 0, "TLSv1.2"),  # mosquitto's meaning: 1.2 or later
            ("tlsv1.2", self.any_version, 0, "TLSv1.3"),
            ("tlsv1.3", self.only_12, 4, None),
        ]
        for version, broker, status, protocol in cases:
            with self.subTest(version=version, broker=getattr(broker, "tls", None) and broker.tls.tls_version):
                r = self.pub(broker, "--tls-version", version, "--tls-info")
                self.assertEqual(r.status, status, r)
                if protocol:
                    self.assertEqual(self.protocol(r), protocol)
                else:
                    self.assertIn("TLS handshake with localhost", r.stderr.decode())

    def test_bad_version_is_a_usage_error(self):
        r = self.pub(self.any_version, "--tls-version", "1.1")
        self.assertEqual(r.status, 2, r)
        self.assertIn("TLS version '1.1' is not one of 1.2, 1.3, 1.2+", r.stderr.decode())

    def test_crl_refuses_a_revoked_broker_certificate(self):
        r = self.pub(self.revoked, "--crlfile", self.tls.crl)
        self.assertEqual(r.status, 4, r)
        self.assertIn("certificate revoked", r.stderr.decode())
        # Without the CRL the same broker passes; with it a good certificate passes too.
        self.assertEqual(self.pub(self.revoked).status, 0)
        self.assertEqual(self.pub(self.any_version, "--crlfile", self.tls.crl).status, 0)

    def test_crl_file_errors_are_usage_errors(self):
        r = self.pub(self.any_version, "--crlfile", os.path.join(self.dir.name, "missing.crl"))
        self.assertEqual(r.status, 2, r)
        self.assertIn("cannot read CRL file", r.stderr.decode())
        r = self.pub(self.any_version, "--crlfile", self.tls.ca_cert)  # a certificate, not a CRL
        self.assertEqual(r.status, 2, r)
        self.assertIn("cannot load CRL file", r.stderr.decode())
        r = t.run_tool(["mqtk-pub", "-L", self.any_version.url(), "--crlfile", self.tls.crl, "-t", "c", "-m", "x"])
        self.assertEqual(r.status, 2, r)
        self.assertIn("--crlfile needs a TLS connection", r.stderr.decode())

    def test_pin_matches_the_broker_key(self):
        for pin in (self.pin, "sha256//" + self.pin):
            with self.subTest(pin=pin):
                self.assertEqual(self.pub(self.any_version, "--pin-sha256", pin).status, 0)
        other = t.spki_sha256(self.tls.client_cert)
        r = self.pub(self.any_version, "--pin-sha256", other, "--pin-sha256", self.pin)
        self.assertEqual(r.status, 0, r)

    def test_pin_mismatch_is_exit_4_although_the_chain_verifies(self):
        other = t.spki_sha256(self.tls.client_cert)
        r = self.pub(self.any_version, "--pin-sha256", other)
        self.assertEqual(r.status, 4, r)
        err = r.stderr.decode()
        self.assertIn("public key pin mismatch", err)
        self.assertIn("sha256//" + self.pin, err)  # names the key it saw

    def test_pin_with_insecure_trusts_a_self_signed_broker(self):
        pin = t.spki_sha256(self.tls.self_signed_cert)
        self.assertEqual(self.pub(self.self_signed).status, 4)  # no CA trusts it
        r = self.pub(self.self_signed, "--insecure", "--pin-sha256", pin, cafile=False)
        self.assertEqual(r.status, 0, r)
        r = self.pub(self.self_signed, "--insecure", "--pin-sha256", self.pin, cafile=False)
        self.assertEqual(r.status, 4, r)
        self.assertIn("public key pin mismatch", r.stderr.decode())

    def test_pin_and_tls_info_over_wss(self):
        broker = t.use_broker(self, t.Mosquitto(wss=self.tls.listener()))
        url = f"wss://localhost:{broker.wss_port}"
        other = t.spki_sha256(self.tls.client_cert)
        r = t.run_tool(["mqtk-pub", "-L", url, "--cafile", self.tls.ca_cert, "--pin-sha256", other, "-t", "c",
                        "-m", "x"], timeout=15)
        self.assertEqual(r.status, 4, r)
        self.assertIn("public key pin mismatch", r.stderr.decode())
        r = t.run_tool(["mqtk-pub", "-L", url, "--cafile", self.tls.ca_cert, "--pin-sha256", self.pin, "--tls-info",
                        "-t", "c", "-m", "x"], timeout=15)
        self.assertEqual(r.status, 0, r)
        self.assertIn("TLS   SPKI sha256//" + self.pin, r.stderr.decode())

    def test_bad_pin_is_a_usage_error(self):
        for pin in ("abc", "sha256//" + "A" * 44, self.pin[:-2]):
            with self.subTest(pin=pin):
                r = self.pub(self.any_version, "--pin-sha256", pin)
                self.assertEqual(r.status, 2, r)
                self.assertIn("is not the base64 SHA-256 of a public key", r.stderr.decode())


if __name__ == "__main__":
    unittest.main()
