"""`make test-peers` without a host: the known-failures lists, the two queues, the
test ids read from pytest's junit report and the compare against the lists."""

import time

import pytest
from sptool import peers

CORE = "root..cache.sp.odoo-18.0-d3df3cfece9b.src.addons"
OCA = "root..cache.sp.venv.lib.python3.11.site-packages.odoo.addons"


def test_list_lines_comments_and_blanks():
    text = (
        "# header\n\n"
        "stock::test_move::StockMove::test_a | fonts: wkhtmltopdf renders no text\n"
        "  sale::test_x::T::test_b |   needs sale_margin  \n"
        "account::test_account_payment::*  | a whole module\n"
    )
    assert peers.parse_list(text) == {
        "stock::test_move::StockMove::test_a": "fonts: wkhtmltopdf renders no text",
        "sale::test_x::T::test_b": "needs sale_margin",
        "account::test_account_payment::*": "a whole module",
    }


@pytest.mark.parametrize(
    "line",
    [
        "stock::test_move::StockMove::test_a",  # no reason
        "stock::test_move::StockMove::test_a |",  # empty reason
        "test_move::test_a reason",  # no separator
        "| reason only",
    ],
)
def test_malformed_list_line_names_its_line(line):
    with pytest.raises(ValueError, match=r"known:2: expected"):
        peers.parse_list("# ok\n" + line + "\n", "known")


def test_list_refuses_a_test_twice():
    text = "stock::m::C::t | one\nstock::m::C::t | two\n"
    with pytest.raises(ValueError, match="listed twice"):
        peers.parse_list(text, "known")


def test_format_list_reads_back():
    failures = {"stock::m::C::t2": "b", "mrp::m::C::t1": "a"}
    text = peers.format_list(failures, "# header")
    assert text.splitlines()[0] == "# header"
    assert text.index("mrp::") < text.index("stock::")
    assert peers.parse_list(text) == failures


def test_balance_longest_first_to_the_least_loaded_queue():
    durations = {"a": 10, "b": 9, "c": 6, "d": 5, "e": 1}
    first, second = peers.balance(durations, 2)
    # a(10) -> q1, b(9) -> q2, c(6) -> q2 (15), d(5) -> q1 (15), e(1) -> q1
    assert first == ["a", "d", "e"]
    assert second == ["b", "c"]
    assert sorted(first + second) == sorted(durations)


def test_balance_is_deterministic_and_keeps_empty_queues():
    durations = {"x": 1.0, "y": 1.0, "z": 1.0}
    assert peers.balance(durations, 2) == peers.balance(
        dict(reversed(durations.items())), 2
    )
    assert peers.balance({"x": 3}, 2) == [["x"], []]
    assert peers.balance({}, 2) == [[], []]


def test_balance_totals_are_close():
    durations = {f"f{i}": float(i * 7 % 23 + 1) for i in range(40)}
    queues = peers.balance(durations, 2)
    loads = [sum(durations[item] for item in queue) for queue in queues]
    assert abs(loads[0] - loads[1]) <= max(durations.values())


def test_test_id_of_core_and_oca_paths():
    assert peers.test_id(f"{CORE}.stock.tests.test_move.StockMove", "test_x") == (
        "stock",
        "stock::test_move::StockMove::test_x",
    )
    # the last "addons." counts: the OCA path runs through odoo.addons too
    assert peers.test_id(f"{OCA}.rma_lot.tests.test_rma_lot.TestRMALot", "t") == (
        "rma_lot",
        "rma_lot::test_rma_lot::TestRMALot::t",
    )
    assert peers.test_id("tests_hostfree.test_x", "t") is None
    assert peers.test_id("", "t") is None


JUNIT = f"""<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="6">
<testcase classname="{CORE}.stock.tests.test_move.StockMove" name="test_ok" time="1.5"/>
<testcase classname="{CORE}.stock.tests.test_move.StockMove" name="test_known" time="2">
<failure message="boom">Traceback (most recent call last):
  File "x.py", line 1
AssertionError: fonts differ</failure></testcase>
<testcase classname="{CORE}.stock.tests.test_quant.Q" name="test_new" time="0.5">
<error message="err">Traceback
odoo.exceptions.UserError: already exist and cannot be received again</error>
</testcase>
<testcase classname="{CORE}.sale.tests.test_sale.S" name="test_skip" time="0">
<skipped message="needs chrome"/></testcase>
<testcase classname="{CORE}.sale.tests.test_sale.S" name="test_teardown" time="1"/>
<testcase classname="{CORE}.sale.tests.test_sale.S" name="test_teardown" time="0">
<error message="error in teardown">teardown went wrong</error></testcase>
</testsuite></testsuites>"""


def test_junit_results_and_durations(tmp_path):
    path = tmp_path / "q1.xml"
    path.write_text(JUNIT)
    results = peers.junit_results(path)
    assert results["stock::test_move::StockMove::test_ok"] == ("passed", "")
    assert results["stock::test_move::StockMove::test_known"][0] == "failed"
    assert "fonts differ" in results["stock::test_move::StockMove::test_known"][1]
    assert results["sale::test_sale::S::test_skip"] == ("skipped", "needs chrome")
    # an error in tear-down after a pass: the worst entry wins
    assert results["sale::test_sale::S::test_teardown"][0] == "failed"
    assert peers.file_durations(path) == {
        "stock/tests/test_move.py": 3.5,
        "stock/tests/test_quant.py": 0.5,
        "sale/tests/test_sale.py": 1.0,
    }


def test_compare_against_the_lists(tmp_path):
    path = tmp_path / "q1.xml"
    path.write_text(JUNIT)
    results = peers.junit_results(path)
    known = {
        "stock::test_move::StockMove::test_known": "fonts",
        "mrp::test_x::T::test_gone": "fixed since",
    }
    rows, new, hits, stale = peers.compare(results, known)
    assert rows == [("sale", 0, 1, 0, 1), ("stock", 1, 1, 1, 0)]
    assert [test for test, _message in new] == [
        "sale::test_sale::S::test_teardown",
        "stock::test_quant::Q::test_new",
    ]
    assert "cannot be received again" in new[1][1]
    assert hits == []
    assert stale == ["mrp::test_x::T::test_gone"]
    excused = {"stock::test_quant::Q::test_new": "strict intake (rules on)"}
    rows, new, hits, _stale = peers.compare(results, known, excused)
    assert hits == ["stock::test_quant::Q::test_new"]
    assert [test for test, _message in new] == ["sale::test_sale::S::test_teardown"]
    assert rows[1] == ("stock", 1, 0, 2, 0)


def test_compare_takes_glob_entries():
    results = {
        "account::test_account_payment::T::test_a": ("failed", "x"),
        "account::test_account_payment::T::test_b": ("failed", "x"),
    }
    rows, new, _hits, stale = peers.compare(
        results, {"account::test_account_payment::T::*": "module set"}
    )
    assert new == [] and stale == []
    assert rows == [("account", 0, 0, 2, 0)]


def test_table_has_a_total():
    table = peers.format_table([("sale", 5, 0, 1, 2), ("stock", 10, 1, 3, 0)])
    lines = table.splitlines()
    assert lines[0].split() == ["suite", "passed", "failed", "known", "skipped"]
    assert lines[-1].split() == ["total", "15", "1", "4", "2"]


def test_guess_reason_is_the_last_line():
    message = "Traceback\n  File x\nodoo.exceptions.UserError:   the   reason\n\n"
    assert peers.guess_reason(message) == "odoo.exceptions.UserError: the reason"
    assert peers.guess_reason("") == "failed"


def test_arguments():
    assert peers.parse_args([])["with_addons"] is True
    assert peers.parse_args(["--rules-on"])["rules"] is True
    opts = peers.parse_args(["--without-addons", "--write-known", "--suites=a,b"])
    assert opts["with_addons"] is False and opts["suites"] == {"a", "b"}
    with pytest.raises(peers.Failure):
        peers.parse_args(["--write-known"])  # only without the addons
    with pytest.raises(peers.Failure):
        peers.parse_args(["--bogus"])


def test_the_lists_of_the_repository_parse_and_stay_small():
    known = peers.read_list(peers.KNOWN)
    excused = peers.read_list(peers.EXPECTED_WITH_RULES)
    assert len(excused) <= peers.MAX_RULES_EXCUSES
    suites = {suite for suite, _paths in peers.SUITES}
    for test in [*known, *excused]:
        assert test.split("::", 1)[0] in suites, test
    assert not set(known) & set(excused)


def test_plugin_runs_a_test_class_only_where_it_is_defined():
    from sptool import peers_plugin

    class Module:
        def __init__(self, name):
            self.__name__ = name

    class WebSuite:
        pass

    class Own:
        pass

    WebSuite.__module__ = "odoo.addons.web.tests.test_js"
    Own.__module__ = "odoo.addons.helpdesk_mgmt.tests.test_js"

    class Item:
        def __init__(self, cls, module):
            self.cls, self.module = cls, Module(module)

    here = "odoo.addons.helpdesk_mgmt.tests.test_js"
    imported, own = Item(WebSuite, here), Item(Own, here)
    function = Item(None, here)  # a plain test function: no class
    deselected = []

    class Config:
        class hook:  # noqa: N801 - pytest's attribute name
            @staticmethod
            def pytest_deselected(items):
                deselected.extend(items)

    items = [imported, own, function]
    peers_plugin.pytest_collection_modifyitems(Config, items)
    assert items == [own, function]
    assert deselected == [imported]


def test_report_only_and_budget_arguments():
    opts = peers.parse_args(["--report-only", "--budget=22"])
    assert opts["report_only"] is True
    assert opts["budget"] == 22 * 60
    assert peers.parse_args([])["budget"] is None
    assert peers.parse_args([])["report_only"] is False


def test_wait_within_budget_interrupts_what_outlives_it(monkeypatch):
    """The queue past its budget stops by Ctrl-C (KeyboardInterrupt, so pytest
    writes its report), not by the kill after the grace period; also when this
    run itself was started with SIGINT ignored (a background job of a
    non-interactive shell, as CI runners start it)."""
    import signal
    import subprocess
    import sys

    monkeypatch.setattr(peers, "INTERRUPT_GRACE", 30)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        quick = subprocess.Popen([sys.executable, "-c", "pass"])
        slow = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(600)"],
            preexec_fn=peers.interruptible,  # noqa: PLW1509
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(0.5)  # the slow one has started its sleep
    cut = peers.wait_within_budget([quick, slow], {"budget": 1})
    assert cut is True
    # Python dies of an unhandled KeyboardInterrupt by SIGINT itself
    assert slow.wait(timeout=10) == -signal.SIGINT, "interrupted, as Ctrl-C does"
    assert quick.wait() == 0
    assert peers.wait_within_budget([quick], {"budget": None}) is False


def test_queue_processes_take_ctrl_c_even_if_started_ignoring_it():
    import signal
    import subprocess
    import sys

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        probe = (
            "import signal; "
            "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
        )
        ignoring = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True
        ).stdout
        reset = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            preexec_fn=peers.interruptible,  # noqa: PLW1509
        ).stdout
    finally:
        signal.signal(signal.SIGINT, previous)
    assert ignoring.strip() == "False"  # what CI's background job would inherit
    assert reset.strip() == "True"


def test_report_only_never_fails_but_says_so(capsys):
    opts = {"rules": False, "with_addons": True, "write_known": False}
    opts.update(suites=set(), report_only=True, budget=None)
    results = {"stock::test_x::T::test_a": ("failed", "boom")}
    code = peers.report(opts, results, {}, {}, [], 60.0)
    assert code == 0
    assert "NEW FAILURE stock::test_x::T::test_a" in capsys.readouterr().out
    opts["report_only"] = False
    assert peers.report(opts, results, {}, {}, [], 60.0) == 1


def test_a_run_cut_by_its_budget_fails(capsys):
    opts = {"rules": False, "with_addons": True, "write_known": False}
    opts.update(suites=set(), report_only=False, budget=20 * 60)
    results = {"stock::test_x::T::test_a": ("passed", "")}
    assert peers.report(opts, results, {}, {}, [], 60.0, cut=False) == 0
    assert peers.report(opts, results, {}, {}, [], 60.0, cut=True) == 1
    assert "budget of 20 min ran out" in capsys.readouterr().out


def test_excluded_files_are_not_run(tmp_path):
    suite = tmp_path / "helpdesk_mgmt" / "tests"
    suite.mkdir(parents=True)
    (tmp_path / "helpdesk_mgmt" / "__manifest__.py").write_text("{}")
    (suite / "test_js.py").write_text("")
    (suite / "test_ticket.py").write_text("")
    files = peers.test_files(None, str(tmp_path), {"helpdesk_mgmt"})
    assert sorted(files) == ["helpdesk_mgmt/tests/test_ticket.py"]
