"""Static validation of the addon, and proof that each check catches its fault."""

import re
import shutil

import addon_checks as checks
import pytest


@pytest.fixture
def broken(addon_dir, tmp_path):
    """A disposable copy of the addon to break."""
    copy = tmp_path / addon_dir.name
    shutil.copytree(
        addon_dir, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return copy


def manifest_of(addon):
    manifest, problems = checks.read_manifest(addon)
    assert not problems
    return manifest


def first_data_file(addon, suffix, key="data"):
    return next(
        name
        for k, name in checks.data_files(addon)
        if k == key and name.endswith(suffix)
    )


def addon_view(addon):
    """(file, record id) of a view on a model the addon defines."""
    models = checks.read_models(addon)
    defined = {m for m, entry in models.items() if entry["defined"]}
    for _key, name in checks.data_files(addon):
        if not name.endswith(".xml"):
            continue
        tree = checks.parse_xml(addon / name)
        for record in tree.iter("record"):
            model = record.find("field[@name='model']")
            if record.get("model") == "ir.ui.view" and model is not None:
                if model.text.strip() in defined:
                    return name, record.get("id")
    pytest.skip("the addon has no view on a model of its own")


def assert_reported(problems, pattern):
    assert any(re.search(pattern, p) for p in problems), problems


def test_real_addon_has_no_problem(addon_dir):
    assert checks.check_addon(addon_dir) == []


def test_real_addon_defines_its_wizards(addon_dir):
    models = checks.read_models(addon_dir)
    assert models["serial.procurement.deposit.wizard"]["defined"]
    assert models["serial.procurement.serial.entry.wizard"]["defined"]
    assert not models["helpdesk.ticket"]["defined"]


def test_manifest_required_depends(addon_dir):
    depends = manifest_of(addon_dir)["depends"]
    for module in checks.REQUIRED_DEPENDS:
        assert module in depends


def test_missing_data_file(broken):
    name = first_data_file(broken, ".xml")
    (broken / name).unlink()
    assert_reported(
        checks.check_addon(broken), rf"{re.escape(name)}: listed in 'data' but missing"
    )


def test_missing_demo_file(broken):
    name = first_data_file(broken, ".xml", key="demo")
    (broken / name).unlink()
    assert_reported(
        checks.check_data_files(broken), rf"{re.escape(name)}: listed in 'demo'"
    )


def test_malformed_xml(broken):
    name = first_data_file(broken, ".xml")
    path = broken / name
    path.write_text(path.read_text().replace("</odoo>", "</odo>"))
    assert_reported(
        checks.check_addon(broken), rf"{re.escape(name)}: XML does not parse"
    )


def test_malformed_csv(broken):
    path = broken / "security" / "ir.model.access.csv"
    path.write_text(path.read_text() + "access_x,x,model_x\n")
    assert_reported(
        checks.check_addon(broken),
        r"ir\.model\.access\.csv:\d+: 3 columns, header has 8",
    )


def test_duplicate_xml_id(broken):
    name = first_data_file(broken, "_views.xml")
    path = broken / name
    tree = checks.parse_xml(path)
    record = next(tree.iter("record"))
    xmlid = record.get("id")
    text = path.read_text()
    block = text[text.index(f'<record id="{xmlid}"') :]
    block = block[: block.index("</record>") + len("</record>")]
    path.write_text(text.replace("</odoo>", block + "\n</odoo>"))
    assert_reported(
        checks.check_addon(broken), rf"duplicate XML id '{re.escape(xmlid)}'"
    )


def test_duplicate_xml_id_across_files(broken):
    security = broken / "security" / "serial_procurement_security.xml"
    xmlid = next(checks.parse_xml(security).iter("record")).get("id")
    demo = broken / first_data_file(broken, ".xml", key="demo")
    demo.write_text(
        demo.read_text().replace(
            "</odoo>",
            f'<record id="serial_procurement.{xmlid}" model="res.groups">'
            '<field name="name">Again</field></record></odoo>',
        )
    )
    assert_reported(
        checks.check_xml_ids(broken), rf"duplicate XML id '{re.escape(xmlid)}'"
    )


def test_access_rule_on_unknown_model(broken):
    path = broken / "security" / "ir.model.access.csv"
    path.write_text(
        path.read_text().rstrip("\n")
        + "\naccess_ghost,ghost,model_serial_procurement_ghost,"
        + "base.group_user,1,0,0,0\n"
    )
    assert_reported(
        checks.check_addon(broken),
        r"model 'model_serial_procurement_ghost' is not defined",
    )


def test_access_rule_on_dependency_model_is_accepted(broken):
    path = broken / "security" / "ir.model.access.csv"
    path.write_text(
        path.read_text().rstrip("\n")
        + "\naccess_lot_x,lot,stock.model_stock_lot,base.group_user,1,0,0,0\n"
    )
    assert checks.check_access_rules(broken) == []


def test_view_names_undefined_field(broken):
    name, view_id = addon_view(broken)
    path = broken / name
    text = path.read_text()
    start = text.index(f'<record id="{view_id}"')
    anchor = text.index("<group>", start) + len("<group>")
    path.write_text(text[:anchor] + '<field name="no_such_field_x" />' + text[anchor:])
    assert_reported(
        checks.check_addon(broken),
        rf"view {re.escape(view_id)} names field 'no_such_field_x'",
    )


def test_view_field_in_x2many_subview_is_not_checked(broken):
    name, view_id = addon_view(broken)
    path = broken / name
    text = path.read_text()
    start = text.index(f'<record id="{view_id}"')
    anchor = text.index("<group>", start) + len("<group>")
    path.write_text(
        text[:anchor]
        + '<field name="company_id"><list>'
        + '<field name="comodel_only_x" /></list></field>'
        + text[anchor:]
    )
    assert checks.check_views(broken) == []


def test_view_on_host_model_skips_unknown_fields(broken):
    name = "views/helpdesk_ticket_views.xml"
    path = broken / name
    text = path.read_text()
    path.write_text(
        text.replace(
            'position="before">', 'position="before"><field name="host_field_x" />', 1
        )
    )
    assert checks.check_views(broken) == []


def test_python_syntax_error(broken):
    path = broken / "tools" / "billing.py"
    path.write_text(path.read_text() + "\ndef broken(:\n")
    assert_reported(checks.check_addon(broken), r"tools/billing\.py: does not compile")


def test_init_misses_a_module(broken):
    (broken / "models" / "orphan_model.py").write_text("X = 1\n")
    assert_reported(
        checks.check_addon(broken), r"models/__init__\.py: does not import orphan_model"
    )


@pytest.mark.parametrize("version", ["17.0.1.0.0", "18.0.1.0", "1.0", "18.0.1.0.0.1"])
def test_manifest_wrong_version(broken, version):
    path = broken / "__manifest__.py"
    text = path.read_text()
    current = manifest_of(broken)["version"]
    path.write_text(text.replace(f'"{current}"', f'"{version}"'))
    assert_reported(
        checks.check_addon(broken),
        rf"version '{re.escape(version)}' is not of the form",
    )


def test_manifest_wrong_license(broken):
    path = broken / "__manifest__.py"
    current = manifest_of(broken)["license"]
    path.write_text(path.read_text().replace(f'"{current}"', '"OPL-1"'))
    assert_reported(
        checks.check_manifest(broken), r"license 'OPL-1' is not OCA-compatible"
    )


def test_manifest_missing_depend(broken):
    path = broken / "__manifest__.py"
    path.write_text(path.read_text().replace('"helpdesk_mgmt",', ""))
    assert_reported(checks.check_manifest(broken), r"depends lacks helpdesk_mgmt")


def test_manifest_unparsable(broken):
    (broken / "__manifest__.py").write_text("{'name': open('x')}")
    assert_reported(checks.check_addon(broken), r"__manifest__\.py: does not parse")


def test_i18n_without_pot(broken):
    i18n = broken / "i18n"
    shutil.rmtree(i18n, ignore_errors=True)
    i18n.mkdir()
    (i18n / "fr.po").write_text('msgid ""\nmsgstr ""\n')
    assert_reported(checks.check_i18n(broken), r"i18n/serial_procurement\.pot: missing")


def test_bridge_addons_have_no_problem(addon_dir):
    bridges = sorted(addon_dir.parent.glob(f"{addon_dir.name}_*/__manifest__.py"))
    assert bridges, "no bridge addon found beside the addon"
    for manifest in bridges:
        assert checks.check_addon(manifest.parent) == [], manifest.parent.name


@pytest.mark.parametrize(
    "old, new, problem",
    [
        ('"auto_install": True', '"auto_install": False', "must be auto_install"),
        (
            '"depends": ["serial_procurement", ',
            '"depends": [',
            "lacks serial_procurement",
        ),
    ],
)
def test_broken_bridge_manifest_is_caught(addon_dir, tmp_path, old, new, problem):
    bridge = addon_dir.parent / f"{addon_dir.name}_queue_job"
    copy = tmp_path / bridge.name
    shutil.copytree(bridge, copy, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = copy / "__manifest__.py"
    text = manifest.read_text()
    assert old in text
    manifest.write_text(text.replace(old, new))
    assert any(problem in p for p in checks.check_manifest(copy))
