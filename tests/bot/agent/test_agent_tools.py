"""Tools: ownership checks, placeholder resolution, trace records without raw PII."""

from __future__ import annotations

from bot.agent import tools
from bot.agent.tools import ToolContext
from bot.testing.fakes import FakeRetriever, FakeShop
from bot.types import Customer

shop = FakeShop()
JANE = Customer("jane_doe_1001", "Jane Doe", "jane.doe@example.com")


def _ctx(customer: Customer | None = None, vault: dict[str, str] | None = None) -> ToolContext:
    return ToolContext(shop, shop, FakeRetriever(), customer, vault or {})


def test_verify_resolves_the_placeholder_and_ignores_case() -> None:
    ctx = _ctx(vault={"<EMAIL_1>": "Jane.Doe@Example.com"})
    customer = tools.verify_order_owner(ctx, "w1000001", "<EMAIL_1>")
    assert customer is not None and customer.customer_id == "jane_doe_1001"
    assert customer.verified_by == "order_and_email"
    (call,) = ctx.calls
    assert call.ok and call.arguments == {"order_id": "#W1000001", "email": "<EMAIL_1>"}
    assert "jane" not in str(call.result).lower()


def test_wrong_email_and_unknown_order_look_the_same() -> None:
    ctx = _ctx(vault={"<EMAIL_1>": "someone@example.com"})
    assert tools.verify_order_owner(ctx, "#W1000001", "<EMAIL_1>") is None
    assert tools.verify_order_owner(ctx, "#W9999999", "<EMAIL_1>") is None
    assert tools.verify_order_owner(ctx, "#W1000001", "<EMAIL_7>") is None  # not in the vault
    results = [c.result for c in ctx.calls]
    assert results[0] == results[1] == results[2]
    assert not any(c.ok for c in ctx.calls)


def test_raw_emails_never_reach_the_trace() -> None:
    ctx = _ctx()
    assert tools.verify_order_owner(ctx, "#W1000001", "jane.doe@example.com") is not None
    assert ctx.calls[0].arguments["email"] == "<redacted>"


def test_names_and_addresses_never_reach_the_trace_raw() -> None:
    from bot.agent.tools.registry import call_tool

    arguments = {"order_id": "#W1000001", "address1": "77 King Street", "address2": "", "city": "<LOCATION_1>",
                 "state": "NY", "country": "USA", "zip": "10001", "first_name": "Jane"}  # fmt: skip
    call = call_tool(_ctx(JANE), "find_user_id_by_name_zip", arguments, preview=True).call
    assert call.arguments["address1"] == call.arguments["zip"] == call.arguments["first_name"] == "<redacted>"
    assert call.arguments["city"] == "<LOCATION_1>" and call.arguments["order_id"] == "#W1000001"


def test_order_status_only_for_the_verified_customer() -> None:
    assert tools.get_order_status(_ctx(), "#W1000001") is None
    ctx = _ctx(JANE)
    order = tools.get_order_status(ctx, "W1000001")
    assert order is not None and order.status == "delivered"
    assert tools.get_order_status(ctx, "#W2000001") is None  # Li Wei's order
    assert ctx.calls[-1].result == "order not found"
    assert "address" not in str(ctx.calls[0].result)


def test_list_orders_newest_first() -> None:
    ctx = _ctx(JANE)
    assert [o.order_id for o in tools.list_customer_orders(ctx)] == ["#W1000002", "#W1000001"]
    assert tools.list_customer_orders(_ctx()) == []


def test_with_customer_shares_the_call_log() -> None:
    ctx = _ctx()
    verified = ctx.with_customer(JANE)
    tools.get_order_status(verified, "#W1000001")
    assert len(ctx.calls) == 1


def test_search_knowledge_records_the_call() -> None:
    ctx = _ctx()
    passages = tools.search_knowledge(ctx, "return policy", "en")
    assert passages and passages[0].source == "returns.en.md"
    assert ctx.calls[0].name == "search_knowledge" and ctx.calls[0].arguments["language"] == "en"


def test_the_zip_code_on_the_order_is_proof_too() -> None:
    verify_order_owner = tools.verify_order_owner
    shop = FakeShop()
    ctx = ToolContext(orders=shop, inventory=shop, retriever=FakeRetriever(), customer=None, vault={})
    customer = verify_order_owner(ctx, "#W1000001", "04101")
    assert customer is not None and customer.customer_id == "jane_doe_1001"
    assert customer.verified_by == "order_and_zip"
    assert verify_order_owner(ctx, "#W1000001", "99999") is None
    assert verify_order_owner(ctx, "#W2000001", "04101") is None, "another customer's zip proves nothing"
