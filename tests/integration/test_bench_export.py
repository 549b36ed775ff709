"""mqtk-bench's exporters against a real mosquitto: --hdr-log read back by HdrHistogram's own
HistogramLogProcessor (Debian libhdrhistogram-java), --metrics-listen scraped with curl during the
run and checked with promtool, --plot rendered by headless Chromium; files replaced only at the end,
unwritable paths refused before anything connects."""

import csv
import io
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import mqtk_testlib as t
from mqtk_testlib.bench import BenchCase
from mqtk_testlib.png import read_png

HDR_JAR = "/usr/share/java/hdrhistogram.jar"
SVG = "{http://www.w3.org/2000/svg}"


def json_lines(result):
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def require(command):
    if shutil.which(command) is None:
        raise t.ToolNotFound(f"{command} is missing (scripts/test installs the test dependencies)")


def close_to(theirs, ours, digits=0.0015):
    """HdrHistogram's figure is within one of our buckets (1/64 of the value) of ours, both printed
    to the microsecond."""
    return abs(theirs - ours) <= ours / 64 + digits


class Exporters(BenchCase):
    broker_options = {"log_type": ("error", "warning")}

    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="mqtk-export-"))
        self.addCleanup(shutil.rmtree, self.dir, True)

    def start_bench(self, *args):
        proc = t.start_tool(["mqtk-bench", *self.broker.client_args(), *args])
        self.addCleanup(proc.__exit__, None, None, None)
        return proc

    # ---- --hdr-log ------------------------------------------------------------------------------

    def test_hdr_log_gives_hdrhistogram_the_same_counts_and_percentiles_as_our_report(self):
        if not os.path.exists(HDR_JAR):
            raise t.ToolNotFound(f"{HDR_JAR} is missing: apt-get install libhdrhistogram-java")
        require("java")
        log = self.dir / "run.hlog"
        # 2,000 samples: every percentile below is a whole rank, the same in both rounding rules.
        r = self.bench("pubsub", "-C", "2", "-q", "1", "-n", "1000", "--rate", "800", "--json",
                       "-t", "export/hdr/%i", "--hdr-log", log)
        self.assertEqual(r.status, 0, r.stderr)
        lines = json_lines(r)
        summary, progress = lines[-1], lines[:-1]
        self.assertEqual(summary["latency_ms"]["samples"], 2000)
        text = log.read_text()
        self.assertTrue(text.startswith("#[Histogram log format version 1.3]\n"), text[:200])
        self.assertIn('"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"', text)
        out = self.dir / "processed"
        p = t.run_tool(["java", "-cp", HDR_JAR, "org.HdrHistogram.HistogramLogProcessor", "-i", log,
                        "-tag", "latency", "-csv", "-o", out], timeout=60)
        self.assertEqual(p.status, 0, p.stderr)
        rows = list(csv.DictReader(io.StringIO(
            "".join(line for line in out.read_text().splitlines(True) if not line.startswith("#")))))
        self.assertGreaterEqual(len(rows), len(progress))
        # Each interval of the log is the interval of a progress line; the last row adds the rest.
        for row, interval in zip(rows, progress):
            self.assertEqual(int(row["Int_Count"]), interval["received"], row)
        last = rows[-1]
        self.assertEqual(int(last["Total_Count"]), 2000, rows)
        latency = summary["latency_ms"]
        for column, ours in (("Total_50%", latency["p50"]), ("Total_90%", latency["p90"]),
                             ("Total_99%", latency["p99"]), ("Total_99.9%", latency["p999"]),
                             ("Total_Max", latency["max"])):
            self.assertTrue(close_to(float(last[column]), ours), f"{column}: {last[column]} vs ours {ours}")
        # Interval_Max is written exactly: the largest of the lines is the run's max.
        maxima = [float(line.split(",")[3]) for line in text.splitlines() if line.startswith("Tag=latency,")]
        self.assertAlmostEqual(max(maxima), latency["max"], places=3)

    # ---- --metrics-listen -----------------------------------------------------------------------

    def metrics_url(self, proc):
        proc.wait_for_output("/metrics", timeout=10, stream="stderr")
        match = re.search(rb"metrics at (http://127\.0\.0\.1:(\d+)/metrics)", proc.stderr_so_far())
        self.assertIsNotNone(match, proc.stderr_so_far())
        return match.group(1).decode(), int(match.group(2))

    def curl(self, url, *args):
        r = t.run_tool(["curl", "-sS", "--max-time", "5", *args, url], timeout=15)
        return r

    def test_metrics_are_served_during_the_run_and_pass_promtool(self):
        require("curl")
        require("promtool")
        started = time.monotonic()
        proc = self.start_bench("pubsub", "-C", "2", "-q", "1", "--rate", "200", "-D", "4", "--json",
                                "--quiet", "-t", "export/metrics/%i", "--metrics-listen", "127.0.0.1:0")
        url, port = self.metrics_url(proc)
        # Scrapers that misbehave: one sends nothing, one sends a request and never reads.
        silent = socket.create_connection(("127.0.0.1", port))
        self.addCleanup(silent.close)
        deaf = socket.create_connection(("127.0.0.1", port))
        deaf.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        deaf.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        self.addCleanup(deaf.close)
        t.wait_until(lambda: b"mqtk_bench_messages_sent_total 0\n" not in self.curl(url).stdout, 10)
        first = self.curl(url)
        self.assertEqual(first.status, 0, first.stderr)
        time.sleep(1)
        second = self.curl(url, "-i")
        self.assertEqual(second.status, 0, second.stderr)
        head, _, body = second.stdout.partition(b"\r\n\r\n")
        self.assertIn(b"HTTP/1.1 200 OK", head)
        self.assertIn(b"Content-Type: text/plain; version=0.0.4", head)
        check = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, timeout=30)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertEqual(check.stdout + check.stderr, b"", "promtool has no lint complaint either")

        def value(text, name):
            return float(re.search(rf"^{re.escape(name)} (\S+)$", text, re.M).group(1))

        before, after = first.stdout.decode(), body.decode()
        self.assertGreater(value(after, "mqtk_bench_messages_sent_total"),
                           value(before, "mqtk_bench_messages_sent_total"))
        self.assertEqual(value(after, "mqtk_bench_connections_up"), 3)
        self.assertEqual(value(after, "mqtk_bench_connections_planned"), 3)
        buckets = [float(v) for v in re.findall(r'^mqtk_bench_latency_seconds_bucket\{le="[^"]+"\} (\S+)$',
                                                after, re.M)]
        self.assertEqual(buckets, sorted(buckets), "le buckets are cumulative")
        self.assertEqual(buckets[-1], value(after, "mqtk_bench_latency_seconds_count"))
        self.assertGreater(buckets[-1], 0)
        self.assertIn('mqtk_bench_info{mode="pubsub",qos="1",topic="export/metrics/%i"} 1', after)
        self.assertEqual(self.curl(url.replace("/metrics", "/"), "-o", "/dev/null", "-w", "%{http_code}").stdout,
                         b"404")
        self.assertEqual(self.curl(url, "-X", "POST", "-o", "/dev/null", "-w", "%{http_code}").stdout, b"404")

        result = proc.wait(30)
        self.assertEqual(result.status, 0, result.stderr)
        # -D 4 and a short drain: the scrapers that never finished did not hold the run back.
        self.assertLess(time.monotonic() - started, 15)
        summary = json_lines(result)[-1]
        self.assertEqual(summary["received"]["lost"], 0)
        self.assertGreaterEqual(summary["published"]["sent"], value(after, "mqtk_bench_messages_sent_total"))
        # The endpoint is up until the run ends, and gone after.
        gone = self.curl(url)
        self.assertEqual(gone.status, 7, gone)  # curl: could not connect

    def test_a_metrics_port_in_use_is_a_usage_error_before_connecting(self):
        taken = socket.socket()
        self.addCleanup(taken.close)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = self.bench("pub", "-n", "10", "-I", "export-inuse", "--metrics-listen", f"127.0.0.1:{port}")
        self.assertEqual(r.status, 2, r.stderr)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(f"cannot listen on 127.0.0.1:{port} for --metrics-listen: ", lines[0])

    # ---- --plot ---------------------------------------------------------------------------------

    def test_plot_renders_in_chromium_with_lines_in_every_plot_area(self):
        require("chromium")
        plot = self.dir / "run.svg"
        r = self.bench("pubsub", "-C", "2", "-q", "1", "--rate", "300", "-D", "3", "--quiet",
                       "-t", "export/plot/%i", "--plot", plot)
        self.assertEqual(r.status, 0, r.stderr)
        root = ET.parse(plot).getroot()  # well-formed XML
        self.assertEqual(root.tag, f"{SVG}svg")
        width, height = int(root.get("width")), int(root.get("height"))
        areas = [a for a in root.iter(f"{SVG}rect") if a.get("class") == "plot-area"]
        # throughput; response time and service time over time; the distribution
        self.assertEqual(len(areas), 4)
        # sent, acknowledged, received; p50, p99, max of each of the two; a distribution curve each.
        self.assertEqual(len([p for p in root.iter(f"{SVG}polyline")]), 3 + 3 * 2 + 2)
        self.assertNotIn("href", plot.read_text())
        png = self.dir / "run.png"
        profile = self.dir / "chromium-profile"
        shot = t.run_tool(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={width},{height}",
                           plot.as_uri()], timeout=120)
        self.assertTrue(png.exists(), shot.stderr.decode(errors="replace")[-2000:])
        image = read_png(png)
        self.assertEqual((image.width, image.height), (width, height))
        for area in areas:
            x0, y0 = int(float(area.get("x"))), int(float(area.get("y")))
            x1, y1 = x0 + int(float(area.get("width"))), y0 + int(float(area.get("height")))
            # Coloured pixels (the data lines; grid and axes are grey, the background white).
            coloured = sum(1 for y in range(y0 + 2, y1 - 2, 2) for x in range(x0 + 2, x1 - 2, 2)
                           if max(image.pixel(x, y)) - min(image.pixel(x, y)) > 60)
            self.assertGreater(coloured, 100, f"plot area at {x0},{y0} looks blank")

    # ---- files: replaced at the end, refused up front -------------------------------------------

    def test_an_existing_file_is_kept_until_the_run_ends_also_when_interrupted(self):
        plot, log = self.dir / "keep.svg", self.dir / "keep.hlog"
        plot.write_text("old plot\n")
        log.write_text("old log\n")
        proc = self.start_bench("pubsub", "--rate", "100", "-D", "30", "-t", "export/keep/%i",
                                "--plot", plot, "--hdr-log", log)
        proc.wait_for_output("1.0 s", timeout=15)
        self.assertEqual(plot.read_text(), "old plot\n")
        self.assertEqual(log.read_text(), "old log\n")
        self.assertEqual(len(list(self.dir.iterdir())), 4, "two temporary files next to the targets")
        result = proc.stop(signal.SIGINT, timeout=20)
        self.assertEqual(result.status, 130, result.stderr)
        self.assertTrue(plot.read_text().startswith("<?xml"))
        self.assertIn("Tag=latency,", log.read_text())
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["keep.hlog", "keep.svg"])

    def test_paths_that_cannot_be_written_stop_the_run_before_it_connects(self):
        cases = [
            (["--plot", self.dir / "no" / "such" / "dir.svg"], "cannot write --plot file "),
            (["--hdr-log", self.dir], ": Is a directory"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.bench("pubsub", "-n", "5", "-I", "export-refused", *args)
                self.assertEqual(r.status, 2, r.stderr)
                lines = r.stderr.decode().splitlines()
                self.assertEqual(len(lines), 1, lines)
                self.assertIn(message, lines[0])
                self.assertEqual(r.stdout, b"")
        self.assertEqual(list(self.dir.iterdir()), [])

    def test_usage_errors_of_the_export_flags(self):
        cases = [
            (["conn", "--hdr-log", self.dir / "x"], "--hdr-log needs received messages"),
            (["pub", "--hdr-log", self.dir / "x"], "--hdr-log needs received messages"),
            (["--hdr-log", self.dir / "x", "--plot", self.dir / "x"], "--hdr-log and --plot name the same file"),
            (["--plot", "-"], "--plot writes a file, not stdout"),
            (["--plot", ""], "--plot needs a file name"),
            (["--metrics-listen", "9464"], "--metrics-listen '9464' is not ADDR:PORT"),
            (["--metrics-listen", "example.com:9464"], "has no numeric IPv4 address"),
            (["--metrics-listen", "127.0.0.1:70000"], "has no port between 0 and 65535"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.bench(*args)
                self.assertEqual(r.status, 2, r.stderr)
                lines = r.stderr.decode().splitlines()
                self.assertEqual(len(lines), 1, lines)
                self.assertIn(message, lines[0])

    def test_a_run_that_never_connects_leaves_the_files_alone(self):
        plot = self.dir / "keep.svg"
        plot.write_text("old\n")
        r = t.run_tool(["mqtk-bench", "-p", str(t.free_port()), "pubsub", "-n", "1", "--plot", plot], timeout=30)
        self.assertEqual(r.status, 3, r.stderr)
        self.assertEqual(plot.read_text(), "old\n")
        self.assertEqual([p.name for p in self.dir.iterdir()], ["keep.svg"])


if __name__ == "__main__":
    unittest.main()
