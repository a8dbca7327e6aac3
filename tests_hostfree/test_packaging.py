"""Packaging the OCA way: a whool pyproject.toml per addon, generated docs that
are up to date, release-notes fragments and migration folders that make sense."""

import importlib.util
import re
import shutil
import sys

import pytest
from conftest import REPO

ADDON_DIRS = sorted(p.parent for p in REPO.glob("*/__manifest__.py"))
# What `whool init` (make pyproject) writes: the same file in every addon.
WHOOL_PYPROJECT = (
    '[build-system]\nrequires = ["whool"]\nbuild-backend = "whool.buildapi"\n'
)
VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def gen_readme():
    spec = importlib.util.spec_from_file_location(
        "sp_gen_readme", REPO / "scripts" / "gen_readme.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_addon_dirs_found():
    assert REPO / "serial_procurement" in ADDON_DIRS


@pytest.mark.parametrize("addon", ADDON_DIRS, ids=lambda p: p.name)
def test_every_addon_has_the_whool_pyproject(addon):
    path = addon / "pyproject.toml"
    assert path.exists(), "%s: run `make pyproject`" % addon.name
    assert path.read_text() == WHOOL_PYPROJECT


@pytest.mark.parametrize("addon", ADDON_DIRS, ids=lambda p: p.name)
def test_readme_rst_is_generated_from_the_fragments(addon, gen_readme):
    """README.rst is what gen_readme.py writes (index.html: make readme-check)."""
    assert gen_readme.stale(gen_readme.outputs(addon, with_html=False)) == []


@pytest.mark.parametrize("addon", ADDON_DIRS, ids=lambda p: p.name)
def test_migration_folders_are_versions_the_manifest_reaches(addon, gen_readme):
    version = gen_readme.read_manifest(addon)["version"]
    assert VERSION_RE.match(version), version
    migrations = addon / "migrations"
    folders = (
        [p for p in migrations.iterdir() if p.is_dir()] if migrations.exists() else []
    )
    for folder in folders:
        assert VERSION_RE.match(folder.name), folder
        assert tuple(map(int, folder.name.split("."))) <= tuple(
            map(int, version.split("."))
        ), "%s never runs: the manifest says %s" % (folder, version)
        scripts = list(folder.glob("*.py"))
        assert scripts and all(
            re.match(r"^(pre|post|end)-\w+\.py$", s.name) for s in scripts
        ), scripts


@pytest.mark.parametrize("addon", ADDON_DIRS, ids=lambda p: p.name)
def test_newsfragments_are_named_issue_dot_type(addon):
    config = (REPO / "towncrier.toml").read_text()
    types = set(re.findall(r'^directory = "(\w+)"$', config, re.MULTILINE))
    assert {"feature", "bugfix", "upgrade"} <= types
    fragments = addon / "readme" / "newsfragments"
    for path in fragments.glob("*") if fragments.exists() else []:
        if path.name.startswith("."):
            continue
        parts = path.name.split(".")
        assert len(parts) in (3, 4) and parts[-1] == "md", path.name
        assert parts[1] in types, "%s: type not in towncrier.toml" % path.name
        assert path.read_text().strip(), "%s is empty" % path.name


# -- gen_readme: the markdown subset ------------------------------------------


def test_md_lists_headings_inline(gen_readme):
    md = (
        "# Title\n\nSome `code_x` and **bold** and *it* and a "
        "[link](https://x.org) and field_name_ end.\n\n"
        "1. first\n   continued\n2. second\n\n"
        "- a\n  - nested\n- b | c\n\n## Sub\n\n```\nraw *text*\n```\n"
    )
    assert gen_readme.md_to_rst(md) == (
        "Title\n-----\n\n"
        "Some ``code_x`` and **bold** and *it* and a `link <https://x.org>`__ and "
        "field_name\\_ end.\n\n"
        "1. first\n   continued\n2. second\n\n"
        "- a\n\n  - nested\n- b \\| c\n\n"
        "Sub\n~~~\n\n"
        "::\n\n   raw *text*\n"
    )


def test_md_images_are_mapped_for_readme_and_apps_page(gen_readme):
    md = "![Ticket](../static/description/ticket.png)\n"
    assert gen_readme.md_to_rst(md, gen_readme._readme_src) == (
        ".. image:: static/description/ticket.png\n   :alt: Ticket\n"
    )
    assert gen_readme.md_to_rst(md, gen_readme._html_src) == (
        ".. image:: ticket.png\n   :alt: Ticket\n"
    )


def test_md_unsupported_constructs_are_refused(gen_readme):
    with pytest.raises(gen_readme.MarkdownError):
        gen_readme.md_to_rst("| a | b |\n|---|---|\n")
    with pytest.raises(gen_readme.MarkdownError):
        gen_readme.md_to_rst("```\nnever closed\n")


# -- gen_readme --check on a disposable copy -------------------------------------


@pytest.fixture
def addon_copy(tmp_path):
    copy = tmp_path / "serial_procurement"
    shutil.copytree(
        REPO / "serial_procurement",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.png"),
    )
    return copy


def test_check_mode_passes_then_fails_with_a_diff_on_a_stale_readme(
    gen_readme, addon_copy, capsys
):
    args = ["--no-html", str(addon_copy)]
    assert gen_readme.main(args) == 0
    assert gen_readme.main(["--check", *args]) == 0
    usage = addon_copy / "readme" / "USAGE.md"
    usage.write_text(usage.read_text() + "\nA sentence added to the fragment.\n")
    capsys.readouterr()
    assert gen_readme.main(["--check", *args]) == 1
    out = capsys.readouterr()
    assert "+A sentence added to the fragment." in out.out
    assert "stale" in out.err
    assert "A sentence added" not in (addon_copy / "README.rst").read_text()
    assert gen_readme.main(args) == 0
    assert "A sentence added" in (addon_copy / "README.rst").read_text()
    assert gen_readme.main(["--check", *args]) == 0


def test_check_mode_fails_when_the_generated_file_is_missing(gen_readme, addon_copy):
    (addon_copy / "README.rst").unlink()
    assert gen_readme.main(["--check", "--no-html", str(addon_copy)]) == 1


def test_unsupported_markdown_exits_2(gen_readme, addon_copy, capsys):
    (addon_copy / "readme" / "USAGE.md").write_text("| a | b |\n")
    assert gen_readme.main(["--no-html", str(addon_copy)]) == 2
    assert "tables" in capsys.readouterr().err


def test_apps_page_html_is_rendered_with_bare_image_names(gen_readme, addon_copy):
    pytest.importorskip("docutils", reason="index.html is rendered by docutils")
    (addon_copy / "readme" / "USAGE.md").write_text(
        "Look:\n\n![Cockpit](../static/description/cockpit.png)\n"
    )
    html = gen_readme.index_html(addon_copy)
    assert '<img alt="Cockpit" src="cockpit.png"' in html
    assert '<h1 class="title">Serial Procurement</h1>' in html
    assert 'name="generator"' not in html


def test_apps_page_html_refuses_broken_rst(gen_readme, addon_copy):
    docutils_utils = pytest.importorskip(
        "docutils.utils", reason="index.html is rendered by docutils"
    )
    # An emphasis never closed is an rst warning: docutils stops instead of writing.
    (addon_copy / "readme" / "USAGE.md").write_text("An *unclosed emphasis.\n")
    with pytest.raises(docutils_utils.SystemMessage):
        gen_readme.index_html(addon_copy)


# -- the wheel layer's guards (scripts/sptool/wheel_layer.py) ---------------------


class FakeOdoo:
    def __init__(self, paths):
        self.paths = paths

    def addons_paths(self, with_repo=True):
        return ([str(REPO)] if with_repo else []) + self.paths


def test_wheel_layer_addons_path_never_holds_the_checkout(tmp_path):
    from sptool import wheel_layer
    from sptool.output import Failure

    odoo_addons = str(tmp_path / "odoo" / "addons")
    assert wheel_layer.addons_path_without_checkout(FakeOdoo([odoo_addons])) == (
        odoo_addons
    )
    with pytest.raises(Failure, match="checkout"):
        wheel_layer.addons_path_without_checkout(FakeOdoo([odoo_addons, str(REPO)]))


def test_wheel_layer_builds_one_wheel_per_addon_or_fails(tmp_path, monkeypatch):
    from sptool import wheel_layer
    from sptool.output import Failure

    built = []

    def fake_pip(python, *args, quiet=True):
        built.append(args[-1].name)
        (
            wheel_layer.DIST
            / ("odoo_addon_%s-18.0.1.0.0-py3-none-any.whl" % args[-1].name)
        ).write_bytes(b"")

    monkeypatch.setattr(wheel_layer, "DIST", tmp_path / "dist")
    monkeypatch.setattr(wheel_layer, "pip", fake_pip)
    wheels = wheel_layer.build_wheels("python", ["serial_procurement"])
    assert built == ["serial_procurement"]
    assert [w.name for w in wheels] == [
        "odoo_addon_serial_procurement-18.0.1.0.0-py3-none-any.whl"
    ]
    monkeypatch.setattr(wheel_layer, "pip", lambda *a, **k: None)
    with pytest.raises(Failure, match="1 addons but 0 wheels"):
        wheel_layer.build_wheels("python", ["serial_procurement"])
