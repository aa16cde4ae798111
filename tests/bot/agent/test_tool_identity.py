"""Retail tools are bound to the verified customer: no customer id from the model, no existence oracle."""

from __future__ import annotations

import pytest

from bot.agent.tools.confirm import propose
from bot.agent.tools.context import ToolContext
from bot.agent.tools.registry import TOOLS, WRITE_TOOLS, call_tool
from bot.agent.tools.retail import MAX_FAILED_LOOKUPS, NOT_VERIFIED
from bot.testing.commerce import (
    ANA,
    ANA_DELIVERED,
    ANA_PENDING,
    BO,
    BO_DELIVERED,
    BO_PENDING,
    BOTTLE_LARGE,
    BOTTLE_SMALL,
    SHIRT_BLUE,
    SHIRT_RED,
)
from bot.testing.fakes import FakeRetriever
from bot.types import JSON, Customer
from connectors.commerce.sqlite_shop import SqliteShop

ANA_C = Customer(ANA, "Ana Lee", "ana.lee@example.com", verified_by="signed_identity")
_ADDRESS: dict[str, JSON] = {
    "address1": "5 Elm St", "address2": "", "city": "Boston", "state": "MA", "country": "USA", "zip": "02108"
}  # fmt: skip


def _ctx(shop: SqliteShop, customer: Customer | None = ANA_C) -> ToolContext:
    return ToolContext(shop, shop, FakeRetriever(), customer, {}, actions=shop, conversation_id="conv_1")


def _order_calls(order_id: str) -> list[tuple[str, dict[str, JSON]]]:
    """Every tool that takes an order id, with arguments that would succeed on the right order."""
    return [
        ("get_order_details", {"order_id": order_id}),
        ("cancel_pending_order", {"order_id": order_id, "reason": "no longer needed"}),
        ("modify_pending_order_address", {"order_id": order_id, **_ADDRESS}),
        ("modify_pending_order_payment", {"order_id": order_id, "payment_method_id": "paypal_2222"}),
        (
            "modify_pending_order_items",
            {
                "order_id": order_id,
                "item_ids": [SHIRT_RED],
                "new_item_ids": [SHIRT_BLUE],
                "payment_method_id": "paypal_2222",
            },
        ),
        (
            "return_delivered_order_items",
            {"order_id": order_id, "item_ids": [BOTTLE_SMALL], "payment_method_id": "paypal_2222"},
        ),
        (
            "exchange_delivered_order_items",
            {
                "order_id": order_id,
                "item_ids": [BOTTLE_SMALL],
                "new_item_ids": [BOTTLE_LARGE],
                "payment_method_id": "paypal_2222",
            },
        ),
    ]


@pytest.mark.parametrize("index", range(7))
def test_another_customers_order_answers_like_a_missing_one(shop: SqliteShop, index: int) -> None:
    before = shop.export()
    for foreign in (BO_PENDING, BO_DELIVERED):
        name, foreign_args = _order_calls(foreign)[index]
        _, missing_args = _order_calls("#W7777777")[index]
        ctx = _ctx(shop)
        theirs = call_tool(ctx, name, foreign_args).call
        missing = call_tool(ctx, name, missing_args).call
        assert (theirs.ok, theirs.result) == (missing.ok, missing.result) == (False, "Order not found")
        if name in WRITE_TOOLS:  # the two-step path refuses the same way and keeps nothing pending
            proposal = propose(ctx, name, foreign_args, "en")
            assert not proposal.pending and proposal.call.result == "Order not found"
            assert "pending_action" not in ctx.state
    assert shop.export() == before


def test_before_verification_only_non_personal_tools_run(shop: SqliteShop) -> None:
    ctx = _ctx(shop, None)
    for name, args in _order_calls(ANA_PENDING) + [("get_user_details", {}), ("modify_user_address", _ADDRESS)]:
        call = call_tool(ctx, name, args).call
        assert (call.ok, call.result) == (False, NOT_VERIFIED), name
    assert call_tool(ctx, "get_product_details", {"product_id": "9000000001"}).call.ok
    assert call_tool(ctx, "get_item_details", {"item_id": SHIRT_RED}).call.ok
    assert (
        call_tool(ctx, "list_all_product_types", {}).call.result
        == '{"T-Shirt": "9000000001", "Water Bottle": "9000000002"}'
    )


def test_a_user_id_argument_is_a_claim_checked_against_the_verified_customer(shop: SqliteShop) -> None:
    ctx = _ctx(shop)
    assert call_tool(ctx, "get_user_details", {"user_id": ANA}).call.ok
    for claim in (BO, "nobody_0"):
        call = call_tool(ctx, "get_user_details", {"user_id": claim}).call
        assert (call.ok, call.result) == (False, "User not found")
        call = call_tool(ctx, "modify_user_address", {"user_id": claim, **_ADDRESS}).call
        assert (call.ok, call.result) == (False, "User not found")
    assert "user_id" not in str(TOOLS["get_user_details"].schema())  # models are never offered one


def test_own_records_are_returned_in_tau2_shape(shop: SqliteShop) -> None:
    ctx = _ctx(shop)
    order = call_tool(ctx, "get_order_details", {"order_id": ANA_DELIVERED}).call.result
    assert isinstance(order, dict) and len(order) == 14 and order["cancel_reason"] is None
    user = call_tool(ctx, "get_user_details", {}).call.result
    assert isinstance(user, dict) and user["user_id"] == ANA and "gift_card_1111" in str(user["payment_methods"])


def test_identity_lookups_verify_and_refuse_a_second_customer(shop: SqliteShop) -> None:
    ctx = _ctx(shop, None)
    outcome = call_tool(ctx, "find_user_id_by_email", {"email": "ANA.LEE@example.com"})
    assert outcome.call.result == ANA and outcome.customer is not None and outcome.customer.verified_by == "email"
    verified = ctx.with_customer(outcome.customer)
    other = call_tool(verified, "find_user_id_by_name_zip", {"first_name": "Bo", "last_name": "Chen", "zip": "97201"})
    assert (other.call.ok, other.call.result, other.customer) == (False, "User not found", None)
    again = call_tool(verified, "find_user_id_by_name_zip", {"first_name": "ana", "last_name": "lee", "zip": "62701"})
    assert again.call.result == ANA and again.customer is not None and again.customer.verified_by == "name_zip"


def test_identity_lookups_resolve_placeholders_and_keep_them_in_the_trace(shop: SqliteShop) -> None:
    ctx = ToolContext(shop, shop, FakeRetriever(), None, {"<EMAIL_1>": "ana.lee@example.com"}, actions=shop)
    assert call_tool(ctx, "find_user_id_by_email", {"email": "<EMAIL_1>"}).call.result == ANA
    call_tool(ctx, "find_user_id_by_email", {"email": "ana.lee@example.com"})
    assert [c.arguments["email"] for c in ctx.calls] == ["<EMAIL_1>", "<redacted>"]


def test_a_whole_name_behind_one_placeholder_is_split_for_the_name_zip_lookup(shop: SqliteShop) -> None:
    for last_name in ("<PERSON_1>", ""):
        ctx = ToolContext(shop, shop, FakeRetriever(), None, {"<PERSON_1>": "Ana Lee"}, actions=shop)
        args = {"first_name": "<PERSON_1>", "last_name": last_name, "zip": "62701"}
        outcome = call_tool(ctx, "find_user_id_by_name_zip", args)
        assert outcome.call.result == ANA and outcome.customer is not None
        assert ctx.calls[0].arguments["first_name"] == "<PERSON_1>"


def test_failed_lookups_are_limited_per_conversation(shop: SqliteShop) -> None:
    ctx = _ctx(shop, None)
    for _ in range(MAX_FAILED_LOOKUPS):
        assert call_tool(ctx, "find_user_id_by_email", {"email": "guess@example.com"}).call.result == "User not found"
    blocked = call_tool(ctx, "find_user_id_by_email", {"email": "ana.lee@example.com"})
    assert not blocked.call.ok and blocked.customer is None and "human" in str(blocked.call.result)


def test_bad_arguments_and_unknown_tools_are_errors_not_exceptions(shop: SqliteShop) -> None:
    ctx = _ctx(shop)
    assert call_tool(ctx, "drop_tables", {}).call.result == "Tool 'drop_tables' not found."
    assert call_tool(ctx, "get_order_details", {}).call.result == "missing argument 'order_id'"
    assert (
        call_tool(ctx, "get_order_details", {"order_id": ANA_PENDING, "x": 1}).call.result == "unexpected argument 'x'"
    )
    bad_zip = call_tool(ctx, "modify_pending_order_address", {"order_id": ANA_PENDING, **_ADDRESS, "zip": 2108})
    assert bad_zip.call.result == "argument 'zip' must be a string"


def test_a_read_only_backend_refuses_writes(shop: SqliteShop) -> None:
    ctx = ToolContext(shop, shop, FakeRetriever(), ANA_C, {})
    call = call_tool(ctx, "cancel_pending_order", {"order_id": ANA_PENDING, "reason": "no longer needed"}).call
    assert not call.ok and "does not allow changes" in str(call.result)


def test_no_schema_offers_a_customer_id() -> None:
    from bot.agent.tools.registry import SPECS

    assert len(SPECS) == 19 and len(WRITE_TOOLS) == 7
    for spec in SPECS:
        schema = spec.schema()
        function = schema["function"]
        assert isinstance(function, dict) and function["name"] == spec.name
        parameters = function["parameters"]
        assert isinstance(parameters, dict) and parameters["additionalProperties"] is False
        assert not {"user_id", "customer_id"} & set(parameters["properties"])  # type: ignore[arg-type]


def test_address_placeholders_reach_the_shop_as_real_values(shop: SqliteShop) -> None:
    vault = {"<LOCATION_1>": "5 Elm St", "<ZIP_1>": "02108"}
    ctx = ToolContext(shop, shop, FakeRetriever(), ANA_C, vault, actions=shop)
    args: dict[str, JSON] = {**_ADDRESS, "address1": "<LOCATION_1>", "zip": "<ZIP_1>"}
    call = call_tool(ctx, "modify_user_address", args).call
    assert call.ok and call.arguments["address1"] == "<LOCATION_1>"  # the trace keeps the placeholder
    user = shop.get_user(ANA)
    assert user is not None and (user.address.address1, user.address.zip) == ("5 Elm St", "02108")
