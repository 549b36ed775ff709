"""mqtk-sub --random-filter PERCENT, as mosquitto_sub: each message printed with that chance; the
messages left out still count for -C."""

import unittest

import mqtk_testlib as t
from sub_helpers import BrokerCase, start_sub


class RandomFilter(BrokerCase):
    def run_filter(self, percent, n):
        with start_sub(self.broker, "-t", "rf/" + percent, "-q", "1", "-C", str(n), "--random-filter", percent) as sub:
            lines = "".join(f"m{i}\n" for i in range(n))
            r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "-t", "rf/" + percent, "-q", "1", "-l"],
                           input=lines)
            self.assertEqual(r.status, 0, r)
            result = sub.wait(20)
        self.assertEqual(result.status, 0, result)  # -C counted every message, printed or not
        return result.stdout.decode().splitlines()

    def test_a_quarter_of_the_messages_is_printed(self):
        got = self.run_filter("25", 400)
        # expected 100, standard deviation ~8.7: this bound is more than 9 deviations wide
        self.assertTrue(20 <= len(got) <= 250, len(got))
        self.assertEqual(len(set(got)), len(got))
        self.assertTrue(set(got) <= {f"m{i}" for i in range(400)})

    def test_100_prints_every_message(self):
        self.assertEqual(self.run_filter("100", 50), [f"m{i}" for i in range(50)])

    def test_bad_percentages_are_usage_errors(self):
        port = str(t.free_port())
        for value in ("0", "101", "-5", "x"):
            r = t.run_tool(["mqtk-sub", "-p", port, "-t", "a", "--random-filter", value])
            self.assertEqual((r.status, r.stdout), (2, b""), (value, r))


if __name__ == "__main__":
    unittest.main()
