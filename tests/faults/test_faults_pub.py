"""Fault lab, mqtk-pub: a numbered QoS 1/2 stream through a fault proxy, a stopped broker and a
killed one. Each case asserts the exit status, that the tool ended within a stated bound, exactly
which numbers arrived at a subscriber connected straight to the broker, and the peak RSS."""

import json
import re
import signal
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.fault_lab import (Measured, check_at_least_once, check_exactly_once, check_in_order,
                                    numbered_lines, sequence_numbers)
from mqtk_testlib.fault_proxy import FaultProxy

RSS_LIMIT_KIB = 64 * 1024  # a stream of small messages never needs more than this


class PubFaults(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto(persistence=True,
                                                     extra_config=["max_queued_messages 0",
                                                                   "max_inflight_messages 0"]))
        self.proxy = FaultProxy(self.broker.port).start()
        self.addCleanup(self.proxy.stop)

    def subscriber(self, topic, qos):
        """mqtk-sub with a kept session straight on the broker (it survives broker restarts)."""
        sub = Measured(["mqtk-sub", *self.broker.client_args(), "-t", topic, "-q", str(qos), "-c",
                        "-i", f"lab-sub-{topic.replace('/', '-')}", "-x", "300", "-k", "5"])
        self.addCleanup(sub.__exit__)
        self.broker.wait_subscribed(f"lab-sub-{topic.replace('/', '-')}")
        return sub

    def publisher(self, topic, qos, count, *extra, rate=None, json_out=False, keepalive=2):
        args = ["mqtk-pub", *self.proxy.client_args(), "-t", topic, "-q", str(qos), "-l", "-c",
                "-i", f"lab-pub-{topic.replace('/', '-')}", "-k", str(keepalive), "--connect-timeout", "2",
                *extra]
        if rate:
            args += ["--rate", str(rate)]
        if json_out:
            args.append("--json")
        pub = Measured(args, input=numbered_lines(count))
        self.addCleanup(pub.__exit__)
        return pub

    def drain(self, sub, count, timeout=15):
        """Waits until the subscriber printed count distinct numbers (or timeout); returns all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = sequence_numbers(self.sub_output(sub))
            if len(set(got)) >= count:
                break
            time.sleep(0.1)
        sub.send_signal(signal.SIGINT)
        r = sub.wait(10)
        self.assertLess(r.peak_rss_kib, RSS_LIMIT_KIB)
        return sequence_numbers(r.stdout)

    @staticmethod
    def sub_output(sub):
        sub._out.flush()
        sub._out.seek(0)
        return sub._out.read()

    def assert_clean_end(self, r, bound):
        self.assertEqual(r.status, 0, r.text)
        self.assertLess(r.seconds, bound, r.text)
        self.assertLess(r.peak_rss_kib, RSS_LIMIT_KIB)

    def assert_counted_loss(self, r, sent_lines):
        """Exit 7 and a stderr count of unacknowledged messages consistent with --json results."""
        self.assertEqual(r.status, 7, r.text)
        m = re.search(r"(\d+) message\(s\) were not acknowledged \((\d+) acknowledged", r.text)
        self.assertIsNotNone(m, r.text)
        unacked, acked = int(m.group(1)), int(m.group(2))
        results = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
        self.assertEqual(sum(1 for x in results if x.get("acknowledged")), acked, r.text)
        self.assertGreater(unacked, 0)
        self.assertLessEqual(unacked + acked, sent_lines)
        return unacked, acked

    # --- connection cut (RST) mid-stream -----------------------------------------------------------
    def test_qos1_stream_survives_a_cut_mid_packet(self):
        sub = self.subscriber("lab/cut1", 1)
        pub = self.publisher("lab/cut1", 1, 1500, rate=500)
        time.sleep(0.8)
        self.proxy.cut()
        r = pub.wait(30)
        self.assert_clean_end(r, 20)
        got = self.drain(sub, 1500)
        check_at_least_once(self, got, 1500)
        check_in_order(self, got)
        self.assertGreaterEqual(self.proxy.accepted, 2, "the tool never reconnected")

    def test_qos2_stream_survives_cuts_exactly_once(self):
        sub = self.subscriber("lab/cut2", 2)
        pub = self.publisher("lab/cut2", 2, 1500, rate=500)
        for _ in range(3):
            time.sleep(0.6)
            self.proxy.cut()
        r = pub.wait(30)
        self.assert_clean_end(r, 20)
        check_exactly_once(self, self.drain(sub, 1500), 1500)
        self.assertGreaterEqual(self.proxy.accepted, 4, "the tool did not reconnect after each cut")

    # --- slow links --------------------------------------------------------------------------------
    def test_dripping_link_delivers_everything(self):
        sub = self.subscriber("lab/drip", 1)
        self.proxy.drip(bytes_per_chunk=7, delay=0.002)
        pub = self.publisher("lab/drip", 1, 100, keepalive=10)
        r = pub.wait(30)
        self.assert_clean_end(r, 25)
        check_at_least_once(self, self.drain(sub, 100), 100)

    # --- stalls, blackholes, refused reconnects: bounded ends with an exact count --------------------
    def test_broker_that_stops_reading_ends_within_the_keepalive_bound(self):
        pub = self.publisher("lab/stall", 1, 200000, "--reconnect-timeout", "2", json_out=True)
        time.sleep(1)
        self.proxy.stall("up")
        r = pub.wait(25)
        self.assertLess(r.seconds, 15, r.text)
        self.assert_counted_loss(r, 200000)

    def test_blackholed_connection_ends_within_the_keepalive_bound(self):
        pub = self.publisher("lab/hole", 1, 100000, "--reconnect-timeout", "2", rate=500, json_out=True)
        time.sleep(1)
        self.proxy.blackhole()
        r = pub.wait(25)
        self.assertLess(r.seconds, 15, r.text)
        self.assert_counted_loss(r, 100000)

    def test_refused_reconnects_for_a_while_then_delivery_completes(self):
        sub = self.subscriber("lab/refuse", 1)
        pub = self.publisher("lab/refuse", 1, 1500, "--reconnect-timeout", "15", rate=1000)
        time.sleep(0.4)
        self.proxy.refuse(2)
        self.proxy.cut()
        r = pub.wait(30)
        self.assert_clean_end(r, 25)
        self.assertGreater(self.proxy.refused, 0, "no reconnect was refused: the case tested nothing")
        check_at_least_once(self, self.drain(sub, 1500), 1500)

    def test_reconnect_timeout_bounds_refused_reconnects(self):
        pub = self.publisher("lab/refuse-forever", 1, 100000, "--reconnect-timeout", "2", rate=1000,
                             json_out=True)
        time.sleep(0.5)
        self.proxy.refuse(60)
        self.proxy.cut()
        r = pub.wait(20)
        self.assertLess(r.seconds, 10, r.text)
        if r.status == 3:
            # the cut came between two acknowledged messages: nothing in flight, nothing to count
            self.assertNotIn("not acknowledged", r.text)
            self.assertIn("gave up reconnecting", r.text)
            results = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
            self.assertTrue(results and all(x["acknowledged"] for x in results), r.text)
        else:
            self.assert_counted_loss(r, 100000)

    # --- the broker itself stopped, restarted or killed ----------------------------------------------
    def test_broker_paused_past_the_keepalive_then_resumed(self):
        sub = self.subscriber("lab/pause", 1)
        pub = self.publisher("lab/pause", 1, 1000, "--reconnect-timeout", "20", rate=250)
        time.sleep(0.8)
        self.broker.proc.send_signal(signal.SIGSTOP)
        time.sleep(4)  # past 1.5 x keepalive (2 s): the tool must notice and reconnect
        self.broker.proc.send_signal(signal.SIGCONT)
        r = pub.wait(40)
        self.assert_clean_end(r, 30)
        check_at_least_once(self, self.drain(sub, 1000), 1000)

    def test_broker_restart_with_persistence_jsonl_qos1(self):
        sub = self.subscriber("lab/jsonl", 1)
        lines = "".join(json.dumps({"topic": "lab/jsonl", "payload": f"m{i:06d}", "qos": 1}) + "\n"
                        for i in range(1, 1201))
        pub = Measured(["mqtk-pub", *self.proxy.client_args(), "--jsonl", "-c", "-i", "lab-pub-jsonl",
                        "-k", "2", "--connect-timeout", "2", "--rate", "600"], input=lines)
        self.addCleanup(pub.__exit__)
        time.sleep(0.8)
        self.broker.restart()
        r = pub.wait(40)
        self.assert_clean_end(r, 30)
        check_at_least_once(self, self.drain(sub, 1200), 1200)

    def test_broker_killed_and_restarted_every_message_gets_a_result(self):
        # SIGKILL: mosquitto loses what it had not saved yet, so loss at the subscriber is the
        # broker's; the tool must still end in time with every message accounted for.
        pub = self.publisher("lab/kill", 1, 1000, "--reconnect-timeout", "20", rate=500, json_out=True)
        time.sleep(0.7)
        self.broker.kill()
        time.sleep(0.5)
        self.broker.start()
        r = pub.wait(40)
        self.assertIn(r.status, (0, 7), r.text)
        self.assertLess(r.seconds, 30, r.text)
        results = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
        acked = sum(1 for x in results if x.get("acknowledged"))
        if r.status == 0:
            self.assertEqual(acked, 1000, r.text)
        else:
            unacked, acked_reported = self.assert_counted_loss(r, 1000)
            self.assertEqual(acked_reported, acked)


if __name__ == "__main__":
    unittest.main()
