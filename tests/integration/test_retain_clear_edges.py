"""mqtk-retain-clear's rough edges: the confirmation prompt lists the topics it would clear, a
listing that finds nothing is verified, and over MQTT 3.1.1 a clear the broker acknowledged but did
not carry out counts as still present, not as cleared."""

import os
import pty
import subprocess
import unittest

import mqtk_testlib as t
from test_retain_clear import ACL, ADMIN, clear, seed



class RetainClearEdgesTest(unittest.TestCase):
    def broker(self, **kwargs):
        return t.use_broker(self, t.Mosquitto(log_type=("error", "warning"), **kwargs))

    def test_the_prompt_lists_the_topics_before_asking(self):
        broker = self.broker()
        topics = [f"many/{i:02}" for i in range(12)]
        seed(broker, [{"topic": topic, "payload": "v"} for topic in topics])
        master, slave = pty.openpty()
        try:
            os.write(master, b"n\n")
            proc = subprocess.run([t.find_tool("mqtk-retain-clear"), *broker.client_args(), "-t", "many/#"],
                                  stdin=slave, capture_output=True, env=t.tool_env(), timeout=30,
                                  start_new_session=True)
        finally:
            os.close(master)
            os.close(slave)
        self.assertEqual(proc.returncode, 130, proc.stderr)
        err = proc.stderr.decode()
        question = err.index("clear 12 retained messages under 'many/#'? [y/N]")
        for topic in topics:
            self.assertIn(f"  {topic}\n", err[:question])
        self.assertEqual(err[:question].count("  many/"), 12)

    def test_a_listing_that_finds_nothing_is_verified(self):
        broker = self.broker()
        status, report, err = clear(broker, "-t", "nothing/#")
        self.assertEqual(status, 0, err)
        self.assertEqual(report["found"], [])
        self.assertTrue(report["verified"])
        status, report, err = clear(broker, "-t", "nothing/#", "--dry-run")
        self.assertEqual(status, 0, err)
        self.assertTrue(report["verified"])

    def test_acknowledged_but_kept_clears_are_still_present_over_mqtt_311(self):
        # MQTT 3.1.1 has no PUBACK reason codes: mosquitto acknowledges a clear its ACL forbids and
        # drops it. Those messages are not "cleared": verification finds all 3 of them.
        broker = self.broker(users=dict([ADMIN]), acl=ACL)
        seed(broker, [{"topic": f"locked/{i}", "payload": "x"} for i in range(3)] +
             [{"topic": "free/1", "payload": "y"}], extra=("-u", ADMIN[0], "-P", ADMIN[1]))
        status, report, err = clear(broker, "-t", "locked/#", "-t", "free/#", "-V", "311")
        self.assertEqual(status, 10, err)
        self.assertEqual(report["cleared"], ["free/1"])
        self.assertEqual(report["still_present"], ["locked/0", "locked/1", "locked/2"])
        self.assertEqual(report["counts"], {"found": 4, "cleared": 1, "failed": 0, "still_present": 3})
        self.assertTrue(report["verified"])
        status, out, err = t.run_tool(["mqtk-retain-clear", *broker.client_args(), "-t", "locked/#", "-V", "311"])
        self.assertEqual(status, 10, err)
        text = out.decode()
        self.assertIn("found 3, cleared 0, failed 0; verification: 3 still present", text)
        self.assertEqual(text.count("still there  locked/"), 3)
        self.assertNotIn("cleared      locked/", text)
        self.assertIn(b"3 retained message(s) still present", err)


if __name__ == "__main__":
    unittest.main()
