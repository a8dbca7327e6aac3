"""The two test layers and their summary lines.

host-free: tests_hostfree/ with pytest and no Odoo imported;
odoo: every repository addon installed into a copy of a cached template database,
then each addon's tests/ with pytest-odoo, HTTP server included (browser tours).
"""

import os
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from . import database
from .layout import REPO, VAR, external_depends, repo_addons
from .output import Failure, capture, run, say, step
from .system import ensure_postgres, ensure_system_packages


def junit_counts(path):
    """(passed, failed, skipped) from a pytest junit-xml report, or None."""
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
    """The closing line of a layer: 'layer: N passed, N failed[, N skipped]'."""
    passed, failed, skipped = counts or (0, 0, 0)
    if rc and not failed:
        failed = 1  # collection error, crash or empty run: count it as a failure
    extra = f", {skipped} skipped" if skipped else ""
    return f"{layer}: {passed} passed, {failed} failed{extra}"


def skipped_tests(path):
    """[(test id, reason)] of the skipped tests in a junit-xml report."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return []
    found = []
    for case in root.iter("testcase"):
        skip = case.find("skipped")
        if skip is not None:
            name = f"{case.get('classname')}.{case.get('name')}"
            found.append((name, skip.get("message") or ""))
    return found


def run_pytest(python, args, env, junit):
    cmd = [python, "-m", "pytest", *args, f"--junitxml={junit}"]
    say("    " + shlex.join(map(str, cmd)))
    return subprocess.run(cmd, cwd=REPO, env=env).returncode


# -------------------------------------------------------------------- host-free


def hostfree_python(odoo):
    """A python with pytest, lxml and openpyxl (the sheet reader's tests):
    Odoo's when there is one, else a small venv."""
    python = odoo.python if odoo else (shutil.which("python3") or sys.executable)
    check = [python, "-c", "import pytest, lxml, openpyxl"]
    if capture(check)[0] == 0:
        return python
    venv = VAR / "venv-hostfree"
    vpython = venv / "bin" / "python"
    if not vpython.exists():
        step(f"creating {venv.relative_to(REPO)} for the host-free suite")
        run([python, "-m", "venv", venv])
    if capture([vpython, "-c", "import pytest, lxml, openpyxl"])[0]:
        step("pip install pytest lxml openpyxl (host-free venv)")
        run(
            [
                vpython,
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "pytest",
                "lxml",
                "openpyxl",
            ]
        )
    return str(vpython)


def layer_hostfree(odoo, tmp):
    step("host-free layer: tests_hostfree (no Odoo imported)")
    python = hostfree_python(odoo)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    junit = Path(tmp) / "hostfree.xml"
    # -p no:odoo: pytest-odoo, when installed, would import odoo at start-up.
    args = ["tests_hostfree", "-q", "-p", "no:odoo", "-p", "no:cacheprovider"]
    rc = run_pytest(python, args, env, junit)
    return rc, junit_counts(junit), junit


# ------------------------------------------------------------------------- odoo


def test_dirs(addons):
    return [f"{addon}/tests" for addon in addons if (REPO / addon / "tests").is_dir()]


def prepare_test_db(odoo, db, addons, addons_path=None):
    """A fresh ``db``: dependencies from the template cache, then ``addons``
    installed (any ERROR/CRITICAL or access/view warning fails)."""
    database.create_from_template(odoo, db, external_depends(), addons_path)
    database.odoo_step(
        odoo,
        ["-d", db, "-i", ",".join(addons), "--stop-after-init", "--no-http"],
        "test-install.log",
        f"installing {', '.join(addons)} into {db}",
        strict=True,
        addons_path=addons_path,
    )


def run_odoo_tests(odoo, db, addons, junit, addons_path=None, cwd_dirs=None):
    """pytest-odoo on each addon's tests/ against ``db``; returns pytest's code."""
    args = [
        "-p",
        "odoo",
        "-p",
        "no:cacheprovider",
        *(cwd_dirs or test_dirs(addons)),
        f"--odoo-database={db}",
        f"--odoo-addons-path={addons_path or odoo.addons_path}",
        "--odoo-http",
        f"--odoo-extra=db-filter=^{db}$",
        "-q",
        "-rs",
    ]
    # pytest-odoo serves HTTP on a random free port: parallel runs never clash.
    step(f"running {', '.join(addons)} tests with pytest-odoo (HTTP included)")
    return run_pytest(odoo.python, args, odoo.env(), junit)


def layer_odoo(odoo, tmp):
    addons = repo_addons()
    step(f"Odoo layer: {', '.join(addons)} on {odoo.describe()}")
    ensure_system_packages(("server", "test"))
    ensure_postgres()
    db = os.environ.get("SP_TEST_DB") or f"sp_test_run_{os.getpid()}"

    def body():
        prepare_test_db(odoo, db, addons)
        junit = Path(tmp) / "odoo.xml"
        return run_odoo_tests(odoo, db, addons, junit), junit

    return run_layer(db, body, "!! pytest collected no Odoo test: an empty run fails.")


def run_layer(db, body, empty_message):
    """Run ``body()`` -> (pytest code, junit path) of a layer using database ``db``:
    returns (code, counts, junit); a Failure fails the layer; ``db`` is dropped
    afterwards unless SP_KEEP_DB=1."""
    try:
        rc, junit = body()
        if rc == 5:
            say(empty_message)
        return rc, junit_counts(junit), junit
    except Failure as exc:
        say(f"ERROR: {exc}")
        return 1, None, None
    finally:
        if os.environ.get("SP_KEEP_DB") == "1":
            step(f"keeping test database {db} (SP_KEEP_DB=1)")
        else:
            database.drop_db(db)
