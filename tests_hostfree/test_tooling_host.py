"""Host choice: discovery order, supported Pythons, requirement overrides."""

import json
import os
import stat

import pytest
from sptool import bootstrap, discovery, layout, multiprocess, pythons


def fake_python(folder, name, version, imports_odoo=None):
    """A shell script that answers the version probe, or the Odoo probe."""
    path = folder / name
    info = None
    if imports_odoo:
        info = json.dumps(
            {
                "version": imports_odoo,
                "version_info": [int(imports_odoo.split(".")[0]), 0],
                "root": str(folder),
                "addons": [],
                "python": str(path),
            }
        )
    body = "#!/bin/sh\n"
    body += 'case "$2" in *import\\ odoo*) '
    body += f"echo '{info}'; exit 0;; esac\n" if info else "exit 1;; esac\n"
    body += f"echo {version}\n"
    path.write_text(body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.parametrize(
    ("version", "ok"),
    [((3, 9, 18), False), ((3, 10, 1), True), ((3, 12, 1), True), ((3, 13, 0), False)],
)
def test_supported_versions(version, ok):
    assert (pythons.verdict(version) is None) is ok


def test_refusal_says_why():
    assert "newer than Odoo 18 supports (3.10 to 3.12)" in pythons.verdict((3, 13, 0))
    assert "older than Odoo 18 supports" in pythons.verdict((3, 8, 18))


def test_choice_prefers_311_then_312_then_310():
    found = [
        ((3, 13, 0), "/x/313", "/x/313"),
        ((3, 10, 13), "/x/310", "/x/310"),
        ((3, 12, 1), "/x/312", "/x/312"),
    ]
    chosen, refused = pythons.choose(found)
    assert chosen == ((3, 12, 1), "/x/312")
    assert len(refused) == 1 and "3.13.0" in refused[0]
    chosen, _ = pythons.choose(found + [((3, 11, 7), "/x/311", "/x/311")])
    assert chosen[0] == (3, 11, 7)


def test_no_supported_python_is_a_clear_failure(tmp_path, monkeypatch):
    old = fake_python(tmp_path, "python3.9", "3.9.18")
    monkeypatch.setattr(pythons, "candidate_paths", lambda: [str(old)])
    monkeypatch.delenv("SP_PYTHON", raising=False)
    with pytest.raises(pythons.Failure, match="No Python 3.10, 3.11 or 3.12"):
        pythons.pick_python()


def test_sp_python_must_be_supported(tmp_path, monkeypatch):
    new = fake_python(tmp_path, "python3.13", "3.13.0")
    monkeypatch.setenv("SP_PYTHON", str(new))
    with pytest.raises(pythons.Failure, match="newer than Odoo 18 supports"):
        pythons.pick_python()


def test_overrides_replace_only_what_they_name():
    lines = [
        "cbor2==5.4.2 ; python_version < '3.12'",
        "cbor2==5.6.2 ; python_version >= '3.12'",
        "lxml==4.9.3",
    ]
    out = bootstrap.apply_overrides(lines, {"cbor2": "cbor2==5.4.6"})
    assert out == ["cbor2==5.4.6", "lxml==4.9.3"]


def test_overrides_of_unlisted_names_are_added():
    out = bootstrap.apply_overrides(
        ["gevent==22.10.2", "lxml==4.9.3"],
        {"zope.interface": "zope.interface==6.4.post2", "lxml": "lxml==5.0"},
    )
    assert out == ["gevent==22.10.2", "lxml==5.0", "zope.interface==6.4.post2"]


def test_host_pins_what_gevent_needs_to_start():
    pins = bootstrap.apply_overrides(["gevent==22.10.2"])
    assert any(line.startswith("zope.interface==6.4.post2") for line in pins)
    assert any(line.startswith("zope.event==4.6") for line in pins)


def test_stamp_changes_with_any_input():
    assert bootstrap.stamp_of("a", "b") == bootstrap.stamp_of("a", "b")
    assert bootstrap.stamp_of("a", "b") != bootstrap.stamp_of("a", "c")
    assert bootstrap.stamp_of("ab", "") != bootstrap.stamp_of("a", "b")


def test_explicit_odoo_src_is_final(tmp_path):
    found, tried = discovery.find_odoo({"ODOO_SRC": str(tmp_path)})
    assert found is None
    assert tried == [f"ODOO_SRC={tmp_path}: no odoo-bin in that folder"]


def test_explicit_odoo_bin_missing(tmp_path):
    found, tried = discovery.find_odoo({"ODOO_BIN": str(tmp_path / "odoo-bin")})
    assert found is None and "no such file" in tried[0]


def test_odoo_bin_wins_over_path(tmp_path, monkeypatch):
    python = fake_python(tmp_path, "python3", "3.11.7", imports_odoo="18.0")
    launcher = tmp_path / "odoo-bin"
    launcher.write_text(f"#!{python}\n")
    found, _ = discovery.find_odoo({"ODOO_BIN": str(launcher)})
    assert found and found.python == str(python) and found.version == "18.0"


def test_wrong_odoo_version_is_refused(tmp_path):
    python = fake_python(tmp_path, "python3", "3.11.7", imports_odoo="17.0")
    answer = discovery.probe(str(python), None, "test")
    assert answer == "test: found Odoo 17.0, need Odoo 18.0"


def test_order_venv_then_path_then_launchers_then_odoorc(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".venv" / "bin").mkdir(parents=True)
    fake_python(repo / ".venv" / "bin", "python", "3.11.7")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake_python(bindir, "python3", "3.11.7")
    odoo = bindir / "odoo"
    odoo.write_text(f"#!{bindir / 'python3'}\n")
    odoo.chmod(0o755)
    monkeypatch.setattr(discovery, "REPO", repo)
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.setenv("ODOO_RC", str(tmp_path / "missing.rc"))
    tried = []
    origins = [origin for _p, _pp, origin in discovery.candidates(tried)]
    assert origins == [".venv/bin/python", "python3 on PATH", "odoo on PATH"]
    assert any("missing.rc" in line for line in tried)


def test_odoorc_names_the_source(tmp_path, monkeypatch):
    source = tmp_path / "odoo18"
    (source / "odoo").mkdir(parents=True)
    (source / "odoo" / "__init__.py").write_text("")
    (source / "addons").mkdir()
    (source / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    rc = tmp_path / "odoorc"
    rc.write_text(f"[options]\naddons_path = {source / 'addons'}\n")
    monkeypatch.setenv("ODOO_RC", str(rc))
    tried = []
    found = discovery.odoorc_candidates(tried)
    assert [(pp, origin) for _p, pp, origin in found] == [
        (str(source), f"addons_path of {rc}")
    ]


def test_cache_root_honours_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("SP_CACHE_DIR", str(tmp_path / "c"))
    assert layout.cache_root() == tmp_path / "c"
    monkeypatch.delenv("SP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert layout.cache_root() == tmp_path / "x" / "serial_procurement"


def test_repo_addons_main_first(tmp_path):
    for name in ("serial_procurement_rma", "serial_procurement", "other"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__manifest__.py").write_text(
            "{'depends': ['stock', 'serial_procurement']}"
            if name != "serial_procurement"
            else "{'depends': ['sale', 'stock']}"
        )
    assert layout.repo_addons(tmp_path) == [
        "serial_procurement",
        "serial_procurement_rma",
    ]
    assert layout.external_depends(tmp_path) == ["sale", "stock"]


def test_real_repository_layout():
    assert layout.repo_addons()[0] == "serial_procurement"
    assert "helpdesk_mgmt" in layout.external_depends()
    assert os.path.isfile(layout.REPO / "scripts" / "sp.py")


def test_stale_var_from_another_host_is_dropped(tmp_path, monkeypatch, capsys):
    from sptool import host

    var = tmp_path / "var"
    monkeypatch.setattr(host, "VAR", var)

    class FakeOdoo:
        python = "/old/venv/bin/python"
        info = {"root": "/cache/odoo-18.0-aaaa/src"}

    host.forget_stale_var(FakeOdoo)
    (var / "found-host.json").write_text("{}")
    (var / "venv-hostfree").mkdir()
    (var / "log").mkdir()
    host.forget_stale_var(FakeOdoo)  # same host: nothing dropped
    assert (var / "found-host.json").exists()
    FakeOdoo.info = {"root": "/cache/odoo-18.0-bbbb/src"}
    host.forget_stale_var(FakeOdoo)
    assert not (var / "found-host.json").exists()
    assert not (var / "venv-hostfree").exists()
    assert (var / "log").is_dir()
    assert "var/ was made for the Odoo at /cache/odoo-18.0-aaaa/src" in (
        capsys.readouterr().out
    )


def test_run_config_is_production_shaped():
    class FakeOdoo:
        addons_path = "/addons"

    text = multiprocess.run_config(FakeOdoo(), "db1", 8069, workers=4)
    assert "workers = 4" in text
    assert "max_cron_threads = 1" in text
    assert "server_wide_modules = base,web,queue_job" in text
    assert "db_name = db1" in text and "dbfilter = ^db1$" in text
    assert "gevent_port = 8072" in text
    assert "[queue_job]\nchannels = root:2\n" in text
    assert "limit_time" not in text, "Odoo's default limits"
    one = multiprocess.run_config(FakeOdoo(), "db1", 8069, 1, channels="root:1")
    assert "channels = root:1" in one
    assert multiprocess.job_capacity(1) == 1
