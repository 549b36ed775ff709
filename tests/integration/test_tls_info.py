"""--tls-info (the handshake and the broker's chain, on stderr or as a JSON line) and --tls-keylog /
SSLKEYLOGFILE (NSS key-log lines, checked against the secrets a Python TLS server logged for the
same handshakes) (issue 13)."""

import json
import os
import ssl
import stat
import tempfile
import unittest

import mqtk_testlib as t


def key_lines(path):
    with open(path) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


class TlsInfo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="mqtk-tls-")
        cls.tls = t.tls_material(cls.dir.name)
        cls.broker = t.Mosquitto(tls=cls.tls.listener())
        cls.broker.__enter__()
        cls.url = f"mqtts://localhost:{cls.broker.tls_port}"
        cls.pin = t.spki_sha256(cls.tls.server_cert)

    @classmethod
    def tearDownClass(cls):
        cls.broker.__exit__(None, None, None)
        cls.dir.cleanup()

    def test_text_report_on_stderr(self):
        r = t.run_tool(["mqtk-pub", "-L", self.url, "--cafile", self.tls.ca_cert, "--alpn", "mqtt", "--tls-info",
                        "-t", "c", "-m", "x"], timeout=15)
        self.assertEqual(r.status, 0, r)
        self.assertEqual(r.stdout, b"")
        err = r.stderr.decode()
        head = next(line for line in err.splitlines() if "TLS localhost:" in line)
        self.assertRegex(head, r"^mqtk-pub: TLS localhost:\d+: TLSv1\.3, cipher TLS_\w+, ALPN none, SNI localhost, "
                               r"verified$")
        self.assertIn("TLS certificate 0: subject CN=localhost", err)
        self.assertIn("TLS   issuer CN=mqtk test CA", err)
        self.assertIn("TLS   SANs DNS:localhost, IP:127.0.0.1", err)
        self.assertRegex(err, r"TLS   not after 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ")
        self.assertIn("TLS   SPKI sha256//" + self.pin, err)

    def test_sub_json_line_is_a_tls_info_object(self):
        r = t.run_tool(["mqtk-sub", "-L", self.url, "--cafile", self.tls.ca_cert, "--tls-info", "--json",
                        "-E", "-t", "a"], timeout=15)
        self.assertEqual(r.status, 0, r)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        report = json.loads(lines[0])
        self.assertEqual(report["type"], "tls_info")
        self.assertEqual(report["broker"], f"localhost:{self.broker.tls_port}")
        self.assertEqual(report["protocol"], "TLSv1.3")
        self.assertEqual(report["sni"], "localhost")
        self.assertNotIn("alpn", report)
        self.assertTrue(report["verified"])
        leaf = report["chain"][0]
        self.assertEqual(leaf["subject"], "CN=localhost")
        self.assertEqual(leaf["sans"], ["DNS:localhost", "IP:127.0.0.1"])
        self.assertEqual(leaf["spki_sha256"], self.pin)
        self.assertNotIn("TLS localhost", r.stderr.decode())

    def test_broker_text_is_escaped_on_the_terminal(self):
        # A self-signed certificate whose SAN holds an escape sequence (clear screen).
        cert, key = os.path.join(self.dir.name, "hostile.crt"), os.path.join(self.dir.name, "hostile.key")
        r = t.run_tool(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,DNS:evil\x1b[2Jx"], timeout=30)
        self.assertEqual(r.status, 0, r)
        with t.TlsConnackServer(cert, key, ssl.TLSVersion.TLSv1_3) as server:
            r = t.run_tool(["mqtk-pub", "-L", f"mqtts://localhost:{server.port}", "--insecure", "--tls-info", "-V", "5",
                            "-t", "c", "-m", "x"], timeout=15)
        self.assertEqual(r.status, 0, r)
        self.assertNotIn(b"\x1b", r.stderr)
        self.assertIn("TLS   SANs DNS:localhost, DNS:evil\\x1b[2Jx", r.stderr.decode())

    def test_bench_reports_the_first_handshake_per_broker_only(self):
        r = t.run_tool(["mqtk-bench", "conn", "-L", self.url, "--cafile", self.tls.ca_cert, "--tls-info", "-C", "4",
                        "-D", "0.2"], timeout=30)
        self.assertEqual(r.status, 0, r)
        self.assertEqual(r.stderr.decode().count(": TLS localhost:"), 1, r.stderr)

    def test_insecure_report_says_not_verified_and_ip_sends_no_sni(self):
        r = t.run_tool(["mqtk-pub", "-L", f"mqtts://127.0.0.1:{self.broker.tls_port}", "--insecure", "--tls-info",
                        "--tls-version", "1.2", "-t", "c", "-m", "x"], timeout=15)
        self.assertEqual(r.status, 0, r)
        self.assertIn("TLSv1.2, cipher ", r.stderr.decode())
        self.assertIn("SNI none, NOT verified (--insecure)", r.stderr.decode())

    def keylog_run(self, version):
        keylog = os.path.join(self.dir.name, f"client-{version.name}-{os.urandom(4).hex()}.log")
        server_log = keylog + ".server"
        with t.TlsConnackServer(self.tls.server_cert, self.tls.server_key, version, keylog=server_log) as server:
            args = ["mqtk-pub", "-L", f"mqtts://localhost:{server.port}", "--cafile", self.tls.ca_cert, "-V", "5",
                    "-t", "c", "-m", "x"]
            r = t.run_tool(args + ["--tls-keylog", keylog], timeout=15)
        self.assertEqual(r.status, 0, r)
        return keylog, key_lines(server_log)

    def test_keylog_matches_the_server_secrets_tls13(self):
        keylog, server = self.keylog_run(ssl.TLSVersion.TLSv1_3)
        client = key_lines(keylog)
        labels = {line.split()[0] for line in client}
        self.assertTrue({"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                         "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"} <= labels, labels)
        for label in ("CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "CLIENT_HANDSHAKE_TRAFFIC_SECRET"):
            self.assertEqual({l for l in client if l.startswith(label)}, {l for l in server if l.startswith(label)})
        self.assertEqual(stat.S_IMODE(os.stat(keylog).st_mode), 0o600)

    def test_keylog_matches_the_server_secrets_tls12(self):
        keylog, server = self.keylog_run(ssl.TLSVersion.TLSv1_2)
        client = key_lines(keylog)
        self.assertEqual(len(client), 1, client)
        self.assertTrue(next(iter(client)).startswith("CLIENT_RANDOM "), client)
        self.assertEqual(client, {l for l in server if l.startswith("CLIENT_RANDOM")})

    def test_sslkeylogfile_appends_and_never_truncates(self):
        keylog = os.path.join(self.dir.name, "env.log")
        with open(keylog, "w") as f:
            f.write("# kept\n")
        os.chmod(keylog, 0o644)
        server_log = keylog + ".server"
        with t.TlsConnackServer(self.tls.server_cert, self.tls.server_key, ssl.TLSVersion.TLSv1_3,
                                keylog=server_log) as server:
            r = t.run_tool(["mqtk-pub", "-L", f"mqtts://localhost:{server.port}", "--cafile", self.tls.ca_cert,
                            "-V", "5", "-t", "c", "-m", "x"], env={"SSLKEYLOGFILE": keylog}, timeout=15)
        self.assertEqual(r.status, 0, r)
        with open(keylog) as f:
            text = f.read()
        self.assertTrue(text.startswith("# kept\n"), text)
        self.assertEqual({l for l in key_lines(keylog) if l.startswith("CLIENT_TRAFFIC_SECRET_0")},
                         {l for l in key_lines(server_log) if l.startswith("CLIENT_TRAFFIC_SECRET_0")})
        self.assertEqual(stat.S_IMODE(os.stat(keylog).st_mode), 0o644)  # an existing file keeps its mode

    def test_unwritable_keylog_is_a_usage_error(self):
        r = t.run_tool(["mqtk-pub", "-L", self.url, "--cafile", self.tls.ca_cert, "--tls-keylog",
                        os.path.join(self.dir.name, "no-such-dir", "k.log"), "-t", "c", "-m", "x"], timeout=15)
        self.assertEqual(r.status, 2, r)
        self.assertIn("cannot open TLS key log", r.stderr.decode())


if __name__ == "__main__":
    unittest.main()
