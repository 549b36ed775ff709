"""--proxy, --no-proxy, --proxy-password-file and the *_PROXY environment (issue 13) through
mqtk-pub (the connection layer every tool shares): mosquitto over TCP, TLS, WebSocket and secure
WebSocket behind dante (SOCKS5) and tinyproxy (HTTP CONNECT) started on loopback, and the failures
each proxy can give, exit 3 with the proxy's own words. ScriptedSocks5 stands in for dante where a
user must log in (dante's username method checks the machine's own accounts; see proxies.py)."""

import os
import re
import tempfile
import time
import unittest

import mqtk_testlib as t

USER, PASSWORD = "alice", "s3cret"


def pub(*args, env=None, timeout=20):
    return t.run_tool(["mqtk-pub", *args, "-t", "proxy/test", "-m", "x", "-q", "1"], env=env, timeout=timeout)


class Proxies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="mqtk-proxy-")
        cls.tls = t.tls_material(cls.dir.name)
        cls.started = []
        try:
            cls.broker = cls.start(t.Mosquitto(tls=cls.tls.listener(), websockets=True, wss=cls.tls.listener()))
            b = cls.broker
            cls.socks = cls.start(t.Danted())
            cls.socks_user = cls.start(t.Danted(method="username"))
            cls.http = cls.start(t.Tinyproxy([b.port, b.tls_port, b.ws_port, b.wss_port], basic_auth=(USER, PASSWORD)))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start(cls, process):
        process.__enter__()
        cls.started.append(process)
        return process

    @classmethod
    def tearDownClass(cls):
        for process in reversed(cls.started):
            process.__exit__(None, None, None)
        cls.dir.cleanup()

    def url(self, scheme, host="127.0.0.1"):
        port = {"mqtt": self.broker.port, "mqtts": self.broker.tls_port, "ws": self.broker.ws_port,
                "wss": self.broker.wss_port}[scheme]
        return f"{scheme}://{host}:{port}"

    def tls_args(self):
        return ["--cafile", self.tls.ca_cert]

    def assert_ok(self, r, debug_line=None):
        self.assertEqual(r.status, 0, r.stderr)
        if debug_line:
            self.assertIn(debug_line.encode(), r.stderr)

    def assert_exit_3(self, r, *needles):
        self.assertEqual(r.status, 3, r.stderr)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        for needle in needles:
            self.assertIn(needle, lines[0])

    def assert_proxy_carried(self, proxy, mark, port):
        proxy.wait_log(rf"\b{port}\b", timeout=5, start=mark)

    # --- through the real proxies -------------------------------------------------------------
    def test_socks5_over_tcp_tls_and_websockets(self):
        for scheme, extra in (("mqtt", []), ("mqtts", self.tls_args()), ("ws", []), ("wss", self.tls_args())):
            with self.subTest(scheme=scheme):
                mark = self.socks.log_mark()
                r = pub("-L", self.url(scheme, "localhost"), *extra, "--proxy", self.socks.url("socks5"), "-d")
                self.assert_ok(r, f"proxy socks5://127.0.0.1:{self.socks.port} (from --proxy)")
                self.assertIn(b"through SOCKS5 proxy", r.stderr)
                self.assert_proxy_carried(self.socks, mark, self.url(scheme).rsplit(":", 1)[1])

    def test_every_tool_goes_through_the_proxy(self):
        for tool, args in (("mqtk-sub", ["-t", "x", "-E"]), ("mqtk-retain-clear", ["-t", "x/#", "--dry-run"]),
                           ("mqtk-will-test", ["-W", "5"]), ("mqtk-bench", ["conn", "-C", "2", "-D", "1"])):
            with self.subTest(tool=tool):
                r = t.run_tool([tool, *args, "-L", self.url("mqtt"), "--proxy", self.socks.url(), "-d"], timeout=20)
                self.assert_ok(r, f"{tool}: proxy socks5://127.0.0.1:{self.socks.port} (from --proxy)")
                self.assertIn(f"connected to 127.0.0.1:{self.broker.port} through SOCKS5 proxy "
                              f"127.0.0.1:{self.socks.port}\n".encode(), r.stderr)

    def test_socks5h_over_tls_lets_the_proxy_resolve_and_verifies_the_name(self):
        mark = self.socks.log_mark()
        r = pub("-L", self.url("mqtts", "localhost"), *self.tls_args(), "--proxy", self.socks.url("socks5h"))
        self.assert_ok(r)
        self.assert_proxy_carried(self.socks, mark, self.broker.tls_port)

    def test_http_connect_with_basic_auth_over_tcp_tls_and_websockets(self):
        for scheme, extra in (("mqtt", []), ("mqtts", self.tls_args()), ("ws", []), ("wss", self.tls_args())):
            with self.subTest(scheme=scheme):
                proxy = self.http.url(user=USER, password=PASSWORD)
                r = pub("-L", self.url(scheme, "localhost"), *extra, "--proxy", proxy, "-d")
                self.assert_ok(r, f"proxy http://{USER}:****@127.0.0.1:{self.http.port} (from --proxy)")
                self.assertNotIn(PASSWORD.encode(), r.stderr)
        self.assertRegex(self.http.log_text(), rf"Established connection to host \"localhost\"")

    def test_password_file_for_the_proxy_user(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "proxy-password")
            with open(path, "w") as f:
                f.write(PASSWORD + "\n")
            os.chmod(path, 0o600)
            r = pub("-L", self.url("mqtt"), "--proxy", self.http.url(user=USER), "--proxy-password-file", path)
            self.assert_ok(r)
            os.chmod(path, 0o644)
            r = pub("-L", self.url("mqtt"), "--proxy", self.http.url(user=USER), "--proxy-password-file", path)
            self.assertEqual(r.status, 2, r.stderr)
            self.assertNotIn(PASSWORD.encode(), r.stderr)

    # --- the environment ----------------------------------------------------------------------
    def test_environment_variables_pick_the_proxy_by_scheme(self):
        dead = f"socks5://127.0.0.1:{t.free_port()}"
        cases = (
            ("mqtt", {"ALL_PROXY": self.socks.url()}, "from ALL_PROXY"),
            ("mqtt", {"all_proxy": self.socks.url(), "ALL_PROXY": dead}, "from all_proxy"),
            ("mqtts", {"HTTPS_PROXY": self.http.url(user=USER, password=PASSWORD), "ALL_PROXY": dead},
             "from HTTPS_PROXY"),
            ("wss", {"https_proxy": self.socks.url(), "HTTP_PROXY": dead}, "from https_proxy"),
            ("ws", {"HTTP_PROXY": self.socks.url(), "HTTPS_PROXY": dead}, "from HTTP_PROXY"),
        )
        for scheme, env, why in cases:
            with self.subTest(scheme=scheme, env=env):
                extra = self.tls_args() if scheme in ("mqtts", "wss") else []
                r = pub("-L", self.url(scheme), *extra, "-d", env=env)
                self.assert_ok(r)
                self.assertRegex(r.stderr.decode(), rf"mqtk-pub: proxy \S+ \({why}\)")

    def test_http_proxy_is_not_used_for_plain_mqtt(self):
        dead = f"socks5://127.0.0.1:{t.free_port()}"
        r = pub("-L", self.url("mqtt"), "-d", env={"HTTP_PROXY": dead, "HTTPS_PROXY": dead})
        self.assert_ok(r)
        self.assertNotIn(b"mqtk-pub: proxy", r.stderr)
        self.assertNotIn(b"through", r.stderr)
        self.assertIn(f"connected to 127.0.0.1:{self.broker.port}\n".encode(), r.stderr)

    def test_no_proxy_bypasses(self):
        dead = f"socks5://127.0.0.1:{t.free_port()}"
        for no_proxy, host in (("127.0.0.1", "127.0.0.1"), ("example.org,127.0.0.0/8", "127.0.0.1"),
                               (".localhost", "localhost"), ("*", "localhost")):
            with self.subTest(no_proxy=no_proxy):
                r = pub("-L", self.url("mqtt", host), "-d", env={"ALL_PROXY": dead, "NO_PROXY": no_proxy})
                self.assert_ok(r, f"no proxy ({host} matches NO_PROXY)")
        r = pub("-L", self.url("mqtt"), env={"ALL_PROXY": dead, "NO_PROXY": "10.0.0.0/8"})
        self.assert_exit_3(r, f"cannot connect to SOCKS5 proxy 127.0.0.1:{dead.rsplit(':', 1)[1]}")

    def test_no_proxy_flag_ignores_the_environment(self):
        dead = f"socks5://127.0.0.1:{t.free_port()}"
        r = pub("-L", self.url("mqtt"), "--no-proxy", "-d", env={"ALL_PROXY": dead})
        self.assert_ok(r, "no proxy (--no-proxy)")

    # --- failures: exit 3 in the proxy's words ------------------------------------------------
    def test_proxy_refuses_the_tcp_connection(self):
        port = t.free_port()
        r = pub("-L", self.url("mqtt"), "--proxy", f"socks5://127.0.0.1:{port}")
        self.assert_exit_3(r, f"cannot connect to SOCKS5 proxy 127.0.0.1:{port}: Connection refused")

    def test_socks_reply_code_is_named(self):
        port = t.free_port()
        r = pub("-L", f"mqtt://127.0.0.1:{port}", "--proxy", self.socks.url())
        self.assert_exit_3(r, f"through SOCKS5 proxy 127.0.0.1:{self.socks.port}", "SOCKS5 proxy: connection refused",
                           "reply code 5")

    def test_dante_username_method_refuses_missing_and_wrong_users(self):
        r = pub("-L", self.url("mqtt"), "--proxy", self.socks_user.url())
        self.assert_exit_3(r, "SOCKS5 proxy requires authentication")
        r = pub("-L", self.url("mqtt"), "--proxy", self.socks_user.url(user="nobody-here", password="wrong"))
        self.assert_exit_3(r, "SOCKS5 proxy authentication failed")
        self.assertNotIn(b"wrong", r.stderr)

    def test_socks_user_login_against_the_scripted_stand_in(self):
        with t.ScriptedSocks5({USER: PASSWORD}) as proxy:
            r = pub("-L", self.url("mqtt", "localhost"), "--proxy", proxy.url(user=USER, password=PASSWORD))
            self.assert_ok(r)
            r = pub("-L", self.url("mqtt", "localhost"), "--proxy", proxy.url("socks5h", USER, PASSWORD))
            self.assert_ok(r)
            # socks5:// sent the address resolved here, socks5h:// the name.
            self.assertEqual([(kind, host) for kind, host, _ in proxy.requests], [(1, "127.0.0.1"), (3, "localhost")])
            r = pub("-L", self.url("mqtt"), "--proxy", proxy.url(user=USER, password="nope"))
            self.assert_exit_3(r, "SOCKS5 proxy authentication failed (status 1)")
            self.assertNotIn(b"nope", r.stderr)

    def test_http_407_names_the_authentication_failure(self):
        r = pub("-L", self.url("mqtt"), "--proxy", self.http.url())
        self.assert_exit_3(r, "HTTP proxy authentication failed: 'HTTP/1.0 407 Proxy Authentication Required'")
        r = pub("-L", self.url("mqtt"), "--proxy", self.http.url(user=USER, password="wrong"))
        self.assert_exit_3(r, "HTTP proxy authentication failed: 'HTTP/1.0 401 Unauthorized'")  # tinyproxy's words
        self.assertNotIn(b"wrong", r.stderr)

    def test_connect_denied_quotes_the_status_line(self):
        port = t.free_port()  # not in tinyproxy's ConnectPort list
        r = pub("-L", f"mqtt://127.0.0.1:{port}", "--proxy", self.http.url(user=USER, password=PASSWORD))
        self.assert_exit_3(r, f"cannot connect to 127.0.0.1:{port} through HTTP proxy 127.0.0.1:{self.http.port}",
                           "HTTP proxy refused CONNECT: 'HTTP/1.1 403 Access violation'")

    def test_hostile_status_line_is_escaped(self):
        with t.ScriptedHttpProxy(b"HTTP/1.1 502 \x1b[31mgo away\x07") as proxy:
            r = pub("-L", self.url("mqtt"), "--proxy", proxy.url())
            self.assert_exit_3(r, "HTTP proxy refused CONNECT: 'HTTP/1.1 502 \\x1b[31mgo away\\x07'")
            self.assertNotIn(b"\x1b", r.stderr)

    def test_silent_proxy_times_out(self):
        for scheme in ("socks5", "http"):
            with self.subTest(scheme=scheme), t.SilentProxy() as proxy:
                started = time.monotonic()
                r = pub("-L", self.url("mqtt"), "--proxy", proxy.url(scheme), "--connect-timeout", "1")
                self.assertLess(time.monotonic() - started, 8)
                self.assert_exit_3(r, "within 1 s (timed out during the proxy handshake)")

    # --- usage errors -------------------------------------------------------------------------
    def test_usage_errors_are_exit_2(self):
        sock = os.path.join(self.dir.name, "none.sock")
        for args, needle in (
                (["-L", self.url("mqtt"), "--proxy", "ftp://127.0.0.1:21"], "unknown scheme 'ftp'"),
                (["-L", f"unix://{sock}", "--proxy", self.socks.url()], "Unix socket"),
                (["-L", self.url("mqtt"), "--proxy", self.socks.url(), "--no-proxy"], "only one of --proxy"),
                (["-L", self.url("mqtt"), "--proxy", self.socks.url(), "--proxy-password-file", sock],
                 "needs a user name"),
                (["-L", self.url("mqtt"), "--proxy-password-file", sock], "needs a proxy")):
            with self.subTest(args=args):
                r = pub(*args)
                self.assertEqual(r.status, 2, r.stderr)
                self.assertIn(needle.encode(), r.stderr)
        r = pub("-L", self.url("mqtt"), env={"ALL_PROXY": "gopher://x"})
        self.assertEqual(r.status, 2, r.stderr)
        self.assertIn(b"ALL_PROXY: proxy URL: unknown scheme", r.stderr)



class ManPages(unittest.TestCase):
    def test_every_page_has_the_same_proxies_section_before_exit_status(self):
        sections = {}
        for page in sorted((t.REPO_ROOT / "man").glob("*.1")):
            text = page.read_text(encoding="utf-8")
            found = re.search(r"(?ms)^\.SH PROXIES\n(.*?)^\.SH ([A-Z ]+)$", text)
            self.assertIsNotNone(found, f"{page.name}: no PROXIES section")
            self.assertEqual(found.group(2), "EXIT STATUS", page.name)
            sections[page.name] = found.group(1)
        self.assertEqual(len(set(sections.values())), 1, "the PROXIES sections differ: " + ", ".join(sections))


if __name__ == "__main__":
    unittest.main()
