"""A stdout whose reader stops reading never blocks the tools that write through stdout_writer
(mqtk-pub --json here): the event loop goes on (keepalive PINGREQs, so the broker keeps the
connection), and SIGINT ends the run within ~2 s although the output cannot be flushed."""

import os
import signal
import subprocess
import time
import unittest

import mqtk_testlib as t


class StdoutStall(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())

    def test_pub_json_keeps_its_connection_and_ends_on_sigint_while_stdout_is_not_read(self):
        read_end, write_end = os.pipe()  # nobody reads read_end
        self.addCleanup(os.close, read_end)
        proc = subprocess.Popen([t.find_tool("mqtk-pub"), *self.broker.client_args(), "-t", "stall/pub", "-l",
                                 "--json", "-k", "1", "-i", "stall-pub"],
                                stdin=subprocess.PIPE, stdout=write_end, stderr=subprocess.PIPE,
                                env=t.tool_env(), start_new_session=True)
        os.close(write_end)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        # 3,000 JSON result lines: several times what the pipe holds.
        proc.stdin.write("".join(f"message {i}\n" for i in range(3000)).encode())
        proc.stdin.flush()
        # Publishing is well under way (messages 1000 and on have 12 bytes).
        self.broker.wait_log(r"Received PUBLISH from stall-pub \(d0, q0, r0, m0, 'stall/pub', \.\.\. \(12 bytes\)\)",
                             timeout=10)
        time.sleep(3.5)  # more than 1.5 x the keepalive: a tool blocked on stdout would be dropped
        self.assertIsNone(proc.poll())
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.fail("mqtk-pub did not end within 5 s of SIGINT")
        self.assertLess(time.monotonic() - started, 3)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn(b"cannot write to stdout: interrupted; ", err)
        log = self.broker.log_text()
        self.assertNotIn("exceeded timeout", log)
        self.assertGreaterEqual(log.count("Received PINGREQ from stall-pub"), 2, "no keepalive while stdout was full")


if __name__ == "__main__":
    unittest.main()
