"""What the fault-lab cases (tests/faults/) share: running a tool with its wall time and peak RSS
measured, numbered message streams, and exact checks of which numbers arrived.

    with Measured(["mqtk-pub", ...], input=numbered_lines(1000)) as pub:
        ...                                     # inject faults while it runs
        r = pub.wait(timeout=30)                # r.status, r.stdout, r.stderr, r.seconds, r.peak_rss_kib
    got = sequence_numbers(sub_output)
    check_exactly_once(testcase, got, 1000)     # or check_at_least_once (QoS 1 may duplicate)
"""

import contextlib
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

from .tools import ToolTimeout, _appending, _resolve, tool_env


@dataclass
class MeasuredResult:
    """How a measured run ended."""
    status: int
    stdout: bytes
    stderr: bytes
    seconds: float       # wall time from start to exit
    peak_rss_kib: int    # the tool's peak resident set (VmHWM, sampled every 10 ms until exit)

    @property
    def text(self):
        return self.stderr.decode(errors="replace")


class Measured:
    """A tool run in the background with its wall time and peak RSS measured. The peak is the
    kernel's VmHWM of the exec'd program, sampled until it exits (ru_maxrss would include the
    forking Python process's pages). stdout goes to a temporary file unless stdout= is given."""

    def __init__(self, args, input=None, env=None, stdout=None, cwd=None):
        self.argv = _resolve(args)
        self._out = tempfile.TemporaryFile() if stdout is None else None
        self._err = tempfile.TemporaryFile()
        if isinstance(input, str):
            input = input.encode()
        self.start = time.monotonic()
        out = _appending(self._out) if stdout is None else None
        with _appending(self._err) as err:
            self.proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=out if stdout is None else stdout,
                stderr=err,
                env=tool_env(env),
                cwd=cwd,
                start_new_session=True,
            )
        if out is not None:
            out.close()
        self.result = None
        self._peak = 0
        threading.Thread(target=self._watch_rss, daemon=True).start()
        if input is not None:
            # A tool reads its input only as fast as it publishes: feed it from a thread.
            self._feeder = threading.Thread(target=self._feed, args=(input,), daemon=True)
            self._feeder.start()

    def _feed(self, data):
        try:
            self.proc.stdin.write(data)
        except (BrokenPipeError, ValueError, OSError):
            pass
        finally:
            try:
                self.proc.stdin.close()
            except OSError:
                pass

    @property
    def pid(self):
        return self.proc.pid

    def running(self):
        return self.result is None

    def stderr_so_far(self):
        self._err.flush()
        self._err.seek(0)
        return self._err.read()

    def wait_for_stderr(self, pattern, timeout=10):
        """Waits until stderr matches the regex pattern (bytes); raises ToolTimeout."""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.stderr_so_far()):
            if time.monotonic() >= deadline or self._poll():
                raise ToolTimeout(f"{pattern!r} not seen on stderr of {self.argv[0]}:\n"
                                  + self.stderr_so_far().decode(errors="replace"))
            time.sleep(0.05)

    def send_signal(self, sig):
        if self.result is None:
            os.kill(self.proc.pid, sig)

    def _sample_rss(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self._peak = max(self._peak, int(line.split()[1]))
        except OSError:
            pass

    def _watch_rss(self):
        while self.result is None and os.path.exists(f"/proc/{self.proc.pid}/status"):
            self._sample_rss()
            time.sleep(0.02)

    def _poll(self):
        if self.result is not None:
            return True
        self._sample_rss()
        pid, status, _ = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if self.proc.returncode < 0:
            self.proc.returncode = 128 - self.proc.returncode
        out = b""
        if self._out is not None:
            self._out.seek(0)
            out = self._out.read()
        self.result = MeasuredResult(self.proc.returncode, out, self.stderr_so_far(),
                                     time.monotonic() - self.start, self._peak)
        return True

    def wait(self, timeout=30):
        """Waits for the exit and returns a MeasuredResult; past timeout (seconds from now) kills
        the process group and raises ToolTimeout (a tool that does not end is a failure)."""
        deadline = time.monotonic() + timeout
        while not self._poll():
            if time.monotonic() >= deadline:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                while not self._poll():
                    time.sleep(0.01)
                raise ToolTimeout(f"did not end within {timeout}s: {' '.join(self.argv)}\n"
                                  f"--- stderr ---\n{self.result.text}")
            time.sleep(0.01)
        return self.result

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.result is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            while not self._poll():
                time.sleep(0.01)
        if self._out is not None:
            self._out.close()
        self._err.close()
        return False


def numbered_lines(count, width=0, prefix="m"):
    """count lines "m000001 ..." (the number padded to six digits, then width filler bytes)."""
    filler = "x" * width
    return "".join(f"{prefix}{i:06d} {filler}\n" for i in range(1, count + 1))


def sequence_numbers(data, prefix=b"m"):
    """The sequence numbers found in data (bytes), in arrival order."""
    return [int(m) for m in re.findall(rb"(?<![0-9A-Za-z])" + prefix + rb"(\d{6})", data)]


def check_at_least_once(testcase, got, count):
    """Every number 1..count arrived; duplicates allowed (QoS 1). Returns the duplicate count."""
    missing = sorted(set(range(1, count + 1)) - set(got))
    testcase.assertEqual(missing[:20], [], f"{len(missing)} of {count} messages never arrived")
    extra = sorted(set(got) - set(range(1, count + 1)))
    testcase.assertEqual(extra, [], "numbers that were never sent arrived")
    return len(got) - len(set(got))


def check_exactly_once(testcase, got, count):
    """Every number 1..count arrived exactly once (QoS 2)."""
    duplicates = len(got) - len(set(got))
    check_at_least_once(testcase, got, count)
    testcase.assertEqual(duplicates, 0, "duplicates at QoS 2")


def check_in_order(testcase, got):
    """The first arrival of each number is in increasing order (one publisher, one subscriber)."""
    firsts, seen = [], set()
    for n in got:
        if n not in seen:
            seen.add(n)
            firsts.append(n)
    testcase.assertEqual(firsts, sorted(firsts), "messages overtook each other")


@contextlib.contextmanager
def small_disk(size_kib=64):
    """A directory where writes fail once about size_kib KiB are used: a tmpfs of that size when
    mounting works (ENOSPC, "No space left on device"), else None and the caller limits the file
    size of the tool instead. The mount never outlives the block."""
    path = tempfile.mkdtemp(prefix="mqtk-small-disk-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", path],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    try:
        yield path, mounted
    finally:
        if mounted:
            subprocess.run(["umount", path], check=False)
            if os.path.ismount(path):
                subprocess.run(["umount", "-l", path], check=False)
        for name in os.listdir(path):
            os.unlink(os.path.join(path, name))
        os.rmdir(path)
