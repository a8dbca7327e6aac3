"""The closing lines of `make test`, and when CI must fail."""

from sptool import commands, layers

JUNIT = """<?xml version="1.0"?>
<testsuites><testsuite tests="4" failures="0" errors="0" skipped="{skipped}">
<testcase classname="t.A" name="test_ok"/>
<testcase classname="t.A" name="test_ok2"/>
<testcase classname="t.A" name="test_ok3"/>
<testcase classname="t.A" name="test_tour">{skip}</testcase>
</testsuite></testsuites>"""


def junit(tmp_path, reason=None):
    path = tmp_path / "report.xml"
    skip = f'<skipped message="{reason}"/>' if reason else ""
    path.write_text(JUNIT.format(skipped=1 if reason else 0, skip=skip))
    return path


def test_summary_line():
    assert layers.summary("odoo", (3, 0, 1), 0) == "odoo: 3 passed, 0 failed, 1 skipped"
    assert layers.summary("odoo", (5, 0, 0), 0) == "odoo: 5 passed, 0 failed"


def test_crash_or_empty_run_counts_as_a_failure():
    assert layers.summary("odoo", None, 5) == "odoo: 0 passed, 1 failed"
    assert layers.summary("odoo", (0, 0, 0), 1) == "odoo: 0 passed, 1 failed"


def test_counts_and_skips_from_junit(tmp_path):
    path = junit(tmp_path, "websocket-client module is not installed")
    assert layers.junit_counts(path) == (3, 0, 1)
    assert layers.skipped_tests(path) == [
        ("t.A.test_tour", "websocket-client module is not installed")
    ]
    assert layers.junit_counts(tmp_path / "missing.xml") is None


def result(path, rc=0):
    return [("odoo", rc, layers.junit_counts(path), path, 1.0)]


def test_green_run_passes(tmp_path, capsys):
    assert commands.report(result(junit(tmp_path)), True, None) == 0
    assert "odoo: 4 passed, 0 failed" in capsys.readouterr().out


def test_skip_for_a_missing_part_fails_only_when_odoo_is_required(tmp_path):
    path = junit(tmp_path, "Chrome not found: the tour cannot run")
    assert commands.report(result(path), False, None) == 0
    assert commands.report(result(path), True, None) == 1


def test_other_skips_are_listed_not_failed(tmp_path, capsys):
    path = junit(tmp_path, "several documents in one PDF need patched Qt")
    assert commands.report(result(path), True, None) == 0
    assert "skipped t.A.test_tour: several documents" in capsys.readouterr().out


def test_odoo_layer_that_could_not_run_fails(capsys):
    hostfree = [("host-free", 0, (10, 0, 0), None, 1.0)]
    assert commands.report(hostfree, True, "no PostgreSQL") == 1
    out = capsys.readouterr().out
    assert "odoo: 0 passed, 1 failed (the Odoo layer could not run)" in out


def test_failed_layer_fails(tmp_path):
    assert commands.report(result(junit(tmp_path), rc=1), False, None) == 1


def test_progress_can_leave_standard_output_to_the_answer(capsys, monkeypatch):
    from sptool import output

    monkeypatch.setitem(output._PROGRESS, "stream", None)
    output.step("on stdout")
    output.progress_to_stderr()
    output.step("on stderr")
    captured = capsys.readouterr()
    assert "on stdout" in captured.out and "on stderr" not in captured.out
    assert "on stderr" in captured.err
