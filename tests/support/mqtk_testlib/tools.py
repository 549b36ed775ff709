"""Finding the built mqtk executables and running any command without ever hanging."""

import atexit
import collections
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]

# Settings the tools read from the environment (GUIDE section 4); removed so the caller's shell
# cannot change what a test does. A test sets them again through env= when it means to.
_TOOL_ENV_VARS = ("MQTK_URL", "MQTK_HOST", "MQTK_PORT", "MQTK_USERNAME", "MQTK_PASSWORD", "SSLKEYLOGFILE",
                  "MQTK_PKCS12_PASSWORD",
                  # the proxy environment (issue 13): a test sets it through env= when it means to
                  "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                  "NO_PROXY", "no_proxy")

ToolResult = collections.namedtuple("ToolResult", "status stdout stderr")
ToolResult.__doc__ = "status (exit code; -N when killed by signal N), stdout bytes, stderr bytes."


class ToolTimeout(AssertionError):
    """A command ran past its timeout; it was killed. An AssertionError, so the test fails."""


class ToolNotFound(AssertionError):
    """A built executable or a required command is missing. An AssertionError: the test fails."""


def build_dir():
    """The CMake build directory: $MQTK_BUILD_DIR (set by ctest), else <repo>/build."""
    return pathlib.Path(os.environ.get("MQTK_BUILD_DIR") or REPO_ROOT / "build")


_found = {}


def find_tool(name):
    """Absolute path of the built executable `name` (e.g. "mqtk-pub") anywhere under build_dir()."""
    if name in _found:
        return _found[name]
    root = build_dir()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "CMakeFiles" and not d.startswith(".")]
        if name in filenames:
            path = os.path.join(dirpath, name)
            if os.access(path, os.X_OK):
                _found[name] = path
                return path
    raise ToolNotFound(f"{name} is not built under {root} (set MQTK_BUILD_DIR or build first)")


def tool_exists(name):
    """True when find_tool(name) would succeed."""
    try:
        find_tool(name)
        return True
    except ToolNotFound:
        return False


def _resolve(args):
    args = [str(a) for a in args]
    if not args:
        raise ValueError("empty command")
    exe = args[0]
    if os.sep in exe:
        return args
    if exe.startswith("mqtk-") or exe.startswith("mqtk_"):
        return [find_tool(exe)] + args[1:]
    path = shutil.which(exe)
    if path is None:
        raise ToolNotFound(f"command not found: {exe} (scripts/test installs the test dependencies)")
    return [path] + args[1:]


_config_home = None


def tool_env(env=None):
    """The environment tools run in: ours minus MQTK_URL/HOST/PORT/USERNAME/PASSWORD and the
    *_PROXY/NO_PROXY variables, with
    XDG_CONFIG_HOME pointing at an empty directory (no user profile), then `env` applied on top
    (a value of None removes that variable)."""
    global _config_home
    if _config_home is None:
        _config_home = tempfile.mkdtemp(prefix="mqtk-test-xdg-")
        atexit.register(shutil.rmtree, _config_home, True)
    result = {k: v for k, v in os.environ.items() if k not in _TOOL_ENV_VARS}
    result["XDG_CONFIG_HOME"] = _config_home
    for key, value in (env or {}).items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = str(value)
    return result


def _describe(argv):
    return " ".join(argv)


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_tool(args, input=None, timeout=30, env=None, cwd=None, stdin=None):
    """Runs args (args[0]: "mqtk-<tool>" found with find_tool, a command on PATH, or a path) and
    returns ToolResult(status, stdout, stderr). input: bytes or str for stdin; stdin: a file or
    descriptor to read instead (an endless producer's pipe); else stdin is /dev/null. Past timeout
    seconds the process group is killed and ToolTimeout is raised."""
    argv = _resolve(args)
    if isinstance(input, str):
        input = input.encode()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if input is not None else stdin if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=tool_env(env),
        cwd=cwd,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        raise ToolTimeout(
            f"timed out after {timeout}s: {_describe(argv)}\n"
            f"--- stdout ---\n{out.decode(errors='replace')}\n"
            f"--- stderr ---\n{err.decode(errors='replace')}"
        ) from None
    return ToolResult(proc.returncode, out, err)


def _appending(f):
    """A second, O_APPEND file description of the temporary file f for a child to write: the test
    reads f while the child writes, and with one shared description the test's seek(0) would make
    the child's next write land at the start of the file, over earlier output."""
    return open(f"/proc/self/fd/{f.fileno()}", "ab", buffering=0)


class Background:
    """A command running in the background (see start_tool). Output goes to temporary files, so it
    can never block on a full pipe. Use as a context manager: leaving the block kills it if still
    running."""

    def __init__(self, args, input=None, env=None, cwd=None):
        self.argv = _resolve(args)
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        if isinstance(input, str):
            input = input.encode()
        with _appending(self._out) as out, _appending(self._err) as err:
            self.proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=tool_env(env),
                cwd=cwd,
                start_new_session=True,
            )
        if input is not None:
            try:
                self.proc.stdin.write(input)
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        self.result = None

    @property
    def pid(self):
        return self.proc.pid

    def running(self):
        return self.proc.poll() is None

    def _read(self, f):
        f.flush()
        f.seek(0)
        return f.read()

    def stdout_so_far(self):
        """Everything the command has written to stdout so far (bytes)."""
        return self._read(self._out)

    def stderr_so_far(self):
        return self._read(self._err)

    def wait_for_output(self, needle, timeout=10, stream="stdout"):
        """Waits until `needle` (bytes or str) appears in stdout (or stderr); raises ToolTimeout."""
        if isinstance(needle, str):
            needle = needle.encode()
        read = self.stdout_so_far if stream == "stdout" else self.stderr_so_far
        deadline = time.monotonic() + timeout
        while needle not in read():
            if time.monotonic() >= deadline:
                raise ToolTimeout(
                    f"{needle!r} not seen on {stream} within {timeout}s: {_describe(self.argv)}\n"
                    f"--- stdout ---\n{self.stdout_so_far().decode(errors='replace')}\n"
                    f"--- stderr ---\n{self.stderr_so_far().decode(errors='replace')}")
            if not self.running() and needle not in read():
                raise AssertionError(
                    f"exited with {self.proc.returncode} before printing {needle!r}: "
                    f"{_describe(self.argv)}\n--- stderr ---\n"
                    f"{self.stderr_so_far().decode(errors='replace')}")
            time.sleep(0.05)

    def _finish(self):
        self.result = ToolResult(self.proc.returncode, self.stdout_so_far(), self.stderr_so_far())
        return self.result

    def wait(self, timeout=30):
        """Waits for exit and returns ToolResult; past timeout kills it and raises ToolTimeout."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
            self._finish()
            raise ToolTimeout(
                f"timed out after {timeout}s: {_describe(self.argv)}\n"
                f"--- stdout ---\n{self.result.stdout.decode(errors='replace')}\n"
                f"--- stderr ---\n{self.result.stderr.decode(errors='replace')}") from None
        return self._finish()

    def send_signal(self, sig):
        """Sends sig (e.g. signal.SIGINT) to the process itself (not its group)."""
        if self.running():
            self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends sig and waits (ToolTimeout past timeout); returns ToolResult."""
        self.send_signal(sig)
        return self.wait(timeout)

    def kill(self):
        if self.running():
            _kill_group(self.proc)
        return self._finish()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        self._out.close()
        self._err.close()
        return False


def start_tool(args, input=None, env=None, cwd=None):
    """Starts args in the background (resolved like run_tool) and returns a Background."""
    return Background(args, input=input, env=env, cwd=cwd)


def mosquitto_pub(args, input=None, timeout=15):
    """Runs `mosquitto_pub *args` (give -h/-p or broker.client_args()); returns ToolResult."""
    return run_tool(["mosquitto_pub"] + list(args), input=input, timeout=timeout)


def mosquitto_sub(args, timeout=15):
    """Runs `mosquitto_sub *args` to completion (use -C/-W so it ends); returns ToolResult."""
    return run_tool(["mosquitto_sub"] + list(args), timeout=timeout)


def start_mosquitto_sub(args):
    """Starts `mosquitto_sub *args` in the background; returns a Background."""
    return start_tool(["mosquitto_sub"] + list(args))
