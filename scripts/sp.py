#!/usr/bin/env python3
"""Developer commands of the serial_procurement repository.

    python3 scripts/sp.py run [--init-only]   # make run
    python3 scripts/sp.py test                # make test

Standard library only: this script runs under any python3 and looks for an
existing Odoo 18 the way addons do (see find_odoo); it never installs Odoo.
"""

import configparser
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = "serial_procurement"
ADDON_DIR = REPO / ADDON
HELPDESK_REQ = "odoo-addon-helpdesk_mgmt>=18.0,<18.1"
VAR = REPO / "var"

# --------------------------------------------------------------------------- output


def say(msg=""):
    print(msg, flush=True)


def step(msg):
    say(f"==> {msg}")


class Failure(Exception):
    """A clear, user-facing error: printed without a traceback."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def run(cmd, check=True, env=None, **kwargs):
    proc = subprocess.run(cmd, env=env, **kwargs)
    if check and proc.returncode:
        raise Failure(
            f"command failed ({proc.returncode}): {shlex.join(map(str, cmd))}"
        )
    return proc


def capture(cmd, env=None, timeout=None):
    """Return (returncode, stdout, stderr); (127, '', why) if not runnable."""
    try:
        proc = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, "", str(exc)
    return proc.returncode, proc.stdout, proc.stderr


# ----------------------------------------------------------------------- find Odoo

NO_ODOO_HELP = """\
Point at an Odoo 18.0 in one of these ways:
  - make `python3 -c 'import odoo'` work (Odoo 18 pip-installed, e.g. `pip install -e
    <odoo source>`), or put a virtualenv with Odoo 18 in ./.venv;
  - put `odoo` or `odoo-bin` of an Odoo 18 on PATH;
  - name the Odoo source's addons folder in the addons_path of Odoo's own
    configuration file (~/.odoorc, or the file named by ODOO_RC);
  - ODOO_SRC=/path/to/odoo   (the source folder that contains odoo-bin);
  - ODOO_BIN=/path/to/odoo-bin   (an odoo-bin / odoo script of an Odoo 18)."""

PROBE = """\
import json, os, sys
import odoo
from odoo import release
root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
print(json.dumps({
    "version": release.version,
    "serie": release.serie,
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
        if self.pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(
                [self.pythonpath] + [p for p in [env.get("PYTHONPATH")] if p]
            )
        env.update(extra or {})
        return env

    @property
    def addons_path(self):
        paths = [str(REPO)]
        for path in self.info["addons"]:
            path = os.path.abspath(path)
            if os.path.isdir(path) and path not in paths:
                paths.append(path)
        return ",".join(paths)

    def cmd(self, *args):
        return [self.python, "-m", "odoo", *args, f"--addons-path={self.addons_path}"]

    def refresh(self):
        found = probe(self.python, self.pythonpath, self.origin)
        if isinstance(found, Odoo):
            self.info = found.info

    def has_module(self, name):
        return any(
            (Path(p) / name / "__manifest__.py").is_file()
            for p in self.addons_path.split(",")
        )

    def module_version(self, name):
        for p in self.addons_path.split(","):
            manifest = Path(p) / name / "__manifest__.py"
            if manifest.is_file():
                match = re.search(
                    r"[\"']version[\"']\s*:\s*[\"']([^\"']+)", manifest.read_text()
                )
                return match.group(1) if match else "?"
        return None


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
    if not parts:
        return None
    if os.path.basename(parts[0]) == "env":
        parts = [p for p in parts[1:] if not p.startswith("-")]
        if not parts:
            return None
        exe = shutil.which(parts[0])
    else:
        exe = parts[0]
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
    """Odoo's own configuration file (``$ODOO_RC`` or ``~/.odoorc``): an Odoo
    source folder is the parent of an ``addons`` folder of its addons_path."""
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


def find_odoo():
    """Return (Odoo or None, list of what was tried)."""
    tried = []
    odoo_bin = os.environ.get("ODOO_BIN")
    odoo_src = os.environ.get("ODOO_SRC")
    if odoo_bin:
        if not os.path.isfile(odoo_bin):
            return None, [f"ODOO_BIN={odoo_bin}: no such file"]
        python = interpreter_of(odoo_bin) or default_python()
        found = probe(python, source_dir_of(odoo_bin), f"ODOO_BIN={odoo_bin}")
        return (found, []) if isinstance(found, Odoo) else (None, [found])
    if odoo_src:
        if not (Path(odoo_src) / "odoo-bin").is_file():
            return None, [f"ODOO_SRC={odoo_src}: no odoo-bin in that folder"]
        found = probe(default_python(), str(Path(odoo_src).resolve()), "ODOO_SRC")
        return (found, []) if isinstance(found, Odoo) else (None, [found])
    candidates = []
    venv = REPO / ".venv" / "bin" / "python"
    if venv.exists():
        candidates.append((str(venv), None, ".venv/bin/python"))
    for name in ("python3", "python"):
        exe = shutil.which(name)
        if exe:
            candidates.append((exe, None, f"{name} on PATH"))
    for name in ("odoo", "odoo-bin"):
        launcher = shutil.which(name)
        if not launcher:
            tried.append(f"no `{name}` on PATH")
            continue
        python = interpreter_of(launcher)
        if python:
            candidates.append((python, source_dir_of(launcher), f"{name} on PATH"))
        else:
            tried.append(f"`{launcher}` does not name a python interpreter")
    candidates += odoorc_candidates(tried)
    seen = set()
    for python, pythonpath, origin in candidates:
        key = (os.path.realpath(python), pythonpath)
        if key in seen:
            continue
        seen.add(key)
        found = probe(python, pythonpath, origin)
        if isinstance(found, Odoo):
            return found, tried
        tried.append(found)
    return None, tried


def require_odoo():
    odoo, tried = find_odoo()
    if odoo is None:
        raise Failure(
            "No Odoo 18 found. Tried:\n  - "
            + "\n  - ".join(tried or ["nothing to try"])
            + "\n"
            + NO_ODOO_HELP,
            code=2,
        )
    step(f"Odoo {odoo.version} from {odoo.info['root']} ({odoo.origin})")
    return odoo


# ------------------------------------------------------------- addon dependencies


def pip_install(python, *args, system_ok=True):
    """pip install into ``python``; ``system_ok`` allows a PEP 668 system python."""
    step(f"pip install {' '.join(args)}")
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args]
    proc = run(cmd, check=False)
    if proc.returncode and system_ok:
        # A Debian/Ubuntu system python refuses pip (PEP 668) unless told: the
        # Odoo it runs was installed there, so its addons go there too.
        proc = run(cmd + ["--break-system-packages"], check=False)
    if proc.returncode:
        raise Failure(f"pip install {' '.join(args)} failed with {python}")


def requirements():
    path = REPO / "requirements.txt"
    if not path.is_file():
        return []
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def ensure_addon_deps(odoo):
    if not odoo.has_module("helpdesk_mgmt"):
        pip_install(odoo.python, "--no-deps", HELPDESK_REQ)
        odoo.refresh()
        if not odoo.has_module("helpdesk_mgmt"):
            raise Failure(
                "helpdesk_mgmt (OCA) is still missing from the addons path "
                f"{odoo.addons_path} after installing {HELPDESK_REQ}."
            )
    if requirements():
        pip_install(odoo.python, "-r", str(REPO / "requirements.txt"))


def addon_depends():
    import ast

    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text())
    return sorted(manifest.get("depends", []))


# ------------------------------------------------------------------------ postgres


def psql(sql, db="postgres"):
    code, out, err = capture(["psql", "-X", "-At", "-d", db, "-c", sql], timeout=60)
    return code, out.strip(), err.strip()


def ensure_postgres():
    if not shutil.which("psql"):
        raise Failure(
            "PostgreSQL client tools (psql, createdb) are not on PATH: install "
            "PostgreSQL (Debian/Ubuntu: apt-get install postgresql)."
        )
    code, _out, err = psql("select 1")
    if code == 0:
        return
    if "does not exist" in err and "role" in err:
        create_role()
    elif shutil.which("pg_lsclusters"):
        _c, out, _e = capture(["pg_lsclusters", "-h"])
        for line in out.splitlines():
            fields = line.split()
            if len(fields) >= 4 and fields[3] != "online":
                step(f"starting PostgreSQL cluster {fields[0]} {fields[1]}")
                start = ["pg_ctlcluster", fields[0], fields[1], "start"]
                if os.geteuid() != 0 and shutil.which("sudo"):
                    start = ["sudo", *start]
                run(start, check=False)
        for _ in range(30):
            if capture(["pg_isready", "-q"])[0] == 0:
                break
            time.sleep(1)
        code, _out, err = psql("select 1")
        if code and "role" in err and "does not exist" in err:
            create_role()
    code, _out, err = psql("select 1")
    if code:
        raise Failure(
            "Cannot reach PostgreSQL as the current user:\n  "
            + err
            + "\nStart a local PostgreSQL server and give your user a role "
            "(sudo -u postgres createuser -s $USER), or set PGHOST/PGPORT/PGUSER/"
            "PGPASSWORD."
        )


def create_role():
    user = os.environ.get("USER") or __import__("getpass").getuser()
    if user == "postgres":
        raise Failure("Odoo refuses to run with the PostgreSQL role 'postgres'.")
    step(f"creating PostgreSQL role {user}")
    cmd = f"createuser -s {shlex.quote(user)}"
    if os.geteuid() == 0:
        run(["su", "postgres", "-c", cmd], check=False)
    else:
        run(["sudo", "-u", "postgres", "createuser", "-s", user], check=False)


def db_exists(name):
    code, out, _err = psql(f"select 1 from pg_database where datname = '{name}'")
    return code == 0 and out == "1"


def module_state(db, module):
    code, out, _err = psql(
        f"select state from ir_module_module where name = '{module}'", db=db
    )
    return out if code == 0 else None


def filestore_root():
    return Path.home() / ".local" / "share" / "Odoo" / "filestore"


def drop_db(name):
    run(["dropdb", "--if-exists", name], check=False)
    shutil.rmtree(filestore_root() / name, ignore_errors=True)


def copy_db(template, name):
    drop_db(name)
    run(["createdb", "-T", template, name])
    src = filestore_root() / template
    if src.is_dir():
        shutil.copytree(src, filestore_root() / name)


LOG_PROBLEM = re.compile(
    r" (ERROR|CRITICAL) |WARNING .*(access|ir\.model\.access|view)"
)


def run_logged(cmd, env, log_path):
    """Run cmd, output to log_path and a short progress; return (rc, problems)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    problems = [
        line.rstrip()
        for line in log_path.read_text(errors="replace").splitlines()
        if LOG_PROBLEM.search(line)
    ]
    return proc.returncode, problems


def odoo_step(odoo, args, log_name, what, strict=True):
    log = VAR / "log" / log_name
    step(f"{what} (log: {log.relative_to(REPO)})")
    started = time.time()
    rc, problems = run_logged(odoo.cmd(*args), odoo.env(), log)
    say(f"    done in {time.time() - started:.0f} s")
    if rc or (strict and problems):
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        detail = "\n".join(problems[:40]) if problems else tail
        why = f"exit code {rc}" if rc else "problems in its log"
        raise Failure(f"{what} failed ({why}); see {log}:\n{detail}")
    return problems


# ---------------------------------------------------------------------------- run

FINGERPRINT_KEY = "serial_procurement.source_fingerprint"


def addon_fingerprint():
    """A hash of the addon's files: a change means the database needs -u."""
    digest = hashlib.sha1()
    root = REPO / ADDON
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_fingerprint(db):
    code, out, _err = psql(
        f"select value from ir_config_parameter where key = '{FINGERPRINT_KEY}'", db=db
    )
    return out if code == 0 else None


def store_fingerprint(db, value):
    psql(
        "insert into ir_config_parameter (key, value, create_date, write_date) "
        f"values ('{FINGERPRINT_KEY}', '{value}', now(), now()) "
        "on conflict (key) do update set value = excluded.value, write_date = now()",
        db=db,
    )


def cmd_run(argv):
    init_only = "--init-only" in argv or os.environ.get("SP_RUN_INIT_ONLY") == "1"
    odoo = require_odoo()
    ensure_addon_deps(odoo)
    ensure_postgres()
    db = os.environ.get("SP_DB", ADDON)
    port = os.environ.get("SP_HTTP_PORT", "8069")
    state = module_state(db, ADDON) if db_exists(db) else None
    if state == "installed":
        step(f"reusing database {db} ({ADDON} installed)")
        if stored_fingerprint(db) != addon_fingerprint():
            odoo_step(
                odoo,
                ["-d", db, "-u", ADDON, "--stop-after-init", "--no-http"],
                f"run-upgrade-{db}.log",
                f"upgrading {ADDON} in {db}: its source changed since the last run",
                strict=False,
            )
    else:
        if state is None and db_exists(db):
            what = f"installing {ADDON} into the existing database {db}"
        elif state is None:
            what = f"creating database {db} with demo data and {ADDON}"
        else:
            what = f"installing {ADDON} into {db} (module state: {state})"
        odoo_step(
            odoo,
            ["-d", db, "-i", ADDON, "--stop-after-init", "--no-http"],
            f"run-init-{db}.log",
            what,
            strict=False,
        )
        state = module_state(db, ADDON)
        if state != "installed":
            raise Failure(f"{ADDON} is not installed in {db} (state: {state}).")
    store_fingerprint(db, addon_fingerprint())
    if init_only:
        step(f"database {db} ready (init only, not serving)")
        return 0
    step(f"serving {db} on http://localhost:{port} (login admin / admin; Ctrl-C stops)")
    cmd = odoo.cmd("-d", db, "--http-port", port, f"--db-filter=^{re.escape(db)}$")
    sys.stdout.flush()
    os.execvpe(cmd[0], cmd, odoo.env())
    return 0


# --------------------------------------------------------------------------- test


def junit_counts(path):
    """(passed, failed, skipped) from a pytest junit-xml report."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = failures = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failures - skipped, failures, skipped


def summary(layer, counts, rc):
    passed, failed, skipped = counts or (0, 0, 0)
    if rc and not failed:
        failed = 1  # collection error, crash or empty run: count it as a failure
    extra = f", {skipped} skipped" if skipped else ""
    return f"{layer}: {passed} passed, {failed} failed{extra}"


def hostfree_python(odoo):
    """A python with pytest and lxml for the host-free layer."""
    python = odoo.python if odoo else (shutil.which("python3") or sys.executable)
    check = [python, "-c", "import pytest, lxml"]
    if capture(check)[0] == 0:
        return python
    managed = capture(
        [
            python,
            "-c",
            "import sys, sysconfig, os; sys.exit(sys.prefix == "
            "sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("
            "'stdlib'), 'EXTERNALLY-MANAGED')))",
        ]
    )[0]
    if not managed and capture([python, "-m", "pip", "--version"])[0] == 0:
        try:
            pip_install(python, "pytest", "lxml", system_ok=False)
            if capture(check)[0] == 0:
                return python
        except Failure:
            pass
    venv = VAR / "venv-hostfree"
    vpython = venv / "bin" / "python"
    if not vpython.exists():
        step(f"creating {venv.relative_to(REPO)} for the host-free suite")
        run([python, "-m", "venv", str(venv)])
    if capture([str(vpython), "-c", "import pytest, lxml"])[0]:
        pip_install(str(vpython), "pytest", "lxml")
    return str(vpython)


def run_pytest(python, args, env, junit):
    cmd = [python, "-m", "pytest", *args, f"--junitxml={junit}"]
    say("    " + shlex.join(cmd))
    return subprocess.run(cmd, cwd=REPO, env=env).returncode


def layer_hostfree(odoo, tmp):
    step("host-free layer: tests_hostfree (no Odoo imported)")
    python = hostfree_python(odoo)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    junit = Path(tmp) / "hostfree.xml"
    # -p no:odoo: pytest-odoo, when installed, would import odoo at start-up.
    rc = run_pytest(
        python,
        ["tests_hostfree", "-q", "-p", "no:odoo", "-p", "no:cacheprovider"],
        env,
        junit,
    )
    return rc, junit_counts(junit)


def template_name(odoo, depends):
    key = json.dumps(
        {
            "depends": depends,
            "odoo": odoo.version,
            "odoo_root": odoo.info["root"],
            "helpdesk_mgmt": odoo.module_version("helpdesk_mgmt"),
        },
        sort_keys=True,
    )
    return "sp_test_tmpl_" + hashlib.sha1(key.encode()).hexdigest()[:10]


def ensure_template(odoo):
    depends = addon_depends()
    name = template_name(odoo, depends)
    _c, out, _e = psql(
        "select datname from pg_database where datname like 'sp\\_test\\_tmpl\\_%'"
    )
    for stale in out.split():
        if stale != name:
            step(f"dropping stale template database {stale}")
            drop_db(stale)
    if db_exists(name):
        step(f"reusing template database {name}")
        return name
    building = name + "_building"
    drop_db(building)
    odoo_step(
        odoo,
        [
            "-d",
            building,
            "-i",
            ",".join(depends),
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
        ],
        "test-template.log",
        f"building template database {name} ({', '.join(depends)})",
        strict=False,
    )
    run(
        [
            "psql",
            "-X",
            "-q",
            "-d",
            "postgres",
            "-c",
            f'ALTER DATABASE "{building}" RENAME TO "{name}"',
        ]
    )
    src = filestore_root() / building
    if src.is_dir():
        shutil.rmtree(filestore_root() / name, ignore_errors=True)
        src.rename(filestore_root() / name)
    return name


def layer_odoo(odoo, tmp):
    step(f"Odoo layer: {ADDON}/tests on Odoo {odoo.version}")
    ensure_addon_deps(odoo)
    ensure_postgres()
    template = ensure_template(odoo)
    db = os.environ.get("SP_TEST_DB") or f"sp_test_run_{os.getpid()}"
    step(f"creating test database {db} from {template}")
    copy_db(template, db)
    try:
        odoo_step(
            odoo,
            ["-d", db, "-i", ADDON, "--stop-after-init", "--no-http"],
            "test-install.log",
            f"installing {ADDON} into {db}",
            strict=True,
        )
        junit = Path(tmp) / "odoo.xml"
        step(f"running {ADDON}/tests with pytest-odoo (HttpCase tours included)")
        env = odoo.env()
        env.setdefault("PYTEST_ADDOPTS", "")
        rc = run_pytest(
            odoo.python,
            [
                "-p",
                "odoo",
                "-p",
                "no:cacheprovider",
                f"{ADDON}/tests",
                f"--odoo-database={db}",
                f"--odoo-addons-path={odoo.addons_path}",
                "--odoo-http",
                f"--odoo-extra=db-filter=^{db}$",
                "-q",
            ],
            env,
            junit,
        )
        counts = junit_counts(junit)
        if rc == 5:
            say(f"!! pytest collected no test in {ADDON}/tests: an empty run fails.")
        return rc, counts
    finally:
        if os.environ.get("SP_KEEP_DB") == "1":
            step(f"keeping test database {db} (SP_KEEP_DB=1)")
        else:
            drop_db(db)


def ensure_test_tools(odoo):
    missing = [
        pkg
        for pkg, mod in (
            ("pytest", "pytest"),
            ("lxml", "lxml"),
            ("pytest-odoo", "pytest_odoo"),
            ("websocket-client", "websocket"),
        )
        if capture(
            [
                odoo.python,
                "-c",
                "import importlib.util as u, sys; "
                f"sys.exit(u.find_spec({mod!r}) is None)",
            ],
            env=odoo.env(),
        )[0]
    ]
    if missing:
        pip_install(odoo.python, *missing)


def skip_banner(tried):
    bar = "!" * 78
    lines = [
        bar,
        bar,
        "!!! ODOO LAYER SKIPPED: no Odoo 18 found "
        f"({'; '.join(tried) or 'nothing to try'})",
        f"!!! NOT RUN: {ADDON}/tests (Odoo unit tests, HttpCase tours) and the",
        f"!!! install check of {ADDON} into a database.",
        "!!! Only the host-free layer ran. To run everything, point at an Odoo 18:",
        *("!!!   " + line for line in NO_ODOO_HELP.splitlines()[1:]),
        bar,
        bar,
    ]
    return "\n".join(lines)


def cmd_test(_argv):
    odoo, tried = find_odoo()
    if odoo:
        step(f"Odoo {odoo.version} from {odoo.info['root']} ({odoo.origin})")
    results = []
    with tempfile.TemporaryDirectory(prefix="sp_test_") as tmp:
        started = time.time()
        rc, counts = layer_hostfree(odoo, tmp)
        results.append(("host-free", rc, counts, time.time() - started))
        if odoo:
            started = time.time()
            try:
                ensure_test_tools(odoo)
                rc, counts = layer_odoo(odoo, tmp)
            except Failure as exc:
                say(f"ERROR: {exc}")
                rc, counts = 1, None
            results.append(("odoo", rc, counts, time.time() - started))
    say()
    say("=" * 78)
    failed = False
    for layer, rc, counts, seconds in results:
        say(summary(layer, counts, rc))
        say(f"    ({layer} layer took {seconds:.0f} s)")
        failed = failed or rc != 0
    if not odoo:
        say("odoo: SKIPPED (no Odoo 18 found)")
        say(skip_banner(tried))
    say("=" * 78)
    return 1 if failed else 0


# --------------------------------------------------------------------------- main


def main(argv):
    commands = {"run": cmd_run, "test": cmd_test}
    if not argv or argv[0] not in commands:
        say(__doc__)
        return 2
    try:
        return commands[argv[0]](argv[1:])
    except Failure as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
