"""pytest plugin of `make test-peers` (loaded into the Odoo python with
``-p sptool.peers_plugin``): a test class runs only in the module that defines it.

pytest collects every TestCase class a test module holds, also one it imports:
helpdesk_mgmt's ``tests/test_js.py`` imports ``WebSuite`` from web, which would run
all of web's JavaScript unit tests (an hour here) under helpdesk_mgmt's name.
Odoo's own runner gives such a class to the module that defines it
(``test_module``); so does this plugin, by deselecting it elsewhere.
"""


def imported_elsewhere(item):
    cls = getattr(item, "cls", None)
    module = getattr(item, "module", None)
    return bool(cls and module and cls.__module__ != module.__name__)


def pytest_collection_modifyitems(config, items):
    dropped = [item for item in items if imported_elsewhere(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not imported_elsewhere(item)]
