"""`make test-peers`: the test suites Odoo core and the OCA neighbours ship, run with
pytest-odoo on a database where the repository's four addons are installed at their
defaults, in two parallel queues on two copies of that database.

A failure fails the run unless ``tests_peers/known_host_failures.txt`` lists it:
the tests that fail on this host WITHOUT the addons (fonts, network, module sets),
built once with ``--without-addons --write-known``. ``--rules-on`` (or
SP_PEERS_RULES=1) turns ``res.company.serial_rules_enabled`` on for every company
first; then at most ``MAX_RULES_EXCUSES`` more tests may be excused, each in
``tests_peers/expected_with_rules.txt``.

The pure part (list parsing, queue balancing, test ids from junit, the compare
against the lists) is tested host-free in tests_hostfree/test_tooling_peers.py.
"""

import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from . import database
from .layout import LOGS, REPO, VAR, repo_addons
from .output import Failure, say, step
from .system import ensure_postgres, ensure_system_packages, psql

# The modules of the database (besides the four addons), no demo data.
PEER_MODULES = (
    "stock",
    "purchase_stock",
    "sale_stock",
    "stock_account",
    "mrp",
    "product_expiry",
    "helpdesk_mgmt",
    "rma",
    "rma_lot",
    "queue_job",
    "sale_management",
    "base_automation",
)
# (suite = the addon whose tests run, the test paths inside it: globs allowed)
SUITES = (
    ("stock", ("tests",)),
    ("purchase_stock", ("tests",)),
    ("sale_stock", ("tests",)),
    ("stock_account", ("tests",)),
    ("mrp", ("tests",)),
    ("product_expiry", ("tests",)),
    ("helpdesk_mgmt", ("tests",)),
    ("rma", ("tests",)),
    ("rma_lot", ("tests",)),
    ("queue_job", ("tests",)),
    ("sale", ("tests",)),
    ("purchase", ("tests",)),
    (
        "account",
        ("tests/test_account_move_out_invoice.py", "tests/test_account_payment*.py"),
    ),
)
# Test files not run, with the reason (printed by every run).
EXCLUDED = {
    "helpdesk_mgmt/tests/test_js.py": "its test runs WebSuite.test_unit_desktop, "
    "which on this host's 18.0 (before WebSuite.get_hoot_filters) is the whole "
    "web unit suite in Chromium: up to 30 min, nothing of helpdesk_mgmt's own",
}
PEERS_DIR = REPO / "tests_peers"
KNOWN = PEERS_DIR / "known_host_failures.txt"
EXPECTED_WITH_RULES = PEERS_DIR / "expected_with_rules.txt"
# Measured seconds per test file (committed); a run's own measure goes to var/.
DURATIONS = PEERS_DIR / "durations.json"
RUN_DURATIONS = VAR / "peers" / "durations.json"
MAX_RULES_EXCUSES = 3
# New failures run once more, alone (more than this: the run is broken, no rerun).
MAX_RERUNS = 40
# Seconds an interrupted queue has to finish its test and write its report.
INTERRUPT_GRACE = 180
QUEUES = 2

# ------------------------------------------------------------------ pure logic

LIST_LINE = re.compile(r"^(?P<id>[A-Za-z0-9_]+::\S+)\s*\|\s*(?P<reason>\S.*)$")


def parse_list(text, source="list"):
    """``{test id: reason}`` from a known-failures file: one ``<suite>::<test id> |
    reason`` a line; blank lines and ``#`` comments ignored; a malformed or
    repeated line raises ValueError naming it."""
    entries = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LIST_LINE.match(line)
        if not match:
            raise ValueError(
                f"{source}:{number}: expected '<suite>::<test id> | reason', "
                f"got {raw!r}"
            )
        test_id = match.group("id")
        if test_id in entries:
            raise ValueError(f"{source}:{number}: {test_id} is listed twice")
        entries[test_id] = match.group("reason").strip()
    return entries


def read_list(path):
    path = Path(path)
    if not path.is_file():
        return {}
    return parse_list(path.read_text(), str(path.relative_to(REPO)))


def balance(durations, queues=QUEUES):
    """Split ``{item: seconds}`` into ``queues`` lists of about equal total time:
    longest first, each to the least loaded queue (ties: the first). The result
    is deterministic; each list keeps its items sorted by name."""
    loads = [[0.0, []] for _ in range(queues)]
    for item, seconds in sorted(durations.items(), key=lambda kv: (-kv[1], kv[0])):
        target = min(range(queues), key=lambda index: (loads[index][0], index))
        loads[target][0] += seconds
        loads[target][1].append(item)
    return [sorted(items) for _load, items in loads]


JUNIT_NAME = re.compile(
    r"(?:^|\.)addons\.(?P<suite>[A-Za-z0-9_]+)\.tests\.(?P<rest>.+)$"
)


def test_id(classname, name):
    """``(suite, "<suite>::<module>::<Class>::<test>")`` of a junit test case whose
    classname runs through ``...addons.<suite>.tests.<module>.<Class>``; None for
    one outside any addon's tests."""
    matches = list(JUNIT_NAME.finditer(classname or ""))
    if not matches:
        return None
    match = matches[-1]
    suite = match.group("suite")
    parts = match.group("rest").split(".") + ([name] if name else [])
    return suite, "::".join([suite, *parts])


OUTCOME_RANK = {"passed": 0, "skipped": 1, "failed": 2}


def junit_results(path):
    """``{test id: (outcome, message)}`` of a pytest junit-xml report; outcome is
    'passed', 'skipped' or 'failed' (a failure or an error, also one in set-up or
    tear-down: the worst entry of a test wins)."""
    root = ET.parse(path).getroot()
    results = {}
    for case in root.iter("testcase"):
        found = test_id(case.get("classname"), case.get("name"))
        if not found:
            found = ("?", "?::" + f"{case.get('classname')}::{case.get('name')}")
        outcome, message = "passed", ""
        for tag in ("failure", "error"):
            element = case.find(tag)
            if element is not None:
                outcome = "failed"
                message = (element.text or "") or (element.get("message") or "")
                break
        else:
            element = case.find("skipped")
            if element is not None:
                outcome, message = "skipped", element.get("message") or ""
        previous = results.get(found[1])
        if previous is None or OUTCOME_RANK[outcome] > OUTCOME_RANK[previous[0]]:
            results[found[1]] = (outcome, message)
    return results


def file_durations(path):
    """``{"<suite>/<test file>": seconds}`` summed from a junit-xml report."""
    root = ET.parse(path).getroot()
    totals = {}
    for case in root.iter("testcase"):
        found = test_id(case.get("classname"), case.get("name"))
        if not found:
            continue
        suite, full = found
        module = full.split("::")[1]
        key = f"{suite}/tests/{module}.py"
        totals[key] = totals.get(key, 0.0) + float(case.get("time") or 0)
    return totals


def listed(test, entries):
    """The entry of ``entries`` naming ``test`` exactly, or as a glob pattern."""
    if test in entries:
        return test
    for pattern in entries:
        if any(ch in pattern for ch in "*?[") and fnmatch.fnmatchcase(test, pattern):
            return pattern
    return None


def compare(results, known, excused=None):
    """Results against the lists: ``(rows, new, excused_hits, stale)`` where rows
    are ``(suite, passed, failed, known, skipped)`` per suite, ``new`` the failures
    no list names (id, message), ``excused_hits`` the failures only ``excused``
    names, ``stale`` the known entries that did not fail in this run (passed, or
    not run)."""
    excused = excused or {}
    per_suite, new, hits, used = {}, [], [], set()
    for test, (outcome, message) in sorted(results.items()):
        suite = test.split("::", 1)[0]
        row = per_suite.setdefault(suite, [0, 0, 0, 0])
        if outcome == "passed":
            row[0] += 1
        elif outcome == "skipped":
            row[3] += 1
        else:
            entry = listed(test, known)
            if entry is not None:
                row[2] += 1
                used.add(entry)
                continue
            entry = listed(test, excused)
            if entry is not None:
                row[2] += 1
                hits.append(test)
                continue
            row[1] += 1
            new.append((test, message))
    rows = [(suite, *counts) for suite, counts in sorted(per_suite.items())]
    stale = sorted(set(known) - used)
    return rows, new, hits, stale


def format_table(rows):
    """The per-suite table: suite | passed | failed | known | skipped, and a total."""
    header = ("suite", "passed", "failed", "known", "skipped")
    total = ("total", *(sum(row[i] for row in rows) for i in range(1, 5)))
    lines = [header, *rows, total]
    width = max(len(str(line[0])) for line in lines)
    out = []
    for index, line in enumerate(lines):
        if index == len(lines) - 1:
            out.append("-" * (width + 36))
        out.append(
            f"{line[0]:<{width}} " + " ".join(f"{value:>8}" for value in line[1:])
        )
        if index == 0:
            out.append("-" * (width + 36))
    return "\n".join(out)


def last_lines(message, count=4):
    lines = [line for line in (message or "").splitlines() if line.strip()]
    return lines[-count:]


def guess_reason(message):
    """A first reason for a known-failures line: the exception's last line."""
    lines = last_lines(message, 1)
    text = lines[0].strip() if lines else "failed"
    return re.sub(r"\s+", " ", text)[:150]


def format_list(failures, header):
    """A known-failures file from ``{test id: reason}``."""
    body = "\n".join(f"{test} | {reason}" for test, reason in sorted(failures.items()))
    return header.rstrip() + "\n\n" + body + "\n"


# ----------------------------------------------------------------- the host run


def addon_dir(odoo, module, addons_path):
    for path in addons_path.split(","):
        candidate = Path(path) / module
        if (candidate / "__manifest__.py").is_file():
            return candidate
    raise Failure(f"test-peers: module {module} not found on {addons_path}")


def test_files(odoo, addons_path, suites):
    """``{"<suite>/tests/<file>": absolute path}`` of the suites' test files."""
    files = {}
    for suite, patterns in SUITES:
        if suites and suite not in suites:
            continue
        root = addon_dir(odoo, suite, addons_path)
        for pattern in patterns:
            if pattern == "tests":
                found = sorted((root / "tests").glob("test_*.py"))
            else:
                found = sorted(root.glob(pattern))
            for path in found:
                key = f"{suite}/tests/{path.name}"
                if key not in EXCLUDED:
                    files[key] = path
    return files


def known_durations(files):
    """Seconds per test file: this machine's last run, the committed measure, else
    the file's size as a guess (one second per 2 kB)."""
    measured = {}
    for path in (DURATIONS, RUN_DURATIONS):
        try:
            measured.update(json.loads(Path(path).read_text()))
        except (OSError, ValueError):
            pass
    return {
        key: float(measured.get(key, path.stat().st_size / 2000))
        for key, path in files.items()
    }


def copy_db(source, target):
    """``createdb -T`` and the filestore folder (a copy has none otherwise)."""
    database.drop_db(target)
    subprocess.run(["createdb", "-T", source, target], check=True)
    store = database.filestore_root()
    if (store / source).is_dir():
        shutil.copytree(store / source, store / target)


def rules_on(db):
    """``serial_rules_enabled`` on for every company, where the column exists."""
    sql = (
        "do $$ begin if exists (select 1 from information_schema.columns "
        "where table_name = 'res_company' and column_name = 'serial_rules_enabled') "
        "then update res_company set serial_rules_enabled = true; "
        "else raise notice 'no serial_rules_enabled column'; end if; end $$; "
        "select count(*) from information_schema.columns where table_name = "
        "'res_company' and column_name = 'serial_rules_enabled'"
    )
    code, out, err = psql(sql, db=db)
    if code:
        raise Failure(f"test-peers: could not turn the rules on in {db}: {err}")
    if out.strip().splitlines()[-1:] != ["1"]:
        raise Failure(
            "test-peers --rules-on: res_company.serial_rules_enabled does not exist "
            "(the addon has no such switch yet)"
        )
    step(f"serial_rules_enabled turned on for every company of {db}")


def build_db(odoo, db, with_addons, addons_path, rules):
    database.create_from_template(odoo, db, PEER_MODULES, addons_path)
    if with_addons:
        addons = repo_addons()
        database.odoo_step(
            odoo,
            ["-d", db, "-i", ",".join(addons), "--stop-after-init", "--no-http"],
            "peers-install.log",
            f"installing {', '.join(addons)} into {db}",
            strict=True,
            addons_path=addons_path,
        )
    if rules:
        rules_on(db)


def start_queue(odoo, db, paths, addons_path, junit, log):
    args = [
        odoo.python,
        "-m",
        "pytest",
        "-p",
        "odoo",
        "-p",
        "no:cacheprovider",
        "-c",
        os.devnull,
        "-p",
        "sptool.peers_plugin",
        "--rootdir=/",
        *map(str, paths),
        f"--odoo-database={db}",
        f"--odoo-addons-path={addons_path}",
        "--odoo-http",
        "--odoo-log-level=warn",
        f"--odoo-extra=db-filter=^{db}$",
        "-q",
        "-p",
        "no:warnings",
        f"--junitxml={junit}",
    ]
    env = odoo.env()
    # the plugin (scripts/sptool/peers_plugin.py) is imported from scripts/
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO / "scripts"), env.get("PYTHONPATH")])
    )
    handle = open(log, "w")  # noqa: SIM115 - closed after the wait
    proc = subprocess.Popen(
        args,
        cwd=VAR,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        preexec_fn=interruptible,  # noqa: PLW1509 - only resets a signal
    )
    return proc, handle


def interruptible():
    """In a queue's process before it starts: Ctrl-C (SIGINT) back to its
    default, so that Python turns it into KeyboardInterrupt and pytest stops
    after the running test with its report written. A process started in the
    background by a non-interactive shell (a CI runner, ``cmd &``) inherits
    SIGINT ignored, and Python keeps it ignored: the budget's interruption
    would then do nothing until the grace period kills the queue."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def parse_args(argv):
    opts = {
        "rules": "--rules-on" in argv or os.environ.get("SP_PEERS_RULES") == "1",
        "with_addons": "--without-addons" not in argv,
        "write_known": "--write-known" in argv,
        "suites": set(),
        "report_only": "--report-only" in argv,
        "budget": None,
    }
    flags = ("--rules-on", "--without-addons", "--write-known", "--report-only")
    for arg in argv:
        if arg.startswith("--suites="):
            opts["suites"] = set(filter(None, arg.split("=", 1)[1].split(",")))
        elif arg.startswith("--budget="):
            opts["budget"] = float(arg.split("=", 1)[1]) * 60
        elif arg not in flags:
            raise Failure(
                f"test-peers: unknown argument {arg!r} (use --rules-on, "
                "--without-addons [--write-known], --suites=stock,sale, "
                "--report-only, --budget=MINUTES)",
                code=2,
            )
    if opts["write_known"] and opts["with_addons"]:
        raise Failure("--write-known goes with --without-addons", code=2)
    return opts


def cmd_test_peers(argv):
    """``make test-peers [ARGS=--rules-on]``; see the module docstring."""
    from .host import get_odoo

    opts = parse_args(argv)
    started = time.monotonic()
    odoo = get_odoo()
    ensure_system_packages(("server", "test"))
    ensure_postgres()
    known = read_list(KNOWN)
    excused = read_list(EXPECTED_WITH_RULES) if opts["rules"] else {}
    if len(excused) > MAX_RULES_EXCUSES:
        raise Failure(
            f"{EXPECTED_WITH_RULES.name} excuses {len(excused)} tests: "
            f"at most {MAX_RULES_EXCUSES}"
        )
    addons_path = (
        odoo.addons_path
        if opts["with_addons"]
        else ",".join(odoo.addons_paths(with_repo=False))
    )
    kind = "addons" if opts["with_addons"] else "bare"
    base = os.environ.get("SP_PEERS_DB") or f"sp_peers_{kind}_{os.getpid()}"
    dbs = [f"{base}_q{index + 1}" for index in range(QUEUES)]
    out_dir = VAR / "peers"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = test_files(odoo, addons_path, opts["suites"])
    queues = balance(known_durations(files), QUEUES)
    try:
        build_db(odoo, base, opts["with_addons"], addons_path, opts["rules"])
        for db in dbs:
            copy_db(base, db)
        running = []
        for index, (db, items) in enumerate(zip(dbs, queues, strict=True)):
            if not items:  # fewer test files than queues (--suites)
                continue
            junit = out_dir / f"{kind}-q{index + 1}.xml"
            junit.unlink(missing_ok=True)
            log = LOGS / f"peers-{kind}-q{index + 1}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            seconds = sum(known_durations({k: files[k] for k in items}).values())
            step(
                f"queue {index + 1} on {db}: {len(items)} test files, about "
                f"{seconds / 60:.0f} min (log: {log.relative_to(REPO)})"
            )
            paths = [files[item] for item in items]
            running.append(
                (*start_queue(odoo, db, paths, addons_path, junit, log), junit)
            )
        results, crashed, measured = {}, [], {}
        cut = wait_within_budget([proc for proc, _handle, _junit in running], opts)
        for index, (proc, handle, junit) in enumerate(running):
            code = proc.wait()
            handle.close()
            if not junit.is_file():
                crashed.append(f"queue {index + 1} wrote no report (exit {code})")
                continue
            results.update(junit_results(junit))
            measured.update(file_durations(junit))
        # past the budget there is no time left for reruns either
        flaky = (
            []
            if cut
            else rerun_new_failures(
                odoo, base, dbs[0], results, known, excused, files, addons_path, out_dir
            )
        )
    finally:
        if os.environ.get("SP_KEEP_DB") == "1":
            step(f"keeping {base} and its copies (SP_KEEP_DB=1)")
        else:
            for db in [base, *dbs]:
                database.drop_db(db)
    if measured:
        RUN_DURATIONS.write_text(json.dumps(measured, indent=1, sort_keys=True))
    elapsed = time.monotonic() - started
    return report(opts, results, known, excused, crashed, elapsed, flaky, cut)


def wait_within_budget(procs, opts):
    """Wait for the queues; past ``--budget`` minutes (from the start of the
    queues) interrupt them as Ctrl-C does: pytest stops after the running test
    and still writes its report. True when the budget cut the run short."""
    budget = opts.get("budget")
    if not budget:
        return False
    deadline = time.monotonic() + budget
    for proc in procs:
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            break
    else:
        return False
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=INTERRUPT_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()  # its queue then counts as crashed: no report written
    return True


def rerun_node(test, files):
    """The pytest node id of a test id ``<suite>::<module>::<Class>::<test>``,
    or None when its file is not one of the run's."""
    suite, module, *rest = test.split("::")
    path = files.get(f"{suite}/tests/{module}.py")
    return "::".join([str(path), *rest]) if path and rest else None


def rerun_new_failures(
    odoo, base, db, results, known, excused, files, addons_path, out_dir
):
    """Run each failure no list names once more, alone, on a fresh copy of the
    database: a test that passes then failed for the load of the run (a browser
    tour's step timeout on a busy 2-core machine), not for the addons. Its
    result is replaced by the rerun's; the ids that passed are returned."""
    _rows, new, _hits, _stale = compare(results, known, excused)
    nodes = {test: rerun_node(test, files) for test, _message in new}
    nodes = {test: node for test, node in nodes.items() if node}
    if not nodes or len(nodes) > MAX_RERUNS:
        return []
    step(f"running the {len(nodes)} new failure(s) once more, alone, on {db}")
    copy_db(base, db)
    junit = out_dir / "rerun.xml"
    junit.unlink(missing_ok=True)
    log = LOGS / "peers-rerun.log"
    proc, handle = start_queue(
        odoo, db, sorted(nodes.values()), addons_path, junit, log
    )
    proc.wait()
    handle.close()
    if not junit.is_file():
        return []
    again = junit_results(junit)
    flaky = [test for test in nodes if again.get(test, ("failed",))[0] == "passed"]
    for test in flaky:
        results[test] = again[test]
    return flaky


def report(opts, results, known, excused, crashed, elapsed, flaky=(), cut=False):
    if opts["write_known"]:
        failures = {
            test: guess_reason(message)
            for test, (outcome, message) in results.items()
            if outcome == "failed"
        }
        KNOWN.parent.mkdir(parents=True, exist_ok=True)
        KNOWN.write_text(
            format_list(
                failures,
                "# Tests of the peers' suites that fail on this host WITHOUT the\n"
                "# addons (make test-peers ARGS='--without-addons --write-known').\n"
                "# One line each: <suite>::<test id> | reason",
            )
        )
        step(f"{len(failures)} failures written to {KNOWN.relative_to(REPO)}")
        known = read_list(KNOWN)
    rows, new, hits, stale = compare(results, known, excused)
    what = "with the addons" if opts["with_addons"] else "WITHOUT the addons"
    if opts["rules"]:
        what += ", serial_rules_enabled on"
    say()
    say("=" * 78)
    say(f"peers' suites {what}:")
    for key, reason in EXCLUDED.items():
        say(f"  not run: {key}: {reason}")
    say(format_table(rows))
    for test, message in new:
        say(f"  NEW FAILURE {test}")
        for line in last_lines(message):
            say(f"      {line.strip()[:200]}")
    for test in hits:
        say(f"  excused by {EXPECTED_WITH_RULES.name}: {test} ({excused[test]})")
    for test in flaky:
        say(f"  FLAKY (failed in its queue, passed alone on a fresh copy): {test}")
    if stale and opts["suites"] == set():
        say(f"  {len(stale)} known failure(s) did not fail this time: {stale[:10]}")
    for line in crashed:
        say(f"  !! {line}")
    say(f"test-peers took {elapsed / 60:.1f} min")
    say("=" * 78)
    if cut:
        say(
            f"  !! the budget of {opts['budget'] / 60:.0f} min ran out: the queues "
            "were stopped, the table holds the tests run until then (a run cut "
            "short fails: the tests not run proved nothing)"
        )
    failed = bool(new or crashed or cut or not results)
    if opts["report_only"]:
        say(
            "test-peers (--report-only): "
            + ("new failures above, reported only" if failed else "passed")
        )
        return 0
    say("test-peers: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0
