"""mqtk-sub --message-rate against Mosquitto: rate lines on stderr per interval, a total line at
the end, JSON objects with --json, stdout unchanged; bad intervals are usage errors (2)."""

import json
import time
import unittest

from sub_helpers import BrokerCase, pub, run_sub, start_sub


class MessageRate(BrokerCase):
    def test_interval_lines_and_total(self):
        with start_sub(self.broker, "-t", "r", "-C", "5", "--message-rate", "0.2") as sub:
            for i in range(5):
                if i == 3:
                    time.sleep(0.5)  # at least two intervals pass before -C ends the run
                pub(self.broker, "r", str(i))
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"0\n1\n2\n3\n4\n"), r)
        lines = r.stderr.decode().splitlines()
        self.assertRegex(lines[-1], r"^total: 5 messages in \d+\.\d{3} s, \d+\.\d/s$")
        rates = lines[:-1]
        self.assertGreaterEqual(len(rates), 2, r.stderr)
        for line in rates:
            self.assertRegex(line, r"^rate: \d+ messages? in 0\.\d{3} s, \d+\.\d/s$")
        counted = sum(int(line.split()[1]) for line in rates)
        self.assertLessEqual(counted, 5)  # the messages of the unfinished interval are in the total only
        self.assertGreaterEqual(counted, 3, r.stderr)

    def test_json_reports(self):
        with start_sub(self.broker, "-t", "rj", "--json", "-C", "3", "--message-rate") as sub:
            for i in range(3):
                pub(self.broker, "rj", str(i))
            r = sub.wait(10)
        self.assertEqual(r.status, 0, r)
        self.assertEqual([json.loads(line)["payload"] for line in r.stdout.splitlines()], ["0", "1", "2"])
        reports = [json.loads(line) for line in r.stderr.splitlines()]
        self.assertEqual(reports[-1]["report"], "total")
        self.assertEqual(reports[-1]["messages"], 3)
        self.assertEqual(set(reports[-1]), {"report", "messages", "seconds", "per_second"})

    def test_bad_interval(self):
        for value in ("0", "abc", "1e9", " 2", "+2", "0x10", "inf", "nan", "2s", "1..5"):
            with self.subTest(value=value):
                r = run_sub(self.broker, "-t", "x", "--message-rate", value)
                self.assertEqual(r.status, 2, r)
                self.assertIn(b"is not a number of seconds from 0.01 to 86400", r.stderr)


if __name__ == "__main__":
    unittest.main()
