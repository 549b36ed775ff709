#!/usr/bin/env python3
"""Soak benchmark (not a test): mqtk-pub streams numbered QoS 1 lines into a mosquitto with
persistence while mqtk-sub (kept session, QoS 1) receives them; the broker is restarted every
--restart-every seconds. At the end: loss (must be 0), duplicates, and both tools' RSS over time.

    tests/perf/soak.py [--minutes 30] [--restart-every 120] [--rate 200] [--out DIR]

Writes DIR/soak.csv (elapsed s, pub RSS KiB, sub RSS KiB, sent, received) and DIR/soak.svg (the RSS
curve), and prints the figures for docs/reliability.md. Needs the tools built (MQTK_BUILD_DIR or
build/) and mosquitto installed (scripts/test installs it).
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import mqtk_testlib as t  # noqa: E402
from mqtk_testlib.fault_lab import sequence_numbers  # noqa: E402


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def svg_curve(rows, path):
    """A small SVG line chart of both RSS series against elapsed time."""
    width, height, pad = 640, 240, 40
    t_max = max(r[0] for r in rows) or 1
    y_max = max(max(r[1], r[2]) for r in rows) * 1.2 or 1

    def points(col):
        return " ".join(f"{pad + (r[0] / t_max) * (width - 2 * pad):.1f},"
                        f"{height - pad - (r[col] / y_max) * (height - 2 * pad):.1f}" for r in rows)

    with open(path, "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n'
                f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="black"/>\n'
                f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>\n'
                f'<text x="{pad}" y="{pad - 8}">RSS (KiB), max {y_max / 1.2:.0f}</text>\n'
                f'<text x="{width - pad - 80}" y="{height - 10}">{t_max / 60:.0f} min</text>\n'
                f'<polyline fill="none" stroke="#1f77b4" points="{points(1)}"/>\n'
                f'<polyline fill="none" stroke="#d62728" points="{points(2)}"/>\n'
                f'<text x="{width - 150}" y="{pad + 10}" fill="#1f77b4">mqtk-pub</text>\n'
                f'<text x="{width - 150}" y="{pad + 24}" fill="#d62728">mqtk-sub</text>\n</svg>\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--restart-every", type=float, default=120)
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--out", default=".")
    args = ap.parse_args()
    duration = args.minutes * 60

    broker = t.Mosquitto(persistence=True,
                         extra_config=["max_queued_messages 0", "max_inflight_messages 0"]).start()
    out_path = os.path.join(args.out, "soak-sub.out")
    sub_out = open(out_path, "wb")
    sub = subprocess.Popen([t.find_tool("mqtk-sub"), *broker.client_args(), "-t", "soak/x", "-q", "1", "-c",
                            "-i", "soak-sub", "-x", "3600", "-k", "5", "--reconnect-timeout", "60"],
                           stdout=sub_out, stderr=subprocess.PIPE)
    broker.wait_subscribed("soak-sub")
    pub = subprocess.Popen([t.find_tool("mqtk-pub"), *broker.client_args(), "-t", "soak/x", "-q", "1", "-l", "-c",
                            "-i", "soak-pub", "-x", "3600", "-k", "5", "--rate", str(args.rate),
                            "--reconnect-timeout", "60"],
                           stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    sent = [0]
    start = time.monotonic()

    def feed():
        # one line per 1/rate second, ahead of the tool's own pacing by at most a second
        n = 0
        while time.monotonic() - start < duration:
            due = int((time.monotonic() - start) * args.rate) + args.rate
            chunk = []
            while n < due:
                n += 1
                chunk.append(f"m{n:06d}\n")
            pub.stdin.write("".join(chunk).encode())
            pub.stdin.flush()
            sent[0] = n
            time.sleep(0.2)
        pub.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    rows, restarts, next_restart = [], 0, args.restart_every
    while feeder.is_alive():
        elapsed = time.monotonic() - start
        if elapsed >= next_restart and elapsed < duration - 5:
            broker.restart()
            restarts += 1
            next_restart += args.restart_every
        sub_out.flush()
        rows.append((elapsed, rss_kib(pub.pid), rss_kib(sub.pid), sent[0], os.path.getsize(out_path) // 8))
        time.sleep(5)
    pub_status = pub.wait(120)
    count = sent[0]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with open(out_path, "rb") as f:
            got = sequence_numbers(f.read())
        if len(set(got)) >= count:
            break
        time.sleep(1)
    sub.send_signal(signal.SIGINT)
    sub.wait(20)
    broker.stop()
    missing = sorted(set(range(1, count + 1)) - set(got))
    csv = os.path.join(args.out, "soak.csv")
    with open(csv, "w") as f:
        f.write("elapsed_s,pub_rss_kib,sub_rss_kib,sent,received\n")
        for r in rows:
            f.write(f"{r[0]:.0f},{r[1]},{r[2]},{r[3]},{r[4]}\n")
    svg_curve(rows, os.path.join(args.out, "soak.svg"))
    settled = [r for r in rows if r[0] >= 60] or rows
    print(f"duration {duration / 60:.0f} min, {restarts} broker restarts, rate {args.rate}/s")
    print(f"sent {count}, received {len(got)} ({len(set(got))} distinct, {len(got) - len(set(got))} duplicates), "
          f"missing {len(missing)} {missing[:10]}")
    print(f"mqtk-pub exit {pub_status}; RSS KiB after 1 min {settled[0][1]}, max {max(r[1] for r in rows)}, "
          f"end {rows[-1][1]}")
    print(f"mqtk-sub RSS KiB after 1 min {settled[0][2]}, max {max(r[2] for r in rows)}, end {rows[-1][2]}")
    print(f"samples in {csv}")
    sub_out.close()
    os.unlink(out_path)
    return 0 if not missing and pub_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
