"""mqtk-sub --watch against Mosquitto: under a pseudo-terminal the table is redrawn in place (the
screen, as a terminal would show it, holds one line per topic with its newest value, escaped, and
count); on a pipe the table is printed as plain lines; SIGINT still ends with 130."""

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
import unittest

import mqtk_testlib as t
from sub_helpers import BrokerCase, pub, start_sub, unique_id


class Screen:
    """The few ANSI sequences --watch uses (CSI H, K, J, 2J), applied to a grid of rows x cols."""

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.grid = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self.stray = []  # escape sequences this emulator does not know

    def feed(self, data):
        text = data.decode("utf-8", "replace")
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\x1b":
                m = re.match(r"\x1b\[([0-9;]*)([A-Za-z])", text[i:])
                if not m:
                    self.stray.append(text[i:i + 8])
                    i += 1
                    continue
                self._csi(m.group(1), m.group(2))
                i += m.end()
                continue
            if c == "\r":
                self.col = 0
            elif c == "\n":
                self.row = min(self.row + 1, self.rows - 1)
            elif c >= " ":
                if self.col < self.cols:
                    self.grid[self.row][self.col] = c
                self.col += 1
            i += 1

    def _csi(self, args, op):
        if op == "H":
            self.row = self.col = 0
        elif op == "K":
            for c in range(self.col, self.cols):
                self.grid[self.row][c] = " "
        elif op == "J":
            rows = range(self.rows) if args == "2" else range(self.row + 1, self.rows)
            for r in rows:
                self.grid[r] = [" "] * self.cols
            if args != "2":
                self._csi("", "K")
        else:
            self.stray.append(args + op)

    def lines(self):
        return ["".join(r).rstrip() for r in self.grid]


def read_until(master, screen, done, seconds=10):
    """Feeds what the terminal receives into screen until done(lines) or seconds pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done(screen.lines()):
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            screen.feed(os.read(master, 65536))
    return screen.lines()


class Watch(BrokerCase):
    def test_pseudo_terminal_shows_one_line_per_topic(self):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 60, 0, 0))
        client_id = unique_id("watch")
        mark = self.broker.log_mark()
        proc = subprocess.Popen([t.find_tool("mqtk-sub"), *self.broker.client_args(), "-i", client_id,
                                 "-t", "w/#", "--watch"], stdin=subprocess.DEVNULL, stdout=slave,
                                stderr=subprocess.PIPE, env=t.tool_env())
        os.close(slave)
        screen = Screen(10, 60)
        try:
            self.broker.wait_subscribed(client_id, start=mark)
            lines = read_until(master, screen, lambda lines: lines[0].startswith("TOPIC"))
            self.assertEqual(lines[0].split(), ["TOPIC", "COUNT", "AGE", "VALUE"])  # before any message
            self.assertEqual(lines[1:], [""] * 9)
            pub(self.broker, "w/temp", "21.5")
            pub(self.broker, "w/door", "open\x1b[31m!")
            pub(self.broker, "w/temp", "22.0")
            for i in range(12):
                pub(self.broker, f"w/many/{i}", "x")
            wanted = [r"^TOPIC +COUNT +AGE +VALUE$", r"^w/temp +2 +\d+s +22\.0$",
                      r"^w/door +1 +\d+s +open\\x1b\[31m!$", r"^\+\d+ more topic\(s\)$"]
            lines = read_until(master, screen,
                               lambda lines: all(any(re.match(w, line) for line in lines) for w in wanted))
            for w in wanted:
                self.assertTrue(any(re.match(w, line) for line in lines), (w, lines))
            self.assertEqual(lines[0].split(), ["TOPIC", "COUNT", "AGE", "VALUE"])
            self.assertEqual(lines[1].split()[0], "w/temp")  # first seen, first shown
            self.assertEqual(sum(1 for line in lines if line), 9, lines)  # 10 rows: one left free
            self.assertEqual(screen.stray, [])
            proc.send_signal(signal.SIGINT)
            self.assertEqual(proc.wait(10), 130)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(master)
            proc.stderr.close()

    def test_pipe_gets_plain_tables(self):
        with start_sub(self.broker, "-t", "p/#", "--watch", "-C", "3", "-F", "%p (q%q)") as sub:
            pub(self.broker, "p/a", "1")
            pub(self.broker, "p/b", "2")
            pub(self.broker, "p/a", "3")
            r = sub.wait(10)
        self.assertEqual(r.status, 0, r)
        self.assertNotIn(b"\x1b", r.stdout)
        last = r.stdout.rstrip(b"\n").split(b"\n\n")[-1].split(b"\n")
        self.assertEqual([line.split() for line in last],
                         [[b"TOPIC", b"COUNT", b"AGE", b"VALUE"],
                          [b"p/a", b"2", b"0s", b"3", b"(q0)"],
                          [b"p/b", b"1", b"0s", b"2", b"(q0)"]], r.stdout)

    def test_limit_counts_the_rest(self):
        with start_sub(self.broker, "-t", "l/#", "--watch", "--watch-limit", "2", "-C", "4") as sub:
            for topic in ("l/1", "l/2", "l/3", "l/4"):
                pub(self.broker, topic, "v")
            r = sub.wait(10)
        self.assertEqual(r.status, 0, r)
        self.assertTrue(r.stdout.endswith(
            b"+0 more topic(s), 2 message(s) on topics beyond --watch-limit 2\n\n"), r.stdout)


if __name__ == "__main__":
    unittest.main()
