"""mqtk-bench with many connections against a real mosquitto: --ifaddr round robin seen by the broker,
the memory an idle connection costs (a regression bound, not a timing), and the limit diagnostics."""

import re
import resource
import ssl
import tempfile
import unittest

import mqtk_testlib as t

# Generous bounds that catch a regression (measured: about 3 KiB per TCP and 18 KiB per TLS
# connection, 27 KiB with --tls-no-resume; docs/performance.md has the figures).
TCP_BOUND_KIB = 8
TLS_BOUND_KIB = 48


def raise_open_file_limit():
    """The broker started from here needs a descriptor per connection (mqtk-bench raises its own)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def rss_with_idle_connections(args, count):
    """RSS of one mqtk-bench holding `count` idle connections (read once every connection is up:
    the first progress line), then lets the run end; returns (rss KiB, result)."""
    bench = t.start_tool(["mqtk-bench", *args, "conn", "-C", str(count), "--connect-rate", "2000", "-D", "30",
                          "--interval", "0.5", "-k", "600"])
    try:
        bench.wait_for_output(b"connected", timeout=60)
        rss = rss_kib(bench.pid)
        return rss, bench.stop(timeout=30)
    finally:
        bench.kill()


class SourceAddresses(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        raise_open_file_limit()
        cls.broker = t.Mosquitto(log_type=("error", "notice"))
        cls.broker.start()

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()

    def test_ifaddr_range_is_used_round_robin(self):
        mark = len(self.broker.log_text())
        r = t.run_tool(["mqtk-bench", *self.broker.client_args(), "--ifaddr", "127.0.0.2-127.0.0.4", "conn",
                        "-C", "300", "--connect-rate", "3000", "-D", "0", "-I", "rr", "--quiet"], timeout=60)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertRegex(r.stdout.decode(), r"connections +300 of 300 connected")
        log = self.broker.log_text()[mark:]
        seen = {int(m.group(2)): m.group(1)
                for m in re.finditer(r"New client connected from ([0-9.]+):\d+ as rr(\d+) ", log)}
        self.assertEqual(len(seen), 300, log[-2000:])
        for index, address in seen.items():
            self.assertEqual(address, f"127.0.0.{2 + index % 3}", f"connection {index}")

    def test_lists_and_repeats_add_up(self):
        mark = len(self.broker.log_text())
        r = t.run_tool(["mqtk-bench", *self.broker.client_args(), "--ifaddr", "127.0.0.7,127.0.0.8",
                        "--ifaddr", "127.0.0.9", "conn", "-C", "6", "-D", "0", "-I", "li", "--quiet"])
        self.assertEqual(r.status, 0, r.stderr)
        log = self.broker.log_text()[mark:]
        seen = {int(m.group(2)): m.group(1)
                for m in re.finditer(r"New client connected from ([0-9.]+):\d+ as li(\d+) ", log)}
        self.assertEqual(seen, {0: "127.0.0.7", 1: "127.0.0.8", 2: "127.0.0.9",
                                3: "127.0.0.7", 4: "127.0.0.8", 5: "127.0.0.9"})

    def test_an_address_that_is_not_local_fails_and_names_the_limit(self):
        r = t.run_tool(["mqtk-bench", *self.broker.client_args(), "--ifaddr", "192.0.2.1", "conn", "-C", "2",
                        "-D", "0"])
        self.assertEqual(r.status, 3, r.stderr)
        err = r.stderr.decode()
        self.assertIn("cannot bind source address 192.0.2.1", err)
        self.assertIn("limit: a --ifaddr source address is not configured on this machine (EADDRNOTAVAIL", err)

    def test_bad_values_are_usage_errors(self):
        for value in ("127.0.0.9-127.0.0.2", "127.0.0", "10.0.0.0-10.1.0.0", "127.0.0.1-::1"):
            with self.subTest(value=value):
                r = t.run_tool(["mqtk-bench", *self.broker.client_args(), "--ifaddr", value, "conn"])
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
                self.assertTrue(r.stderr.startswith(b"mqtk-bench: --ifaddr"), r.stderr)
        r = t.run_tool(["mqtk-bench", "--unix", "/tmp/none.sock", "--ifaddr", "127.0.0.2", "conn"])
        self.assertEqual(r.status, 2, r.stderr)
        self.assertIn(b"cannot be used with a Unix socket", r.stderr)


class IdleMemory(unittest.TestCase):
    """RSS growth per idle connection of one process (2,000 TCP, 500 TLS connections)."""

    @classmethod
    def setUpClass(cls):
        raise_open_file_limit()
        cls.dir = tempfile.TemporaryDirectory()
        cls.tls = t.tls_material(cls.dir.name)
        cls.broker = t.Mosquitto(tls=cls.tls.listener(), log_type=("error",))
        cls.broker.start()

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()
        cls.dir.cleanup()

    def growth_per_connection(self, args, count):
        base, r1 = rss_with_idle_connections(args, 1)
        self.assertIn(r1.status, (0, 130), r1.stderr)
        many, rn = rss_with_idle_connections(args, count)
        self.assertIn(rn.status, (0, 130), rn.stderr)
        self.assertNotIn(b"failed", rn.stderr)
        return (many - base) / (count - 1)

    def test_idle_tcp_connection_stays_small(self):
        per = self.growth_per_connection(self.broker.client_args(), 2000)
        self.assertLess(per, TCP_BOUND_KIB, f"{per:.2f} KiB per idle TCP connection")
        self.assertGreater(per, 0.5, "the measurement saw the connections")

    def test_idle_tls_connection_stays_small(self):
        args = ["-L", f"mqtts://localhost:{self.broker.tls_port}", "--cafile", self.tls.ca_cert]
        per = self.growth_per_connection(args, 500)
        self.assertLess(per, TLS_BOUND_KIB, f"{per:.2f} KiB per idle TLS connection")


class TlsResumption(unittest.TestCase):
    """By default later TLS 1.3 connections resume the tickets earlier ones received (the server
    says so); --tls-no-resume makes every handshake a full one."""

    @classmethod
    def setUpClass(cls):
        certificates = tempfile.TemporaryDirectory()
        cls.addClassCleanup(certificates.cleanup)
        cls.tls = t.tls_material(certificates.name)

    def handshakes(self, *flags):
        with t.TlsConnackServer(self.tls.server_cert, self.tls.server_key, ssl.TLSVersion.TLSv1_3) as server:
            r = t.run_tool(["mqtk-bench", "-L", f"mqtts://localhost:{server.port}", "--cafile", self.tls.ca_cert,
                            "-V", "5", *flags, "conn", "-C", "4", "--connect-rate", "4", "-D", "1"], timeout=30)
            self.assertEqual(r.status, 0, r.stderr)
            return list(server.resumed)

    def test_later_connections_resume_by_default(self):
        resumed = self.handshakes()
        self.assertEqual(len(resumed), 4)
        self.assertFalse(resumed[0], "the first connection has nothing to resume")
        self.assertEqual(resumed[1:], [True, True, True])

    def test_no_resume_makes_full_handshakes(self):
        self.assertEqual(self.handshakes("--tls-no-resume"), [False] * 4)


if __name__ == "__main__":
    unittest.main()
