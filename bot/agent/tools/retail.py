"""The retail tools (tau2-bench names and results), bound to the verified customer of the ToolContext.

Each function returns what tau2's tool returns (a record as JSON, or a plain string) or raises
ToolError with tau2's sentence. Identity is enforced here, not in a prompt: personal tools need a
verified customer, and another customer's order or account answers exactly like a missing one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from bot.agent.tools.context import ToolContext, resolve
from bot.errors import ActionRefused
from bot.ports import OrderActions
from bot.types import JSON, Address, Customer, Order, ShopUser

NOT_VERIFIED = "The customer is not verified yet: find them by email, or by name and zip code, first"
MAX_FAILED_LOOKUPS = 5
"""Failed identity lookups allowed per conversation before lookups stop (a human can help)."""
FAILED_LOOKUPS_KEY = "identity_failures"


class ToolError(Exception):
    """A tool refused; the message is what the model (and trace) sees after "Error: "."""


# --------------------------------------------------------------------------- identity


def _customer(ctx: ToolContext) -> Customer:
    if ctx.customer is None:
        raise ToolError(NOT_VERIFIED)
    return ctx.customer


def _own_user(ctx: ToolContext, user_id: str | None = None) -> ShopUser:
    customer = _customer(ctx)
    # A user id, when a caller passes one, is only a claim: it must be the verified customer.
    if user_id is not None and user_id != customer.customer_id:
        raise ToolError("User not found")
    user = ctx.orders.get_user(customer.customer_id)
    if user is None:
        raise ToolError("User not found")
    return user


def _own_order(ctx: ToolContext, order_id: str) -> Order:
    customer = _customer(ctx)
    order = ctx.orders.get_order(order_id)
    # The same sentence for a missing order and someone else's: no existence oracle.
    if order is None or order.user_id != customer.customer_id:
        raise ToolError("Order not found")
    return order


def _lookup_result(ctx: ToolContext, user_id: str | None) -> tuple[str, Customer]:
    failures = int(ctx.state.get(FAILED_LOOKUPS_KEY, "0") or 0)
    if failures >= MAX_FAILED_LOOKUPS:
        raise ToolError("Too many failed attempts to find the customer; a human agent can help")
    verified = ctx.customer
    if user_id is None or (verified is not None and verified.customer_id != user_id):
        # One customer per conversation: anyone else is "not found", like a miss.
        ctx.state[FAILED_LOOKUPS_KEY] = str(failures + 1)
        raise ToolError("User not found")
    user = ctx.orders.get_user(user_id)
    if user is None:
        raise ToolError("User not found")
    return user_id, Customer(
        customer_id=user.user_id, name=f"{user.first_name} {user.last_name}".strip(), email=user.email
    )


def find_user_id_by_email(ctx: ToolContext, email: str) -> tuple[str, Customer]:
    """Verification by email: the user id, and the customer the conversation is now bound to."""
    user_id, customer = _lookup_result(ctx, ctx.orders.find_user_by_email(resolve(ctx, email)))
    return user_id, Customer(customer.customer_id, customer.name, customer.email, verified_by="email")


def find_user_id_by_name_zip(ctx: ToolContext, first_name: str, last_name: str, zip: str) -> tuple[str, Customer]:
    """Verification by name and zip code. The scrubber hides a whole name behind one placeholder
    ("<PERSON_1>" = "Ana Lee"): given as the first name, alone or as both names, it is split here."""
    first, last = resolve(ctx, first_name), resolve(ctx, last_name)
    if " " in first.strip() and (not last.strip() or last == first):
        first, _, last = first.strip().rpartition(" ")
    found = ctx.orders.find_user_by_name_zip(first, last, resolve(ctx, zip))
    user_id, customer = _lookup_result(ctx, found)
    return user_id, Customer(customer.customer_id, customer.name, customer.email, verified_by="name_zip")


# --------------------------------------------------------------------------- reads


def get_user_details(ctx: ToolContext, user_id: str | None = None) -> JSON:
    return _own_user(ctx, user_id).to_json()


def get_order_details(ctx: ToolContext, order_id: str) -> JSON:
    return _own_order(ctx, order_id).to_json()


def get_product_details(ctx: ToolContext, product_id: str) -> JSON:
    product = ctx.inventory.get_product(product_id)
    if product is None:
        raise ToolError("Product not found")
    return product.to_json()


def get_item_details(ctx: ToolContext, item_id: str) -> JSON:
    found = ctx.inventory.find_variant(item_id)
    variant = next((v for v in found[0].variants if v.item_id == found[1]), None) if found else None
    if variant is None:
        raise ToolError("Item not found")
    return variant.to_json()


def list_all_product_types(ctx: ToolContext) -> JSON:
    names = {p.name: p.product_id for p in ctx.inventory.list_products()}
    return json.dumps(names, sort_keys=True)


def transfer_to_human_agents(ctx: ToolContext, summary: str) -> JSON:
    ctx.handoffs.append(summary)
    return "Transfer successful"


# --------------------------------------------------------------------------- writes


def _real_address(ctx: ToolContext, a: Address) -> Address:
    """The model sees scrubbed text, so address fields may be placeholders: the shop gets real values."""
    return Address(*(resolve(ctx, v) for v in (a.address1, a.address2, a.city, a.state, a.country, a.zip)))


def _write_port(ctx: ToolContext) -> OrderActions:
    if ctx.actions is None:
        raise ToolError("This shop does not allow changes through the assistant")
    return ctx.actions


def _order_write(ctx: ToolContext, order_id: str, write: Callable[[OrderActions, str], Order]) -> JSON:
    """A write on one of the customer's own orders: ownership first, then the write port, then the shop, whose
    refusal (tau2's sentence) is what the tool says."""
    order = _own_order(ctx, order_id)
    actions = _write_port(ctx)
    try:
        return write(actions, order.order_id).to_json()
    except ActionRefused as exc:
        raise ToolError(exc.message) from None


def cancel_pending_order(ctx: ToolContext, order_id: str, reason: str, *, preview: bool = False) -> JSON:
    return _order_write(ctx, order_id, lambda shop, oid: shop.cancel_pending_order(oid, reason, preview=preview))


def modify_pending_order_address(ctx: ToolContext, order_id: str, address: Address, *, preview: bool = False) -> JSON:
    return _order_write(
        ctx,
        order_id,
        lambda shop, oid: shop.modify_pending_order_address(oid, _real_address(ctx, address), preview=preview),
    )


def modify_pending_order_payment(
    ctx: ToolContext, order_id: str, payment_method_id: str, *, preview: bool = False
) -> JSON:
    return _order_write(
        ctx, order_id, lambda shop, oid: shop.modify_pending_order_payment(oid, payment_method_id, preview=preview)
    )


def modify_pending_order_items(
    ctx: ToolContext,
    order_id: str,
    item_ids: Sequence[str],
    new_item_ids: Sequence[str],
    payment_method_id: str,
    *,
    preview: bool = False,
) -> JSON:
    return _order_write(
        ctx,
        order_id,
        lambda shop, oid: shop.modify_pending_order_items(
            oid, item_ids, new_item_ids, payment_method_id, preview=preview
        ),
    )


def modify_user_address(
    ctx: ToolContext, address: Address, user_id: str | None = None, *, preview: bool = False
) -> JSON:
    user = _own_user(ctx, user_id)
    actions = _write_port(ctx)
    try:
        return actions.modify_user_address(user.user_id, _real_address(ctx, address), preview=preview).to_json()
    except ActionRefused as exc:
        raise ToolError(exc.message) from None


def return_delivered_order_items(
    ctx: ToolContext, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, preview: bool = False
) -> JSON:
    return _order_write(
        ctx,
        order_id,
        lambda shop, oid: shop.return_delivered_order_items(oid, item_ids, payment_method_id, preview=preview),
    )


def exchange_delivered_order_items(
    ctx: ToolContext,
    order_id: str,
    item_ids: Sequence[str],
    new_item_ids: Sequence[str],
    payment_method_id: str,
    *,
    preview: bool = False,
) -> JSON:
    return _order_write(
        ctx,
        order_id,
        lambda shop, oid: shop.exchange_delivered_order_items(
            oid, item_ids, new_item_ids, payment_method_id, preview=preview
        ),
    )
