"""mqtk-bench's honest latency against a real mosquitto: with --rate every message is measured from
its intended send time (response time), so a broker stopped with SIGSTOP for 1 s shows as the
latency the ~1,000 messages waiting behind its Receive Maximum really had, while the time from the
write (service time) stays low; messages still owed to the schedule at the end are counted; a run
without --rate says its latency is service time only; a sub run in another process reads the
intended time from the payload header."""

import json
import signal
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.bench import BenchCase, bench_header, summary_of



def progress_of(result):
    return [json.loads(line) for line in result.stdout.decode().strip().splitlines()[:-1]]



class Stall(unittest.TestCase):
    """A 1,000 msg/s QoS 1 publisher against a mosquitto paused with SIGSTOP: its default Receive
    Maximum of 20 stops the publisher after 20 messages, and every message due meanwhile waits."""

    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto(extra_config=["max_queued_messages 0"],
                                                     log_type=("error", "warning")))

    def paused_run(self, duration, pause_after, pause_for, topic):
        bg = t.start_tool(["mqtk-bench", *self.broker.client_args(), "pubsub", "-q", "1", "--rate", "1000",
                           "-D", str(duration), "--json", "--interval", "0.2", "-k", "30", "-t", topic])
        self.addCleanup(bg.kill)
        self.addCleanup(lambda: self.broker.proc.send_signal(signal.SIGCONT))
        bg.wait_for_output(b'"type":"progress"', timeout=15)  # measuring since 0.2 s
        time.sleep(pause_after)
        self.broker.proc.send_signal(signal.SIGSTOP)
        time.sleep(pause_for)
        self.broker.proc.send_signal(signal.SIGCONT)
        return bg.wait(40)

    def test_a_1_s_stall_shows_in_the_response_time_not_in_the_service_time(self):
        r = self.paused_run(duration=5, pause_after=0.5, pause_for=1.0, topic="lat/t1/%i")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["latency_basis"], "response_time")
        self.assertEqual(s["published"]["sent"], 5000)
        self.assertEqual(s["published"]["behind_schedule"], 0)  # caught up well before the end
        self.assertEqual(s["received"]["messages"], 5000)
        self.assertEqual(s["received"]["lost"], 0)
        self.assertEqual(s["received"]["scheduled"], 5000)
        response, service = s["latency_ms"], s["service_ms"]
        self.assertEqual(response["samples"], 5000)
        self.assertEqual(service["samples"], 5000)
        # The first message due after the pause waited the whole second.
        self.assertGreaterEqual(response["max"], 900, s)
        # ~1,000 of 5,000 messages waited, half of them more than 0.5 s: far above the 99th percentile.
        self.assertGreater(response["p99"], 500, s)
        # Stamped when written, the same messages look fast: only the ~20 in flight at the pause waited.
        self.assertLess(service["p99"], response["p99"] / 4, s)
        self.assertLessEqual(service["p50"], response["p50"])
        paced = [p for p in progress_of(r) if "latency_ms" in p]
        self.assertTrue(paced and all("service_ms" in p for p in paced), r.stdout)
        self.assertGreaterEqual(max(p["latency_ms"]["max"] for p in paced), 900, r.stdout)

    def test_messages_still_behind_schedule_at_the_end_are_counted(self):
        # Paused from about 0.5 s to 2.5 s of a 2 s run: the publisher never catches up.
        r = self.paused_run(duration=2, pause_after=0.3, pause_for=2.0, topic="lat/t2/%i")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        published = s["published"]
        behind = published["behind_schedule"]
        self.assertEqual(published["sent"] + behind, 2000)  # rate x -D: every message due is accounted for
        self.assertGreaterEqual(behind, 300, s)
        # The oldest unsent one fell due when the publisher stopped: 1 ms per message at 1,000/s.
        self.assertGreaterEqual(published["behind_schedule_oldest_ms"], behind, s)
        self.assertLess(published["behind_schedule_oldest_ms"], behind + 100, s)
        self.assertEqual(s["received"]["messages"], published["sent"])
        text = t.run_tool(["mqtk-bench", *self.broker.client_args(), "pubsub", "--rate", "100", "-D", "0.5",
                           "--quiet", "-t", "lat/t2b/%i"])
        self.assertEqual(text.status, 0, text.stderr)
        self.assertNotIn(b"behind schedule", text.stdout)  # on schedule: nothing to say


class Basis(BenchCase):
    bench_timeout = 30

    def test_without_rate_the_report_says_service_time_only(self):
        r = self.bench("pubsub", "-q", "1", "-n", "300", "--json", "-t", "lat/t3/%i", "--max-p99", "10000")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["latency_basis"], "service_time_only")
        self.assertEqual(s["received"]["scheduled"], 0)
        self.assertEqual(s["latency_ms"], s["service_ms"])
        self.assertEqual(s["latency_ms"]["samples"], 300)
        self.assertNotIn("behind_schedule", s["published"])
        self.assertEqual(s["checks"][0]["what"], "p99 service time (ms)")
        text = self.bench("pubsub", "-q", "1", "-n", "300", "--quiet", "-t", "lat/t3/%i").stdout.decode()
        self.assertRegex(text, r"(?m)^latency +min .* ms \(service time only: no --rate\)$")
        self.assertNotRegex(text, r"(?m)^service ")
        paced = self.bench("pubsub", "-q", "1", "-n", "300", "--rate", "1000", "--quiet", "-t", "lat/t3/%i")
        self.assertRegex(paced.stdout.decode(), r"(?m)^latency +min .* \(response time: from the intended send time\)$")
        self.assertRegex(paced.stdout.decode(), r"(?m)^service +min .* \(from the write\)$")

    def test_sub_mode_measures_from_the_intended_time_in_the_header(self):
        sub = t.start_tool(["mqtk-bench", *self.broker.client_args(), "sub", "-t", "lat/t4/#", "-n", "4",
                            "-D", "20", "-q", "1", "--json", "--quiet", "-I", "t4sub"])
        self.addCleanup(sub.kill)
        self.broker.wait_subscribed("t4sub0")
        with tempfile.TemporaryDirectory() as d:
            # Three paced messages, each written 1 s after it fell due; one unpaced.
            for seq in range(4):
                now = time.time_ns()
                intended = now - 1_000_000_000 if seq < 3 else 0
                path = f"{d}/m{seq}"
                with open(path, "wb") as f:
                    f.write(bench_header(41, 0, seq, now, intended))
                r = t.mosquitto_pub([*self.broker.client_args(), "-t", "lat/t4/x", "-f", path, "-q", "1"])
                self.assertEqual(r.status, 0, r.stderr)
        result = sub.wait(20)
        self.assertEqual(result.status, 0, result.stderr)
        s = summary_of(result)
        self.assertEqual(s["received"]["messages"], 4)
        self.assertEqual(s["received"]["scheduled"], 3)
        self.assertEqual(s["latency_basis"], "mixed")
        self.assertGreaterEqual(s["latency_ms"]["max"], 1000)
        self.assertLess(s["service_ms"]["max"], 1000)
        self.assertLess(s["latency_ms"]["min"], 1000)  # the unpaced one: its service time

    def test_a_paced_pub_run_in_another_process_gives_the_sub_run_response_times(self):
        sub = t.start_tool(["mqtk-bench", *self.broker.client_args(), "sub", "-t", "lat/t5/#", "-n", "200",
                            "-D", "20", "--json", "--quiet", "-I", "t5sub"])
        self.addCleanup(sub.kill)
        self.broker.wait_subscribed("t5sub0")
        r = self.bench("pub", "-C", "2", "-n", "100", "--rate", "500", "-t", "lat/t5/%i", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(sub.wait(20))
        self.assertEqual(s["received"]["messages"], 200)
        self.assertEqual(s["received"]["scheduled"], 200)
        self.assertEqual(s["latency_basis"], "response_time")
        self.assertGreaterEqual(s["latency_ms"]["p50"], s["service_ms"]["p50"])


if __name__ == "__main__":
    unittest.main()
