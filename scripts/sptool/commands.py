"""The commands behind `make run`, `make test`, `make test-hostfree`, `make bench`,
`make test-some`, `make test-peers` (scripts/sptool/peers.py),
`make bench-enquiry`, `make bench-count-sheet`, `make host` and `make clean-host`."""

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import database
from .host import get_odoo, host_mode
from .layers import (
    junit_counts,
    layer_hostfree,
    layer_odoo,
    prepare_test_db,
    run_pytest,
    skipped_tests,
    summary,
)
from .layout import ADDON, REPO, VAR, cache_root, repo_addons
from .lint import cmd_lint
from .multiprocess import (
    cmd_test_multiprocess,
    job_capacity,
    server_cmd,
    write_run_config,
)
from .output import Failure, progress_to_stderr, run, say, step
from .peers import cmd_test_peers
from .system import ensure_postgres, ensure_system_packages
from .wheel_layer import layer_wheel

# A skipped test whose reason matches this means a part the set-up should have
# installed is missing: with SP_REQUIRE_ODOO=1 (CI) that fails the run.
MISSING_PART_SKIP = re.compile(r"not installed|websocket|chrom|browser", re.IGNORECASE)


def prepare_run_db(odoo, db):
    """The `make run` database: created with demo data and every repository addon
    on first use, upgraded when the addons' source (or the Odoo) changed."""
    addons = repo_addons()
    state = database.module_state(db, ADDON) if database.db_exists(db) else None
    fingerprint = database.addon_fingerprint(odoo)
    if state == "installed":
        step(f"reusing database {db} ({ADDON} installed)")
        missing = [a for a in addons if database.module_state(db, a) != "installed"]
        if missing or database.stored_fingerprint(db) != fingerprint:
            args = ["-d", db, "-u", ADDON, "--stop-after-init", "--no-http"]
            if missing:
                args[2:2] = ["-i", ",".join(missing)]
            database.odoo_step(
                odoo,
                args,
                f"run-upgrade-{db}.log",
                f"upgrading {db}: the addons' source changed since the last run",
                strict=False,
            )
    else:
        what = (
            f"installing {', '.join(addons)} into the existing database {db}"
            if database.db_exists(db)
            else f"creating database {db} with demo data and {', '.join(addons)}"
        )
        database.odoo_step(
            odoo,
            ["-d", db, "-i", ",".join(addons), "--stop-after-init", "--no-http"],
            f"run-init-{db}.log",
            what,
            strict=False,
        )
        state = database.module_state(db, ADDON)
        if state != "installed":
            raise Failure(f"{ADDON} is not installed in {db} (state: {state}).")
    database.store_fingerprint(db, fingerprint)


def cmd_run(argv):
    init_only = "--init-only" in argv or os.environ.get("SP_RUN_INIT_ONLY") == "1"
    odoo = get_odoo()
    ensure_system_packages(("server",))
    ensure_postgres()
    db = os.environ.get("SP_DB", ADDON)
    prepare_run_db(odoo, db)
    if init_only:
        step(f"database {db} ready (init only, not serving)")
        return 0
    port = os.environ.get("SP_HTTP_PORT", "8069")
    workers = int(os.environ.get("SP_WORKERS") or 0)
    if workers:
        # production shape: multi-process, queue_job's runner (README "Commands")
        channels = os.environ.get("SP_JOB_CHANNELS") or f"root:{job_capacity(workers)}"
        gevent_port = os.environ.get("SP_GEVENT_PORT") or str(int(port) + 3)
        config = write_run_config(odoo, db, port, workers, gevent_port, channels)
        step(
            f"serving {db} on http://localhost:{port} multi-process: {workers} "
            f"workers, 1 cron worker, job runner channels {channels}, websocket "
            f"on port {gevent_port} (config: {config.relative_to(REPO)}; login "
            "admin / admin; Ctrl-C stops)"
        )
        cmd = server_cmd(odoo, "-c", str(config))
        sys.stdout.flush()
        os.execvpe(cmd[0], cmd, odoo.env())
    step(f"serving {db} on http://localhost:{port} (login admin / admin; Ctrl-C stops)")
    cmd = odoo.cmd("-d", db, "--http-port", port, f"--db-filter=^{re.escape(db)}$")
    sys.stdout.flush()
    os.execvpe(cmd[0], cmd, odoo.env())
    return 0


def report(results, odoo_required, odoo_error):
    say()
    say("=" * 78)
    failed = False
    for layer, rc, counts, junit, seconds in results:
        say(summary(layer, counts, rc))
        say(f"    ({layer} layer took {seconds:.0f} s)")
        failed = failed or rc != 0
        for name, why in skipped_tests(junit) if junit else []:
            say(f"    skipped {name}: {why}")
            if odoo_required and MISSING_PART_SKIP.search(why):
                say(
                    "    !! a skip for a missing part fails the run (SP_REQUIRE_ODOO=1)"
                )
                failed = True
    if odoo_error:
        say("odoo: 0 passed, 1 failed (the Odoo layer could not run)")
        say(f"    {odoo_error}")
        failed = True
    say("=" * 78)
    return 1 if failed else 0


def cmd_test(argv):
    hostfree_only = "--hostfree-only" in argv
    # The wheel layer: addons built as wheels, installed and tested from them.
    with_wheel = "--wheel" in argv or os.environ.get("SP_TEST_WHEEL") == "1"
    odoo_required = os.environ.get("SP_REQUIRE_ODOO") == "1"
    results, odoo, odoo_error = [], None, None
    if not hostfree_only:
        try:
            odoo = get_odoo()
        except Failure as exc:
            odoo_error = str(exc)
            say(f"ERROR: {exc}")
    with tempfile.TemporaryDirectory(prefix="sp_test_") as tmp:
        started = time.monotonic()
        rc, counts, junit = layer_hostfree(odoo, tmp)
        results.append(("host-free", rc, counts, junit, time.monotonic() - started))
        if odoo:
            started = time.monotonic()
            rc, counts, junit = layer_odoo(odoo, tmp)
            results.append(("odoo", rc, counts, junit, time.monotonic() - started))
            if with_wheel:
                started = time.monotonic()
                rc, counts, junit = layer_wheel(odoo, tmp)
                results.append(("wheel", rc, counts, junit, time.monotonic() - started))
        code = report(results, odoo_required, odoo_error)
    if hostfree_only:
        say("odoo: NOT RUN (make test-hostfree: the host-free layer only, by request)")
    return code


def cmd_screenshots(_argv):
    """Pictures of the main screens into static/description/ (readme/USAGE.md):
    serial_procurement/tests/screenshots.py on the `make run` demo database (its
    data is made in a transaction that is rolled back)."""
    odoo = get_odoo()
    ensure_system_packages(("server", "test"))
    ensure_postgres()
    db = os.environ.get("SP_DB", ADDON)
    prepare_run_db(odoo, db)
    out_dir = REPO / ADDON / "static" / "description"
    step(f"taking screenshots on {db} into {out_dir.relative_to(REPO)}")
    junit = VAR / "screenshots.xml"
    rc = run_pytest(
        odoo.python,
        [
            "-p",
            "odoo",
            "-p",
            "no:cacheprovider",
            f"{ADDON}/tests/screenshots.py",
            f"--odoo-database={db}",
            f"--odoo-addons-path={odoo.addons_path}",
            "--odoo-http",
            f"--odoo-extra=db-filter=^{re.escape(db)}$",
            "-q",
        ],
        odoo.env({"SP_SCREENSHOTS_DIR": str(out_dir)}),
        junit,
    )
    counts = junit_counts(junit)
    say(summary("screenshots", counts, rc))
    if rc == 0 and counts and counts[0] == 0:
        say("!! no screenshot taken (the test was skipped)")
        return 1
    return rc


def cmd_bench(argv, script="bench_receipt.py", db=None, replace=True):
    """``script`` on the ``make run`` database (or ``db``); ``replace``: this
    process becomes the benchmark's (its exit code is the command's)."""
    odoo = get_odoo()
    ensure_system_packages(("server",))
    ensure_postgres()
    db = db or os.environ.get("SP_DB", ADDON)
    prepare_run_db(odoo, db)
    cmd = [odoo.python, str(REPO / "benchmarks" / script), "--database", db, *argv]
    step(f"{script} on {db}")
    sys.stdout.flush()
    if replace:
        os.execvpe(cmd[0], cmd, odoo.env())
    return run(cmd, check=False, env=odoo.env()).returncode


def cmd_bench_receipts(argv):
    """make bench: the receipt benchmark (bench_receipt.py: core's plain
    receipt, onto one ticket, onto two open tickets, at 1,000 and 10,000
    serials; ARGS go to it), then in the same run the background receipt of
    10,000 and 50,000 serials in slices (bench_background.py; about 12 more
    minutes; ``--background-sizes=N,M`` for other sizes). ``--no-background``
    stops after the first."""
    background = "--no-background" not in argv
    sizes = [arg for arg in argv if arg.startswith("--background-sizes=")]
    argv = [arg for arg in argv if arg != "--no-background" and arg not in sizes]
    rc = cmd_bench(argv, replace=False)
    if background:
        sizes = [f"--sizes={arg.split('=', 1)[1]}" for arg in sizes[-1:]]
        rc = cmd_bench_background(sizes) or rc
    return rc


def cmd_bench_enquiry(argv):
    return cmd_bench(
        argv, "bench_enquiry.py", os.environ.get("SP_BENCH_DB", "sp_bench_enquiry")
    )


def cmd_bench_count_sheet(argv):
    return cmd_bench(argv, "bench_count_sheet.py")


def cmd_bench_background(argv):
    """benchmarks/bench_background.py on a database of its own (template copy
    with the addons installed; its slices commit), dropped afterwards."""
    odoo = get_odoo()
    ensure_system_packages(("server",))
    ensure_postgres()
    db = os.environ.get("SP_BENCH_DB") or f"sp_bench_bg_{os.getpid()}"
    try:
        prepare_test_db(odoo, db, repo_addons())
        script = REPO / "benchmarks" / "bench_background.py"
        step(f"bench_background.py on {db}")
        sys.stdout.flush()
        return run(
            [odoo.python, str(script), "--database", db, *argv],
            check=False,
            env=odoo.env(),
        ).returncode
    finally:
        if os.environ.get("SP_KEEP_DB") != "1":
            database.drop_db(db)


def cmd_host(_argv):
    """Print the python of the Odoo the commands use (building it if needed);
    the progress of a first build goes to standard error."""
    progress_to_stderr()
    odoo = get_odoo()
    print(odoo.python)
    return 0


def cmd_clean_host(_argv):
    """Remove the bootstrapped hosts, the test templates and var/."""
    root = cache_root()
    if root.exists():
        step(f"removing {root}")
        shutil.rmtree(root)
    try:
        ensure_postgres()
        database.drop_templates()
    except Failure as exc:
        say(f"    (test templates not dropped: {exc})")
    if VAR.exists():
        step(f"removing {VAR}")
        shutil.rmtree(VAR)
    say(
        "The run database (SP_DB, default serial_procurement) is kept; drop it with "
        "`dropdb serial_procurement` if you want it gone."
    )
    return 0


def dev_db(odoo, reinstall=False):
    """The kept development database of this checkout (SP_TEST_DB, default
    ``sp_dev_<checkout>``) with every repository addon, up to date: created from
    the template cache the first time (or with ``reinstall``), upgraded when the
    addons' source changed since."""
    ensure_system_packages(("server", "test"))
    ensure_postgres()
    addons = repo_addons()
    db = os.environ.get("SP_TEST_DB") or f"sp_dev_{REPO.name}".replace("-", "_")
    if reinstall and database.db_exists(db):
        database.drop_db(db)
    fingerprint = database.addon_fingerprint(odoo)
    if not database.db_exists(db):
        prepare_test_db(odoo, db, addons)
        database.store_fingerprint(db, fingerprint)
    elif database.stored_fingerprint(db) != fingerprint:
        database.odoo_step(
            odoo,
            ["-d", db, "-u", ",".join(addons), "--stop-after-init", "--no-http"],
            f"test-some-upgrade-{db}.log",
            f"upgrading {db}: the addons' source changed",
            strict=False,
        )
        database.store_fingerprint(db, fingerprint)
    else:
        step(f"reusing {db} (addons unchanged)")
    return db


def cmd_pot(_argv):
    """`make pot`: each addon's ``i18n/<addon>.pot`` exported by Odoo from the
    development database (no demo data), as OCA regenerates them."""
    odoo = get_odoo()
    db = dev_db(odoo)
    for addon in repo_addons():
        target = REPO / addon / "i18n" / f"{addon}.pot"
        target.parent.mkdir(exist_ok=True)
        database.odoo_step(
            odoo,
            [
                "-d",
                db,
                f"--i18n-export={target}",
                f"--modules={addon}",
                "--stop-after-init",
                "--no-http",
            ],
            f"pot-{addon}.log",
            f"exporting {target.relative_to(REPO)}",
            strict=False,
        )
    return 0


def cmd_test_some(argv):
    """`make test-some ARGS="<pytest paths or options>"`: the Odoo tests named, on a
    kept development database (SP_TEST_DB, default ``sp_dev_<checkout>``): created
    from the template cache with every repository addon the first time, upgraded
    when the addons' source changed since, reinstalled with ``--reinstall``."""
    reinstall = "--reinstall" in argv
    args = [arg for arg in argv if arg != "--reinstall"]
    if not args:
        raise Failure(
            "test-some needs the tests to run, "
            "e.g. serial_procurement/tests/test_flow.py"
        )
    odoo = get_odoo()
    db = dev_db(odoo, reinstall)
    args = [
        "-p",
        "odoo",
        "-p",
        "no:cacheprovider",
        *args,
        f"--odoo-database={db}",
        f"--odoo-addons-path={odoo.addons_path}",
        "--odoo-http",
        f"--odoo-extra=db-filter=^{db}$",
        "-q",
        "-rs",
    ]
    with tempfile.TemporaryDirectory(prefix="sp_some_") as tmp:
        return run_pytest(odoo.python, args, odoo.env(), Path(tmp) / "some.xml")


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "test-some": cmd_test_some,
    "pot": cmd_pot,
    "test-peers": cmd_test_peers,
    "screenshots": cmd_screenshots,
    "bench": cmd_bench_receipts,
    "bench-enquiry": cmd_bench_enquiry,
    "bench-count-sheet": cmd_bench_count_sheet,
    "bench-background": cmd_bench_background,
    "host": cmd_host,
    "test-multiprocess": cmd_test_multiprocess,
    "lint": cmd_lint,
    "clean-host": cmd_clean_host,
}

USAGE = """usage: python3 scripts/sp.py COMMAND [ARGS]

  run [--init-only]     make run: prepare the demo database, serve on :8069
  test [--hostfree-only|--wheel]  make test / make test-hostfree / make test-wheel
  test-some [--reinstall] PYTEST_ARGS  make test-some: named Odoo tests on a kept dev db
  pot                   make pot: each addon's i18n/<addon>.pot exported from the dev db
  test-peers [--rules-on]  make test-peers: core's and OCA's suites with the addons
  test-multiprocess     make test-multiprocess: multi-process Odoo + job runner
  screenshots           make screenshots: pictures of the main screens for the docs
  bench [ARGS] [--no-background]  make bench: bench_receipt.py (ARGS), then
                        bench_background.py (10,000 / 50,000 serials)
  bench-enquiry [ARGS]  make bench-enquiry
  bench-count-sheet [ARGS]  make bench-count-sheet (benchmarks/bench_count_sheet.py)
  bench-background [ARGS]  make bench-background (benchmarks/bench_background.py)
  lint                  ruff and pylint-odoo (var/venv-lint)
  host                  print the python of the Odoo 18 used (installs it if needed)
  clean-host            remove the cached Odoo host(s), test templates and var/
"""


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        say(USAGE)
        return 2
    try:
        host_mode()
        return COMMANDS[argv[0]](argv[1:])
    except Failure as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        return exc.code
    except KeyboardInterrupt:
        return 130
