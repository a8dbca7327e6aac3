"""Finding an existing Odoo 18 on this machine (it always wins over a bootstrap).

Order: ODOO_BIN, ODOO_SRC, ./.venv, python3/python on PATH, odoo/odoo-bin on PATH,
the addons_path of Odoo's own configuration file (~/.odoorc or $ODOO_RC).
"""

import configparser
import json
import os
import re
import shutil
import sys
from pathlib import Path

from .layout import REPO
from .output import capture

NO_ODOO_HELP = """\
Point at an existing Odoo 18.0 in one of these ways:
  - make `python3 -c 'import odoo'` work, or put a virtualenv with Odoo 18 in ./.venv;
  - put `odoo` or `odoo-bin` of an Odoo 18 on PATH;
  - name the Odoo source's addons folder in the addons_path of ~/.odoorc (or $ODOO_RC);
  - ODOO_SRC=/path/to/odoo   (the source folder that contains odoo-bin);
  - ODOO_BIN=/path/to/odoo-bin   (an odoo-bin / odoo script of an Odoo 18).
Without any of these, the commands install Odoo 18 from ODOO_ARCHIVE into the cache."""

PROBE = """\
import json, os, sys
import odoo
from odoo import release
root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
print(json.dumps({
    "version": release.version,
    "version_info": list(release.version_info[:2]),
    "root": root,
    "addons": [os.path.join(root, "addons")] + list(odoo.addons.__path__),
    "python": sys.executable,
}))
"""


class Odoo:
    """An Odoo found on this machine: the python that imports it, and its paths."""

    def __init__(self, python, pythonpath, info, origin):
        self.python = python
        self.pythonpath = pythonpath
        self.info = info
        self.origin = origin
        self.version = info["version"]

    def env(self, extra=None):
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        env.update(extra or {})
        return env

    def addons_paths(self, with_repo=True):
        paths = [str(REPO)] if with_repo else []
        for path in self.info["addons"]:
            path = os.path.abspath(path)
            if os.path.isdir(path) and path not in paths:
                paths.append(path)
        return paths

    @property
    def addons_path(self):
        return ",".join(self.addons_paths())

    def cmd(self, *args, addons_path=None):
        return [
            self.python,
            "-m",
            "odoo",
            *args,
            f"--addons-path={addons_path or self.addons_path}",
        ]

    def refresh(self):
        found = probe(self.python, self.pythonpath, self.origin)
        if isinstance(found, Odoo):
            self.info = found.info

    def has_module(self, name):
        return self.module_version(name) is not None

    def module_version(self, name):
        for path in self.addons_paths():
            manifest = Path(path) / name / "__manifest__.py"
            if manifest.is_file():
                match = re.search(
                    r"[\"']version[\"']\s*:\s*[\"']([^\"']+)", manifest.read_text()
                )
                return match.group(1) if match else "?"
        return None

    def describe(self):
        return f"Odoo {self.version} from {self.info['root']} ({self.origin})"


def probe(python, pythonpath, origin):
    """An Odoo if ``python`` (with ``pythonpath``) imports Odoo 18, else why not."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    code, out, err = capture([python, "-c", PROBE], env=env, timeout=120)
    if code:
        last = (err.strip().splitlines() or ["cannot run it"])[-1]
        return f"{origin}: {python} cannot import odoo ({last})"
    try:
        info = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"{origin}: unexpected answer from {python}"
    if info["version_info"][0] != 18:
        return f"{origin}: found Odoo {info['version']}, need Odoo 18.0"
    return Odoo(python, pythonpath, info, origin)


def interpreter_of(script):
    """The python a launcher script runs with, from its shebang line (or None)."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode(errors="replace").strip()
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    parts = first[2:].split()
    if parts and os.path.basename(parts[0]) == "env":
        parts = [p for p in parts[1:] if not p.startswith("-")]
        exe = shutil.which(parts[0]) if parts else None
    else:
        exe = parts[0] if parts else None
    if not exe or "python" not in os.path.basename(exe):
        return None
    return exe


def source_dir_of(launcher):
    """The source folder of an odoo-bin (one that holds the odoo package), or None."""
    folder = Path(launcher).resolve().parent
    return str(folder) if (folder / "odoo" / "__init__.py").is_file() else None


def default_python():
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else (shutil.which("python3") or sys.executable)


def odoorc_candidates(tried):
    """Odoo's configuration file names an addons folder of an Odoo source."""
    rc = Path(os.environ.get("ODOO_RC") or Path.home() / ".odoorc")
    if not rc.is_file():
        tried.append(f"no {rc}")
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(rc)
        addons_path = parser.get("options", "addons_path", fallback="")
    except configparser.Error as error:
        tried.append(f"{rc}: unreadable ({error})")
        return []
    candidates = []
    for entry in filter(None, (p.strip() for p in addons_path.split(","))):
        for source in (Path(entry).parent, Path(entry).parent.parent):
            launcher = source / "odoo-bin"
            if launcher.is_file() and (source / "odoo" / "__init__.py").is_file():
                python = interpreter_of(launcher)
                if not python or python == shutil.which("python3"):
                    python = default_python()
                candidates.append((python, str(source), f"addons_path of {rc}"))
    if not candidates:
        tried.append(f"{rc}: no Odoo source folder in its addons_path")
    return candidates


def explicit_candidate(environ):
    """ODOO_BIN / ODOO_SRC: (candidate or None, why-not or None)."""
    odoo_bin, odoo_src = environ.get("ODOO_BIN"), environ.get("ODOO_SRC")
    if odoo_bin:
        if not os.path.isfile(odoo_bin):
            return None, f"ODOO_BIN={odoo_bin}: no such file"
        python = interpreter_of(odoo_bin) or default_python()
        return (python, source_dir_of(odoo_bin), f"ODOO_BIN={odoo_bin}"), None
    if odoo_src:
        if not (Path(odoo_src) / "odoo-bin").is_file():
            return None, f"ODOO_SRC={odoo_src}: no odoo-bin in that folder"
        return (default_python(), str(Path(odoo_src).resolve()), "ODOO_SRC"), None
    return None, None


def candidates(tried):
    """Every (python, pythonpath, origin) to try, in the documented order."""
    found = []
    venv = REPO / ".venv" / "bin" / "python"
    if venv.exists():
        found.append((str(venv), None, ".venv/bin/python"))
    for name in ("python3", "python"):
        exe = shutil.which(name)
        if exe:
            found.append((exe, None, f"{name} on PATH"))
    for name in ("odoo", "odoo-bin"):
        launcher = shutil.which(name)
        if not launcher:
            tried.append(f"no `{name}` on PATH")
            continue
        python = interpreter_of(launcher)
        if python:
            found.append((python, source_dir_of(launcher), f"{name} on PATH"))
        else:
            tried.append(f"`{launcher}` does not name a python interpreter")
    return found + odoorc_candidates(tried)


def find_odoo(environ=None):
    """Return (Odoo or None, list of what was tried). An explicit ODOO_BIN or
    ODOO_SRC is final: when it does not work, nothing else is tried."""
    environ = os.environ if environ is None else environ
    explicit, why_not = explicit_candidate(environ)
    if why_not:
        return None, [why_not]
    if explicit:
        found = probe(*explicit)
        return (found, []) if isinstance(found, Odoo) else (None, [found])
    tried = []
    seen = set()
    for python, pythonpath, origin in candidates(tried):
        key = (os.path.realpath(python), pythonpath)
        if key in seen:
            continue
        seen.add(key)
        found = probe(python, pythonpath, origin)
        if isinstance(found, Odoo):
            return found, tried
        tried.append(found)
    return None, tried
