"""Fault lab, mqtk-will-test: the broker dies, stops or stalls while the tool waits for a will. The
verdict must never be a pass, and the tool must end within its connect timeout and wait."""

import signal
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.fault_lab import Measured
from mqtk_testlib.fault_proxy import FaultProxy


class WillTestFaults(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())
        self.proxy = FaultProxy(self.broker.port).start()
        self.addCleanup(self.proxy.stop)

    def will_test(self, *args):
        run = Measured(["mqtk-will-test", *self.proxy.client_args(), "--will-topic", "lab/will",
                        "--connect-timeout", "2", "-k", "2", *args])
        self.addCleanup(run.__exit__)
        return run

    def test_broker_killed_while_waiting_for_a_delayed_will(self):
        run = self.will_test("--end", "abrupt", "--will-delay", "4", "-W", "10")
        time.sleep(1.5)
        self.broker.kill()
        r = run.wait(20)
        self.assertNotIn(r.status, (0, 10), r.text)  # neither a pass nor a broker verdict
        self.assertEqual(r.status, 3, r.text)
        self.assertLess(r.seconds, 15, r.text)

    def test_broker_stopped_before_the_start_ends_within_the_connect_timeout(self):
        self.broker.proc.send_signal(signal.SIGSTOP)
        self.addCleanup(lambda: self.broker.proc.send_signal(signal.SIGCONT))
        r = self.will_test("--end", "abrupt", "-W", "5").wait(20)
        self.assertEqual(r.status, 3, r.text)
        self.assertLess(r.seconds, 6, r.text)
        self.assertIn(b"CONNACK", r.stderr)

    def test_observer_link_blackholed_mid_wait_is_not_a_missing_will(self):
        run = self.will_test("--end", "abrupt", "--will-delay", "3", "-W", "8")
        time.sleep(1.2)
        self.proxy.blackhole()
        r = run.wait(25)
        # the observer's connection is dead: the tool cannot know whether the will came
        self.assertNotIn(r.status, (0, 10), r.text)
        self.assertLess(r.seconds, 15, r.text)


if __name__ == "__main__":
    unittest.main()
