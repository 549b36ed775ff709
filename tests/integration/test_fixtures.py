"""The integration-test fixtures themselves work: brokers start on free loopback ports, the TLS
material is right (good, wrong name, expired, unknown CA, client certs), persistence survives a
restart, and the helpers never hang. Checked with the mosquitto_pub/mosquitto_sub clients and raw
sockets, so this passes before any mqtk tool exists."""

import base64
import os
import socket
import stat
import struct
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import tools as tools_module

MQTT_311_CONNECT = bytes([
    0x10, 0x12,                          # fixed header: CONNECT, remaining length 18
    0x00, 0x04, *b"MQTT",                # protocol name
    0x04,                                # protocol level 4 (3.1.1)
    0x02,                                # flags: clean session
    0x00, 0x3C,                          # keepalive 60
    0x00, 0x06, *b"ws-raw",              # client id
])
CONNACK_ACCEPTED = bytes([0x20, 0x02, 0x00, 0x00])


def recv_until(sock, marker, limit=65536):
    data = b""
    while marker not in data and len(data) < limit:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def ws_upgrade(port, path="/mqtt", protocol="mqtt"):
    """Sends a raw WebSocket upgrade request; returns (connected socket, response head bytes)."""
    sock = socket.create_connection((t.LOOPBACK, port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
    if protocol:
        request += f"Sec-WebSocket-Protocol: {protocol}\r\n"
    sock.sendall((request + "\r\n").encode())
    head = recv_until(sock, b"\r\n\r\n")
    return sock, head


def ws_send_binary(sock, payload):
    mask = os.urandom(4)
    assert len(payload) < 126
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(bytes([0x82, 0x80 | len(payload)]) + mask + masked)


def ws_recv_binary(sock):
    """Reads one unmasked server frame (short payloads only); returns (opcode, payload)."""
    head = recv_exact(sock, 2)
    length = head[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", recv_exact(sock, 2))[0]
    return head[0] & 0x0F, recv_exact(sock, length)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def mqtt_connect_over_ws(port, path="/mqtt"):
    """MQTT 3.1.1 CONNECT in a WebSocket binary frame; returns the CONNACK bytes."""
    sock, head = ws_upgrade(port, path)
    with sock:
        if not head.startswith(b"HTTP/1.1 101"):
            raise AssertionError(f"no WebSocket upgrade: {head!r}")
        ws_send_binary(sock, MQTT_311_CONNECT)
        data = b""
        while len(data) < 4:
            opcode, payload = ws_recv_binary(sock)
            if opcode != 0x2:
                raise AssertionError(f"expected a binary frame, got opcode {opcode}")
            data += payload
        return data


def round_trip(broker, topic, payload, pub_args=(), sub_args=(), client_id=None):
    """mosquitto_sub (waits until the broker saw its SUBSCRIBE) then mosquitto_pub; returns what
    mosquitto_sub printed."""
    client_id = client_id or f"fx-sub-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    mark = broker.log_mark()
    with t.start_mosquitto_sub([*broker.client_args(), *sub_args, "-i", client_id, "-t", topic,
                                "-C", "1", "-W", "10"]) as sub:
        broker.wait_subscribed(client_id, start=mark)
        pub = t.mosquitto_pub([*broker.client_args(), *pub_args, "-t", topic, "-m", payload])
        if pub.status != 0:
            raise AssertionError(f"mosquitto_pub failed: {pub}")
        result = sub.wait(timeout=15)
    if result.status != 0:
        raise AssertionError(f"mosquitto_sub failed: {result}")
    return result.stdout


class HelpersTest(unittest.TestCase):
    def test_free_port_is_bindable_on_loopback(self):
        port = t.free_port()
        self.assertGreater(port, 1024)
        with socket.socket() as s:
            s.bind((t.LOOPBACK, port))

    def test_run_tool_passes_input_and_status(self):
        status, out, err = t.run_tool(["sh", "-c", "cat; echo oops >&2; exit 3"], input=b"abc\x00")
        self.assertEqual((status, out, err), (3, b"abc\x00", b"oops\n"))

    def test_run_tool_timeout_kills_and_fails(self):
        start = time.monotonic()
        with self.assertRaises(t.ToolTimeout) as caught:
            t.run_tool(["sh", "-c", "echo started; sleep 30"], timeout=0.5)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn("started", str(caught.exception))
        self.assertTrue(issubclass(t.ToolTimeout, AssertionError))  # a failure, not an error skip

    def test_tool_env_hides_user_settings(self):
        os.environ["MQTK_HOST"] = "example.invalid"
        try:
            env = t.tool_env({"MQTK_PORT": 1, "XDG_CONFIG_HOME": None})
        finally:
            del os.environ["MQTK_HOST"]
        self.assertNotIn("MQTK_HOST", env)
        self.assertEqual(env["MQTK_PORT"], "1")
        self.assertNotIn("XDG_CONFIG_HOME", env)
        self.assertEqual(os.listdir(t.tool_env()["XDG_CONFIG_HOME"]), [])

    def test_background_wait_for_output_and_stop(self):
        with t.start_tool(["sh", "-c", "echo ready; exec sleep 30"]) as bg:
            bg.wait_for_output("ready", timeout=5)
            result = bg.stop(timeout=5)
        self.assertEqual(result.status, -15)
        self.assertEqual(result.stdout, b"ready\n")

    def test_find_tool_searches_the_build_dir(self):
        with tempfile.TemporaryDirectory() as build:
            exe = os.path.join(build, "apps", "fake", "mqtk-fixture-fake")
            os.makedirs(os.path.dirname(exe))
            with open(exe, "w") as f:
                f.write("#!/bin/sh\necho fake \"$@\"\n")
            os.chmod(exe, 0o755)
            old = os.environ.get("MQTK_BUILD_DIR")
            os.environ["MQTK_BUILD_DIR"] = build
            try:
                self.assertEqual(t.find_tool("mqtk-fixture-fake"), exe)
                self.assertEqual(t.run_tool(["mqtk-fixture-fake", "x"]).stdout, b"fake x\n")
                with self.assertRaises(t.ToolNotFound):
                    t.find_tool("mqtk-fixture-missing")
            finally:
                tools_module._found.pop("mqtk-fixture-fake", None)
                if old is None:
                    del os.environ["MQTK_BUILD_DIR"]
                else:
                    os.environ["MQTK_BUILD_DIR"] = old


class MosquittoTest(unittest.TestCase):
    def test_plain_round_trip_311_and_5(self):
        broker = t.use_broker(self, t.Mosquitto())
        self.assertNotEqual(broker.port, 1883)
        self.assertEqual(round_trip(broker, "fx/plain", "hello"), b"hello\n")
        self.assertEqual(round_trip(broker, "fx/v5", "five", pub_args=["-V", "mqttv5"],
                                    sub_args=["-V", "mqttv5"]), b"five\n")

    def test_listens_on_loopback_only(self):
        broker = t.use_broker(self, t.Mosquitto(websockets=True))
        for port in (broker.port, broker.ws_port):
            with open("/proc/net/tcp") as f:
                rows = [line.split() for line in f.readlines()[1:]]
            local = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == port]
            self.assertEqual(local, [f"0100007F:{port:04X}"], f"port {port}")

    def test_stop_ends_the_process_and_restart_reuses_the_port(self):
        broker = t.use_broker(self, t.Mosquitto())
        port, pid = broker.port, broker.proc.pid
        broker.stop()
        self.assertFalse(broker.running())
        self.assertFalse(t.port_accepts(port))
        broker.start()
        self.assertEqual(broker.port, port)
        self.assertNotEqual(broker.proc.pid, pid)
        self.assertEqual(round_trip(broker, "fx/again", "back"), b"back\n")

    def test_bad_config_fails_with_the_log(self):
        broker = t.Mosquitto(extra_config=["no_such_option 1"])
        with self.assertRaises(t.BrokerError) as caught:
            with broker:
                pass
        self.assertIn("no_such_option", str(caught.exception))
        self.assertFalse(os.path.exists(broker.workdir))

    def test_persistence_keeps_retained_messages_across_restart(self):
        broker = t.use_broker(self, t.Mosquitto(persistence=True))
        pub = t.mosquitto_pub([*broker.client_args(), "-t", "fx/kept", "-m", "stored", "-r", "-q", "1"])
        self.assertEqual(pub.status, 0, pub)
        broker.restart()
        self.assertTrue(os.path.exists(os.path.join(broker.persistence_dir, "mosquitto.db")))
        sub = t.mosquitto_sub([*broker.client_args(), "-t", "fx/kept", "-C", "1", "-W", "5"])
        self.assertEqual((sub.status, sub.stdout), (0, b"stored\n"), sub)

    def test_without_persistence_restart_forgets_retained_messages(self):
        broker = t.use_broker(self, t.Mosquitto())
        pub = t.mosquitto_pub([*broker.client_args(), "-t", "fx/lost", "-m", "gone", "-r", "-q", "1"])
        self.assertEqual(pub.status, 0, pub)
        broker.restart()
        sub = t.mosquitto_sub([*broker.client_args(), "-t", "fx/lost", "-C", "1", "-W", "2"])
        self.assertEqual(sub.stdout, b"")
        self.assertEqual(sub.status, 27, sub)  # mosquitto_sub: -W timeout reached

    def test_unix_socket_listener(self):
        broker = t.use_broker(self, t.Mosquitto(unix_socket=True))
        self.assertTrue(stat.S_ISSOCK(os.stat(broker.unix_path).st_mode))
        pub = t.mosquitto_pub(["--unix", broker.unix_path, "-t", "fx/unix", "-m", "via-unix", "-r"])
        self.assertEqual(pub.status, 0, pub)
        sub = t.mosquitto_sub([*broker.client_args(), "-t", "fx/unix", "-C", "1", "-W", "5"])
        self.assertEqual(sub.stdout, b"via-unix\n", sub)
        self.assertEqual(broker.url("unix"), f"unix://{broker.unix_path}")

    def test_websocket_listener_speaks_mqtt(self):
        self.assertTrue(t.mosquitto_supports_websockets(), "mosquitto lacks WebSocket support")
        broker = t.use_broker(self, t.Mosquitto(websockets=True))
        sock, head = ws_upgrade(broker.ws_port)
        sock.close()
        self.assertTrue(head.startswith(b"HTTP/1.1 101"), head)
        self.assertIn(b"sec-websocket-protocol: mqtt", head.lower())
        self.assertEqual(mqtt_connect_over_ws(broker.ws_port), CONNACK_ACCEPTED)

    def test_password_file(self):
        broker = t.use_broker(self, t.Mosquitto(allow_anonymous=False, users={"alice": "s3cret"}))
        args = [*broker.client_args(), "-t", "fx/auth", "-m", "x"]
        self.assertEqual(t.mosquitto_pub([*args, "-u", "alice", "-P", "s3cret"]).status, 0)
        refused = t.mosquitto_pub([*args, "-u", "alice", "-P", "wrong"])
        self.assertNotEqual(refused.status, 0)
        self.assertIn(b"not authorised", refused.stderr.lower().replace(b"authorized", b"authorised"))
        self.assertNotEqual(t.mosquitto_pub(args).status, 0)

    def test_acl_file_limits_topics(self):
        broker = t.use_broker(self, t.Mosquitto(acl="topic readwrite allowed/#\n"))
        for topic in ("allowed/a", "denied/a"):
            self.assertEqual(t.mosquitto_pub([*broker.client_args(), "-t", topic, "-m", topic,
                                              "-r", "-q", "1"]).status, 0)
        sub = t.mosquitto_sub([*broker.client_args(), "-t", "#", "-v", "--retained-only", "-W", "2"])
        self.assertEqual(sub.stdout, b"allowed/a allowed/a\n", sub)

    def test_extra_config_lines_apply(self):
        broker = t.use_broker(self, t.Mosquitto(extra_config=["retain_available false"]))
        r = t.mosquitto_pub([*broker.client_args(), "-t", "fx/r", "-m", "x", "-r", "-q", "1"])
        self.assertNotEqual(r.status, 0, r)  # the broker drops a client that publishes retained
        self.assertEqual(t.mosquitto_pub([*broker.client_args(), "-t", "fx/r", "-m", "x"]).status, 0)

    def test_listener_config_lines_apply_to_the_tcp_listener(self):
        broker = t.use_broker(self, t.Mosquitto(unix_socket=True, listener_config=["mount_point mnt/"]))
        r = t.mosquitto_pub([*broker.client_args(), "-t", "fx/m", "-m", "mounted", "-r"])
        self.assertEqual(r.status, 0, r)
        sub = t.mosquitto_sub(["--unix", broker.unix_path, "-t", "#", "-v", "-C", "1", "-W", "5"])
        self.assertEqual(sub.stdout, b"mnt/fx/m mounted\n", sub)


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="mqtk-tls-")
        cls.tls = t.tls_material(cls.dir.name)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def pub(self, broker, *args, host="localhost"):
        return t.mosquitto_pub(["-h", host, "-p", str(broker.tls_port), "-t", "fx/tls", "-m", "x",
                                *args])

    def test_material_is_complete_and_reused(self):
        for field in ("ca_cert", "server_key", "expired_cert", "other_ca_cert", "client_cert"):
            with open(getattr(self.tls, field)) as f:
                self.assertIn("-----BEGIN", f.read())
        self.assertEqual(os.stat(self.tls.server_key).st_mode & 0o077, 0)
        again = t.tls_material(self.dir.name)
        self.assertEqual(again, self.tls)
        with open(again.ca_cert) as a, open(self.tls.ca_cert) as b:
            self.assertEqual(a.read(), b.read())

    def test_openssl_agrees_on_each_certificate(self):
        verdicts = {}
        for name in ("server", "wrong_name", "expired", "untrusted_server", "client"):
            r = t.run_tool(["openssl", "verify", "-CAfile", self.tls.ca_cert,
                            getattr(self.tls, f"{name}_cert")])
            verdicts[name] = (r.status == 0, b"expired" in r.stdout + r.stderr)
        self.assertEqual(verdicts, {"server": (True, False), "wrong_name": (True, False),
                                    "expired": (False, True), "untrusted_server": (False, False),
                                    "client": (True, False)})
        r = t.run_tool(["openssl", "verify", "-CAfile", self.tls.other_ca_cert,
                        self.tls.untrusted_server_cert])
        self.assertEqual(r.status, 0, r)

    def test_good_server_cert_verifies_by_name_and_ip(self):
        broker = t.use_broker(self, t.Mosquitto(tls=self.tls.listener()))
        self.assertEqual(self.pub(broker, "--cafile", self.tls.ca_cert).status, 0)
        self.assertEqual(self.pub(broker, "--cafile", self.tls.ca_cert, host="127.0.0.1").status, 0)
        self.assertNotEqual(self.pub(broker, "--cafile", self.tls.other_ca_cert).status, 0)
        self.assertEqual(broker.url("mqtts"), f"mqtts://127.0.0.1:{broker.tls_port}")

    def test_wrong_name_fails_unless_insecure(self):
        broker = t.use_broker(self, t.Mosquitto(tls=self.tls.listener("wrong_name")))
        self.assertNotEqual(self.pub(broker, "--cafile", self.tls.ca_cert).status, 0)
        self.assertEqual(self.pub(broker, "--cafile", self.tls.ca_cert, "--insecure").status, 0)

    def test_expired_and_unknown_ca_fail(self):
        for server in ("expired", "untrusted_server"):
            with self.subTest(server=server):
                with t.Mosquitto(tls=self.tls.listener(server)) as broker:
                    r = self.pub(broker, "--cafile", self.tls.ca_cert)
                    self.assertNotEqual(r.status, 0, r)
                    self.assertIn(b"TLS", r.stderr)

    def test_client_certificate_required(self):
        broker = t.use_broker(self, t.Mosquitto(tls=self.tls.listener(require_certificate=True)))
        ca = ["--cafile", self.tls.ca_cert]
        self.assertEqual(self.pub(broker, *ca, "--cert", self.tls.client_cert,
                                  "--key", self.tls.client_key).status, 0)
        self.assertNotEqual(self.pub(broker, *ca).status, 0)
        self.assertNotEqual(self.pub(broker, *ca, "--cert", self.tls.untrusted_client_cert,
                                     "--key", self.tls.untrusted_client_key).status, 0)

    def test_tls_round_trip_and_wss_listener(self):
        broker = t.use_broker(self, t.Mosquitto(tls=self.tls.listener(), wss=self.tls.listener()))
        tls_args = ["-p", str(broker.tls_port), "--cafile", self.tls.ca_cert]
        client_id = "fx-tls-sub"
        with t.start_mosquitto_sub(["-h", "localhost", *tls_args, "-i", client_id, "-t", "fx/tls",
                                    "-C", "1", "-W", "10"]) as sub:
            broker.wait_subscribed(client_id)
            self.assertEqual(self.pub(broker, "--cafile", self.tls.ca_cert).status, 0)
            self.assertEqual(sub.wait(15).stdout, b"x\n")
        self.assertTrue(t.port_accepts(broker.wss_port))
        r = t.run_tool(["openssl", "s_client", "-connect", f"127.0.0.1:{broker.wss_port}",
                        "-CAfile", self.tls.ca_cert, "-verify_return_error", "-brief"],
                       input=b"", timeout=15)
        self.assertIn(b"Verification: OK", r.stdout + r.stderr, r)


class AedesTest(unittest.TestCase):
    def test_tcp_round_trip(self):
        broker = t.use_broker(self, t.Aedes())
        self.assertEqual(round_trip(broker, "fx/aedes", "hi aedes", pub_args=["-V", "mqttv311"],
                                    sub_args=["-V", "mqttv311"]), b"hi aedes\n")
        retained = t.mosquitto_pub([*broker.client_args(), "-t", "fx/r", "-m", "kept", "-r", "-q", "1"])
        self.assertEqual(retained.status, 0, retained)
        sub = t.mosquitto_sub([*broker.client_args(), "-t", "fx/r", "-C", "1", "-W", "5"])
        self.assertEqual(sub.stdout, b"kept\n", sub)

    def test_refuses_mqtt5(self):
        broker = t.use_broker(self, t.Aedes(websockets=False))
        self.assertIsNone(broker.ws_port)
        r = t.mosquitto_pub([*broker.client_args(), "-V", "mqttv5", "-t", "x", "-m", "x"])
        self.assertNotEqual(r.status, 0, r)
        self.assertEqual(t.mosquitto_pub([*broker.client_args(), "-t", "x", "-m", "x"]).status, 0)

    def test_auth(self):
        broker = t.use_broker(self, t.Aedes(auth="bob:pw"))
        args = [*broker.client_args(), "-t", "x", "-m", "x"]
        self.assertEqual(t.mosquitto_pub([*args, "-u", "bob", "-P", "pw"]).status, 0)
        self.assertNotEqual(t.mosquitto_pub([*args, "-u", "bob", "-P", "no"]).status, 0)
        self.assertNotEqual(t.mosquitto_pub(args).status, 0)

    def test_websocket_upgrade_and_mqtt(self):
        broker = t.use_broker(self, t.Aedes())
        for path in ("/", "/mqtt"):
            with self.subTest(path=path):
                sock, head = ws_upgrade(broker.ws_port, path)
                sock.close()
                self.assertTrue(head.startswith(b"HTTP/1.1 101"), head)
                self.assertIn(b"sec-websocket-protocol: mqtt", head.lower())
                self.assertEqual(mqtt_connect_over_ws(broker.ws_port, path), CONNACK_ACCEPTED)
        sock, head = ws_upgrade(broker.ws_port, "/elsewhere")
        sock.close()
        self.assertTrue(head.startswith(b"HTTP/1.1 404"), head)

    def test_restart_and_stop(self):
        broker = t.use_broker(self, t.Aedes())
        port = broker.port
        broker.restart()
        self.assertEqual(broker.port, port)
        self.assertEqual(t.mosquitto_pub([*broker.client_args(), "-t", "x", "-m", "x"]).status, 0)
        self.assertEqual(broker.stop(), 0)  # broker.js exits 0 on SIGTERM
        self.assertFalse(t.port_accepts(port))


if __name__ == "__main__":
    unittest.main()
