"""A broker that requires a client certificate refuses one that is missing after the TLS 1.3
handshake (the client already sees it as complete): the alert must be reported as the TLS failure
it is (exit 4), never as "connection reset before CONNACK" (exit 3), however the alert and the
broker's TCP reset race our first write (issue 10, item 16)."""

import tempfile
import unittest

import mqtk_testlib as t

RUNS = 40  # the race lost about 1 run in 10 before the fix


class ClientCertificateRefusal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="mqtk-tls-")
        cls.tls = t.tls_material(cls.dir.name)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_missing_client_certificate_is_exit_4_every_time(self):
        broker = t.use_broker(self, t.Mosquitto(tls=self.tls.listener(require_certificate=True)))
        url = f"mqtts://localhost:{broker.tls_port}"
        outcomes = {}
        for _ in range(RUNS):
            r = t.run_tool(["mqtk-pub", "-L", url, "--cafile", self.tls.ca_cert, "-t", "c", "-m", "x", "-q", "1"],
                           timeout=10)
            key = (r.status, r.stderr.decode().strip().split(": ", 1)[-1])
            outcomes[key] = outcomes.get(key, 0) + 1
        self.assertEqual(len(outcomes), 1, outcomes)
        (status, message), = outcomes
        self.assertEqual(status, 4, outcomes)
        self.assertIn("certificate required", message)

    def test_with_the_certificate_it_connects(self):
        broker = t.use_broker(self, t.Mosquitto(tls=self.tls.listener(require_certificate=True)))
        r = t.run_tool(["mqtk-pub", "-L", f"mqtts://localhost:{broker.tls_port}", "--cafile", self.tls.ca_cert,
                        "--cert", self.tls.client_cert, "--key", self.tls.client_key, "-t", "c", "-m", "x",
                        "-q", "1"], timeout=10)
        self.assertEqual(r.status, 0, r)


if __name__ == "__main__":
    unittest.main()
