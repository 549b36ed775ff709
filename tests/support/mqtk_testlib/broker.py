"""What the Mosquitto and Aedes fixtures share: a process with its log in a file, readiness,
stop/restart, and printing the log when the test inside the `with` block fails."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

from .ports import LOOPBACK, wait_until

START_TIMEOUT = 15
STOP_TIMEOUT = 10


class BrokerError(AssertionError):
    """A broker would not start or stop. An AssertionError, so the test fails (never skips)."""


class BrokerProcess:
    """Base class. Subclasses implement _command() -> argv, _ready() -> bool, and may override
    _prepare() (write config) and _bind_failed(log) (True: pick new ports and try again)."""

    name = "broker"

    def __init__(self, workdir=None, keep_workdir=False):
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix=f"mqtk-{self.name}-")
        os.makedirs(self.workdir, exist_ok=True)
        self.keep_workdir = keep_workdir
        self.log_path = os.path.join(self.workdir, f"{self.name}.log")
        self.host = LOOPBACK
        self.proc = None
        self._log_file = None
        self._starts = 0

    # --- subclass hooks -------------------------------------------------------------------------
    def _choose_ports(self):
        pass

    def _prepare(self):
        pass

    def _command(self):
        raise NotImplementedError

    def _ready(self):
        raise NotImplementedError

    def _bind_failed(self, log):
        return False

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self):
        """Starts the broker and waits until every listener accepts. Raises BrokerError."""
        if self.proc is not None and self.proc.poll() is None:
            raise BrokerError(f"{self.name} already running")
        first = self._starts == 0
        attempts = 3 if first else 1
        for attempt in range(attempts):
            if first:
                self._choose_ports()
            self._prepare()
            self._spawn()
            ok = wait_until(lambda: self.proc.poll() is not None or self._ready(), START_TIMEOUT)
            if ok and self.proc.poll() is None:
                self._starts += 1
                return self
            log = self.log_text()
            self._reap()
            if first and attempt + 1 < attempts and self._bind_failed(log):
                continue  # Lost a race for a free port to another process: choose new ports.
            raise BrokerError(
                f"{self.name} did not become ready within {START_TIMEOUT}s "
                f"(exit status {self.proc.returncode}); command: {' '.join(self._command())}\n"
                f"--- {self.log_path} ---\n{log}")
        raise AssertionError("unreachable")

    def _spawn(self):
        self._log_file = open(self.log_path, "ab")
        self._log_file.write(f"--- start {self._starts + 1} ---\n".encode())
        self._log_file.flush()
        self.proc = subprocess.Popen(
            self._command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
            start_new_session=True,
        )

    def _reap(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def stop(self, sig=signal.SIGTERM):
        """Stops the broker (SIGTERM, then SIGKILL after STOP_TIMEOUT) and waits for it.
        Returns the exit status. Ports, work directory and persistence stay for restart()."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        self._reap()
        return self.proc.returncode

    def kill(self):
        """Kills the broker with SIGKILL: no clean shutdown, so nothing is saved to persistence."""
        return self.stop(signal.SIGKILL)

    def restart(self):
        """stop() then start() on the same ports with the same configuration and data."""
        self.stop()
        return self.start()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    # --- log ------------------------------------------------------------------------------------
    def log_text(self):
        """The broker's whole log so far (all starts)."""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, pattern, timeout=10, start=0):
        """Waits until the regular expression `pattern` matches the log (from character `start`);
        returns the match, or raises AssertionError with the log on timeout."""
        regex = re.compile(pattern)
        found = wait_until(lambda: regex.search(self.log_text(), start), timeout)
        if not found:
            raise AssertionError(f"{pattern!r} not in the {self.name} log within {timeout}s\n"
                                 f"--- {self.log_path} ---\n{self.log_text()}")
        return found

    def log_mark(self):
        """Current log length: pass as start= to wait_log to look only at what comes after."""
        return len(self.log_text())

    def dump_log(self, stream=None):
        stream = stream or sys.stderr
        stream.write(f"\n--- {self.name} log ({self.log_path}) ---\n{self.log_text()}"
                     f"--- end of {self.name} log ---\n")
        stream.flush()

    # --- context manager ------------------------------------------------------------------------
    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self._remove_workdir()
            raise

    def _remove_workdir(self):
        if self._own_workdir and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        if exc_type is not None or os.environ.get("MQTK_TEST_SHOW_LOGS"):
            self.dump_log()
        self._remove_workdir()
        return False

    def close(self):
        """stop() and remove the work directory (for addCleanup when not using `with`)."""
        self.__exit__(None, None, None)


def _test_failed(testcase):
    """Best effort: has this unittest.TestCase failed or errored so far (Python 3.9 to 3.13)?"""
    outcome = getattr(testcase, "_outcome", None)
    if outcome is None:
        return False
    if not getattr(outcome, "success", True):
        return True
    result = getattr(outcome, "result", None)
    for attr in ("failures", "errors", "unexpectedSuccesses"):
        for entry in getattr(result, attr, None) or []:
            if (entry[0] if isinstance(entry, tuple) else entry) is testcase:
                return True
    return any(err is not None for _, err in getattr(outcome, "errors", None) or [])


def use_broker(testcase, broker):
    """Starts broker for one unittest test (call in setUp or the test) and registers a cleanup that
    stops it, printing its log when the test failed. Returns the started broker."""

    def cleanup():
        broker.__exit__(AssertionError if _test_failed(testcase) else None, None, None)

    broker.__enter__()
    testcase.addCleanup(cleanup)
    return broker
