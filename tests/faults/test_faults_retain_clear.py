"""Fault lab, mqtk-retain-clear: a full disk for --backup, the broker killed while clearing, a link
that stalls or dies mid-run. The rule: never clear a message whose backup was not written and
synced; end in bounded time with the documented status; an existing backup is never lost."""

import json
import os
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.fault_lab import Measured, small_disk
from mqtk_testlib.fault_proxy import FaultProxy

OLD = b'{"topic":"earlier/run","payload":"the only copy","payload_encoding":"utf8","qos":1,"retain":true}\n'


class RetainClearFaults(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto(log_type=("error", "warning")))
        self.proxy = FaultProxy(self.broker.port).start()
        self.addCleanup(self.proxy.stop)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def seed(self, count, size=100, prefix="rc"):
        lines = "".join(json.dumps({"topic": f"{prefix}/{i:04d}", "payload": "p" * size, "retain": True,
                                    "qos": 1}) + "\n" for i in range(count))
        r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "--jsonl"], input=lines, timeout=30)
        self.assertEqual(r.status, 0, r.stderr)

    def retained(self, topic_filter):
        r = t.run_tool(["mqtk-retain-clear", *self.broker.client_args(), "-t", topic_filter, "--dry-run",
                        "--json"], timeout=30)
        self.assertEqual(r.status, 0, r.stderr)
        return sorted(e["topic"] for e in json.loads(r.stdout)["found"])

    def clear(self, *args):
        run = Measured(["mqtk-retain-clear", *self.proxy.client_args(), "-y", "--json", "-k", "2",
                        "--connect-timeout", "2", *args])
        self.addCleanup(run.__exit__)
        return run

    def backup_topics(self, path):
        with open(path, "rb") as f:
            return sorted(json.loads(line)["topic"] for line in f if line.strip())

    def test_full_disk_for_the_backup_clears_nothing(self):
        self.seed(40, size=2000)  # 80 kB of backup for a 64 KiB disk
        with small_disk(64) as (disk, mounted):
            if not mounted:
                self.fail("this case needs a tmpfs (run as root): a full disk cannot be simulated here")
            backup = os.path.join(disk, "b.jsonl")
            with open(backup, "wb") as f:
                f.write(OLD)
            r = self.clear("-t", "rc/#", "--backup", backup, "--force").wait(30)
            self.assertEqual(r.status, 2, r.text)
            self.assertIn(b"nothing was cleared", r.stderr)
            with open(backup, "rb") as f:
                self.assertEqual(f.read(), OLD, "the earlier backup was lost")
            self.assertEqual(os.listdir(disk), ["b.jsonl"], "a temporary file was left behind")
        self.assertEqual(len(self.retained("rc/#")), 40)

    def test_broker_killed_while_clearing_keeps_a_complete_backup(self):
        self.seed(300, size=10)
        backup = os.path.join(self.tmp.name, "b.jsonl")
        self.proxy.drip(bytes_per_chunk=16, delay=0.005)  # about 3 kB/s: the clears take a second or more
        run = self.clear("-t", "rc/#", "--backup", backup)
        deadline = time.monotonic() + 20
        while not os.path.exists(backup) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(os.path.exists(backup), "no backup was written before the clears")
        time.sleep(0.2)
        self.broker.kill()
        r = run.wait(20)
        self.assertIn(r.status, (3, 7), r.text)
        self.assertLess(r.seconds, 25, r.text)
        self.assertEqual(len(self.backup_topics(backup)), 300, "the backup is not complete")

    def test_stalled_link_during_the_clears_ends_in_bounded_time(self):
        self.seed(200)
        backup = os.path.join(self.tmp.name, "b.jsonl")
        run = self.clear("-t", "rc/#", "--backup", backup)
        deadline = time.monotonic() + 20
        while not os.path.exists(backup) and time.monotonic() < deadline:
            time.sleep(0.005)
        self.proxy.stall("up")
        r = run.wait(25)
        self.assertLess(r.seconds, 15, r.text)
        self.assertNotEqual(r.status, 0, r.text)  # unless the clears all got through first
        self.assertEqual(len(self.backup_topics(backup)), 200)

    def test_blackhole_while_listing_leaves_no_backup_and_clears_nothing(self):
        self.seed(20)
        self.proxy.blackhole()
        backup = os.path.join(self.tmp.name, "b.jsonl")
        r = self.clear("-t", "rc/#", "--backup", backup).wait(25)
        self.assertNotEqual(r.status, 0, r.text)
        self.assertLess(r.seconds, 15, r.text)
        self.assertFalse(os.path.exists(backup), "a backup of nothing was written")
        self.assertEqual(len(self.retained("rc/#")), 20)


class SubStdoutFullDisk(unittest.TestCase):
    def test_sub_output_to_a_full_disk_is_exit_1_with_one_line(self):
        with t.Mosquitto() as broker, small_disk(64) as (disk, mounted):
            if not mounted:
                self.fail("this case needs a tmpfs (run as root)")
            path = os.path.join(disk, "capture")
            with open(path, "wb") as out:
                sub = Measured(["mqtk-sub", *broker.client_args(), "-t", "fd/x", "-q", "1", "-C", "200"],
                               stdout=out)
                with sub:
                    broker.wait_log(r"Received SUBSCRIBE")
                    lines = "".join(f"{i:04d} " + "z" * 1000 + "\n" for i in range(200))
                    t.run_tool(["mosquitto_pub", *broker.client_args(), "-t", "fd/x", "-q", "1", "-l"],
                               input=lines, timeout=30)
                    r = sub.wait(15)
            self.assertEqual(r.status, 1, r.text)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.text)
            self.assertIn(b"No space left on device", r.stderr)


if __name__ == "__main__":
    unittest.main()
