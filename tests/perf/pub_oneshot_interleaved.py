#!/usr/bin/env python3
"""One-shot publish, mqtk-pub against mosquitto_pub, runs interleaved (one of each in turn), so a
machine whose load drifts during the run (other builds) weighs on both tools alike. Reports the
median wall time, the median CPU time (user + system, from wait4) and the ratios, QoS 0 and 1,
against a throwaway local mosquitto.

    tests/perf/pub_oneshot_interleaved.py [runs=500] [--no-pipeline-too]
    MQTK_TOOL_DIR=DIR/usr/bin tests/perf/pub_oneshot_interleaved.py   # an installed package's tools

--no-pipeline-too adds `mqtk-pub --no-pipeline` (CONNACK awaited before the PUBLISH) to the rotation.
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def tool(name):
    if os.environ.get("MQTK_TOOL_DIR"):
        return str(Path(os.environ["MQTK_TOOL_DIR"]) / name)
    build = Path(os.environ.get("MQTK_BUILD_DIR", ROOT / "build"))
    return str(build / "apps" / name.removeprefix("mqtk-") / name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_once(argv, devnull):
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{argv[0]} exited with status {status}")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    args = [a for a in sys.argv[1:] if a != "--no-pipeline-too"]
    runs = int(args[0]) if args else 500
    unpipelined = "--no-pipeline-too" in sys.argv[1:]
    mosquitto_pub = subprocess.run(["sh", "-c", "command -v mosquitto_pub"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as work:
        port = free_port()
        conf = Path(work) / "mosquitto.conf"
        conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        + ("user root\n" if os.getuid() == 0 else ""))
        broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(50):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            for qos in (0, 1):
                args = ["-h", "127.0.0.1", "-p", str(port), "-t", "a/b", "-m", "hello", "-q", str(qos)]
                commands = [[tool("mqtk-pub")] + args, [mosquitto_pub] + args]
                if unpipelined:
                    commands.append([tool("mqtk-pub"), "--no-pipeline"] + args)
                samples = [[] for _ in commands]
                for i in range(runs + 30):
                    for k, argv in enumerate(commands):
                        sample = run_once(argv, devnull)
                        if i >= 30:  # warm-up
                            samples[k].append(sample)
                wall = [statistics.median(s[0] for s in tool_samples) for tool_samples in samples]
                cpu = [statistics.median(s[1] for s in tool_samples) for tool_samples in samples]
                print(f"QoS {qos}: mqtk-pub median {wall[0]:.2f} ms (CPU {cpu[0]:.2f} ms), mosquitto_pub median "
                      f"{wall[1]:.2f} ms (CPU {cpu[1]:.2f} ms), ratio {wall[0] / wall[1]:.2f} (CPU {cpu[0] / cpu[1]:.2f})")
                if unpipelined:
                    print(f"QoS {qos}: mqtk-pub --no-pipeline median {wall[2]:.2f} ms (CPU {cpu[2]:.2f} ms), ratio "
                          f"{wall[2] / wall[1]:.2f} (CPU {cpu[2] / cpu[1]:.2f})")
        finally:
            broker.terminate()
            broker.wait()


if __name__ == "__main__":
    main()
