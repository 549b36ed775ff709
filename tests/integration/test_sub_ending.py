"""How mqtk-sub ends: -C, -W, -E, --retained-only (0, 1 and 500 retained messages; sentinel and
--settle), -R and -T filtering, --remove-retained, a closed stdout and SIGINT."""

import json
import signal
import time
import unittest

import mqtk_testlib as t
from sub_helpers import pub, run_sub, start_sub, unique_id


def publish_retained(broker, prefix, count, qos_cycle=(0, 1, 2)):
    """count retained messages prefix/<i> = v<i> with QoS cycling through qos_cycle (mqtk-pub --jsonl)."""
    lines = "".join(json.dumps({"topic": f"{prefix}/{i}", "payload": f"v{i}", "qos": qos_cycle[i % len(qos_cycle)],
                                "retain": True}) + "\n" for i in range(count))
    r = t.run_tool(["mqtk-pub", *broker.client_args(), "--jsonl"], input=lines)
    if r.status != 0:
        raise AssertionError(f"mqtk-pub --jsonl failed: {r}")


class Ending(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = t.Mosquitto()
        cls.broker.start()
        publish_retained(cls.broker, "many", 500)
        publish_retained(cls.broker, "one", 1)

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()

    def test_count_exits_0_after_count_messages(self):
        with start_sub(self.broker, "-t", "cnt", "-C", "2") as sub:
            for i in range(4):
                pub(self.broker, "cnt", f"m{i}")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"m0\nm1\n"), r)

    def test_count_with_a_kept_session_leaves_the_rest_to_the_next_run(self):
        # Messages the broker sends once -C is reached (here while --exec commands finish) are not
        # acknowledged: the next run gets them, none is lost.
        for qos in ("1", "2"):
            with self.subTest(qos=qos):
                cid, topic = unique_id("kept"), f"kept/{qos}"
                args = ["-c", "-i", cid, "-q", qos, "-x", "300", "-t", topic]
                self.assertEqual(run_sub(self.broker, *args, "-E").status, 0)
                lines = "".join(json.dumps({"topic": topic, "payload": f"m{i}", "qos": int(qos)}) + "\n"
                                for i in range(40))
                self.assertEqual(t.run_tool(["mqtk-pub", *self.broker.client_args(), "--jsonl"], input=lines).status, 0)
                # The commands still running once -C is reached keep the connection open a while.
                first = run_sub(self.broker, *args, "-C", "3", "--exec", "cat; echo; sleep 0.2")
                self.assertEqual((first.status, first.stdout), (0, b"m0\nm1\nm2\n"), first)
                rest = run_sub(self.broker, *args, "-C", "37", "-W", "5")
                self.assertEqual((rest.status, rest.stdout), (0, "".join(f"m{i}\n" for i in range(3, 40)).encode()), rest)

    def test_timeout_exits_9(self):
        start = time.monotonic()
        r = run_sub(self.broker, "-t", "silent", "-C", "1", "-W", "0.5")
        self.assertEqual(r.status, 9, r)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn(b"timed out after 0.5 s with 0 of 1 message(s)", r.stderr)

    def test_timeout_after_some_messages_still_prints_them(self):
        with start_sub(self.broker, "-t", "partial", "-C", "3", "-W", "1.5") as sub:
            pub(self.broker, "partial", "only")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (9, b"only\n"), r)

    def test_exit_after_subscribe(self):
        r = run_sub(self.broker, "-t", "nothing/here", "-E")
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b"", b""), r)

    def test_retained_only_with_0_1_and_500_messages(self):
        r = run_sub(self.broker, "-t", "none/#", "--retained-only", "-W", "10")
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b"", b""), r)
        r = run_sub(self.broker, "-t", "one/#", "--retained-only", "-v", "-W", "10")
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b"one/0 v0\n", b""), r)
        for version, qos in (("5", "0"), ("5", "1"), ("5", "2"), ("311", "1"), ("311", "2")):
            with self.subTest(version=version, qos=qos):
                r = run_sub(self.broker, "-V", version, "-t", "many/#", "--retained-only", "-q", qos, "-W", "10")
                self.assertEqual((r.status, r.stderr), (0, b""), r)
                self.assertEqual(sorted(r.stdout.splitlines()), sorted(f"v{i}".encode() for i in range(500)))

    def test_retained_only_gets_a_burst_beyond_mosquittos_queue_under_mqtt5(self):
        # Without a Receive Maximum mosquitto keeps 20 in flight + 1,000 queued and drops the rest.
        publish_retained(self.broker, "burst", 1500, qos_cycle=(1,))
        r = run_sub(self.broker, "-t", "burst/#", "--retained-only", "-q", "1", "-W", "10")
        self.assertEqual((r.status, r.stderr), (0, b""), r)
        self.assertEqual(len(set(r.stdout.splitlines())), 1500)

    def test_retained_only_ignores_live_messages_and_is_quick(self):
        start = time.monotonic()
        r = run_sub(self.broker, "-t", "one/#", "-t", "many/#", "--retained-only", "--json")
        self.assertEqual(r.status, 0, r)
        self.assertLess(time.monotonic() - start, 1.5)  # no guessed delay
        self.assertEqual(len(r.stdout.splitlines()), 501)
        self.assertTrue(all(json.loads(x)["retain"] for x in r.stdout.splitlines()))

    def test_retained_only_with_settle(self):
        start = time.monotonic()
        r = run_sub(self.broker, "-t", "one/#", "--retained-only", "--settle", "0.5")
        self.assertEqual((r.status, r.stdout), (0, b"v0\n"), r)
        self.assertGreaterEqual(time.monotonic() - start, 0.5)

    def test_skip_retained(self):
        with start_sub(self.broker, "-t", "one/#", "-R", "-C", "1") as sub:
            pub(self.broker, "one/live", "fresh")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"fresh\n"), r)

    def test_filter_out_hides_matching_topics(self):
        with start_sub(self.broker, "-t", "hide/#", "-T", "hide/secret/#", "-T", "hide/+/x", "-v", "-C", "2") as sub:
            for topic in ("hide/secret/a", "hide/a/x", "hide/shown", "hide/secret", "hide/b"):
                pub(self.broker, topic, "m")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"hide/shown m\nhide/b m\n"), r)

    def test_remove_retained_clears_what_it_receives(self):
        publish_retained(self.broker, "gone", 30)
        r = run_sub(self.broker, "-t", "gone/#", "--retained-only", "--remove-retained", "-T", "gone/7")
        self.assertEqual(r.status, 0, r)
        self.assertEqual(len(r.stdout.splitlines()), 29)
        r = run_sub(self.broker, "-t", "gone/#", "--retained-only", "-v")
        self.assertEqual((r.status, r.stdout), (0, b"gone/7 v7\n"), r)

    def test_closed_stdout_ends_quietly(self):
        client_id = unique_id()
        mark = self.broker.log_mark()
        script = (f'"$0" -h 127.0.0.1 -p {self.broker.port} -i {client_id} -t flood -W 20 | head -1; '
                  'echo "status ${PIPESTATUS[0]}" >&2')
        with t.start_tool(["bash", "-c", script, t.find_tool("mqtk-sub")]) as shell:
            self.broker.wait_subscribed(client_id, start=mark)
            deadline = time.monotonic() + 10
            while shell.running() and time.monotonic() < deadline:
                pub(self.broker, "flood", "line")
                time.sleep(0.02)
            r = shell.wait(10)
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b"line\n", b"status 0\n"), r)

    def test_sigint_exits_130_after_flushing(self):
        with start_sub(self.broker, "-t", "intr") as sub:
            pub(self.broker, "intr", "before")
            sub.wait_for_output("before\n")
            r = sub.stop(signal.SIGINT, timeout=10)
        self.assertEqual((r.status, r.stdout), (130, b"before\n"), r)


if __name__ == "__main__":
    unittest.main()
