"""Host-free tests: pure Python, no Odoo imported.

The addon's pure modules are loaded by file path: importing the package
``serial_procurement`` would import odoo.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ADDON = REPO / "serial_procurement"

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def load_pure_module(relative_path, name):
    """Load a module of the addon from its file, without its package."""
    spec = importlib.util.spec_from_file_location(name, ADDON / relative_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def addon_dir():
    return ADDON


@pytest.fixture(scope="session")
def serial_parser():
    return load_pure_module("tools/serial_parser.py", "sp_serial_parser")


@pytest.fixture(scope="session")
def billing():
    return load_pure_module("tools/billing.py", "sp_billing")


@pytest.fixture(scope="session")
def reservation_plan():
    return load_pure_module("tools/reservation_plan.py", "sp_reservation_plan")


@pytest.fixture(scope="session", autouse=True)
def no_odoo_imported():
    yield
    assert "odoo" not in sys.modules, "the host-free suite must not import odoo"


@pytest.fixture(scope="session")
def spreadsheet():
    return load_pure_module("tools/spreadsheet.py", "sp_spreadsheet")


@pytest.fixture(scope="session")
def input_checks():
    return load_pure_module("tools/input_checks.py", "sp_input_checks")


SCRIPTS = REPO / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


@pytest.fixture(scope="session")
def table_statistics():
    return load_pure_module("tools/table_statistics.py", "sp_table_statistics")


@pytest.fixture(scope="session")
def sheet_reader():
    return load_pure_module("tools/sheet_reader.py", "sp_sheet_reader")
