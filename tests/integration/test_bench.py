"""mqtk-bench against a real mosquitto: each mode, loss and latency accounting, thresholds, failures."""

import json
import signal
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.bench import BenchCase, bench_header, summary_of




class Modes(BenchCase):

    def test_pubsub_qos1_delivers_every_message_to_every_subscriber(self):
        r = self.bench("pubsub", "-C", "3", "-s", "2", "-q", "1", "-n", "500", "--rate", "2000", "--json",
                       "-t", "bench/t1/%i")
        self.assertEqual(r.status, 0, r.stderr)
        progress = [json.loads(line) for line in r.stdout.decode().splitlines()[:-1]]
        self.assertTrue(all(p["type"] == "progress" for p in progress))
        s = summary_of(r)
        self.assertEqual(s["connections"]["connected"], 5)
        self.assertEqual(s["published"]["sent"], 1500)
        self.assertEqual(s["published"]["acknowledged"], 1500)
        self.assertEqual(s["received"]["expected"], 3000)
        self.assertEqual(s["received"]["messages"], 3000)
        self.assertEqual(s["received"]["lost"], 0)
        self.assertEqual(s["latency_ms"]["samples"], 3000)
        self.assertGreater(s["latency_ms"]["p50"], 0)
        self.assertLessEqual(s["latency_ms"]["p50"], s["latency_ms"]["p99"])
        self.assertLessEqual(s["latency_ms"]["p99"], s["latency_ms"]["max"])
        self.assertTrue(s["passed"])

    def test_pub_messages_carry_the_bench_header_to_another_subscriber(self):
        sub = t.start_mosquitto_sub([*self.broker.client_args(), "-t", "bench/t2/#", "-C", "200", "-i", "t2watch",
                                     "-F", "%t %x"])
        self.addCleanup(sub.kill)
        self.broker.wait_subscribed("t2watch")
        r = self.bench("pub", "-C", "2", "-n", "100", "-q", "2", "--size", "40", "-t", "bench/t2/%i", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertRegex(r.stdout.decode(), r"published +200 in .*200 acknowledged, 0 refused, 0 unacknowledged")
        out = sub.wait(15).stdout.decode().splitlines()
        self.assertEqual(len(out), 200)
        topics = {line.split()[0] for line in out}
        self.assertEqual(topics, {"bench/t2/0", "bench/t2/1"})
        for line in out:
            payload = bytes.fromhex(line.split()[1])
            self.assertEqual(len(payload), 40)
            self.assertEqual(payload[:4], b"mqb2")

    def test_sub_mode_measures_a_separate_publisher_and_counts_gaps(self):
        sub = t.start_tool(["mqtk-bench", *self.broker.client_args(), "sub", "-t", "bench/t3/#", "-D", "4",
                            "--json", "--quiet", "-I", "t3sub"])
        self.addCleanup(sub.kill)
        self.broker.wait_subscribed("t3sub0")
        now = time.time_ns()
        with tempfile.TemporaryDirectory() as d:
            # Publisher 9 of run 77 sends sequences 0, 1, 2, 6: three are missing.
            for seq in (0, 1, 2, 6):
                path = f"{d}/m{seq}"
                with open(path, "wb") as f:
                    f.write(bench_header(77, 9, seq, now) + b"pad")
                r = t.mosquitto_pub([*self.broker.client_args(), "-t", "bench/t3/x", "-f", path, "-q", "1"])
                self.assertEqual(r.status, 0, r.stderr)
            r = t.mosquitto_pub([*self.broker.client_args(), "-t", "bench/t3/y", "-m", "not a bench message"])
            self.assertEqual(r.status, 0, r.stderr)
        result = sub.wait(20)
        self.assertEqual(result.status, 0, result.stderr)
        s = summary_of(result)
        self.assertEqual(s["mode"], "sub")
        self.assertEqual(s["received"]["messages"], 5)
        self.assertEqual(s["received"]["foreign"], 1)
        self.assertEqual(s["received"]["lost"], 3)
        self.assertEqual(s["latency_ms"]["samples"], 4)

    def test_sub_and_pub_in_two_processes(self):
        # -n 300: the subscriber ends as soon as all 300 messages are in, well before -D.
        sub = t.start_tool(["mqtk-bench", *self.broker.client_args(), "sub", "-t", "bench/t4/#", "-n", "300",
                            "-D", "30", "-q", "1", "--json", "--quiet", "-I", "t4sub"])
        self.addCleanup(sub.kill)
        self.broker.wait_subscribed("t4sub0")
        r = self.bench("pub", "-C", "2", "-n", "150", "--rate", "500", "-q", "1", "-t", "bench/t4/%i", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        started = time.monotonic()
        s = summary_of(sub.wait(20))
        self.assertLess(time.monotonic() - started, 15, "ended on the count, not the duration")
        self.assertEqual(s["received"]["messages"], 300)
        self.assertEqual(s["received"]["lost"], 0)
        self.assertEqual(s["received"]["duplicates"], 0)
        self.assertEqual(s["latency_ms"]["samples"], 300)

    def test_conn_mode_opens_and_closes_every_connection(self):
        r = self.bench("conn", "-C", "200", "--connect-rate", "2000", "-D", "0.5", "--json", "-I", "t5c")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["connections"]["attempted"], 200)
        self.assertEqual(s["connections"]["connected"], 200)
        self.assertEqual(s["connections"]["failed"], 0)
        self.assertEqual(s["connections"]["connack_ms"]["samples"], 200)
        self.assertIn("t5c199", self.broker.log_text())
        at_once = self.bench("conn", "-C", "3", "-D", "0", "--quiet")
        self.assertEqual(at_once.status, 0, at_once.stderr)
        self.assertRegex(at_once.stdout.decode(), r"connections +3 of 3 connected")

    def test_thresholds_fail_with_exit_10(self):
        r = self.bench("pubsub", "-n", "50", "--rate", "500", "--max-p99", "0.000001", "--min-rate", "1000000")
        self.assertEqual(r.status, 10, r.stderr)
        err = r.stderr.decode()
        self.assertIn("check failed: p99 response time (ms)", err)
        self.assertIn("is below --min-rate", err)
        self.assertRegex(r.stdout.decode(), r"check +--max-p99 .* FAILED")
        ok = self.bench("pubsub", "-n", "50", "--rate", "500", "--max-loss", "0", "--max-p99", "10000")
        self.assertEqual(ok.status, 0, ok.stderr)
        self.assertRegex(ok.stdout.decode(), r"check +--max-loss .* passed")

    def test_interrupt_prints_the_summary_and_exits_130(self):
        bg = t.start_tool(["mqtk-bench", *self.broker.client_args(), "pubsub", "--rate", "100", "-D", "60",
                           "--interval", "0.2"])
        self.addCleanup(bg.kill)
        bg.wait_for_output(b"received", timeout=15)
        bg.send_signal(signal.SIGINT)
        r = bg.wait(15)
        self.assertEqual(r.status, 130, r.stderr)
        self.assertRegex(r.stdout.decode(), r"published +\d+")

    def test_bad_input_is_refused_before_connecting(self):
        cases = [
            ["flood"],
            ["sub", "--size", "64"],
            ["pub", "-s", "3"],
            ["pubsub", "--max-loss", "101"],
            ["pub", "-t", "a/#"],
            ["pubsub", "-t", "a/x%i"],
            ["pub", "-C", "0"],
            ["pub", "-q", "3"],
            ["pub", "--size", "10"],
            ["pubsub", "-C", "2", "-i", "one"],
            ["conn", "--max-p99", "5"],
            ["pub", "-D", "0"],
            ["conn", "-n", "5"],
            ["sub", "-n", "0"],
        ]
        mark = self.broker.log_mark()
        for args in cases:
            with self.subTest(args=args):
                r = self.bench(*args)
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1, r.stderr)
                self.assertEqual(r.stdout, b"")
        self.assertNotIn("mqtk-bench", self.broker.log_text()[mark:])


class OtherTransports(unittest.TestCase):
    def test_websocket_to_aedes_loses_nothing_at_qos_1(self):
        broker = t.use_broker(self, t.Aedes())
        r = t.run_tool(["mqtk-bench", "-L", broker.url("ws"), "pubsub", "-C", "3", "-q", "1", "-n", "200",
                        "--rate", "1000", "--json", "--quiet"])
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["received"]["messages"], 600)
        self.assertEqual(s["received"]["lost"], 0)
        self.assertEqual(s["published"]["acknowledged"], 600)


class Failures(unittest.TestCase):
    def test_nothing_listening_gives_exit_3(self):
        port = t.free_port()
        r = t.run_tool(["mqtk-bench", "-h", "127.0.0.1", "-p", str(port), "pub", "-n", "1"])
        self.assertEqual(r.status, 3, r.stderr)
        self.assertIn(b"Connection refused", r.stderr)
        self.assertEqual(r.stdout, b"")

    def test_refused_publish_gives_exit_6(self):
        broker = t.use_broker(self, t.Mosquitto(acl=["topic readwrite ok/#"]))
        r = t.run_tool(["mqtk-bench", *broker.client_args(), "pub", "-t", "denied/%i", "-q", "1", "-n", "5"])
        self.assertEqual(r.status, 6, r.stderr)
        self.assertIn(b"Not authorized", r.stderr)
        self.assertRegex(r.stdout.decode(), r"5 refused")

    def test_broker_killed_mid_run_reports_lost_connections_and_messages(self):
        broker = t.use_broker(self, t.Mosquitto())
        bg = t.start_tool(["mqtk-bench", *broker.client_args(), "pubsub", "-C", "4", "-q", "1", "--rate", "1000",
                           "-D", "30", "--json", "--interval", "0.2"])
        self.addCleanup(bg.kill)
        bg.wait_for_output(b'"type":"progress"', timeout=15)
        broker.kill()
        r = bg.wait(20)
        err = r.stderr.decode()
        s = summary_of(r)
        # The subscriber counts as lost when it saw the broker go before the run ended; when it had
        # already received every message sent, the drain ends at once and closes it from our side.
        lost = s["connections"]["lost"]
        self.assertIn(lost, (4, 5) if s["received"]["messages"] == s["published"]["sent"] else (5,), r.stderr)
        self.assertIn(f"{lost} of 5 connections were lost during the run", err)
        unacknowledged = s["published"]["unacknowledged"]
        # 7 when QoS 1 messages were in flight at the kill (the usual case), else 3: connection lost.
        self.assertEqual(r.status, 7 if unacknowledged else 3, r.stderr)
        if unacknowledged:
            self.assertIn(f"{unacknowledged} message(s) were not acknowledged", err)
        self.assertEqual(s["published"]["sent"], s["published"]["acknowledged"] + unacknowledged)
        self.assertEqual(s["received"]["expected"], s["published"]["sent"])
        self.assertEqual(s["received"]["lost"], s["received"]["expected"] - s["received"]["messages"])

    def test_open_file_limit_too_low_is_a_usage_error(self):
        broker = t.use_broker(self, t.Mosquitto())
        r = t.run_tool(["prlimit", "--nofile=200:200", t.find_tool("mqtk-bench"), *broker.client_args(), "conn",
                        "-C", "1000"])
        self.assertEqual(r.status, 2, r.stderr)
        self.assertIn(b"ulimit -n", r.stderr)


if __name__ == "__main__":
    unittest.main()
