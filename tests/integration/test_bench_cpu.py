"""mqtk-bench subscribers time messages by the kernel's arrival stamp, and hold reads under a flood
without losing or doubling anything (--no-read-hold reads at once)."""

import signal
import struct
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.bench import BenchCase, summary_of



class ArrivalStamps(BenchCase):

    def test_a_stopped_subscriber_still_measures_when_the_message_arrived(self):
        # The message reaches the subscriber's socket while the process is stopped for 1.5 s: the
        # kernel's stamp says when it came, so the latency is the broker's, not the stop.
        for extra in ([], ["--no-read-hold"]):
            with self.subTest(flags=extra):
                name = "cpu1" + ("n" if extra else "h")
                sub = t.start_tool(["mqtk-bench", *self.broker.client_args(), "sub", "-t", f"cpu/{name}/#",
                                    "-n", "1", "-D", "30", "--json", "--quiet", "-I", name, *extra])
                self.addCleanup(sub.kill)
                self.broker.wait_subscribed(name + "0")
                with tempfile.TemporaryDirectory() as d:
                    path = f"{d}/m"
                    sub.send_signal(signal.SIGSTOP)
                    try:
                        with open(path, "wb") as f:
                            f.write(b"mqb1" + struct.pack(">IIIQ", 5, 0, 0, time.time_ns()) + b"pad")
                        r = t.mosquitto_pub([*self.broker.client_args(), "-t", f"cpu/{name}/x", "-f", path])
                        self.assertEqual(r.status, 0, r.stderr)
                        time.sleep(1.5)
                    finally:
                        sub.send_signal(signal.SIGCONT)
                result = sub.wait(20)
                self.assertEqual(result.status, 0, result.stderr)
                s = summary_of(result)
                self.assertEqual(s["latency_ms"]["samples"], 1)
                self.assertLess(s["latency_ms"]["max"], 700, "timed when read, not when it arrived")

    def test_a_flood_arrives_whole_with_the_read_hold_and_without(self):
        count = 20000
        subs = {}
        for name, extra in (("cpu2h", []), ("cpu2n", ["--no-read-hold"])):
            subs[name] = t.start_tool(["mqtk-bench", *self.broker.client_args(), "sub", "-t", "cpu/t2/#", "-n",
                                       str(count), "-D", "60", "--json", "--quiet", "-I", name, *extra])
            self.addCleanup(subs[name].kill)
            self.broker.wait_subscribed(name + "0")
        r = t.run_tool(["mqtk-bench", *self.broker.client_args(), "pub", "-C", "2", "-n", str(count // 2), "-t",
                        "cpu/t2/%i", "--quiet"], timeout=60)
        self.assertEqual(r.status, 0, r.stderr)
        for name, sub in subs.items():
            with self.subTest(subscriber=name):
                result = sub.wait(60)
                self.assertEqual(result.status, 0, result.stderr)
                s = summary_of(result)
                self.assertEqual(s["received"]["messages"], count)
                self.assertEqual(s["received"]["lost"], 0)
                self.assertEqual(s["received"]["duplicates"], 0)
                self.assertEqual(s["latency_ms"]["samples"], count)
                self.assertLessEqual(s["latency_ms"]["p50"], s["latency_ms"]["max"])

    def test_no_read_hold_needs_a_receiving_mode(self):
        for mode in ("conn", "pub"):
            with self.subTest(mode=mode):
                r = t.run_tool(["mqtk-bench", *self.broker.client_args(), mode, "--no-read-hold"])
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(r.stderr.decode().strip(),
                                 f"mqtk-bench: --no-read-hold needs received messages: sub or pubsub mode, not {mode}")
                self.assertEqual(r.stdout, b"")


class PacingTick(BenchCase):
    """--tick: publishers write what fell due once per tick; the response time counts the wait."""

    def test_the_tick_is_reported_and_its_wait_counted_in_the_response_time(self):
        # 1,000/s in 50 ms ticks: a message waits up to 50 ms for its tick (25 ms on average); the
        # service time, from the write, does not see that wait.
        r = self.bench("pubsub", "--rate", "1000", "-D", "1", "--tick", "50", "--json", "--quiet", "-t", "tick/t1/%i")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["published"]["tick_ms"], 50)
        self.assertEqual(s["received"]["messages"], 1000)
        self.assertGreater(s["latency_ms"]["max"], 40)
        self.assertGreater(s["latency_ms"]["p50"], 15)
        self.assertLess(s["service_ms"]["p50"] + 10, s["latency_ms"]["p50"])
        text = self.bench("pub", "--rate", "1000", "-D", "0.2", "--quiet", "-t", "tick/t1/%i")
        self.assertEqual(text.status, 0, text.stderr)
        self.assertRegex(text.stdout.decode(), r"published +200 in 0\.20 s \(1,000/s\), in 2\.00 ms ticks")

    def test_a_short_tick_keeps_the_schedule_close(self):
        r = self.bench("pubsub", "--rate", "1000", "-D", "1", "--tick", "0.5", "--json", "--quiet", "-t", "tick/t2/%i")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["published"]["tick_ms"], 0.5)
        self.assertEqual(s["received"]["messages"], 1000)
        self.assertLess(s["latency_ms"]["p50"], 15)  # no 25 ms average wait for a tick

    def test_bad_ticks_are_usage_errors(self):
        cases = (
            (["pubsub", "--rate", "10", "--tick", "0"], "--tick must be more than 0 and at most 1000 milliseconds"),
            (["pubsub", "--rate", "10", "--tick", "1001"], "--tick must be more than 0 and at most 1000 milliseconds"),
            (["pubsub", "--tick", "5"], "--tick paces publishers: it needs --rate in pub or pubsub mode"),
            (["sub", "--tick", "5"], "--tick paces publishers: it needs --rate in pub or pubsub mode"),
        )
        for args, message in cases:
            with self.subTest(args=args):
                r = t.run_tool(["mqtk-bench", *self.broker.client_args(), *args])
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(r.stderr.decode().strip(), f"mqtk-bench: {message}")
                self.assertEqual(r.stdout, b"")


if __name__ == "__main__":
    unittest.main()
