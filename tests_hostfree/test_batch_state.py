# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The batch paths' state lives on the transaction's cursor, under private
tokens, only while the method that opened it runs; a batch that would skip
another class's override is detected."""

import pytest
from conftest import load_pure_module


@pytest.fixture(scope="module")
def batch_state():
    return load_pure_module("tools/batch_state.py", "sp_batch_state")


class Cursor:
    """Stands for Odoo's cursor, which forwards unknown attributes elsewhere."""

    def __getattr__(self, name):
        return f"forwarded {name}"


TOKEN, OTHER = object(), object()


def test_current_only_inside_the_block(batch_state):
    cr = Cursor()
    assert batch_state.current(cr, TOKEN) is None, "nothing read from a forward"
    with batch_state.opened(cr, TOKEN, {"lots": {1}}) as state:
        assert batch_state.current(cr, TOKEN) is state
        assert batch_state.current(cr, OTHER) is None, "tokens are separate"
        assert batch_state.current(Cursor(), TOKEN) is None, "cursors are separate"
    assert batch_state.current(cr, TOKEN) is None


def test_nested_batches_innermost_first(batch_state):
    cr = Cursor()
    with batch_state.opened(cr, TOKEN, "outer"):
        with batch_state.opened(cr, TOKEN, "inner"):
            assert batch_state.current(cr, TOKEN) == "inner"
        assert batch_state.current(cr, TOKEN) == "outer"


def test_closed_when_the_method_fails(batch_state):
    cr = Cursor()
    with pytest.raises(ValueError):
        with batch_state.opened(cr, TOKEN, "state"):
            raise ValueError("refused")
    assert batch_state.current(cr, TOKEN) is None


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


def test_override_between_is_found(batch_state):
    assert batch_state.overridden_between(Crowded, Ours, Core, "create") == [Between]
    assert batch_state.overridden_between(Crowded, Ours, Core, "other") == []


def test_nothing_between(batch_state):
    assert batch_state.overridden_between(Alone, Ours, Core, "create") == []
