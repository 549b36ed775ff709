"""mqtk-bench rates over the scheduled window: a paced run that keeps to its schedule reports its
--rate and passes --min-rate at that rate, however late its last message arrives; a run shorter
than one interval of its rate (--rate 0.5 -D 1) reports what it published in the window, not the
one message divided by its latency."""

import unittest

import mqtk_testlib as t
from mqtk_testlib.bench import BenchCase, summary_of



class BenchRateTest(BenchCase):
    broker_options = {"log_type": ("error", "warning")}
    bench_timeout = 30

    def test_a_run_at_its_rate_passes_min_rate_at_that_rate(self):
        r = self.bench("pubsub", "--rate", "2000", "-D", "1", "--min-rate", "2000", "--json", "--quiet",
                       "-t", "rate/t1/%i")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["published"]["sent"], 2000)  # one at the start of each 1/2000 s of -D
        self.assertEqual(s["published"]["seconds"], 1.0)
        self.assertEqual(s["received"]["messages"], 2000)
        self.assertEqual(s["received"]["seconds"], 1.0)
        self.assertEqual(s["received"]["per_s"], 2000)
        self.assertEqual(s["checks"], [{"flag": "--min-rate", "what": "messages received per second",
                                        "limit": 2000.0, "value": 2000.0, "passed": True}])

    def test_pub_mode_at_its_rate_passes_min_rate(self):
        r = self.bench("pub", "--rate", "500", "-D", "1", "--min-rate", "500", "-t", "rate/t2/%i", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertRegex(r.stdout.decode(), r"published +500 in 1\.00 s \(500/s\)")
        self.assertRegex(r.stdout.decode(), r"check +--min-rate 500\.000: messages sent per second 500\.000 passed")

    def test_a_rate_below_one_per_duration_is_not_divided_by_the_latency(self):
        r = self.bench("pubsub", "--rate", "0.5", "-D", "1", "--json", "--quiet", "-t", "rate/t3/%i")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["published"]["sent"], 1)
        self.assertEqual(s["received"]["messages"], 1)
        self.assertEqual(s["received"]["seconds"], 1.0)
        self.assertEqual(s["received"]["per_s"], 1.0)  # not 1 / (a few milliseconds of latency)
        text = self.bench("pubsub", "--rate", "0.5", "-D", "1", "--quiet", "-t", "rate/t3/%i")
        self.assertRegex(text.stdout.decode(), r"received +1 in 1\.00 s \(1\.00/s\)")

    def test_a_counted_run_is_measured_over_its_schedule(self):
        # 50 messages at 100/s: scheduled over 0.5 s; the last one goes out at 0.49 s.
        r = self.bench("pubsub", "--rate", "100", "-n", "50", "--min-rate", "100", "--json", "--quiet",
                       "-t", "rate/t4/%i")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["received"]["messages"], 50)
        self.assertEqual(s["published"]["seconds"], 0.5)
        self.assertEqual(s["received"]["per_s"], 100)

    def test_a_rate_the_run_does_not_reach_still_fails(self):
        r = self.bench("pubsub", "--rate", "200", "-D", "0.5", "--min-rate", "201", "-t", "rate/t5/%i", "--quiet")
        self.assertEqual(r.status, 10, r.stderr)
        self.assertIn(b"check failed: messages received per second 200.000 is below --min-rate 201.000", r.stderr)


if __name__ == "__main__":
    unittest.main()
