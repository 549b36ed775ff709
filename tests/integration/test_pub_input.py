"""mqtk-pub's input and pacing (issue 10): control characters refused up front in every tool,
unreadable -f files, --jsonl lines without a topic, --rate as a true per-second limit, and the
--repeat/--rate usage errors."""

import json
import os
import subprocess
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.scripted_broker import CONNECT, DISCONNECT, PUBLISH, ScriptedBroker, connack, puback


def silent_broker():
    """A scripted broker that accepts connections and answers nothing: a tool that should stop
    before connecting leaves its connection count at 0."""
    return ScriptedBroker(lambda conn: conn.wait_closed(timeout=5)).start()


class ControlCharacters(unittest.TestCase):
    def setUp(self):
        self.broker = silent_broker()
        self.addCleanup(self.broker.stop)

    def refused(self, tool, *args, code="U+0001"):
        r = t.run_tool([tool, *self.broker.client_args(), "--connect-timeout", "2", *args], timeout=10)
        self.assertEqual(r.status, 2, r.stderr)
        err = r.stderr.decode()
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(f"contains the control character {code}", err)
        self.assertIn("--allow-control-chars", err)
        self.assertEqual(self.broker.connections, 0, "nothing may be sent")
        return err

    def test_pub_user_property_topic_and_content_type(self):
        err = self.refused("mqtk-pub", "-t", "cc/a", "-m", "x", "-q", "1", "--user-property", "k=\x01x")
        self.assertIn("--user-property 'k=\\x01x'", err)
        self.refused("mqtk-pub", "-t", "cc/\x1fa", "-m", "x", code="U+001F")
        self.refused("mqtk-pub", "-t", "cc/a", "-m", "x", "--content-type", "text/\x7f", code="U+007F")
        self.refused("mqtk-pub", "-t", "cc/a", "-m", "x", "--response-topic", "r/\u0085", code="U+0085")

    def test_connection_strings_in_every_tool(self):
        self.refused("mqtk-pub", "-t", "a", "-m", "x", "-i", "id\x02", code="U+0002")
        self.refused("mqtk-sub", "-t", "a", "-u", "user\x03", code="U+0003")
        self.refused("mqtk-pub", "-t", "a", "-m", "x", "--will-topic", "w/\x01")

    def test_sub_retain_clear_will_test_and_bench(self):
        self.refused("mqtk-sub", "-t", "cc/\x01")
        self.refused("mqtk-sub", "-t", "a", "-U", "cc/\x01")
        self.refused("mqtk-retain-clear", "-t", "cc/\x01/#")
        self.refused("mqtk-retain-clear", "-t", "cc/#", "-T", "cc/\x01")
        self.refused("mqtk-will-test", "--will-topic", "cc/\x01")
        self.refused("mqtk-will-test", "--will-user-property", "k=\x01")
        self.refused("mqtk-bench", "pub", "-t", "cc/\x01/%i", "-n", "1")

    def test_jsonl_line_with_a_control_character_stops_with_exit_2(self):
        line = json.dumps({"topic": "cc/j", "payload": "x", "properties": {"content_type": "a\u0001"}})
        with ScriptedBroker(self.accept_and_wait) as broker:
            r = t.run_tool(["mqtk-pub", *broker.client_args(), "--jsonl"], input=line + "\n", timeout=10)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertIn(b"line 1: content_type 'a\\x01' contains the control character U+0001", r.stderr)

    @staticmethod
    def accept_and_wait(conn):
        conn.expect(CONNECT)
        conn.send(connack())
        conn.wait_closed(timeout=5)

    def test_allow_control_chars_sends_them(self):
        seen = []

        def script(conn):
            conn.expect(CONNECT)
            conn.send(connack())
            p = conn.expect(PUBLISH)
            seen.append(p.body)
            conn.send(puback(p.packet_id))
            conn.expect(DISCONNECT)

        with ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "cc/\x01", "-m", "x", "-q", "1",
                            "--user-property", "k=\x01x", "--allow-control-chars"], timeout=10)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(len(seen), 1)
        self.assertIn(b"cc/\x01", seen[0])
        self.assertIn(b"\x01x", seen[0])


class UnreadableFiles(unittest.TestCase):
    def setUp(self):
        self.broker = silent_broker()
        self.addCleanup(self.broker.stop)
        self.tmp = tempfile.mkdtemp(prefix="mqtk-pub-input-")
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, True))

    def pub(self, *args):
        return t.run_tool(["mqtk-pub", *self.broker.client_args(), "-t", "f/x", *args], timeout=10)

    def test_directory(self):
        r = self.pub("-f", self.tmp)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertEqual(r.stderr.decode(), f"mqtk-pub: cannot read file '{self.tmp}': is a directory\n")
        self.assertEqual(self.broker.connections, 0)

    def test_missing_and_unreadable(self):
        r = self.pub("-f", os.path.join(self.tmp, "nope"))
        self.assertEqual(r.status, 2, r.stderr)
        self.assertIn(b"No such file or directory", r.stderr)
        path = os.path.join(self.tmp, "secret")
        with open(path, "w") as f:
            f.write("x")
        os.chmod(path, 0)
        if os.access(path, os.R_OK):  # root reads anything: use a file no one can read instead
            path = "/proc/self/mem"
        r = self.pub("-f", path)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertRegex(r.stderr.decode(), r"^mqtk-pub: cannot read file '.*': \S.*\n$")

    def test_password_file_profile_and_tls_files_that_are_directories(self):
        cases = [
            (["-m", "x", "--password-file", self.tmp], f"cannot read password file '{self.tmp}': is a directory"),
            (["-m", "x", "--profile", "d"], "cannot read profile"),
            (["-m", "x", "-L", "mqtts://127.0.0.1:1", "--cafile", self.tmp],
             f"cannot read CA file '{self.tmp}': is a directory"),
            (["-m", "x", "-L", "mqtts://127.0.0.1:1", "--cert", self.tmp],
             f"cannot read certificate '{self.tmp}': is a directory"),
        ]
        os.makedirs(os.path.join(self.tmp, "mqtk", "d.conf"))
        for args, message in cases:
            with self.subTest(args=args):
                r = t.run_tool(["mqtk-pub", "-t", "f/x", *args], env={"XDG_CONFIG_HOME": self.tmp}, timeout=10)
                self.assertEqual(r.status, 2, r.stderr)
                self.assertIn(message, r.stderr.decode())
                self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)


class JsonLinesTopic(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())

    def test_line_without_topic_takes_t(self):
        bg = t.start_mosquitto_sub([*self.broker.client_args(), "-t", "jl/#", "-C", "2", "-v"])
        self.addCleanup(bg.kill)
        self.broker.wait_log(r"Received SUBSCRIBE", timeout=10)
        lines = '{"payload":"x"}\n{"topic":"jl/own","payload":"y"}\n'
        r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "-t", "jl/d", "--jsonl", "-q", "1"],
                       input=lines, timeout=15)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout, b"jl/d x\njl/own y\n")

    def test_line_without_topic_and_no_t_names_the_line(self):
        r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "--jsonl"], input='{"payload":"x"}\n', timeout=15)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertEqual(r.stderr, b"mqtk-pub: line 1: topic is missing (give it in the line or with -t)\n")


class SharedStdin(unittest.TestCase):
    """mqtk-pub -l reading a pipe (or terminal) it shares with its parent never sets O_NONBLOCK on
    it: that flag belongs to the open file description and would stay after mqtk-pub exits, making
    the next reader of the same terminal or pipe fail with EAGAIN."""

    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())

    def test_lines_published_and_stdin_left_blocking(self):
        bg = t.start_mosquitto_sub([*self.broker.client_args(), "-t", "shared/in", "-C", "2"])
        self.addCleanup(bg.kill)
        self.broker.wait_log(r"Received SUBSCRIBE", timeout=10)
        read_end, write_end = os.pipe()
        self.addCleanup(os.close, read_end)
        with open(write_end, "wb", buffering=0) as writer:
            p = subprocess.Popen([t.find_tool("mqtk-pub"), *self.broker.client_args(), "-t", "shared/in", "-l",
                                  "-q", "1"], stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 env=t.tool_env())
            self.addCleanup(p.kill)
            writer.write(b"one\n")
            self.broker.wait_log(r"Received PUBLISH from .*shared/in", timeout=10)
            time.sleep(0.2)  # mqtk-pub is now waiting for the next line
            self.assertTrue(os.get_blocking(read_end), "mqtk-pub set O_NONBLOCK on the shared stdin")
            writer.write(b"two\n")
        _, err = p.communicate(timeout=15)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(bg.wait(10).stdout, b"one\ntwo\n")
        self.assertTrue(os.get_blocking(read_end), "O_NONBLOCK left on stdin after mqtk-pub exited")


class RateLimit(unittest.TestCase):
    """--rate N: no 1 s window of arrivals at a subscriber holds more than N messages."""

    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())

    def arrivals(self, count, *pub_args, input=None):
        bg = t.start_mosquitto_sub([*self.broker.client_args(), "-t", "rate/t", "-C", str(count), "-F", "%U"])
        self.addCleanup(bg.kill)
        self.broker.wait_log(r"Received SUBSCRIBE", timeout=10)
        r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "-t", "rate/t", *pub_args], input=input,
                       timeout=20)
        self.assertEqual(r.status, 0, r.stderr)
        out = bg.wait(10).stdout.decode().split()
        self.assertEqual(len(out), count)
        return [float(x) for x in out]

    def assert_at_most_per_second(self, times, limit):
        # Arrivals may bunch by a few ms of scheduling jitter: windows of 0.95 s leave that slack
        # while still catching any catch-up burst.
        times = sorted(times)
        j = 0
        for i in range(len(times)):
            while j < len(times) and times[j] < times[i] + 0.95:
                j += 1
            self.assertLessEqual(j - i, limit, f"{j - i} messages within 0.95 s from arrival {i}: {times}")

    def test_repeat_10_at_rate_5(self):
        times = self.arrivals(10, "-m", "x", "--repeat", "10", "--rate", "5")
        self.assert_at_most_per_second(times, 5)
        self.assertGreaterEqual(times[-1] - times[0], 1.7)

    def test_stream_of_lines_at_rate_20(self):
        lines = "".join(f"{i}\n" for i in range(30))
        times = self.arrivals(30, "-l", "--rate", "20", input=lines)
        self.assert_at_most_per_second(times, 20)
        self.assertGreaterEqual(times[-1] - times[0], 1.35)

    def test_burst(self):
        times = self.arrivals(8, "-m", "x", "--repeat", "8", "--rate", "4", "--burst", "4")
        self.assertLess(times[3] - times[0], 0.2, "the burst goes at once")
        self.assertGreaterEqual(times[4] - times[0], 0.2, "then the rate holds")


class UsageErrors(unittest.TestCase):
    def check(self, args, message, input=None):
        r = t.run_tool(["mqtk-pub", "-h", "127.0.0.1", "-p", "1", *args], input=input, timeout=10)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertEqual(r.stderr.decode(), f"mqtk-pub: {message}\n")

    def test_rate_zero_and_burst_without_rate(self):
        self.check(["-t", "a", "-m", "x", "--rate", "0"],
                   "--rate must be more than 0 messages per second (leave it out for no limit)")
        self.check(["-t", "a", "-m", "x", "--burst", "3"], "--burst needs --rate")
        self.check(["-t", "a", "-m", "x", "--rate", "1", "--burst", "0"], "--burst must be at least 1")

    def test_repeat_with_streams(self):
        for source in (["-l"], ["--jsonl"]):
            for flag in (["--repeat", "3"], ["--repeat-delay", "1"]):
                with self.subTest(source=source, flag=flag):
                    self.check(["-t", "a", *source, *flag],
                               "--repeat and --repeat-delay apply to -m, -f, -s and -n, not to -l or --jsonl streams",
                               input="")

    def test_long_topic_is_cut_in_errors(self):
        topic = "a/" + "b" * 70000 + "/+"
        r = t.run_tool(["mqtk-pub", "-t", topic, "-m", "x"], timeout=10)
        self.assertEqual(r.status, 2, r.stderr)
        self.assertLess(len(r.stderr), 300, r.stderr[:400])
        self.assertIn(b"...(70004 bytes)", r.stderr)


if __name__ == "__main__":
    unittest.main()
