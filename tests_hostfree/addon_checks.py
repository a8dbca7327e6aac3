"""Static checks of an Odoo addon folder, without Odoo.

Each ``check_*`` function takes the addon directory and returns a list of
problems (strings, each naming the file concerned); ``check_addon`` runs them all.
"""

import ast
import csv
import re
from pathlib import Path

from lxml import etree

VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")
OCA_LICENSES = {
    "AGPL-3",
    "LGPL-3",
    "GPL-2",
    "GPL-2 or any later version",
    "GPL-3",
    "GPL-3 or any later version",
}
# The addon; its bridges (MAIN_ADDON_<module>) depend on it and auto-install.
MAIN_ADDON = "serial_procurement"
REQUIRED_DEPENDS = (
    "sale_management",
    "sale_stock",
    "purchase_stock",
    "stock_account",
    "product_expiry",
    "helpdesk_mgmt",
)
# Fields every model has, whatever its Python class says.
MAGIC_FIELDS = {
    "id",
    "display_name",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
}
MODEL_DIRS = ("models", "wizards", "report")
NOT_PYTHON_PACKAGES = {"static", "migrations", "upgrades", "i18n", "readme"}


def _rel(addon, path):
    return str(Path(path).relative_to(addon))


def read_manifest(addon):
    """Return (manifest dict or None, problems)."""
    path = Path(addon) / "__manifest__.py"
    if not path.is_file():
        return None, ["__manifest__.py: missing"]
    try:
        manifest = ast.literal_eval(path.read_text())
    except (SyntaxError, ValueError) as exc:
        return None, [f"__manifest__.py: does not parse: {exc}"]
    if not isinstance(manifest, dict):
        return None, ["__manifest__.py: is not a dict"]
    return manifest, []


def check_manifest(addon):
    manifest, problems = read_manifest(addon)
    if manifest is None:
        return problems
    version = manifest.get("version", "")
    if not VERSION_RE.match(str(version)):
        problems.append(
            f"__manifest__.py: version {version!r} is not of the form 18.0.x.y.z"
        )
    license_ = manifest.get("license")
    if license_ not in OCA_LICENSES:
        problems.append(
            f"__manifest__.py: license {license_!r} is not OCA-compatible "
            f"({', '.join(sorted(OCA_LICENSES))})"
        )
    depends = manifest.get("depends", [])
    bridge = Path(addon).name.startswith(MAIN_ADDON + "_")
    for module in (MAIN_ADDON,) if bridge else REQUIRED_DEPENDS:
        if module not in depends:
            problems.append(f"__manifest__.py: depends lacks {module}")
    if bridge and not manifest.get("auto_install"):
        problems.append("__manifest__.py: a bridge addon must be auto_install")
    return problems


def data_files(addon, keys=("data", "demo")):
    manifest, _problems = read_manifest(addon)
    files = []
    for key in keys:
        for name in (manifest or {}).get(key, []):
            files.append((key, name))
    return files


def parse_xml(path):
    parser = etree.XMLParser(remove_comments=True, resolve_entities=False)
    return etree.parse(str(path), parser)


def check_data_files(addon):
    """Every data/demo file exists and parses (XML with lxml, CSV with csv)."""
    addon = Path(addon)
    problems = []
    for key, name in data_files(addon):
        path = addon / name
        if not path.is_file():
            problems.append(f"{name}: listed in '{key}' but missing")
            continue
        if path.suffix == ".xml":
            try:
                parse_xml(path)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: XML does not parse: {exc}")
        elif path.suffix == ".csv":
            try:
                with open(path, newline="", encoding="utf-8") as handle:
                    rows = list(csv.reader(handle, strict=True))
            except (csv.Error, UnicodeDecodeError) as exc:
                problems.append(f"{name}: CSV does not parse: {exc}")
                continue
            if not rows or not rows[0]:
                problems.append(f"{name}: CSV has no header")
                continue
            for number, row in enumerate(rows[1:], start=2):
                if row and len(row) != len(rows[0]):
                    problems.append(
                        f"{name}:{number}: {len(row)} columns, header has "
                        f"{len(rows[0])}"
                    )
    return problems


def _local_id(xmlid, module):
    prefix = module + "."
    return xmlid[len(prefix) :] if xmlid.startswith(prefix) else xmlid


def check_xml_ids(addon):
    """XML ids are unique across the addon's data and demo files."""
    addon = Path(addon)
    module = addon.name
    seen = {}
    problems = []
    for _key, name in data_files(addon):
        path = addon / name
        ids = []
        if path.suffix == ".xml" and path.is_file():
            try:
                tree = parse_xml(path)
            except etree.XMLSyntaxError:
                continue  # reported by check_data_files
            for node in tree.iter():
                if not isinstance(node.tag, str) or node.tag == "field":
                    continue
                if node.get("id") and node.tag in (
                    "record",
                    "template",
                    "menuitem",
                    "report",
                    "act_window",
                ):
                    ids.append(node.get("id"))
        elif path.suffix == ".csv" and path.is_file():
            try:
                with open(path, newline="", encoding="utf-8") as handle:
                    ids = [row.get("id") for row in csv.DictReader(handle)]
            except (csv.Error, UnicodeDecodeError):
                continue
        for xmlid in filter(None, ids):
            local = _local_id(xmlid, module)
            if local in seen:
                problems.append(
                    f"{name}: duplicate XML id {local!r} (also in {seen[local]})"
                )
            else:
                seen[local] = name
    return problems


def _string_or_list(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple):
        return [
            elt.value
            for elt in node.elts
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
        ]
    return []


def _is_field_call(node):
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "fields"
    )


def _class_info(cls):
    """(_name, _inherit list, field names) of a model class body."""
    name, inherit, fields = None, [], set()
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        for target in (t for t in targets if isinstance(t, ast.Name)):
            if target.id == "_name":
                name = (_string_or_list(value) or [None])[0]
            elif target.id == "_inherit":
                inherit = _string_or_list(value)
            elif _is_field_call(value):
                fields.add(target.id)
    return name, inherit, fields


def read_models(addon):
    """Statically read models/, wizards/ and report/.

    Return ``{model: {"defined": bool, "fields": set, "mixins": set}}``:
    ``defined`` when the addon creates the model (``_name`` not also inherited),
    ``mixins`` the other models a defined model inherits.
    """
    addon = Path(addon)
    result = {}

    def entry_of(model):
        return result.setdefault(
            model, {"defined": False, "fields": set(), "mixins": set()}
        )

    for folder in MODEL_DIRS:
        for path in sorted((addon / folder).glob("*.py")):
            try:
                tree = ast.parse(path.read_text(), str(path))
            except SyntaxError:
                continue  # reported by check_python
            for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
                name, inherit, fields = _class_info(cls)
                if name:
                    entry = entry_of(name)
                    entry["fields"] |= fields
                    if name not in inherit:
                        entry["defined"] = True
                        entry["mixins"] |= set(inherit)
                else:  # _inherit without _name: extends each model listed
                    for model in inherit:
                        entry_of(model)["fields"] |= fields
    return result


def model_xmlid(model):
    return "model_" + model.replace(".", "_")


def check_access_rules(addon):
    """Every model_id:id of ir.model.access.csv names a model known to the addon."""
    addon = Path(addon)
    module = addon.name
    path = addon / "security" / "ir.model.access.csv"
    if not path.is_file():
        return []
    defined = {
        model_xmlid(model)
        for model, entry in read_models(addon).items()
        if entry["defined"]
    }
    problems = []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (csv.Error, UnicodeDecodeError) as exc:
        return [f"security/ir.model.access.csv: does not parse: {exc}"]
    for number, row in enumerate(rows, start=2):
        ref = (row.get("model_id:id") or "").strip()
        if not ref:
            problems.append(f"security/ir.model.access.csv:{number}: no model_id:id")
            continue
        if "." in ref and not ref.startswith(module + "."):
            continue  # module.model_x: a model of a dependency
        local = _local_id(ref, module)
        if local not in defined:
            problems.append(
                f"security/ir.model.access.csv:{number}: model {ref!r} is not "
                f"defined by the addon (known: {', '.join(sorted(defined))})"
            )
    return problems


def _arch_fields(node):
    """Field names directly in an arch: nested x2many sub-views are skipped."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            if child.get("name"):
                yield child.get("name"), child.sourceline
            continue  # its children describe the comodel
        yield from _arch_fields(child)


def check_views(addon):
    """Views of models the addon defines only name fields the addon defines.

    Views of inherited (host) models are not checked field by field: fields the
    addon does not define there come from the host addons.
    """
    addon = Path(addon)
    models_ = read_models(addon)
    problems = []
    for _key, name in data_files(addon):
        path = addon / name
        if path.suffix != ".xml" or not path.is_file():
            continue
        try:
            tree = parse_xml(path)
        except etree.XMLSyntaxError:
            continue
        for record in tree.iter("record"):
            if record.get("model") != "ir.ui.view":
                continue
            model_node = record.find("field[@name='model']")
            arch = record.find("field[@name='arch']")
            if model_node is None or arch is None or not model_node.text:
                continue
            model = model_node.text.strip()
            entry = models_.get(model)
            if not entry or not entry["defined"]:
                continue
            known = _fields_with_addon_mixins(models_, model)
            if known is None:  # a mixin of another addon: fields unknown
                continue
            known |= MAGIC_FIELDS
            for field, line in _arch_fields(arch):
                if field not in known:
                    problems.append(
                        f"{name}:{line}: view {record.get('id')} names field "
                        f"{field!r}, not defined on {model}"
                    )
    return problems


def _fields_with_addon_mixins(models_, model, seen=()):
    """Fields of ``model`` and of the mixins the addon itself defines; None when
    a mixin comes from another addon (its fields cannot be read here)."""
    entry = models_.get(model)
    if not entry or not entry["defined"] or model in seen:
        return None
    fields = set(entry["fields"])
    for mixin in entry["mixins"]:
        mixin_fields = _fields_with_addon_mixins(models_, mixin, (*seen, model))
        if mixin_fields is None:
            return None
        fields |= mixin_fields
    return fields


def check_python(addon):
    """Every Python file of the addon compiles."""
    addon = Path(addon)
    problems = []
    for path in sorted(addon.rglob("*.py")):
        try:
            compile(path.read_text(), str(path), "exec")
        except (SyntaxError, ValueError) as exc:
            problems.append(f"{_rel(addon, path)}: does not compile: {exc}")
    return problems


def _imported_names(init):
    try:
        tree = ast.parse(init.read_text())
    except SyntaxError:
        return None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return names


def check_inits(addon):
    """Every __init__.py imports every module file of its folder.

    In tests/ only test_*.py files count (Odoo runs the imported test modules;
    helpers such as common.py are imported by the tests themselves).
    """
    addon = Path(addon)
    problems = []
    for init in sorted(addon.rglob("__init__.py")):
        folder = init.parent
        if set(folder.relative_to(addon).parts) & NOT_PYTHON_PACKAGES:
            continue
        imported = _imported_names(init)
        if imported is None:
            continue  # reported by check_python
        for path in sorted(folder.glob("*.py")):
            if path.name in ("__init__.py", "__manifest__.py"):
                continue
            if folder.name == "tests" and not path.name.startswith("test_"):
                continue
            if path.stem not in imported:
                problems.append(
                    f"{_rel(addon, init)}: does not import {path.stem} "
                    f"({_rel(addon, path)})"
                )
    return problems


def check_i18n(addon):
    addon = Path(addon)
    i18n = addon / "i18n"
    if i18n.is_dir() and any(i18n.iterdir()):
        pot = i18n / f"{addon.name}.pot"
        if not pot.is_file():
            return [f"i18n/{addon.name}.pot: missing while i18n/ has files"]
    return []


CHECKS = (
    check_manifest,
    check_data_files,
    check_xml_ids,
    check_access_rules,
    check_views,
    check_python,
    check_inits,
    check_i18n,
)


def check_addon(addon):
    problems = []
    for check in CHECKS:
        problems.extend(check(addon))
    return problems
