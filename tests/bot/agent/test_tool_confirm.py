"""Writes run in two steps: an exact statement first, then only an explicit yes in the next message executes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.agent.tools import confirm
from bot.agent.tools.confirm import audit_log, is_explicit_yes, pending_statement, propose, resolve
from bot.agent.tools.context import ToolContext
from bot.agent.tools.registry import BACKEND_DOWN, call_tool
from bot.errors import BackendError
from bot.testing.commerce import (
    ANA,
    ANA_DELIVERED,
    ANA_GIFT_PENDING,
    ANA_PENDING,
    BO,
    BOTTLE_LARGE,
    BOTTLE_SMALL,
    SHIRT_BLUE,
    SHIRT_RED,
    open_mini_shop,
)
from bot.testing.fakes import FakeRetriever
from bot.types import JSON, Customer, Order
from connectors.commerce.sqlite_shop import SqliteShop

ANA_C = Customer(ANA, "Ana Lee", "ana.lee@example.com", verified_by="email")
CANCEL = {"order_id": ANA_GIFT_PENDING, "reason": "no longer needed"}


def _ctx(shop: SqliteShop, customer: Customer | None = ANA_C, state: dict[str, str] | None = None) -> ToolContext:
    return ToolContext(
        shop, shop, FakeRetriever(), customer, {}, actions=shop, state=state if state is not None else {},
        conversation_id="conv_1",
    )  # fmt: skip


def _status(shop: SqliteShop, order_id: str) -> str:
    order = shop.get_order(order_id)
    assert order is not None
    return order.status


@pytest.mark.parametrize(
    "text", ["yes", "Yes!", "yes, please", "YES go ahead", "ok", "Confirm.", "是", "是的", "确认", "好的，谢谢", "可以"]
)
def test_explicit_yes(text: str) -> None:
    assert is_explicit_yes(text)


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "yes but change the reason",
        "yes?",
        "not yet",
        "wait",
        "what will happen?",
        "",
        "不",
        "不是",
        "是吗？",
        "yesterday",
    ],
)
def test_anything_else_is_not_a_yes(text: str) -> None:
    assert not is_explicit_yes(text)


def test_propose_states_exactly_what_will_happen_and_changes_nothing(shop: SqliteShop) -> None:
    before = shop.export()
    ctx = _ctx(shop)
    proposal = propose(ctx, "cancel_pending_order", CANCEL, "en")
    assert proposal.pending
    assert proposal.statement.startswith(f"Cancel order {ANA_GIFT_PENDING} (reason: no longer needed).")
    assert "$20.00 goes back to gift card ending 1111 immediately." in proposal.statement
    assert 'Reply "yes"' in proposal.statement
    assert pending_statement(ctx) == proposal.statement
    assert shop.export() == before
    assert [c.name for c in ctx.calls] == ["cancel_pending_order:preview"]


def test_yes_in_the_next_message_executes_once_and_is_audited(shop: SqliteShop) -> None:
    state: dict[str, str] = {}
    propose(_ctx(shop, state=state), "cancel_pending_order", CANCEL, "en")
    # The next turn builds a new context over the same stored memory.
    ctx = _ctx(shop, state=state)
    resolution = resolve(ctx, "Yes, please.")
    assert resolution is not None and resolution.executed and resolution.call is not None
    assert _status(shop, ANA_GIFT_PENDING) == "cancelled"
    (entry,) = audit_log(ctx)
    assert entry["confirmed_by"] == ANA and entry["verified_by"] == "email" and entry["conversation_id"] == "conv_1"
    assert entry["action"] == "cancel_pending_order" and entry["ok"] is True
    assert entry["confirmation"] == "Yes, please." and "gift card ending 1111" in str(entry["statement"])
    assert resolve(ctx, "yes") is None  # nothing left to confirm


@pytest.mark.parametrize("reply", ["no", "actually, cancel the other one", "yes but not now", "what?"])
def test_anything_but_yes_executes_nothing(shop: SqliteShop, reply: str) -> None:
    before = shop.export()
    ctx = _ctx(shop)
    propose(ctx, "cancel_pending_order", CANCEL, "en")
    resolution = resolve(ctx, reply)
    assert resolution is not None and not resolution.executed and resolution.reason == "not_confirmed"
    assert resolve(ctx, "yes") is None  # the yes came one message too late
    assert shop.export() == before and audit_log(ctx) == []


def test_a_yes_for_another_customer_or_too_late_executes_nothing(
    shop: SqliteShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    state: dict[str, str] = {}
    propose(_ctx(shop, state=state), "cancel_pending_order", CANCEL, "en")
    other = resolve(_ctx(shop, Customer(BO), state=state), "yes")
    assert other is not None and other.reason == "customer_changed"
    propose(_ctx(shop, state=state), "cancel_pending_order", CANCEL, "en")
    monkeypatch.setattr(confirm, "now", lambda: 10**12)
    late = resolve(_ctx(shop, state=state), "yes")
    assert late is not None and late.reason == "expired"
    assert _status(shop, ANA_GIFT_PENDING) == "pending"


def test_a_new_proposal_replaces_the_old_one(shop: SqliteShop) -> None:
    ctx = _ctx(shop)
    propose(ctx, "cancel_pending_order", CANCEL, "en")
    address = {
        "address1": "5 Elm St",
        "address2": "",
        "city": "Boston",
        "state": "MA",
        "country": "USA",
        "zip": "02108",
    }
    propose(ctx, "modify_pending_order_address", {"order_id": ANA_PENDING, **address}, "en")
    resolution = resolve(ctx, "yes")
    assert (
        resolution is not None
        and resolution.call is not None
        and resolution.call.name == "modify_pending_order_address"
    )
    assert _status(shop, ANA_GIFT_PENDING) == "pending"


def test_a_refused_proposal_keeps_nothing_pending(shop: SqliteShop) -> None:
    ctx = _ctx(shop)
    proposal = propose(ctx, "cancel_pending_order", {"order_id": ANA_DELIVERED, "reason": "no longer needed"}, "en")
    assert not proposal.pending and proposal.call.result == "Non-pending order cannot be cancelled"
    assert resolve(ctx, "yes") is None


def test_statements_quote_items_and_money_in_english_and_chinese(shop: SqliteShop) -> None:
    ctx = _ctx(shop)
    items: dict[str, JSON] = {
        "order_id": ANA_PENDING,
        "item_ids": [SHIRT_RED],
        "new_item_ids": [SHIRT_BLUE],
        "payment_method_id": "credit_card_1111",
    }
    en = propose(ctx, "modify_pending_order_items", items, "en").statement
    assert "T-Shirt (color: red, size: M) → (color: blue, size: M)" in en
    assert "You pay $5.50 with Visa ending 1111." in en and "every item" in en
    zh = propose(ctx, "modify_pending_order_items", items, "zh").statement
    assert "$5.50" in zh and "回复“是”确认" in zh
    ret: dict[str, JSON] = {
        "order_id": ANA_DELIVERED,
        "item_ids": [SHIRT_BLUE, BOTTLE_SMALL],
        "payment_method_id": "credit_card_1111",
    }
    assert (
        "$75.50 will be refunded to Visa ending 1111 (5–7 business days)"
        in propose(ctx, "return_delivered_order_items", ret, "en").statement
    )
    swap: dict[str, JSON] = {
        "order_id": ANA_DELIVERED,
        "item_ids": [BOTTLE_SMALL],
        "new_item_ids": [BOTTLE_LARGE],
        "payment_method_id": "paypal_1111",
    }
    assert "You pay $10.10 with PayPal." in propose(ctx, "exchange_delivered_order_items", swap, "en").statement


def test_pending_state_is_plain_strings(shop: SqliteShop) -> None:
    ctx = _ctx(shop)
    propose(ctx, "cancel_pending_order", CANCEL, "zh")
    stored = json.loads(ctx.state["pending_action"])
    assert stored["name"] == "cancel_pending_order" and stored["customer_id"] == ANA
    assert all(isinstance(v, str) for v in ctx.state.values())


class _DownShop(SqliteShop):
    def get_order(self, order_id: str) -> Order | None:
        raise BackendError("shop API GET /orders answered 503")


def test_a_failing_backend_is_a_plain_error_never_a_success(tmp_path: Path) -> None:
    open_mini_shop(tmp_path / "s.sqlite").close()
    shop = _DownShop(tmp_path / "s.sqlite")
    ctx = _ctx(shop)
    call = call_tool(ctx, "get_order_details", {"order_id": ANA_PENDING}).call
    assert (call.ok, call.result) == (False, BACKEND_DOWN)
    assert not propose(ctx, "cancel_pending_order", CANCEL, "en").pending
    shop.close()
