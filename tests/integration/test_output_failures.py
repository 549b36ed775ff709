"""A stdout that cannot be written (/dev/full: "No space left on device") is a failure in every tool:
one stderr line and exit 1, also when the failing write is the final flush (issue 10, item 9). A
closed pipe (EPIPE) stays a quiet ending."""

import json
import os
import subprocess
import unittest

import mqtk_testlib as t
from sub_helpers import pub, unique_id

NO_SPACE = b"cannot write to stdout: No space left on device"


def run_to(target, args, timeout=30, input=None):
    """Runs the tool args with stdout on target (a path, or a file descriptor); returns ToolResult
    (stdout empty)."""
    argv = [t.find_tool(args[0]), *[str(a) for a in args[1:]]]
    out = open(target, "wb") if isinstance(target, str) else target
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.PIPE, env=t.tool_env(), start_new_session=True)
        try:
            _, err = proc.communicate(input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise t.ToolTimeout(f"timed out after {timeout}s: {' '.join(argv)}") from None
    finally:
        if isinstance(target, str):
            out.close()
    return t.ToolResult(proc.returncode, b"", err)


class OutputFailures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists("/dev/full"):
            raise AssertionError("/dev/full is missing")
        cls.broker = t.Mosquitto()
        cls.broker.start()
        pub(cls.broker, "kept/1", "retained one", "-r")

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()

    def assert_write_failure(self, r, tool):
        self.assertEqual(r.status, 1, r)
        self.assertIn(f"{tool}: ".encode() + NO_SPACE, r.stderr)
        self.assertEqual(r.stderr.count(NO_SPACE), 1, r.stderr)

    def test_sub_count_to_dev_full_exits_1(self):
        r = run_to("/dev/full", ["mqtk-sub", *self.broker.client_args(), "-t", "kept/#", "-C", "1", "-W", "10"])
        self.assert_write_failure(r, "mqtk-sub")

    def test_sub_retained_only_to_dev_full_exits_1(self):
        r = run_to("/dev/full", ["mqtk-sub", *self.broker.client_args(), "-t", "kept/#", "--retained-only",
                                 "--json", "-W", "10"])
        self.assert_write_failure(r, "mqtk-sub")

    def test_sub_streaming_to_dev_full_ends_at_the_first_write(self):
        r = run_to("/dev/full", ["mqtk-sub", *self.broker.client_args(), "-t", "kept/#", "-W", "10"])
        self.assert_write_failure(r, "mqtk-sub")

    def test_pub_json_to_dev_full_exits_1(self):
        r = run_to("/dev/full", ["mqtk-pub", *self.broker.client_args(), "-t", "out/pub", "-m", "x", "-q", "1",
                                 "--json"])
        self.assert_write_failure(r, "mqtk-pub")

    def test_pub_without_output_is_not_affected(self):
        r = run_to("/dev/full", ["mqtk-pub", *self.broker.client_args(), "-t", "out/pub", "-m", "x", "-q", "1"])
        self.assertEqual((r.status, r.stderr), (0, b""), r)

    def test_pub_jsonl_stream_to_dev_full_says_so_once(self):
        lines = "".join(json.dumps({"topic": "out/many", "payload": f"m{i}", "qos": 1}) + "\n" for i in range(300))
        r = run_to("/dev/full", ["mqtk-pub", *self.broker.client_args(), "--jsonl", "--json"], input=lines.encode())
        self.assert_write_failure(r, "mqtk-pub")

    def test_retain_clear_report_to_dev_full_exits_1(self):
        pub(self.broker, "rc/1", "x", "-r")
        r = run_to("/dev/full", ["mqtk-retain-clear", *self.broker.client_args(), "-t", "rc/#", "-n"])
        self.assert_write_failure(r, "mqtk-retain-clear")
        r = run_to("/dev/full", ["mqtk-retain-clear", *self.broker.client_args(), "-t", "rc/#", "-n", "--json"])
        self.assert_write_failure(r, "mqtk-retain-clear")

    def test_will_test_report_to_dev_full_exits_1(self):
        r = run_to("/dev/full", ["mqtk-will-test", *self.broker.client_args(), "--end", "abrupt", "--will-topic",
                                 f"wt/{unique_id('full')}"])
        self.assert_write_failure(r, "mqtk-will-test")

    def test_bench_summary_to_dev_full_exits_1(self):
        r = run_to("/dev/full", ["mqtk-bench", *self.broker.client_args(), "pub", "-C", "1", "-n", "5",
                                 "-t", "out/bench", "--quiet"])
        self.assert_write_failure(r, "mqtk-bench")

    def test_help_and_version_to_dev_full_exit_1(self):
        for tool in ("mqtk-sub", "mqtk-pub", "mqtk-retain-clear", "mqtk-will-test", "mqtk-bench", "mqtk-rr"):
            for flag in ("--help", "--version"):
                with self.subTest(tool=tool, flag=flag):
                    self.assert_write_failure(run_to("/dev/full", [tool, flag]), tool)

    def test_closed_pipe_stays_quiet_for_pub(self):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            r = run_to(write_end, ["mqtk-pub", *self.broker.client_args(), "-t", "out/pipe", "-m", "x",
                                                "-q", "1", "--json"])
        finally:
            os.close(write_end)
        self.assertEqual((r.status, r.stderr), (0, b""), r)


if __name__ == "__main__":
    unittest.main()
