"""Progress lines with elapsed time, user-facing failures, subprocess helpers."""

import shlex
import subprocess
import sys
import time

_STARTED = time.monotonic()
_PROGRESS = {"stream": None}  # None: standard output


def progress_to_stderr():
    """Progress lines go to standard error, for a command whose standard output
    is its answer (``sp.py host`` prints the python path)."""
    _PROGRESS["stream"] = sys.stderr


def say(msg=""):
    print(msg, file=_PROGRESS["stream"] or sys.stdout, flush=True)


def step(msg):
    """A progress line, prefixed with the seconds elapsed since the command began."""
    say(f"==> [{time.monotonic() - _STARTED:6.1f} s] {msg}")


def warn(msg):
    print(f"WARNING: {msg}", file=sys.stderr, flush=True)


class Failure(Exception):
    """A clear, user-facing error: printed without a traceback."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


class Timer:
    """``with Timer("extract") as t: ...`` then ``t.seconds``; logs the duration."""

    def __init__(self, what, quiet=False):
        self.what = what
        self.quiet = quiet
        self.seconds = 0.0

    def __enter__(self):
        self._start = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self._start
        if not self.quiet and exc[0] is None:
            say(f"    {self.what}: done in {self.seconds:.1f} s")
        return False


def run(cmd, check=True, env=None, **kwargs):
    proc = subprocess.run([str(c) for c in cmd], env=env, **kwargs)
    if check and proc.returncode:
        raise Failure(
            f"command failed ({proc.returncode}): {shlex.join(map(str, cmd))}"
        )
    return proc


def capture(cmd, env=None, timeout=None, cwd=None):
    """Return (returncode, stdout, stderr); (127, '', why) if it cannot run."""
    try:
        proc = subprocess.run(
            [str(c) for c in cmd],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, "", str(exc)
    return proc.returncode, proc.stdout, proc.stderr
