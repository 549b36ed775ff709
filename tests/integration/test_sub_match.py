"""mqtk-sub's --until and --match-*: the first matching message ends the run (0), -W bounds the wait
(9), the conditions alone filter what is printed, bad expressions are usage errors (2)."""

import time
import unittest

from sub_helpers import BrokerCase, pub, run_sub, start_sub


class Match(BrokerCase):
    def test_until_ends_at_the_first_match(self):
        with start_sub(self.broker, "-t", "dev/+/state", "--until", "--match-json", "/temp > 30", "-v") as sub:
            pub(self.broker, "dev/a/state", '{"temp": 20}')
            pub(self.broker, "dev/a/state", "not json")
            pub(self.broker, "dev/b/state", '{"temp": 35}')
            pub(self.broker, "dev/c/state", '{"temp": 40}')
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b'dev/b/state {"temp": 35}\n', b""), r)

    def test_until_with_its_own_filter_and_print_all(self):
        with start_sub(self.broker, "--until", "jobs/+/done", "-t", "jobs/#", "--print-all",
                       "--match-payload", "^ok$") as sub:
            pub(self.broker, "jobs/1/started", "ok")
            pub(self.broker, "jobs/1/done", "ok, partly")
            pub(self.broker, "jobs/1/done", "ok")
            pub(self.broker, "jobs/2/done", "ok")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"ok\nok, partly\nok\n"), r)

    def test_until_times_out_with_9(self):
        start = time.monotonic()
        with start_sub(self.broker, "-t", "quiet", "--until", "--match-payload", "ready", "-W", "1") as sub:
            pub(self.broker, "quiet", "starting")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (9, b""), r)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn(b"timed out after 1 s without a matching message", r.stderr)

    def test_conditions_without_until_filter_and_count(self):
        with start_sub(self.broker, "-t", "logs", "--match-payload", "^ERROR", "-C", "2") as sub:
            for line in ("INFO a", "ERROR b", "WARN c", "ERROR d", "ERROR e"):
                pub(self.broker, "logs", line)
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"ERROR b\nERROR d\n"), r)

    def test_bad_expressions_are_usage_errors(self):
        cases = [(["--match-payload", "(open"], b"--match-payload '(open' is not a valid regular expression"),
                 (["--match-json", "temp > 1"], b"is not a JSON pointer"),
                 (["--match-json", "/temp >= 1"], b"'>=' is not an operator"),
                 (["--match-json", "/temp"], b"needs 'POINTER OP VALUE'"),
                 (["--until", "a/#/b"], b"--until filter 'a/#/b'"),
                 (["--print-all"], b"--print-all needs --until or a --match-* condition")]
        for args, message in cases:
            with self.subTest(args=args):
                r = run_sub(self.broker, "-t", "x", *args)
                self.assertEqual(r.status, 2, r)
                self.assertIn(message, r.stderr)
                self.assertEqual(r.stderr.count(b"\n"), 1, r)


if __name__ == "__main__":
    unittest.main()
