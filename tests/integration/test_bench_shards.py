"""mqtk-bench over many processes: --shard, --start-at, --output and merge against one real mosquitto,
and the Kubernetes Indexed Job in docs/kubernetes/ run as the cluster would run it."""

import json
import os
import re
import signal
import tempfile
import time
import unittest

import yaml

import mqtk_testlib as t
from mqtk_testlib.bench import BenchCase, summary_of

JOB_YAML = t.REPO_ROOT / "docs" / "kubernetes" / "mqtk-bench-job.yaml"
LEAD_S = 5  # --start-at this far ahead: every process is connected well before


def start_at(lead=LEAD_S):
    """An epoch-seconds --start-at lead seconds from now."""
    return f"{time.time() + lead:.3f}"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)



class Shards(BenchCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def run_together(self, commands, timeout=60):
        """Starts every command (bench arguments after the broker's) at once; their ToolResults."""
        procs = []
        for args in commands:
            p = t.start_tool(["mqtk-bench", *self.broker.client_args(), *args])
            self.addCleanup(p.__exit__, None, None, None)
            procs.append(p)
        return [p.wait(timeout) for p in procs]

    def merge(self, *args):
        return t.run_tool(["mqtk-bench", "merge", *args])

    def test_three_pubsub_shards_measure_one_window_and_merge_to_their_sum(self):
        at = start_at()
        mark = self.broker.log_mark()
        results = self.run_together(
            [["pubsub", "-C", "6", "-s", "3", "-q", "1", "-n", "200", "--rate", "200", "-t", "sh1/%i",
              "-I", "sh1-", "--shard", f"{k}/3", "--start-at", at, "--output", self.path(f"r{k}.json"),
              "--ifaddr", f"127.0.0.{k + 2}", "--json", "--quiet"] for k in range(3)])
        for k, r in enumerate(results):
            self.assertEqual(r.status, 0, f"shard {k}: {r.stderr}")
        shards = [summary_of(r) for r in results]
        files = [load(self.path(f"r{k}.json")) for k in range(3)]

        # Each shard ran its share, with global indices: publishers 2k, 2k+1 and subscriber k.
        for k, (s, f) in enumerate(zip(shards, files)):
            self.assertEqual(s["shard"], {"index": k, "count": 3})
            self.assertEqual((s["publishers"], s["subscribers"]), (2, 1))
            self.assertEqual(f["shard"]["clients"], {"first": 2 * k, "count": 2})
            self.assertEqual(f["shard"]["subscribers"], {"first": k, "count": 1})
            self.assertEqual(f["publishers"], [{"first": 2 * k, "last": 2 * k + 1, "sent": 200}])
            self.assertEqual([sub["index"] for sub in f["subscribers"]], [k])
            # Measuring began at --start-at, not before (and not long after).
            self.assertGreaterEqual(f["run"]["measure_start_ns"], f["shard"]["start_at_ns"])
            self.assertLess(f["run"]["measure_start_ns"] - f["shard"]["start_at_ns"], 1e9)
            self.assertEqual(f["run"]["late_start_s"], 0)
        # Client ids are unique over the three processes: one connection each, none taken over.
        seen = re.findall(r"New client connected from ([\d.]+):\d+ as (sh1-\S+) ", self.broker.log_text()[mark:])
        ids = [client for _, client in seen]
        self.assertEqual(sorted(ids), sorted([f"sh1-{i}" for i in range(6)] + [f"sh1-s{i}" for i in range(3)]))
        # Each shard process came from its own source address (--ifaddr 127.0.0.2, .3, .4).
        for address, client in seen:
            index = int(client[len("sh1-s"):]) if client.startswith("sh1-s") else int(client[len("sh1-"):]) // 2
            self.assertEqual(address, f"127.0.0.{index + 2}", client)

        r = self.merge("--json", *[self.path(f"r{k}.json") for k in range(3)])
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(r.stderr, b"")
        m = summary_of(r)
        self.assertEqual(m["merged_results"], 3)
        self.assertEqual((m["publishers"], m["subscribers"]), (6, 3))
        for key in ("attempted", "connected", "failed", "lost"):
            self.assertEqual(m["connections"][key], sum(s["connections"][key] for s in shards), key)
        self.assertEqual(m["connections"]["connack_ms"]["samples"], 9)
        for key in ("sent", "acknowledged", "refused", "unacknowledged"):
            self.assertEqual(m["published"][key], sum(s["published"][key] for s in shards), key)
        self.assertEqual(m["received"]["messages"], sum(s["received"]["messages"] for s in shards))
        self.assertEqual(m["latency_ms"]["samples"], sum(s["latency_ms"]["samples"] for s in shards))
        self.assertEqual(m["latency_ms"]["max"], max(s["latency_ms"]["max"] for s in shards))
        self.assertEqual(m["latency_ms"]["min"], min(s["latency_ms"]["min"] for s in shards))
        # Every subscriber had every message of all three shards: 6 x 200 x 3.
        self.assertEqual(m["received"]["expected"], 3600)
        self.assertEqual(m["received"]["messages"], 3600)
        self.assertEqual(m["received"]["lost"], 0)
        self.assertEqual(m["received"]["duplicates"], 0)

        text = self.merge(*[self.path(f"r{k}.json") for k in range(3)])
        self.assertEqual(text.status, 0, text.stderr)
        self.assertRegex(text.stdout.decode(), r"merged +3 results, --start-at \d{4}-\d\d-\d\dT")
        self.assertRegex(text.stdout.decode(), r"received +3,600 in .* of 3,600 expected, 0 lost")

    def test_publishers_and_subscribers_in_other_processes_give_exact_loss(self):
        at = start_at()
        pub = ["pub", "-C", "4", "-q", "1", "-n", "150", "--rate", "150", "-t", "sh2/%i", "--start-at", at,
               "--quiet"]
        results = self.run_together([
            [*pub, "--shard", "0/2", "--output", self.path("pub0.json")],
            [*pub, "--shard", "1/2", "--output", self.path("pub1.json")],
            ["sub", "-C", "2", "-q", "1", "-t", "sh2/#", "-n", "1200", "-D", "30", "--start-at", at,
             "--output", self.path("sub.json"), "--quiet"],
        ])
        for r in results:
            self.assertEqual(r.status, 0, r.stderr)
        r = self.merge("--json", "--max-loss", "0", self.path("pub0.json"), self.path("pub1.json"),
                       self.path("sub.json"))
        self.assertEqual(r.status, 0, r.stderr)
        m = summary_of(r)
        self.assertEqual(m["mode"], "pubsub")
        self.assertEqual((m["publishers"], m["subscribers"]), (4, 2))
        self.assertEqual(m["published"]["sent"], 600)
        self.assertEqual(m["received"]["expected"], 1200)
        self.assertEqual(m["received"]["messages"], 1200)
        self.assertEqual(m["received"]["lost"], 0)
        self.assertEqual(m["received"]["foreign"], 0)
        self.assertTrue(m["checks"][0]["passed"])

    def test_a_subscriber_that_leaves_early_is_counted_as_exactly_what_it_missed(self):
        # 2 publishers x 300 at QoS 1; the subscriber leaves after 250 messages. What it missed is
        # what it did not receive, which the sub shard alone cannot see (it counts only gaps).
        at = start_at()
        results = self.run_together([
            ["pub", "-C", "2", "-q", "1", "-n", "300", "--rate", "300", "-t", "sh3/%i", "--start-at", at,
             "--output", self.path("pub.json"), "--quiet"],
            ["sub", "-q", "1", "-t", "sh3/#", "-n", "250", "-D", "30", "--start-at", at,
             "--output", self.path("sub.json"), "--quiet", "--json"],
        ])
        for r in results:
            self.assertEqual(r.status, 0, r.stderr)
        alone = summary_of(results[1])
        got = alone["received"]["messages"]
        self.assertGreaterEqual(got, 250)
        self.assertLess(got, 600)
        self.assertEqual(alone["received"]["lost"], 0)
        self.assertEqual(alone["received"]["duplicates"], 0)
        r = self.merge("--json", self.path("pub.json"), self.path("sub.json"))
        self.assertEqual(r.status, 0, r.stderr)
        m = summary_of(r)
        self.assertEqual(m["received"]["expected"], 600)
        self.assertEqual(m["received"]["lost"], 600 - got)
        self.assertAlmostEqual(m["received"]["loss_percent"], round(100 * (600 - got) / 600, 4), places=4)
        failed = self.merge("--max-loss", "1", self.path("pub.json"), self.path("sub.json"))
        self.assertEqual(failed.status, 10, failed.stderr)
        self.assertIn(b"check failed: lost messages (%)", failed.stderr)

    def test_interrupted_while_waiting_the_old_file_stays_whole_until_the_new_one_replaces_it(self):
        out = self.path("result.json")
        with open(out, "w") as f:
            f.write("the user's old result\n")
        bg = t.start_tool(["mqtk-bench", *self.broker.client_args(), "pub", "-C", "2", "-I", "sh4-",
                           "--start-at", start_at(120), "--output", out])
        self.addCleanup(bg.__exit__, None, None, None)
        self.broker.wait_log(r"as sh4-1 ", timeout=15)
        time.sleep(0.3)
        self.assertTrue(bg.running(), "waits for --start-at, connected")
        with open(out) as f:
            self.assertEqual(f.read(), "the user's old result\n")
        started = time.monotonic()
        bg.send_signal(signal.SIGINT)
        r = bg.wait(15)
        self.assertLess(time.monotonic() - started, 5, "SIGINT ends the wait at once")
        self.assertEqual(r.status, 130, r.stderr)
        self.assertRegex(r.stdout.decode(), r"published +0 in")
        doc = load(out)
        self.assertEqual(doc["run"]["status"], 130)
        self.assertEqual(doc["run"]["measure_start_ns"], 0)
        self.assertEqual(doc["totals"]["sent"], 0)
        self.assertEqual(doc["totals"]["connected"], 2)
        self.assertEqual([n for n in os.listdir(self.dir.name)], ["result.json"], "no temporary file left")

    def test_output_to_stdout_is_the_document_alone_and_merges_from_a_log(self):
        r = t.run_tool(["mqtk-bench", *self.broker.client_args(), "pubsub", "-q", "1", "-n", "20", "--rate", "100",
                        "-t", "sh5/%i", "--output", "-"])
        self.assertEqual(r.status, 0, r.stderr)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(len(lines), 1, "no progress, no summary: the document only")
        self.assertEqual(json.loads(lines[0])["totals"]["received"], 20)
        log = self.path("pod.log")  # what kubectl logs gives: stdout and stderr in one stream
        with open(log, "wb") as f:
            f.write(b"mqtk-bench: warning: something on stderr\n" + r.stdout + b"mqtk-bench: another line\n")
        m = summary_of(self.merge("--json", log))
        self.assertEqual(m["received"]["expected"], 20)
        self.assertEqual(m["received"]["lost"], 0)

    def test_bad_flags_are_refused_before_connecting(self):
        mark = self.broker.log_mark()
        for args in (["pub", "--shard", "2/2"], ["pub", "--shard", "x"], ["pub", "-C", "2", "--shard", "0/3"],
                     ["pub", "--shards", "2"], ["pub", "--start-at", "2001-01-01T00:00:00Z"],
                     ["pub", "--start-at", "1e9"], ["pub", "--start-at", str(int(time.time() * 1000))],
                     ["pub", "--output", self.dir.name], ["pub", "--output", "/nonexistent/r.json"],
                     ["pub", "--output", "-", "--json"]):
            with self.subTest(args=args):
                r = t.run_tool(["mqtk-bench", *self.broker.client_args(), *args])
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1, r.stderr)
                self.assertEqual(r.stdout, b"")
        self.assertNotIn("mqtk-bench", self.broker.log_text()[mark:])

    def test_merge_refuses_bad_files_with_one_line(self):
        r = t.run_tool(["mqtk-bench", *self.broker.client_args(), "pub", "-n", "5", "--shard", "0/1",
                        "--output", self.path("good.json"), "--quiet"])
        self.assertEqual(r.status, 0, r.stderr)
        good = load(self.path("good.json"))

        def write(name, content):
            with open(self.path(name), "w") as f:
                f.write(content if isinstance(content, str) else json.dumps(content))
            return self.path(name)

        v2 = dict(good, version=2)
        other_run = json.loads(json.dumps(good))
        other_run["run"]["id"] += 1
        other_run["shard"]["start_at_ns"] = 1795615200000000000
        same_shard = json.loads(json.dumps(good))
        same_shard["run"]["id"] += 2
        cases = [
            ([self.path("missing.json")], "cannot read"),
            ([write("text.json", "hello\n")], "not JSON"),
            ([write("other.json", {"hello": 1})], "not an mqtk-bench result"),
            ([write("v2.json", v2)], "version 2"),
            ([self.path("good.json"), write("run2.json", other_run)], "not shards of one run: --start-at"),
            ([self.path("good.json"), write("same.json", same_shard)], "both shard 0/1 of the pub run"),
            ([self.path("good.json"), self.path("good.json")], "same process"),
        ]
        for files, message in cases:
            with self.subTest(message=message):
                r = self.merge(*files)
                self.assertEqual(r.status, 2, r.stderr)
                err = r.stderr.decode().strip().splitlines()
                self.assertEqual(len(err), 1, r.stderr)
                self.assertIn(message, err[0])
                self.assertEqual(r.stdout, b"")
        self.assertEqual(self.merge().status, 2)


class KubernetesJob(unittest.TestCase):
    """The shipped Indexed Job: its container command, run here as each pod would run it."""

    @classmethod
    def setUpClass(cls):
        with open(JOB_YAML, encoding="utf-8") as f:
            cls.text = f.read()
        cls.job = yaml.safe_load(cls.text)
        cls.container = cls.job["spec"]["template"]["spec"]["containers"][0]

    def command(self, env):
        """The container's command and args with $(VAR) expanded from env, as the kubelet does."""
        words = self.container["command"] + self.container.get("args", [])
        return [re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], w) for w in words]

    def test_an_indexed_job_with_as_many_shards_as_pods(self):
        spec = self.job["spec"]
        self.assertEqual((self.job["apiVersion"], self.job["kind"]), ("batch/v1", "Job"))
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertEqual(spec["template"]["spec"]["restartPolicy"], "Never")
        self.assertEqual(self.container["command"][0], "mqtk-bench")
        args = self.container["args"]
        self.assertIn(f"--shards={spec['completions']}", args)
        self.assertEqual(spec["parallelism"], spec["completions"])
        self.assertIn("--start-at=$(START_AT)", args)
        self.assertIn("--output=-", args)

    def test_every_flag_exists(self):
        flags = {w.split("=")[0] for w in self.command({"START_AT": "0"}) if w.startswith("-")}
        help_text = t.run_tool(["mqtk-bench", "--help"]).stdout.decode()
        for flag in flags:
            self.assertRegex(help_text, re.escape(flag) + r"(?![\w-])", flag)
        self.assertIn("mqtk-bench merge mqtk-bench-*.json", self.text)
        self.assertIn("kubectl logs --tail=-1 -l job-name=mqtk-bench,batch.kubernetes.io/job-completion-index=",
                      self.text)

    def test_each_pod_command_runs_and_its_logs_merge(self):
        # Each pod's exact command, with the environment the YAML gives it but the broker a closed
        # local port: every flag is accepted (not status 2), the run fails to connect (status 3),
        # and stdout plus stderr, as kubectl logs collects them, still merge.
        env = {e["name"]: e["value"] for e in self.container["env"]}
        env["START_AT"] = start_at(120)
        env["MQTK_URL"] = f"mqtt://127.0.0.1:{t.free_port()}"
        n = self.job["spec"]["completions"]
        with tempfile.TemporaryDirectory() as d:
            logs = []
            for k in range(n):
                r = t.run_tool(self.command(env), env={**env, "JOB_COMPLETION_INDEX": k}, timeout=60)
                self.assertEqual(r.status, 3, r.stderr)
                doc = json.loads(r.stdout)
                self.assertEqual(doc["shard"]["index"], k)
                self.assertEqual(doc["shard"]["count"], n)
                self.assertEqual(doc["run"]["status"], 3)
                logs.append(os.path.join(d, f"mqtk-bench-{k}.json"))
                with open(logs[-1], "wb") as f:
                    f.write(r.stderr + r.stdout)
            r = t.run_tool(["mqtk-bench", "merge", *logs])
            self.assertEqual(r.status, 0, r.stderr)
            self.assertEqual(r.stderr.decode().count("ended with status 3"), n)
            self.assertRegex(r.stdout.decode(), rf"merged +{n} results")


if __name__ == "__main__":
    unittest.main()
