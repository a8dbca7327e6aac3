"""Installing Odoo 18.0 Community from a source archive into the per-user cache.

Layout, keyed by the archive's sha256 so that every clone on the machine reuses it:

    ~/.cache/serial_procurement/odoo-18.0-<sha12>/
        src/          the extracted source (odoo-bin, odoo/, addons/)
        venv/         its virtualenv: Odoo's requirements.txt (with OVERRIDES),
                      the source installed path-based (editable, compat mode), the
                      repository's requirements.txt and test-requirements.txt
        host.json     what was installed from what, and how long each step took

Every step is skipped when its stamp (a hash of its inputs) is unchanged, so a
repeat costs well under 2 s; a changed archive is another folder, and changed
requirements reinstall what they name.
"""

import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from . import archive, pythons, system
from .discovery import Odoo, probe
from .layout import ADDON_REQUIREMENTS, TEST_REQUIREMENTS, cache_root, read_requirements
from .output import Failure, Timer, capture, run, say, step

# The smallest set of changes to Odoo's requirements.txt that installs and runs
# here (Python 3.10-3.12 from the public package index): cbor2 5.4.2 has no build
# for Python 3.11 on the index, 5.4.6 is the same API. gevent (the websocket
# worker of a multi-process Odoo) does not pin its zope dependencies: with
# zope.interface 8.x next to gevent 21.8/22.10 the gevent process restarts in a
# loop (DistributionNotFound: 'zope.interface' ... required by gevent);
# zope.interface 6.4.post2 and zope.event 4.6 start cleanly. An override whose
# name Odoo's file does not list is added to it.
OVERRIDES = {
    "cbor2": "cbor2==5.4.6 ; python_version < '3.12'",
    "zope.interface": "zope.interface==6.4.post2 ; python_version < '3.12'",
    "zope.event": "zope.event==4.6 ; python_version < '3.12'",
}
BUILD_TOOLS = ("pip>=23", "setuptools<70", "wheel")
REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def archive_source():
    return os.environ.get("ODOO_ARCHIVE") or archive.DEFAULT_ARCHIVE


def apply_overrides(lines, overrides=OVERRIDES):
    """Odoo's requirement lines with the lines of each overridden name replaced
    (once, by the override), the rest kept as they are, and the overrides of
    names Odoo does not list added at the end."""
    out, done = [], set()
    for line in lines:
        match = REQ_NAME.match(line)
        name = match.group(1).lower() if match else None
        if name in overrides:
            if name not in done:
                out.append(overrides[name])
                done.add(name)
            continue
        out.append(line)
    out += [line for name, line in overrides.items() if name not in done]
    return out


def stamp_of(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@contextmanager
def locked(path):
    """An exclusive lock, so two commands never build the same host at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            step(f"waiting for another command that is preparing the host ({path})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class Host:
    """The cached host built from one archive."""

    def __init__(self, archive_path, sha):
        self.archive_path = Path(archive_path)
        self.sha = sha
        self.root = cache_root() / f"odoo-18.0-{sha[:12]}"
        self.src = self.root / "src"
        self.venv = self.root / "venv"
        self.python = self.venv / "bin" / "python"
        self.meta_path = self.root / "host.json"

    def meta(self):
        try:
            return json.loads(self.meta_path.read_text())
        except (OSError, ValueError):
            return {}

    def save_meta(self, **changes):
        meta = self.meta()
        meta.update(changes)
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, indent=1, sort_keys=True))
        tmp.replace(self.meta_path)

    def record_timing(self, name, seconds):
        timings = self.meta().get("timings", {})
        timings[name] = round(seconds, 1)
        self.save_meta(timings=timings)

    # ------------------------------------------------------------------ steps
    def ensure_source(self):
        if (self.src / "odoo-bin").is_file():
            return
        step(f"extracting {self.archive_path} into {self.src}")
        with Timer("extract") as timer:
            archive.extract(self.archive_path, self.src)
        self.record_timing("extract", timer.seconds)

    def base_stamp(self, python, version):
        odoo_reqs = (self.src / "requirements.txt").read_text()
        return stamp_of(
            python, version, odoo_reqs, sorted(OVERRIDES.items()), BUILD_TOOLS
        )

    def ensure_venv(self):
        meta = self.meta()
        if self.python.exists() and meta.get("base_stamp"):
            python, version = meta["base_python"], tuple(meta["base_version"])
            if meta["base_stamp"] == self.base_stamp(python, version):
                return
            step(
                "Odoo's requirements or the chosen Python changed: rebuilding the venv"
            )
        python, version, why, refused = pythons.pick_python()
        step(f"virtualenv with {why}")
        for line in refused:
            say(f"    refused {line}")
        shutil.rmtree(self.venv, ignore_errors=True)
        self.save_meta(base_stamp=None, extra_stamp=None)
        with Timer("virtualenv") as timer:
            run([python, "-m", "venv", self.venv])
            pip(self.python, "install", "--upgrade", *BUILD_TOOLS)
        self.record_timing("venv", timer.seconds)
        reqs = self.root / "odoo-requirements.txt"
        lines = (self.src / "requirements.txt").read_text().splitlines()
        reqs.write_text("\n".join(apply_overrides(lines)) + "\n")
        step(f"installing Odoo's requirements (overrides: {', '.join(OVERRIDES)})")
        with Timer("requirements") as timer:
            pip(self.python, "install", "-r", reqs)
            pip(
                self.python,
                "install",
                "--no-deps",
                "--no-build-isolation",
                "--config-settings",
                "editable_mode=compat",
                "-e",
                self.src,
            )
        self.record_timing("requirements", timer.seconds)
        self.save_meta(
            base_stamp=self.base_stamp(python, version),
            base_python=python,
            base_version=list(version),
            python_choice=why,
        )

    def extra_stamp(self):
        return stamp_of(
            read_requirements(TEST_REQUIREMENTS), read_requirements(ADDON_REQUIREMENTS)
        )

    def ensure_extras(self):
        if self.meta().get("extra_stamp") == self.extra_stamp():
            return
        files = [
            f for f in (ADDON_REQUIREMENTS, TEST_REQUIREMENTS) if read_requirements(f)
        ]
        step(
            "installing " + " and ".join(f.name for f in files) + " into the host venv"
        )
        with Timer("test requirements") as timer:
            for path in files:
                pip(self.python, "install", "-r", path)
        self.record_timing("extras", timer.seconds)
        self.save_meta(extra_stamp=self.extra_stamp())

    def odoo(self):
        """The host's Odoo; probed (``import odoo``) once per change of its stamps."""
        origin = f"bootstrapped from {self.archive_path}"
        meta = self.meta()
        stamps = [meta.get("base_stamp"), meta.get("extra_stamp")]
        cached = meta.get("probe")
        if cached and cached.get("stamps") == stamps and self.python.exists():
            return Odoo(str(self.python), None, cached["info"], origin)
        found = self.probe_odoo(origin)
        self.save_meta(probe={"stamps": stamps, "info": found.info})
        return found

    def probe_odoo(self, origin):
        found = probe(str(self.python), None, origin)
        if not isinstance(found, Odoo):
            raise Failure(f"The bootstrapped host does not import Odoo: {found}")
        if Path(found.info["root"]).resolve() != self.src.resolve():
            raise Failure(
                f"`import odoo` in {self.python} names {found.info['root']}, not "
                f"{self.src}: an addon wheel shadows the source install; remove the "
                f"host ({sys.argv[0]} clean-host) and run again."
            )
        return found


def pip(python, *args):
    cmd = [python, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    code, out, err = capture(cmd, timeout=3600)
    if code:
        tail = "\n".join((err or out).strip().splitlines()[-15:])
        raise Failure(f"pip {' '.join(map(str, args))} failed:\n{tail}")


def resolve_archive():
    """(local path, sha256) of ODOO_ARCHIVE (downloaded when it is a URL)."""
    source = archive_source()
    path = archive.local_path(source)
    if path is None:
        downloads = cache_root() / "downloads"
        step(f"downloading {source}")
        with Timer("download"):
            path = archive.download(source, downloads)
    archive.check_gzip(path)
    return path, archive.cached_sha256(path, cache_root() / "sha256.json")


def bootstrap():
    """An Odoo 18 built from ODOO_ARCHIVE in the cache, built once, reused after."""
    started = time.monotonic()
    path, sha = resolve_archive()
    host = Host(path, sha)
    with locked(cache_root() / f".lock-{sha[:12]}"):
        fresh = not host.meta().get("extra_stamp")
        if fresh:
            step(
                f"installing Odoo 18.0 from {path} into {host.root} "
                "(first time: minutes)"
            )
        seconds = system.ensure_system_packages(("server", "build"))
        if seconds:
            host.record_timing("system packages", seconds)
        host.ensure_source()
        host.ensure_venv()
        host.ensure_extras()
        host.save_meta(archive=str(path), sha256=sha)
        odoo = host.odoo()
    if fresh:
        host.record_timing("bootstrap total", time.monotonic() - started)
        step(f"host ready in {time.monotonic() - started:.0f} s: {host.root}")
    odoo.host = host
    return odoo
