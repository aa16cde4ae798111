"""The rules the hosted-shop adapters share: coercion, cancel preconditions, which lines a return takes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import ActionRefused
from bot.types import Address, Order
from connectors.commerce.hosted import as_money, as_text, check_cancel, returned_lines

_HOME = Address("1 Main St", "", "Austin", "TX", "USA", "73301")
_LINES: list[dict[str, Any]] = [{"id": 1, "sku": "a", "quantity": 2}, {"id": 2, "sku": "b"}]


def _order(status: str) -> Order:
    return Order("#1001", "7", status, _HOME, ())


def _sku(line: dict[str, Any]) -> str:
    return as_text(line.get("sku"))


def test_fields_coerce_like_the_platforms_send_them() -> None:
    assert (as_text(None), as_text(42), as_money("199.00"), as_money(None), as_money("n/a")) == ("", "42", 199.0, 0, 0)


def test_cancel_needs_a_pending_order_and_a_known_reason() -> None:
    check_cancel(_order("pending"), "ordered by mistake")
    with pytest.raises(ActionRefused, match="^Non-pending order cannot be cancelled$"):
        check_cancel(_order("delivered"), "ordered by mistake")
    with pytest.raises(ActionRefused, match="^Invalid reason$"):
        check_cancel(_order("pending"), "too expensive")


def test_a_return_takes_each_line_with_its_units() -> None:
    taken = returned_lines(_order("delivered"), _LINES, ["a", "b", "a"], _sku)
    assert [(line["id"], wanted) for line, wanted in taken] == [(1, 2), (2, 1)]
    assert [(line["id"], n) for line, n in returned_lines(_order("delivered"), _LINES, ["b"], _sku)] == [(2, 1)]


@pytest.mark.parametrize("item_ids", [["a", "a", "a"], ["c"], ["a", "c"], []])
def test_a_return_of_what_is_not_on_the_order_is_refused(item_ids: list[str]) -> None:
    with pytest.raises(ActionRefused, match="^Some item not found$"):
        returned_lines(_order("delivered"), _LINES, item_ids, _sku)


def test_only_a_delivered_order_is_returned() -> None:
    with pytest.raises(ActionRefused, match="^Non-delivered order cannot be returned$"):
        returned_lines(_order("pending"), _LINES, ["a"], _sku)
