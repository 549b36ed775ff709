"""Large messages over WebSocket (ws:// and wss://) against mosquitto's websockets listeners, both
ways: mqtk-sub receives and mqtk-pub sends 1 MB and 10 MB exactly as over TCP (issue 10, item 5:
messages of 128 KiB and more never arrived over ws)."""

import os
import tempfile
import unittest

import mqtk_testlib as t
from sub_helpers import unique_id

MB = 1024 * 1024


class WebSocketLarge(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.tls = t.tls_material(os.path.join(cls.dir.name, "tls"))
        cls.broker = t.Mosquitto(websockets=True, wss=cls.tls.listener())
        cls.broker.start()
        cls.payloads = {}

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()
        cls.dir.cleanup()

    def payload_file(self, size):
        """A file of size random bytes (made once per size); returns (path, bytes)."""
        if size not in self.payloads:
            data = os.urandom(size)
            path = os.path.join(self.dir.name, f"payload-{size}")
            with open(path, "wb") as f:
                f.write(data)
            self.payloads[size] = (path, data)
        return self.payloads[size]

    def url_args(self, scheme):
        args = ["-L", self.broker.url(scheme) + "/mqtt"]
        if scheme == "wss":
            args += ["--cafile", self.tls.ca_cert]
        return args

    def receive_over(self, scheme, size):
        """mqtk-sub over scheme gets a size-byte message that mosquitto_pub sent over TCP."""
        path, data = self.payload_file(size)
        client_id = unique_id("ws-large")
        topic = f"large/{client_id}"
        mark = self.broker.log_mark()
        with t.start_tool(["mqtk-sub", *self.url_args(scheme), "-i", client_id, "-t", topic, "-q", "1",
                           "-C", "1", "-N", "-W", "20"]) as sub:
            self.broker.wait_subscribed(client_id, start=mark)
            r = t.mosquitto_pub([*self.broker.client_args(), "-t", topic, "-q", "1", "-f", path], timeout=20)
            self.assertEqual(r.status, 0, r)
            r = sub.wait(25)
        self.assertEqual((r.status, r.stderr), (0, b""), r.stderr)
        self.assertEqual(len(r.stdout), size)
        self.assertTrue(r.stdout == data, "the payload arrived changed")

    def send_over(self, scheme, size):
        """mqtk-pub over scheme sends a size-byte message that mqtk-sub receives over TCP."""
        path, data = self.payload_file(size)
        client_id = unique_id("ws-large-sub")
        topic = f"large/{client_id}"
        mark = self.broker.log_mark()
        with t.start_tool(["mqtk-sub", *self.broker.client_args(), "-i", client_id, "-t", topic, "-q", "1",
                           "-C", "1", "-N", "-W", "20"]) as sub:
            self.broker.wait_subscribed(client_id, start=mark)
            r = t.run_tool(["mqtk-pub", *self.url_args(scheme), "-t", topic, "-q", "1", "-f", path], timeout=20)
            self.assertEqual((r.status, r.stderr), (0, b""), r)
            r = sub.wait(25)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertTrue(r.stdout == data, f"{len(r.stdout)} bytes arrived instead of {size}")

    def test_ws_receives_140_kb(self):
        self.receive_over("ws", 140_000)

    def test_ws_receives_1_mb(self):
        self.receive_over("ws", MB)

    def test_ws_receives_10_mb(self):
        self.receive_over("ws", 10 * MB)

    def test_wss_receives_1_mb(self):
        self.receive_over("wss", MB)

    def test_wss_receives_10_mb(self):
        self.receive_over("wss", 10 * MB)

    def test_ws_sends_10_mb(self):
        self.send_over("ws", 10 * MB)

    def test_wss_sends_1_mb(self):
        self.send_over("wss", MB)


if __name__ == "__main__":
    unittest.main()
