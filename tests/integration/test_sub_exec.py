"""mqtk-sub --exec, -- COMMAND and --exec-table: one command per message with the payload on stdin
and MQTT_* in the environment, order kept per topic under --jobs, a hanging command killed at
--exec-timeout, failures counted (exit 10), and --ack-after-exec redelivering what did not succeed."""

import json
import os
import signal
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb
from sub_helpers import BrokerCase, pub, run_sub, start_sub, unique_id


def wait_for_file(path, needle=b"", timeout=10):
    """Waits until path exists and contains needle; returns its bytes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            if needle in data and data:
                return data
        time.sleep(0.05)
    raise AssertionError(f"{path} never held {needle!r}")


class Exec(BrokerCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def publish_jsonl(self, *messages):
        """Publishes (topic, payload) pairs in this order with one mqtk-pub at QoS 1."""
        lines = "".join(json.dumps({"topic": topic, "payload": payload, "qos": 1}) + "\n"
                        for topic, payload in messages)
        r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "--jsonl"], input=lines, timeout=20)
        self.assertEqual(r.status, 0, r)

    def test_environment_and_stdin(self):
        # An MQTT_* variable of mqtk-sub's own environment does not reach the command.
        with start_sub(self.broker, "-t", "env/#", "-q", "1", "-C", "1", "--exec",
                       'env | grep ^MQTT_ | sort; echo "stdin=$(cat)"', env={"MQTT_MESSAGE_EXPIRY": "stale"}) as sub:
            pub(self.broker, "env/a", "hello", "-q", "1", "-V", "5", "-D", "publish", "content-type", "text/x",
                "-D", "publish", "response-topic", "re/ply", "-D", "publish", "correlation-data", "id-7",
                "-D", "publish", "user-property", "k", "v")
            r = sub.wait(15)
        self.assertEqual((r.status, r.stderr), (0, b""), r)
        lines = r.stdout.decode().splitlines()
        mid = [line for line in lines if line.startswith("MQTT_MID=")]
        self.assertEqual(len(mid), 1, r)
        self.assertGreater(int(mid[0].split("=")[1]), 0)
        self.assertEqual([line for line in lines if not line.startswith("MQTT_MID=")],
                         ["MQTT_CONTENT_TYPE=text/x", "MQTT_CORRELATION_DATA=id-7",
                          "MQTT_CORRELATION_DATA_HEX=69642d37", "MQTT_QOS=1", "MQTT_RESPONSE_TOPIC=re/ply",
                          "MQTT_RETAIN=0", "MQTT_TOPIC=env/a", 'MQTT_USER_PROPERTIES=[["k","v"]]',
                          "stdin=hello"])

    def test_binary_payload_reaches_stdin_intact(self):
        payload = bytes(range(256)) * 4
        with start_sub(self.broker, "-t", "bin", "-C", "1", "--exec", "cat") as sub:
            pub(self.broker, "bin", None, stdin=payload)
            r = sub.wait(15)
        self.assertEqual((r.status, r.stdout, r.stderr), (0, payload, b""), r)

    def test_argv_after_double_dash_runs_without_a_shell(self):
        with start_sub(self.broker, "-t", "argv", "-C", "1", "--", "printf", "%s|", "$MQTT_TOPIC", "a b") as sub:
            pub(self.broker, "argv", "x")
            r = sub.wait(15)
        self.assertEqual((r.status, r.stdout), (0, b"$MQTT_TOPIC|a b|"), r)

    def test_order_is_kept_per_topic_with_jobs_4(self):
        # The first message of topic a sleeps longest: with order per topic a's others wait for it,
        # while the other topics' commands go on beside it.
        messages = [("ord/a", "1 0.8")] + [(f"ord/{topic}", f"{n} 0") for n in range(1, 6) for topic in "bcd"]
        messages += [("ord/a", f"{n} 0") for n in range(2, 6)]
        with start_sub(self.broker, "-t", "ord/+", "-q", "1", "-C", str(len(messages)), "--jobs", "4",
                       "--exec", 'read n s; sleep "$s"; echo "$MQTT_TOPIC $n"') as sub:
            self.publish_jsonl(*messages)
            r = sub.wait(30)
        self.assertEqual((r.status, r.stderr), (0, b""), r)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(sorted(lines), sorted(f"{topic} {payload.split()[0]}" for topic, payload in messages))
        for topic in "abcd":
            self.assertEqual([line for line in lines if line.startswith(f"ord/{topic} ")],
                             [f"ord/{topic} {n}" for n in range(1, 6)], r)
        self.assertNotEqual(lines[0], "ord/a 1", "the other topics did not run beside the slow command")

    def test_hanging_command_is_killed_at_the_timeout(self):
        start = time.monotonic()
        # The background sleep keeps the command's stdout open: the whole process group must go.
        with start_sub(self.broker, "-t", "hang", "-C", "2", "--exec-timeout", "0.5",
                       "--exec", 'sleep 30 & sleep 30') as sub:
            pub(self.broker, "hang", "1")
            pub(self.broker, "hang", "2")
            r = sub.wait(20)
        self.assertLess(time.monotonic() - start, 15)
        self.assertEqual(r.status, 10, r)
        self.assertEqual(r.stderr.count(b"failed: timed out after 0.5 s (process group killed)"), 2, r)
        self.assertIn(b"2 of 2 command(s) failed", r.stderr)

    def test_failures_are_counted_and_exit_10(self):
        topic = "fail/x"
        with start_sub(self.broker, "-t", "fail/#", "-C", "3", "--exec", 'exit "$(cat)"') as sub:
            for code in ("0", "3", "0"):
                pub(self.broker, topic, code)
            r = sub.wait(15)
        self.assertEqual((r.status, r.stdout), (10, b""), r)
        self.assertEqual(r.stderr, b"mqtk-sub: the command for the message on 'fail/x' failed: exit status 3\n"
                                   b"mqtk-sub: 1 of 3 command(s) failed\n")

    def test_only_matching_messages_run_and_until_ends_after_its_command(self):
        with start_sub(self.broker, "-t", "m/#", "--until", "--match-payload", "^go", "--exec", "cat; echo") as sub:
            for payload in ("wait", "go 1", "go 2"):
                pub(self.broker, "m/x", payload)
            r = sub.wait(15)
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b"go 1\n", b""), r)

    def test_deadline_ends_the_run_with_9_and_only_matching_messages_ran(self):
        start = time.monotonic()
        with start_sub(self.broker, "-t", "w", "-W", "1.5", "--match-payload", "^run", "--exec", "cat; echo") as sub:
            pub(self.broker, "w", "skip")
            pub(self.broker, "w", "run 1")
            r = sub.wait(15)
        self.assertEqual((r.status, r.stdout), (9, b"run 1\n"), r)
        self.assertIn(b"timed out after 1.5 s", r.stderr)
        self.assertLess(time.monotonic() - start, 10)

    def test_sigint_kills_the_running_commands(self):
        pidfile = self.path("pid")
        with start_sub(self.broker, "-t", "int", "--exec", f"echo $$ > {pidfile}; exec sleep 30") as sub:
            pub(self.broker, "int", "x")
            pid = int(wait_for_file(pidfile, b"\n"))
            sub.send_signal(signal.SIGINT)
            r = sub.wait(10)
        self.assertEqual(r.status, 130, r)
        self.assertIn(b"killed by signal 15 (SIGTERM)", r.stderr)
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)

    def test_exec_table(self):
        table = self.path("table")
        with open(table, "w") as f:
            f.write("# topic filter, then the command (sh -c)\n\n"
                    "tab/+/temp  echo \"temp $(cat) on $MQTT_TOPIC\"\n"
                    "tab/#       echo \"other $MQTT_TOPIC\"\n"
                    "tab/k/+     echo never: tab/# above covers it and comes first\n")
        with start_sub(self.broker, "--exec-table", table, "-C", "3") as sub:  # subscribes to the table's filters
            pub(self.broker, "tab/k/temp", "21")
            pub(self.broker, "tab/k/hum", "40")
            pub(self.broker, "tab/j/temp", "19")
            r = sub.wait(15)
        self.assertEqual((r.status, r.stdout, r.stderr),
                         (0, b"temp 21 on tab/k/temp\nother tab/k/hum\ntemp 19 on tab/j/temp\n", b""), r)

    def test_usage_errors(self):
        table = self.path("bad-table")
        with open(table, "w") as f:
            f.write("# ok\na/b echo ok\na/#/b echo bad\n")
        cases = [(["--exec-table", table], b"--exec-table '" + table.encode() + b"' line 3: topic filter 'a/#/b'"),
                 (["--exec-table", self.path("missing")], b"cannot read exec table"),
                 (["-t", "x", "--jobs", "2"], b"--jobs needs --exec, --exec-table or a command after --"),
                 (["-t", "x", "--exec", "true", "--exec-timeout", "0"], b"--exec-timeout must be more than 0"),
                 (["-t", "x", "--exec", "true", "--jobs", "0"], b"--jobs must be from 1 to 1024"),
                 (["-t", "x", "--exec", "true", "--ack-after-exec"], b"--ack-after-exec needs -q 1 or 2"),
                 (["-t", "x", "-q", "1", "--exec", "true", "--ack-after-exec"], b"--ack-after-exec needs -c"),
                 (["-t", "x", "--exec", "true", "--json"], b"--json does not apply"),
                 (["-t", "x", "--exec", "true", "--", "true"], b"give only one of --exec"),
                 (["-t", "x", "--"], b"give a command after --")]
        for args, message in cases:
            with self.subTest(args=args):
                r = run_sub(self.broker, *args)
                self.assertEqual(r.status, 2, r)
                self.assertIn(message, r.stderr)
                self.assertEqual(r.stderr.count(b"\n"), 1, r)

    def test_ack_after_exec_redelivers_what_did_not_succeed(self):
        client_id = unique_id("exec")
        kept = ["-c", "-q", "1", "--ack-after-exec"]
        pidfile, seen = self.path("pid"), self.path("seen")
        # 1. mqtk-sub dies (kill -9) while the command runs: the message was not acknowledged.
        sub = start_sub(self.broker, "-t", "job/#", *kept, "--exec", f'echo $$ > {pidfile}; cat > {seen}; exec sleep 30',
                        client_id=client_id)
        with sub:
            pub(self.broker, "job/1", "first", "-q", "1")
            wait_for_file(seen, b"first")
            os.kill(sub.pid, signal.SIGKILL)
            sub.wait(10)
        os.killpg(int(wait_for_file(pidfile)), signal.SIGKILL)  # the orphaned command
        # 2. The same session again: the message comes back; this time the command fails.
        r = run_sub(self.broker, "-i", client_id, "-t", "job/#", *kept, "-C", "1", "-W", "10",
                    "--exec", 'cat; exit 1')
        self.assertEqual((r.status, r.stdout), (10, b"first"), r)
        self.assertIn(b"not acknowledged: the broker sends it again when this session next connects", r.stderr)
        # 3. Again: it comes back once more, and succeeds.
        r = run_sub(self.broker, "-i", client_id, "-t", "job/#", *kept, "-C", "1", "-W", "10", "--exec", "cat")
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b"first", b""), r)
        # 4. Acknowledged: not delivered again.
        r = run_sub(self.broker, "-i", client_id, "-t", "job/#", *kept, "-W", "1", "--exec", "cat")
        self.assertEqual((r.status, r.stdout), (9, b""), r)



class ExecScripted(unittest.TestCase):
    def test_puback_only_after_success_and_the_topic_escaped(self):
        acks = []

        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [1]))
            conn.send(sb.publish("t/\x1b[2J", b"bad", qos=1, packet_id=7))
            conn.send(sb.publish("t/ok", b"ok", qos=1, packet_id=8))
            acks.append(conn.expect(sb.PUBACK).packet_id)
            conn.expect(sb.DISCONNECT)  # no PUBACK for 7 before it
            conn.wait_closed(5)

        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-sub", *broker.client_args(), "-i", unique_id("exec"), "-c", "-q", "1", "-t", "t/#",
                            "--ack-after-exec", "-C", "2", "--exec", '[ "$(cat)" = ok ]'], timeout=20)
        self.assertEqual(acks, [8])
        self.assertEqual(r.status, 10, r)
        self.assertIn(b"the command for the message on 't/\\x1b[2J' failed: exit status 1; not acknowledged", r.stderr)

    def test_a_broker_exceeding_receive_maximum_is_disconnected(self):
        # -C 1: Receive Maximum 1; the unacknowledged first message holds it while its command runs,
        # so the second is a protocol violation: DISCONNECT 0x93, and the command is killed.
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [1]))
            conn.send(sb.publish("t/1", b"x", qos=1, packet_id=1))
            conn.send(sb.publish("t/2", b"x", qos=1, packet_id=2))
            d = conn.expect(sb.DISCONNECT)
            assert d.body[:1] == b"\x93", d
            conn.wait_closed(5)

        start = time.monotonic()
        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-sub", *broker.client_args(), "-i", unique_id("exec"), "-c", "-q", "1", "-t", "t/#",
                            "--ack-after-exec", "-C", "1", "--exec", "sleep 30"], timeout=20)
        self.assertEqual(r.status, 10, r)
        self.assertIn(b"1 command(s) were still queued or running when the connection ended; they are killed "
                      b"and their messages not acknowledged", r.stderr)
        self.assertLess(time.monotonic() - start, 10)


if __name__ == "__main__":
    unittest.main()
