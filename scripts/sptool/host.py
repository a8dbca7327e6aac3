"""One answer to "which Odoo 18 do the commands use?", shared by every command.

SP_HOST=auto (default): an existing Odoo 18 found by ``discovery`` wins; when none
is found, the host is built from ODOO_ARCHIVE by ``bootstrap``.
SP_HOST=archive: always the host built from ODOO_ARCHIVE (what CI uses, so that it
always tests the same Odoo and always exercises the bootstrap).
"""

import json
import os
import shutil

from . import bootstrap
from .discovery import NO_ODOO_HELP, find_odoo
from .layout import ADDON_REQUIREMENTS, TEST_REQUIREMENTS, VAR, read_requirements
from .output import Failure, run, say, step


def host_mode():
    mode = os.environ.get("SP_HOST", "auto")
    if mode not in ("auto", "archive"):
        raise Failure(f"SP_HOST={mode}: use 'auto' (default) or 'archive'.")
    return mode


def get_odoo():
    """The Odoo 18 the commands run, with the addon's requirements installed."""
    if host_mode() == "auto":
        odoo, tried = find_odoo()
        if odoo:
            step(odoo.describe())
            forget_stale_var(odoo)
            ensure_requirements(odoo)
            return odoo
        if os.environ.get("ODOO_BIN") or os.environ.get("ODOO_SRC"):
            raise Failure("\n".join(tried) + "\n" + NO_ODOO_HELP, code=2)
        step("no existing Odoo 18 found (" + "; ".join(tried) + ")")
    odoo = bootstrap.bootstrap()
    step(odoo.describe())
    forget_stale_var(odoo)
    return odoo


def forget_stale_var(odoo):
    """var/ remembers the Odoo it was made for; made for another one (an older
    archive, a removed host), its generated state is dropped, and it says so."""
    marker = VAR / "host.json"
    current = {"root": odoo.info["root"], "python": odoo.python}
    try:
        previous = json.loads(marker.read_text())
    except (OSError, ValueError):
        previous = None
    if previous and previous != current:
        say(
            f"    var/ was made for the Odoo at {previous.get('root')}; now "
            f"{current['root']}: its generated configs, stamps and host-free venv "
            "are dropped (logs kept)"
        )
        for name in ("found-host.json", "odoo-initdb.conf"):
            (VAR / name).unlink(missing_ok=True)
        shutil.rmtree(VAR / "venv-hostfree", ignore_errors=True)
    VAR.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(current))


def pip_into(python, env, args):
    """pip install into a found Odoo's python (a PEP 668 system python is told)."""
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args]
    if run(cmd, check=False, env=env).returncode == 0:
        return True
    return run(cmd + ["--break-system-packages"], check=False, env=env).returncode == 0


def ensure_requirements(odoo):
    """requirements.txt and test-requirements.txt in a found Odoo's python, once per
    change of those files. OCA addon wheels require the distribution ``odoo``, which
    a source checkout on PYTHONPATH is not: then they are installed with --no-deps."""
    stamp_file = VAR / "found-host.json"
    wanted = {
        "python": odoo.python,
        "requirements": read_requirements(ADDON_REQUIREMENTS)
        + read_requirements(TEST_REQUIREMENTS),
    }
    try:
        if json.loads(stamp_file.read_text()) == wanted:
            return
    except (OSError, ValueError):
        pass
    env = odoo.env()
    for path in (ADDON_REQUIREMENTS, TEST_REQUIREMENTS):
        if not read_requirements(path):
            continue
        step(f"pip install -r {path.name} into {odoo.python}")
        if not pip_into(odoo.python, env, ["-r", str(path)]):
            say("    with dependencies it failed; retrying each line with --no-deps")
            for line in read_requirements(path):
                if not pip_into(odoo.python, env, ["--no-deps", line]):
                    raise Failure(f"pip could not install {line!r} into {odoo.python}")
    odoo.refresh()
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(wanted))
