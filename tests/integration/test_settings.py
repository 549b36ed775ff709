"""Settings from flags, environment and profiles (issue 10 item 12 and the profile rough edges):
per-field precedence, profile comments, keys and warnings, clear usage errors, client certificates
in one PEM, and the completions that help with them."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import mqtk_testlib as t


class SettingsTestCase(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())
        self.home = tempfile.mkdtemp(prefix="mqtk-settings-")
        self.addCleanup(shutil.rmtree, self.home, True)
        os.makedirs(os.path.join(self.home, "mqtk"))

    def profile(self, name, text, mode=0o600):
        path = os.path.join(self.home, "mqtk", f"{name}.conf")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def pub(self, *args, env=None, tool="mqtk-pub"):
        return t.run_tool([tool, "-d", "--connect-timeout", "3", *args],
                          env={"XDG_CONFIG_HOME": self.home, **(env or {})}, timeout=15)

    def assert_connected_to(self, r, url):
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(f"connecting to {url}".encode(), r.stderr)


class PerFieldPrecedence(SettingsTestCase):
    def test_h_keeps_the_port_of_mqtk_url(self):
        port = self.broker.port
        r = self.pub("-h", "127.0.0.1", "-t", "s", "-m", "x", env={"MQTK_URL": f"mqtt://127.0.0.1:{port}"})
        self.assert_connected_to(r, f"mqtt://127.0.0.1:{port}")

    def test_p_keeps_the_host_of_mqtk_url(self):
        port = self.broker.port
        r = self.pub("-p", str(port), "-t", "s", "-m", "x", env={"MQTK_URL": "mqtt://127.0.0.1:1"})
        self.assert_connected_to(r, f"mqtt://127.0.0.1:{port}")

    def test_p_keeps_the_host_of_a_profile_url(self):
        self.profile("default", "url = mqtt://127.0.0.1:1\n")
        port = self.broker.port
        r = self.pub("-p", str(port), "-t", "s", "-m", "x")
        self.assert_connected_to(r, f"mqtt://127.0.0.1:{port}")
        r = self.pub("-t", "s", "-m", "x", env={"MQTK_PORT": str(port)})
        self.assert_connected_to(r, f"mqtt://127.0.0.1:{port}")

    def test_mqtk_url_beats_the_profile_host(self):
        self.profile("default", "host = 192.0.2.1\nport = 1\n")
        r = self.pub("-t", "s", "-m", "x", env={"MQTK_URL": f"mqtt://127.0.0.1:{self.broker.port}"})
        self.assert_connected_to(r, f"mqtt://127.0.0.1:{self.broker.port}")

    def test_every_tool_resolves_the_same_way(self):
        port = self.broker.port
        env = {"MQTK_URL": "mqtt://127.0.0.1:1"}
        for tool, args in (("mqtk-sub", ["-t", "s", "-E"]), ("mqtk-retain-clear", ["-t", "s/#", "-n"])):
            with self.subTest(tool=tool):
                r = self.pub("-p", str(port), *args, env=env, tool=tool)
                self.assert_connected_to(r, f"mqtt://127.0.0.1:{port}")


class UsageErrors(SettingsTestCase):
    def check(self, args, message, env=None):
        mark = self.broker.log_mark()
        r = self.pub(*args, env=env)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertEqual(r.stderr.decode(), f"mqtk-pub: {message}\n")
        self.assertNotIn("New client connected", self.broker.log_text()[mark:])

    def test_will_payload_past_the_two_byte_length_is_refused_before_connecting(self):
        # it used to be dropped silently with the CONNECT: "no CONNACK within the connect timeout"
        self.check(["-t", "s", "-m", "x", "--will-topic", "w", "--will-payload", "x" * 65536],
                   "--will-payload is 65536 bytes; MQTT allows at most 65,535")

    def test_bad_port_names_its_source(self):
        self.check(["-t", "s", "-m", "x"], "MQTK_PORT 'abc' is not a port number (1-65535)", env={"MQTK_PORT": "abc"})
        path = self.profile("p", "port = 99999\n")
        self.check(["--profile", "p", "-t", "s", "-m", "x"],
                   f"profile {path}: port '99999' is not a port number (1-65535)")
        self.check(["-h", "127.0.0.1", "-p", "70000", "-t", "s", "-m", "x"],
                   "-p/--port '70000' is not a port number (1-65535)")

    def test_conflicting_and_tls_flags(self):
        self.check(["-L", "mqtt://127.0.0.1:1", "-p", "2", "-t", "s", "-m", "x"],
                   "give only one of -L/--url, -h/-p and --unix")
        self.check([*self.broker.client_args(), "--insecure", "-t", "s", "-m", "x"],
                   "--insecure needs a TLS connection: give an mqtts:// or wss:// URL with -L, or --cafile, "
                   "--capath or --cert (which make -h/-p use TLS)")
        self.check(["-L", self.broker.url(), "--tls-version", "tlsv1.3", "-t", "s", "-m", "x"],
                   "--tls-version needs a TLS connection, but the URL of -L/--url is mqtt://; use mqtts:// or wss://")
        self.check(["-t", "s", "-m", "x", "--sni", "x"],
                   "--sni needs a TLS connection, but the URL of MQTK_URL is mqtt://; use mqtts:// or wss://",
                   env={"MQTK_URL": self.broker.url()})

    def test_host_on_a_unix_url(self):
        self.check(["-h", "127.0.0.1", "-t", "s", "-m", "x"],
                   "-h/--host cannot apply to the unix:// URL of MQTK_URL; give a whole URL with -L instead",
                   env={"MQTK_URL": "unix:///tmp/none.sock"})


class Profiles(SettingsTestCase):
    def test_comments_after_values_and_unknown_keys(self):
        path = self.profile("lab", f"host = 127.0.0.1   # the lab broker\nport = {self.broker.port} # plain\n"
                                   "colour = blue\n")
        r = self.pub("--profile", "lab", "-t", "s", "-m", "x")
        self.assert_connected_to(r, f"mqtt://127.0.0.1:{self.broker.port}")
        self.assertIn(f"mqtk-pub: warning: profile {path} line 3: unknown key 'colour' ignored\n".encode(), r.stderr)

    def test_qos_and_protocol_version_from_the_profile(self):
        self.profile("q", f"url = {self.broker.url()}\nqos = 1\nprotocol_version = 311\n")
        r = t.run_tool(["mqtk-pub", "--profile", "q", "-t", "s", "-m", "x", "--json"],
                       env={"XDG_CONFIG_HOME": self.home}, timeout=15)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(b'"qos":1', r.stdout)
        self.assertIn(b'"acknowledged":true', r.stdout)
        r = t.run_tool(["mqtk-pub", "--profile", "q", "-t", "s", "-m", "x", "-q", "0", "--json"],
                       env={"XDG_CONFIG_HOME": self.home}, timeout=15)
        self.assertIn(b'"qos":0', r.stdout, "-q beats the profile")
        r = t.run_tool(["mqtk-pub", "--profile", "q", "-t", "s", "-m", "x", "--content-type", "a/b"],
                       env={"XDG_CONFIG_HOME": self.home}, timeout=15)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertIn(b"need -V 5", r.stderr)  # the profile pinned 3.1.1

    def test_bad_qos_in_the_profile(self):
        path = self.profile("q", "qos = 3\n")
        r = self.pub("--profile", "q", "-t", "s", "-m", "x")
        self.assertEqual(r.status, 2, r.stderr)
        self.assertEqual(r.stderr.decode(), f"mqtk-pub: profile {path}: qos '3' is not 0, 1 or 2\n")

    def test_sub_takes_the_profile_qos(self):
        self.profile("q", f"url = {self.broker.url()}\nqos = 1\n")
        r = t.run_tool(["mqtk-sub", "--profile", "q", "-t", "s", "-E", "-d"],
                       env={"XDG_CONFIG_HOME": self.home}, timeout=15)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(b"-> SUBSCRIBE id=1 's' q1", r.stderr)


class ClientCertificateInOnePem(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.tls = t.tls_material(cls.dir.name)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_cert_without_key(self):
        b = t.use_broker(self, t.Mosquitto(tls=self.tls.listener("server", True)))
        both = os.path.join(self.dir.name, "client-both.pem")
        with open(both, "w") as out:
            for part in (self.tls.client_cert, self.tls.client_key):
                with open(part) as f:
                    out.write(f.read())
        os.chmod(both, 0o600)
        base = ["mqtk-pub", "-L", f"mqtts://localhost:{b.tls_port}", "--cafile", self.tls.ca_cert, "-t", "c",
                "-m", "x", "-q", "1"]
        r = t.run_tool([*base, "--cert", both], timeout=15)
        self.assertEqual(r.status, 0, r.stderr)
        r = t.run_tool([*base, "--cert", self.tls.client_cert], timeout=15)
        self.assertNotEqual(r.status, 0)
        self.assertIn(f"certificate '{self.tls.client_cert}' holds no private key: give the key with --key".encode(),
                      r.stderr)


class Completions(unittest.TestCase):
    TOOLS = ("pub", "sub", "retain-clear", "will-test", "bench", "rr")

    def test_bash_completes_profile_names(self):
        if shutil.which("bash") is None:
            self.fail("bash is needed")
        with tempfile.TemporaryDirectory() as home:
            os.makedirs(os.path.join(home, "mqtk"))
            for name in ("lab", "prod"):
                open(os.path.join(home, "mqtk", f"{name}.conf"), "w").close()
            for tool in self.TOOLS:
                with self.subTest(tool=tool):
                    script = (f"source {t.REPO_ROOT}/completions/bash/mqtk-{tool}\n"
                              f"COMP_WORDS=(mqtk-{tool} --profile ''); COMP_CWORD=2\n"
                              f"_mqtk_{tool.replace('-', '_')}\n"
                              "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
                    r = subprocess.run(["bash", "-c", script], capture_output=True, timeout=10,
                                       env={**os.environ, "XDG_CONFIG_HOME": home})
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(sorted(r.stdout.decode().split()), ["lab", "prod"])

    def test_fish_options_with_values_use_x_unless_they_take_files(self):
        for tool in self.TOOLS:
            path = t.REPO_ROOT / "completions" / "fish" / f"mqtk-{tool}.fish"
            for line in path.read_text().splitlines():
                if re.search(r"\s-r(\s|$)", line):
                    with self.subTest(tool=tool, line=line):
                        self.assertIn(" -F", line, "-r without -F offers file names for a non-file value")


if __name__ == "__main__":
    unittest.main()
