"""Transports, connection settings and errors through mqtk-pub (the shared client of every tool):
TCP 3.1.1/5.0, TLS checks, Unix socket, WebSocket, the 5.0 -> 3.1.1 fallback, settings sources."""

import os
import tempfile
import unittest

import mqtk_testlib as t


def pub(*args, env=None, timeout=30):
    return t.run_tool(["mqtk-pub", *args], env=env, timeout=timeout)


class Tcp(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())

    def test_versions(self):
        for version, level in (("5", "p5"), ("311", "p2"), ("31", "p1")):  # mosquitto's log names
            with self.subTest(version=version):
                mark = self.broker.log_mark()
                r = pub(*self.broker.client_args(), "-V", version, "-t", "v", "-m", "x", "-q", "1")
                self.assertEqual(r.status, 0, r.stderr)
                self.broker.wait_log(rf"New client connected .* \({level}, ", start=mark)

    def test_url_and_environment(self):
        r = pub("-L", f"mqtt://127.0.0.1:{self.broker.port}", "-t", "u", "-m", "x")
        self.assertEqual(r.status, 0, r.stderr)
        r = pub("-t", "u", "-m", "x", env={"MQTK_URL": f"mqtt://127.0.0.1:{self.broker.port}"})
        self.assertEqual(r.status, 0, r.stderr)
        r = pub("-t", "u", "-m", "x", env={"MQTK_HOST": "127.0.0.1", "MQTK_PORT": str(self.broker.port)})
        self.assertEqual(r.status, 0, r.stderr)

    def test_profile(self):
        with tempfile.TemporaryDirectory() as home:
            os.makedirs(os.path.join(home, "mqtk"))
            path = os.path.join(home, "mqtk", "lab.conf")
            with open(path, "w") as f:
                f.write(f"# test profile\nhost = 127.0.0.1\nport = {self.broker.port}\n")
            r = pub("--profile", "lab", "-t", "u", "-m", "x", env={"XDG_CONFIG_HOME": home})
            self.assertEqual(r.status, 0, r.stderr)
            with open(path, "a") as f:
                f.write("password = secret\n")
            os.chmod(path, 0o644)
            r = pub("--profile", "lab", "-t", "u", "-m", "x", env={"XDG_CONFIG_HOME": home})
            self.assertEqual(r.status, 2, r.stderr)
            self.assertIn(b"others can read it", r.stderr)

    def test_connection_refused_is_exit_3(self):
        r = pub("-h", "127.0.0.1", "-p", str(t.free_port()), "-t", "u", "-m", "x")
        self.assertEqual(r.status, 3, r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)

    def test_debug_never_shows_the_password(self):
        broker = t.use_broker(self, t.Mosquitto(allow_anonymous=False, users={"alice": "s3cret-pw"}))
        r = pub(*broker.client_args(), "-u", "alice", "-P", "s3cret-pw", "-t", "u", "-m", "x", "-d")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(b"password=****", r.stderr)
        self.assertNotIn(b"s3cret-pw", r.stderr + r.stdout)
        bad = pub(*broker.client_args(), "-u", "alice", "-P", "wrong", "-t", "u", "-m", "x")
        self.assertEqual(bad.status, 5, bad.stderr)
        self.assertRegex(bad.stderr, rb"refused the connection: (Bad user name or password|Not authorized)")

    def test_password_file(self):
        broker = t.use_broker(self, t.Mosquitto(allow_anonymous=False, users={"bob": "pw-from-file"}))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "pw")
            with open(path, "w") as f:
                f.write("pw-from-file\n")
            os.chmod(path, 0o600)
            r = pub(*broker.client_args(), "-u", "bob", "--password-file", path, "-t", "u", "-m", "x")
            self.assertEqual(r.status, 0, r.stderr)
            os.chmod(path, 0o644)
            r = pub(*broker.client_args(), "-u", "bob", "--password-file", path, "-t", "u", "-m", "x")
            self.assertEqual(r.status, 2, r.stderr)
            self.assertIn(b"can be read by others", r.stderr)


class BadSettings(unittest.TestCase):
    def test_bad_settings_are_usage_errors_and_nothing_connects(self):
        broker = t.use_broker(self, t.Mosquitto())
        mark = broker.log_mark()
        cases = [
            ["-h", "127.0.0.1", "-p", "70000"],
            ["-L", "http://127.0.0.1:1"],
            [*broker.client_args(), "--insecure"],
            [*broker.client_args(), "-V", "4"],
            [*broker.client_args(), "-k", "70000"],
            ["-L", f"mqtt://127.0.0.1:{broker.port}", "-h", "127.0.0.1"],
        ]
        for args in cases:
            with self.subTest(args=args):
                r = pub(*args, "-t", "u", "-m", "x")
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        self.assertNotIn("New client connected", broker.log_text()[mark:])


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.tls = t.tls_material(cls.dir.name)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def broker(self, server="server", require_certificate=False):
        return t.use_broker(self, t.Mosquitto(tls=self.tls.listener(server, require_certificate)))

    def pub_tls(self, broker, *args, host="localhost"):
        return pub("-L", f"mqtts://{host}:{broker.tls_port}", "-t", "tls", "-m", "x", "-q", "1", *args)

    def test_valid_certificate_connects(self):
        b = self.broker()
        r = self.pub_tls(b, "--cafile", self.tls.ca_cert)
        self.assertEqual(r.status, 0, r.stderr)
        r = self.pub_tls(b, "--cafile", self.tls.ca_cert, host="127.0.0.1")  # IP address in the SAN
        self.assertEqual(r.status, 0, r.stderr)

    def test_wrong_name_unknown_ca_and_expired_are_refused_with_exit_4(self):
        for server, cafile, words in (("wrong_name", self.tls.ca_cert, b"name"),
                                      ("server", self.tls.other_ca_cert, b"unknown ca"),
                                      ("expired", self.tls.ca_cert, b"expired")):
            with self.subTest(server=server):
                b = self.broker(server)
                r = self.pub_tls(b, "--cafile", cafile)
                self.assertEqual(r.status, 4, r.stderr)
                self.assertIn(words, r.stderr.lower())
                self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)

    def test_insecure_connects_with_a_warning(self):
        b = self.broker("wrong_name")
        r = self.pub_tls(b, "--insecure")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(b"warning", r.stderr)

    def test_client_certificates(self):
        b = self.broker(require_certificate=True)
        r = self.pub_tls(b, "--cafile", self.tls.ca_cert, "--cert", self.tls.client_cert, "--key", self.tls.client_key)
        self.assertEqual(r.status, 0, r.stderr)
        r = self.pub_tls(b, "--cafile", self.tls.ca_cert)
        self.assertEqual(r.status, 4, r.stderr)  # refused right after the TLS 1.3 handshake: still a TLS failure


class UnixSocket(unittest.TestCase):
    def test_unix_url_and_flag(self):
        b = t.use_broker(self, t.Mosquitto(unix_socket=True))
        r = pub("-L", b.url("unix"), "-t", "u", "-m", "x", "-q", "1")
        self.assertEqual(r.status, 0, r.stderr)
        r = pub("--unix", b.unix_path, "-t", "u", "-m", "x", "-q", "1")
        self.assertEqual(r.status, 0, r.stderr)


class AedesBroker(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Aedes())

    def test_fallback_from_5_to_311(self):
        r = pub(*self.broker.client_args(), "-t", "f", "-m", "x", "-q", "1", "-d")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(b"retrying with MQTT 3.1.1", r.stderr)
        pinned = pub(*self.broker.client_args(), "-V", "5", "-t", "f", "-m", "x")
        self.assertEqual(pinned.status, 5, pinned.stderr)

    def test_websocket(self):
        sub = t.start_mosquitto_sub([*self.broker.client_args(), "-t", "ws/x", "-C", "1"])
        self.addCleanup(sub.kill)
        import time
        time.sleep(0.5)
        r = pub("-L", f"ws://127.0.0.1:{self.broker.ws_port}/mqtt", "-t", "ws/x", "-m", "over websocket", "-q", "1")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(sub.wait(10).stdout, b"over websocket\n")


if __name__ == "__main__":
    unittest.main()
