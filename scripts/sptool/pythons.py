"""Choosing a Python that Odoo 18 supports (3.10 to 3.12) for the host's virtualenv.

Preference: $SP_PYTHON when set (must be supported), else 3.11 (the version the
host notes were measured with), then 3.12, then 3.10, from PATH and pyenv.
"""

import glob
import os
import shutil
from pathlib import Path

from .output import Failure, capture

SUPPORTED = ((3, 10), (3, 11), (3, 12))
PREFERENCE = ((3, 11), (3, 12), (3, 10))
VERSION_PROBE = "import sys, venv, ensurepip; print('%d.%d.%d' % sys.version_info[:3])"


def parse_version(text):
    """(major, minor, micro) from '3.11.7'; None if it is not a version."""
    try:
        parts = tuple(int(p) for p in text.strip().split(".")[:3])
    except ValueError:
        return None
    return parts if len(parts) == 3 else None


def verdict(version):
    """None when Odoo 18 runs on ``version``, else why not."""
    if version[:2] in SUPPORTED:
        return None
    low, high = SUPPORTED[0], SUPPORTED[-1]
    side = "older" if version[:2] < low else "newer"
    return (
        f"Python {'.'.join(map(str, version))} is {side} than Odoo 18 supports "
        f"({low[0]}.{low[1]} to {high[0]}.{high[1]})"
    )


def rank(version):
    """Sort key: preferred minor versions first, newest micro first."""
    minor = version[:2]
    order = PREFERENCE.index(minor) if minor in PREFERENCE else len(PREFERENCE)
    return (order, -version[2])


def candidate_paths():
    """Interpreters worth asking, most specific first (duplicates removed later)."""
    paths = []
    for name in ("python3.11", "python3.12", "python3.10", "python3", "python3.13"):
        exe = shutil.which(name)
        if exe:
            paths.append(exe)
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    paths += sorted(
        glob.glob(os.path.join(pyenv_root, "versions", "3.*", "bin", "python3"))
    )
    paths += sorted(glob.glob("/usr/bin/python3.*[0-9]"))
    return paths


def probe_versions(paths):
    """[(version, realpath, path)] for the paths that run, with venv and ensurepip."""
    found, seen = [], set()
    for path in paths:
        code, out, _err = capture([path, "-c", VERSION_PROBE], timeout=30)
        version = parse_version(out) if code == 0 else None
        if not version:
            continue
        real = os.path.realpath(path)
        if (version, real) in seen:
            continue
        seen.add((version, real))
        found.append((version, real, path))
    return found


def choose(found):
    """(chosen (version, path) or None, [reasons for each one refused])."""
    refused, usable = [], []
    for version, _real, path in found:
        why = verdict(version)
        if why:
            refused.append(f"{path}: {why}")
        else:
            usable.append((version, path))
    usable.sort(key=lambda item: rank(item[0]))
    return (usable[0] if usable else None), refused


def pick_python():
    """The interpreter for the host virtualenv: (path, version, explanation)."""
    forced = os.environ.get("SP_PYTHON")
    found = probe_versions([forced] if forced else candidate_paths())
    chosen, refused = choose(found)
    if forced and not chosen:
        raise Failure(
            f"SP_PYTHON={forced} cannot be used: "
            + ("; ".join(refused) or "it does not run or lacks venv/ensurepip")
        )
    if not chosen:
        raise Failure(
            "No Python 3.10, 3.11 or 3.12 with venv and ensurepip was found, "
            "and Odoo 18 "
            "runs on no other.\n  - "
            + "\n  - ".join(refused or ["no python3 on PATH"])
            + "\nInstall one (Debian: apt-get install python3.11 python3.11-venv; or "
            "pyenv install 3.11) or name it with SP_PYTHON=/path/to/python3.11."
        )
    version, path = chosen
    why = f"Python {'.'.join(map(str, version))} ({path}): " + (
        "named by SP_PYTHON" if forced else "the preferred supported version found"
    )
    return path, version, why, refused
