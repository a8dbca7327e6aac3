"""PostgreSQL databases of the commands: the test template cache (click-odoo-initdb),
test database copies, the `make run` database and its source fingerprint."""

import hashlib
import re
import shutil
from pathlib import Path

from .layout import LOGS, REPO, repo_addons
from .output import Failure, run, say, step
from .system import psql

FINGERPRINT_KEY = "serial_procurement.source_fingerprint"
TEMPLATE_PREFIX = "sptest"  # click-odoo-initdb: at most 8 characters
LOG_PROBLEM = re.compile(
    r" (ERROR|CRITICAL) |WARNING .*(access|ir\.model\.access|view)"
)


def quote_literal(value):
    return "'" + str(value).replace("'", "''") + "'"


def db_exists(name):
    code, out, _err = psql(
        f"select 1 from pg_database where datname = {quote_literal(name)}"
    )
    return code == 0 and out == "1"


def module_state(db, module):
    code, out, _err = psql(
        f"select state from ir_module_module where name = {quote_literal(module)}",
        db=db,
    )
    return out if code == 0 else None


def filestore_root():
    return Path.home() / ".local" / "share" / "Odoo" / "filestore"


def drop_db(name):
    run(["dropdb", "--if-exists", "--force", name], check=False, capture_output=True)
    shutil.rmtree(filestore_root() / name, ignore_errors=True)


def write_config(odoo, name, addons_path=None, extra=None):
    """An Odoo configuration file for the tools that read one (click-odoo)."""
    path = REPO / "var" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[options]", f"addons_path = {addons_path or odoo.addons_path}"]
    lines += [f"{key} = {value}" for key, value in (extra or {}).items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def create_from_template(odoo, db, modules, addons_path=None):
    """``db`` with ``modules`` installed, copied from click-odoo-initdb's cache of
    template databases (keyed on the modules' source and dependencies; built on a
    miss, under a PostgreSQL advisory lock, so parallel runs never clash)."""
    drop_db(db)
    config = write_config(odoo, "odoo-initdb.conf", addons_path)
    cmd = [
        odoo.python,
        "-m",
        "click_odoo_contrib.initdb",
        "-c",
        config,
        "-n",
        db,
        "-m",
        ",".join(modules),
        "--no-demo",
        "--cache-prefix",
        TEMPLATE_PREFIX,
        "--cache-max-size",
        "6",
        "--cache-max-age",
        "14",
    ]
    log = LOGS / "test-template.log"
    step(f"test database {db} from the template cache ({', '.join(modules)})")
    rc, _problems = run_logged(cmd, odoo.env(), log)
    if rc:
        raise Failure(f"click-odoo-initdb failed; see {log}:\n{tail(log)}")
    text = log.read_text(errors="replace")
    say(
        "    template "
        + ("reused" if "Found matching database template" in text else "built")
    )


def tail(log, lines=25):
    return "\n".join(Path(log).read_text(errors="replace").splitlines()[-lines:])


def run_logged(cmd, env, log_path):
    """Run cmd with its output into log_path; return (rc, problem lines)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = run(cmd, check=False, env=env, stdout=log, stderr=log)
    problems = [
        line.rstrip()
        for line in log_path.read_text(errors="replace").splitlines()
        if LOG_PROBLEM.search(line)
    ]
    return proc.returncode, problems


def odoo_step(odoo, args, log_name, what, strict=True, addons_path=None):
    """Run Odoo with ``args``; fail on its exit code, and (strict) on problem lines."""
    log = LOGS / log_name
    step(f"{what} (log: {log.relative_to(REPO)})")
    rc, problems = run_logged(odoo.cmd(*args, addons_path=addons_path), odoo.env(), log)
    if rc or (strict and problems):
        detail = "\n".join(problems[:40]) if problems else tail(log)
        why = f"exit code {rc}" if rc else "problems in its log"
        raise Failure(f"{what} failed ({why}); see {log}:\n{detail}")
    return problems


def addon_fingerprint(odoo):
    """A hash of the repository's addons and of the Odoo they run on."""
    digest = hashlib.sha1(str(odoo.info["root"]).encode())
    for addon in repo_addons():
        root = REPO / addon
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_fingerprint(db):
    code, out, _err = psql(
        "select value from ir_config_parameter "
        f"where key = {quote_literal(FINGERPRINT_KEY)}",
        db=db,
    )
    return out if code == 0 else None


def store_fingerprint(db, value):
    psql(
        "insert into ir_config_parameter (key, value, create_date, write_date) "
        f"values ({quote_literal(FINGERPRINT_KEY)}, {quote_literal(value)}, "
        "now(), now()) "
        "on conflict (key) do update set value = excluded.value, write_date = now()",
        db=db,
    )


def drop_templates():
    """Drop every cached test template (click-odoo-initdb's and older ones)."""
    _code, out, _err = psql(
        "select datname from pg_database where datname like 'sptest-%' "
        "or datname like 'sp\\_test\\_%'"
    )
    for name in out.split():
        step(f"dropping database {name}")
        drop_db(name)
