# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The batch paths' state (tools/markers) exists only while the addon's method
that set it runs, per transaction; a batch that would skip another class's
override is detected (tools/overrides)."""

from types import SimpleNamespace

import pytest
from conftest import load_pure_module


@pytest.fixture(scope="module")
def markers():
    return load_pure_module("tools/markers.py", "sp_markers")


@pytest.fixture(scope="module")
def overrides():
    return load_pure_module("tools/overrides.py", "sp_overrides")


def transaction():
    """Stands for an environment: its cursor's per-transaction cache."""
    return SimpleNamespace(cr=SimpleNamespace(cache={}))


def test_batch_only_inside_the_block(markers):
    env, other = transaction(), transaction()
    batch = {"lines": {1}, "lots": set(), "pending": []}
    assert markers.get(env, "new_quants_batch") is None
    with markers.marked(env, "new_quants_batch", batch) as value:
        assert value is batch
        assert markers.get(env, "new_quants_batch") is batch
        assert markers.get(env, "bulk_create_quants") is None, "markers apart"
        assert markers.get(other, "new_quants_batch") is None, "transactions apart"
    assert markers.get(env, "new_quants_batch") is None


def test_nested_batch_restores_the_outer_one(markers):
    env = transaction()
    with markers.marked(env, "new_quants_batch", "outer"):
        with markers.marked(env, "new_quants_batch", "inner"):
            assert markers.get(env, "new_quants_batch") == "inner"
        assert markers.get(env, "new_quants_batch") == "outer"


def test_batch_closed_when_the_step_fails(markers):
    env = transaction()
    with pytest.raises(ValueError):
        with markers.marked(env, "new_quants_batch", "batch"):
            raise ValueError("refused")
    assert markers.get(env, "new_quants_batch") is None


class Core:
    def create(self):
        return "core"

    def other(self):
        return "core"


class Ours(Core):
    def create(self):
        return "ours"


class Between(Core):
    def create(self):
        return "between"


class Above(Core):
    def create(self):
        return "above"


class Alone(Ours):
    pass


class Crowded(Above, Ours, Between):
    pass


def test_override_between_is_found(overrides):
    assert overrides.overridden_between(Crowded, Ours, Core, "create") == [Between]
    assert overrides.overridden_between(Crowded, Ours, Core, "other") == []


def test_nothing_between(overrides):
    assert overrides.overridden_between(Alone, Ours, Core, "create") == []


def test_override_anywhere_but_allowed(overrides):
    assert overrides.overridden_except(Alone, (Ours, Core), "create") == []
    assert overrides.overridden_except(Crowded, (Ours, Core), "create") == [
        Above,
        Between,
    ]
