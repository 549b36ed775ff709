"""Fault lab, mqtk-bench: a pubsub run through a fault proxy that cuts, stalls or blackholes, and a
broker paused mid-run. The bench does not reconnect: each case asserts that the run still ends in
its stated time, with the exit status its man page gives, and that its counts add up exactly
(sent = acknowledged + unacknowledged; lost = expected - received)."""

import json
import signal
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.fault_lab import Measured
from mqtk_testlib.fault_proxy import FaultProxy

RSS_LIMIT_KIB = 64 * 1024


def summary_of(result):
    lines = [json.loads(line) for line in result.stdout.decode().splitlines() if line.startswith("{")]
    summaries = [x for x in lines if x.get("type") == "summary"]
    assert summaries, result.stdout
    return summaries[-1]


class BenchFaults(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())
        self.proxy = FaultProxy(self.broker.port).start()
        self.addCleanup(self.proxy.stop)

    def bench(self, *args, keepalive=2):
        run = Measured(["mqtk-bench", *self.proxy.client_args(), "pubsub", "--json", "--interval", "0.2",
                        "-k", str(keepalive), *args])
        self.addCleanup(run.__exit__)
        return run

    def wait_progress(self, run):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            run._out.flush()
            run._out.seek(0)
            if b'"type":"progress"' in run._out.read():
                return
            time.sleep(0.05)
        self.fail("no progress line within 15 s")

    def assert_counts_add_up(self, r):
        s = summary_of(r)
        published = s["published"]
        if s["qos"] == 0:  # nothing to acknowledge
            self.assertEqual((published["acknowledged"], published["unacknowledged"]), (0, 0), s)
        else:
            self.assertEqual(published["sent"], published["acknowledged"] + published["unacknowledged"]
                             + published.get("refused", 0), s)
        self.assertEqual(s["received"]["lost"], s["received"]["expected"] - s["received"]["messages"], s)
        self.assertLess(r.peak_rss_kib, RSS_LIMIT_KIB)
        return s

    def test_cut_mid_run_ends_at_once_with_every_message_counted(self):
        run = self.bench("-C", "3", "-q", "1", "--rate", "600", "-D", "30")
        self.wait_progress(run)
        self.proxy.cut()
        r = run.wait(15)
        self.assertLess(r.seconds, 12, r.text)
        s = self.assert_counts_add_up(r)
        self.assertEqual(s["connections"]["lost"], 4, r.text)
        self.assertEqual(r.status, 7 if s["published"]["unacknowledged"] else 3, r.text)

    def test_stalled_broker_side_ends_within_the_keepalive_bound(self):
        run = self.bench("-C", "2", "-q", "1", "--rate", "400", "-D", "30")
        self.wait_progress(run)
        self.proxy.stall("up")
        r = run.wait(20)
        self.assertLess(r.seconds, 15, r.text)
        s = self.assert_counts_add_up(r)
        self.assertGreater(s["connections"]["lost"], 0, r.text)
        self.assertIn(r.status, (3, 7), r.text)

    def test_blackhole_ends_within_the_keepalive_bound(self):
        run = self.bench("-C", "2", "-q", "0", "--rate", "400", "-D", "30")
        self.wait_progress(run)
        self.proxy.blackhole()
        r = run.wait(20)
        self.assertLess(r.seconds, 15, r.text)
        s = self.assert_counts_add_up(r)
        self.assertEqual(r.status, 3, r.text)
        self.assertGreater(s["connections"]["lost"], 0, r.text)

    def test_paused_broker_within_the_keepalive_loses_nothing(self):
        run = self.bench("-C", "2", "-q", "1", "--rate", "200", "-D", "3", keepalive=10)
        self.wait_progress(run)
        self.broker.proc.send_signal(signal.SIGSTOP)
        time.sleep(1)
        self.broker.proc.send_signal(signal.SIGCONT)
        r = run.wait(30)
        self.assertEqual(r.status, 0, r.text)
        s = self.assert_counts_add_up(r)
        self.assertEqual(s["received"]["lost"], 0, s)
        # the stall shows in the latency: a 1 s pause must not look fast
        self.assertGreaterEqual(s["latency_ms"]["max"], 500, s)

    def test_refused_connections_are_exit_3_in_bounded_time(self):
        self.proxy.refuse(60)
        run = self.bench("-C", "5", "-q", "1", "-n", "10")
        r = run.wait(20)
        self.assertEqual(r.status, 3, r.text)
        self.assertLess(r.seconds, 10, r.text)


if __name__ == "__main__":
    unittest.main()
