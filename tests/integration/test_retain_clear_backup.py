"""mqtk-retain-clear --backup FILE: FILE is never emptied or half written. It is left alone when
nothing is found or the broker cannot be reached, a non-empty FILE is refused without --force, it is
replaced through a temporary file in the same directory, the clears come only after it is complete
on disk, and a full disk stops the run before anything is cleared."""

import json
import os
import resource
import signal
import stat
import subprocess
import tempfile
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb
from mqtk_testlib.fault_lab import small_disk

OLD = b'{"topic":"earlier/run","payload":"the only copy","payload_encoding":"utf8","qos":1,"retain":true}\n'


def seed(broker, messages):
    """Publishes messages (dicts in the GUIDE 5 JSON lines shape) retained with mqtk-pub --jsonl."""
    lines = "".join(json.dumps({"retain": True, **m}) + "\n" for m in messages)
    result = t.run_tool(["mqtk-pub", *broker.client_args(), "--jsonl"], input=lines)
    if result.status != 0:
        raise AssertionError(f"seeding failed: {result}")


def clear(broker_args, *args, timeout=30):
    """Runs mqtk-retain-clear --json; returns (status, report dict or None, stderr text)."""
    status, out, err = t.run_tool(["mqtk-retain-clear", *broker_args, "--json", *args], timeout=timeout)
    return status, (json.loads(out) if out.strip() else None), err.decode(errors="replace")


def retained_topics(broker, topic_filter):
    status, report, err = clear(broker.client_args(), "-t", topic_filter, "--dry-run")
    if status != 0:
        raise AssertionError(f"dry run failed ({status}): {err}")
    return sorted(entry["topic"] for entry in report["found"])


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def run_limited(args, max_file_bytes=None, timeout=30):
    """Runs a tool like run_tool; with max_file_bytes, writes past that size fail with EFBIG (the
    stand-in for a full disk when tmpfs cannot be mounted)."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
    proc = subprocess.run([t.find_tool(args[0]), *args[1:]], stdin=subprocess.DEVNULL, capture_output=True,
                          env=t.tool_env(), timeout=timeout, start_new_session=True,
                          preexec_fn=limit if max_file_bytes is not None else None)
    return proc.returncode, proc.stdout, proc.stderr.decode(errors="replace")


class RetainClearBackupTest(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto(log_type=("error", "warning")))
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.backup = os.path.join(self.tmp.name, "backup.jsonl")

    def leftovers(self):
        return sorted(name for name in os.listdir(self.tmp.name) if name != "backup.jsonl")

    def test_nothing_found_leaves_an_existing_backup_untouched(self):
        write(self.backup, OLD)
        status, report, err = clear(self.broker.client_args(), "-t", "empty/#", "--backup", self.backup, "--force")
        self.assertEqual(status, 0, err)
        self.assertEqual(read(self.backup), OLD)
        self.assertEqual(report["backup"], self.backup)
        self.assertFalse(report["backup_written"])
        self.assertEqual(self.leftovers(), [])
        status, out, err = t.run_tool(["mqtk-retain-clear", *self.broker.client_args(), "-t", "empty/#",
                                       "--backup", self.backup, "--force"])
        self.assertEqual(status, 0, err)
        self.assertIn(b"found 0, nothing to clear; " + self.backup.encode() + b" not written (nothing to back up)",
                      out)
        self.assertEqual(read(self.backup), OLD)

    def test_unreachable_broker_leaves_the_backup_untouched(self):
        write(self.backup, OLD)
        status, report, err = clear(["-h", t.LOOPBACK, "-p", str(t.free_port())], "-t", "#",
                                    "--backup", self.backup, "--force")
        self.assertEqual(status, 3, err)
        self.assertEqual(read(self.backup), OLD)
        self.assertEqual(self.leftovers(), [])

    def test_a_non_empty_backup_is_refused_without_force(self):
        seed(self.broker, [{"topic": "keep/1", "payload": "v"}])
        write(self.backup, OLD)
        status, report, err = clear(self.broker.client_args(), "-t", "keep/#", "--backup", self.backup)
        self.assertEqual(status, 2, err)
        self.assertIn(f"backup file {self.backup} exists and is not empty", err)
        self.assertIn("--force", err)
        self.assertIsNone(report)
        self.assertEqual(read(self.backup), OLD)
        self.assertEqual(retained_topics(self.broker, "keep/#"), ["keep/1"])
        status, _, err = clear(self.broker.client_args(), "-t", "keep/#", "--force")
        self.assertEqual(status, 2, err)
        self.assertIn("--force goes with --backup", err)
        status, _, err = clear(self.broker.client_args(), "-t", "keep/#", "--backup", self.tmp.name)
        self.assertEqual(status, 2, err)
        self.assertIn("is a directory", err)

    def test_an_empty_file_is_used_and_force_replaces_a_backup_keeping_its_mode(self):
        seed(self.broker, [{"topic": "f/1", "payload": "one", "qos": 1}, {"topic": "f/2", "payload": "two"}])
        write(self.backup, b"")
        status, report, err = clear(self.broker.client_args(), "-t", "f/#", "--backup", self.backup, "--dry-run")
        self.assertEqual(status, 0, err)
        self.assertTrue(report["backup_written"])
        self.assertEqual([json.loads(line)["topic"] for line in read(self.backup).splitlines()], ["f/1", "f/2"])
        os.chmod(self.backup, 0o640)
        status, report, err = clear(self.broker.client_args(), "-t", "f/#", "--backup", self.backup, "--force")
        self.assertEqual(status, 0, err)
        self.assertEqual(report["counts"]["cleared"], 2)
        lines = [json.loads(line) for line in read(self.backup).splitlines()]
        self.assertEqual([(m["topic"], m["payload"]) for m in lines], [("f/1", "one"), ("f/2", "two")])
        self.assertEqual(stat.S_IMODE(os.stat(self.backup).st_mode), 0o640)
        self.assertEqual(self.leftovers(), [])

    def test_a_new_backup_is_private_and_a_symbolic_link_stays(self):
        seed(self.broker, [{"topic": "p/1", "payload": "secret"}])
        target = os.path.join(self.tmp.name, "target.jsonl")
        write(target, OLD)
        link = os.path.join(self.tmp.name, "link.jsonl")
        os.symlink(target, link)
        status, report, err = clear(self.broker.client_args(), "-t", "p/#", "--backup", link, "--force",
                                    "--dry-run")
        self.assertEqual(status, 0, err)
        self.assertTrue(os.path.islink(link))
        self.assertEqual(json.loads(read(target))["payload"], "secret")
        status, report, err = clear(self.broker.client_args(), "-t", "p/#", "--backup", self.backup)
        self.assertEqual(status, 0, err)
        self.assertEqual(stat.S_IMODE(os.stat(self.backup).st_mode), 0o600)

    def full_disk_run(self, disk, mounted, *extra):
        backup = os.path.join(disk, "backup.jsonl")
        args = ["mqtk-retain-clear", *self.broker.client_args(), "--json", "-t", "big/#", "--backup", backup,
                *extra]
        return backup, run_limited(args, None if mounted else 48 * 1024)

    def test_a_full_disk_stops_before_anything_is_cleared(self):
        # 12 retained messages of 8 KiB: about 130 KiB of JSON lines, twice what the disk holds.
        seed(self.broker, [{"topic": f"big/{i:02}", "payload": "x" * 8192} for i in range(12)])
        with small_disk() as (disk, mounted):
            backup, (status, out, err) = self.full_disk_run(disk, mounted)
            self.assertEqual(status, 2, err)
            reason = "No space left on device" if mounted else "File too large"
            self.assertIn(f"cannot write backup file {backup}: {reason}; nothing was cleared", err)
            report = json.loads(out)
            self.assertEqual(report["counts"]["found"], 12)
            self.assertEqual(report["cleared"], [])
            self.assertFalse(report["backup_written"])
            self.assertIn("nothing was cleared", report["error"])
            self.assertEqual(os.listdir(disk), [])  # no backup, no temporary file left behind
            # An earlier backup there survives a failed run unchanged.
            write(backup, OLD)
            _, (status, _, err) = self.full_disk_run(disk, mounted, "--force")
            self.assertEqual(status, 2, err)
            self.assertEqual(read(backup), OLD)
            self.assertEqual(os.listdir(disk), ["backup.jsonl"])
        self.assertEqual(len(retained_topics(self.broker, "big/#")), 12)


def payload_of(publish):
    """The payload of an MQTT 5 QoS 1/2 PUBLISH from the client."""
    body = publish.body
    i = 2 + int.from_bytes(body[:2], "big") + 2  # topic, packet id
    length, shift = 0, 0
    while True:  # the property block's length
        byte = body[i]
        i += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return body[i + length:]


def echo_sentinel(conn):
    """Plays a broker that forwards the tool's sentinel back to it, then acknowledges it."""
    sentinel = conn.expect(sb.PUBLISH)
    conn.send(sb.publish(sentinel.topic, payload_of(sentinel), qos=0))
    conn.send(sb.puback(sentinel.packet_id, 0))


class ClearsFollowTheBackupTest(unittest.TestCase):
    """A scripted broker looks at the backup file when the first clear arrives: it must already
    hold every message found (written, renamed into place)."""

    def test_the_backup_is_complete_before_the_first_clear(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        backup = os.path.join(tmp.name, "b.jsonl")
        seen = {}

        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            sub = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(sub.packet_id, [1, 1]))
            for i, topic in enumerate(("s/a", "s/b")):
                conn.send(sb.publish(topic, f"v{i}".encode(), qos=0, retain=True))
            echo_sentinel(conn)
            first = conn.expect(sb.PUBLISH)
            seen["backup"] = read(backup) if os.path.exists(backup) else None
            seen["leftovers"] = sorted(os.listdir(tmp.name))
            conn.send(sb.puback(first.packet_id, 0))
            second = conn.expect(sb.PUBLISH)
            conn.send(sb.puback(second.packet_id, 0))
            sub = conn.expect(sb.SUBSCRIBE)  # verification: nothing retained any more
            conn.send(sb.suback(sub.packet_id, [1, 1]))
            echo_sentinel(conn)
            conn.wait_closed(5)

        with sb.ScriptedBroker(script) as broker:
            status, report, err = clear(broker.client_args(), "-t", "s/#", "--backup", backup, "-V", "5")
            broker.check()
        self.assertEqual(status, 0, err)
        self.assertEqual(report["cleared"], ["s/a", "s/b"])
        self.assertIsNotNone(seen["backup"], "the first clear came before the backup existed")
        self.assertEqual([json.loads(line)["topic"] for line in seen["backup"].splitlines()], ["s/a", "s/b"])
        self.assertEqual(seen["leftovers"], ["b.jsonl"])


if __name__ == "__main__":
    unittest.main()
