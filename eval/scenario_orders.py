"""Picks real demo-shop orders for each scenario (none shared between scenarios) and the values templates use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.types import JSON, Order, OrderItem, Product, ShopUser, Variant
from connectors.commerce import SqliteShop
from connectors.commerce.option_names import option_zh
from eval.scenario_data import OrderSpec, Scenario

CANDIDATES_PER_STATUS = 2000
MAX_ATTEMPTS = 50
"""Customers tried for a scenario whose orders must share one customer."""


@dataclass(frozen=True)
class Allocation:
    """The orders of one scenario: template values, plus what the checker needs to find them again."""

    values: dict[str, str]
    """"order_id" -> "#W5184269", "order_email" -> ..., for every ref and field."""
    order_ids: dict[str, str]
    """ref -> order id."""
    user_ids: dict[str, str]
    """ref -> the order's owner."""
    foreign: tuple[str, ...] = ()
    """Refs of orders that belong to someone other than the shopper."""
    error: str = ""
    """Why the shop could not supply the orders (the scenario then fails with this)."""


@dataclass
class _Pool:
    shop: SqliteShop
    used_orders: set[str] = field(default_factory=set)
    used_users: set[str] = field(default_factory=set)
    by_status: dict[str, list[Order]] = field(default_factory=dict)

    def candidates(self, status: str) -> list[Order]:
        if status not in self.by_status:
            self.by_status[status] = self.shop.orders_with_status(status, limit=CANDIDATES_PER_STATUS)
        return self.by_status[status]


def allocate(shop: SqliteShop, scenarios: Iterable[Scenario]) -> dict[str, Allocation]:
    """An Allocation per scenario id. Scenarios never share a customer, so one's writes cannot
    change what another sees; the choice is deterministic for the same shop data."""
    pool = _Pool(shop)
    return {scenario.id: _allocate_one(pool, scenario.orders) for scenario in scenarios}


def _allocate_one(pool: _Pool, specs: Sequence[OrderSpec]) -> Allocation:
    # Orders of their own customer first, so "owner" refs can follow the customer they name; when
    # that customer lacks an order a dependent ref needs, try the next customer.
    ordered = sorted(specs, key=lambda s: bool(s.owner))
    skipped: set[str] = set()
    for _attempt in range(MAX_ATTEMPTS):
        values: dict[str, str] = {}
        order_ids: dict[str, str] = {}
        user_ids: dict[str, str] = {}
        missing: OrderSpec | None = None
        for spec in ordered:
            owner = user_ids.get(spec.owner) if spec.owner else None
            if spec.owner and owner is None:
                return Allocation({}, {}, {}, error=f"order {spec.ref!r} names an unknown owner {spec.owner!r}")
            picked = _pick(pool, spec, owner, skipped | set(user_ids.values()), set(order_ids.values()))
            if picked is None:
                missing = spec
                break
            order, user, item, swap = picked
            order_ids[spec.ref] = order.order_id
            user_ids[spec.ref] = user.user_id
            values.update(_values(pool.shop, spec.ref, order, user, item, swap))
        if missing is None:
            pool.used_orders.update(order_ids.values())
            pool.used_users.update(user_ids.values())
            foreign = tuple(s.ref for s in specs if s.foreign)
            return Allocation(values, order_ids, user_ids, foreign)
        if not missing.owner or missing.owner not in user_ids:
            break
        skipped.add(user_ids[missing.owner])
    return Allocation({}, {}, {}, error=f"the shop has no free orders matching {[s.ref for s in specs]}")


def _pick(
    pool: _Pool, spec: OrderSpec, owner: str | None, avoid_users: set[str], taken: set[str]
) -> tuple[Order, ShopUser, OrderItem, tuple[Product, Variant] | None] | None:
    """The first free order for the spec: of `owner` when given, else of a customer nobody uses."""
    for order in pool.candidates(spec.status):
        if order.order_id in pool.used_orders or order.order_id in taken or not order.items:
            continue
        if owner is not None and order.user_id != owner:
            continue
        if owner is None and (order.user_id in pool.used_users or order.user_id in avoid_users):
            continue
        user = pool.shop.get_user(order.user_id)
        if user is None:
            continue
        if "tracking" in spec.needs and not any(f.tracking_ids for f in order.fulfillments):
            continue
        if "several" in spec.needs and len({i.item_id for i in order.items}) < 2:
            continue
        if "single" in spec.needs and len(order.items) != 1:
            continue
        if "card" in spec.needs and not _paid_by_card(order):
            continue
        if "home" in spec.needs and order.address.zip != user.address.zip:
            continue
        if "swap" in spec.needs:
            found = _swappable(pool.shop, order)
            if found is None:
                continue
            return order, user, found[0], found[1]
        return order, user, order.items[0], None
    return None


def _paid_by_card(order: Order) -> bool:
    """Paid with a card or PayPal (a gift card may lack the balance a price difference needs)."""
    paid = [p.payment_method_id for p in order.payment_history if p.transaction_type == "payment"]
    return bool(paid) and not paid[0].startswith("gift_card")


def _swappable(shop: SqliteShop, order: Order) -> tuple[OrderItem, tuple[Product, Variant]] | None:
    """The first item with another variant in stock that differs in exactly one option (easy to ask for)."""
    for item in order.items:
        if sum(1 for i in order.items if i.item_id == item.item_id) > 1:
            continue
        product = shop.get_product(item.product_id)
        if product is None:
            continue
        for variant in product.variants:
            if variant.item_id == item.item_id or not variant.available:
                continue
            differs = [k for k, v in variant.options.items() if item.options.get(k) != v]
            if len(differs) == 1 and set(variant.options) == set(item.options):
                return item, (product, variant)
    return None


def _values(
    shop: SqliteShop,
    ref: str,
    order: Order,
    user: ShopUser,
    item: OrderItem,
    swap: tuple[Product, Variant] | None,
) -> dict[str, str]:
    product = shop.get_product(item.product_id)
    paid = [p for p in order.payment_history if p.transaction_type == "payment"]
    tracking = [t for f in order.fulfillments for t in f.tracking_ids]
    others = [i for i in order.items if i.item_id != item.item_id]
    v = {
        "id": order.order_id,
        "nohash": order.order_id.lstrip("#"),
        "email": user.email,
        "first": user.first_name,
        "last": user.last_name,
        "zip": order.address.zip,
        "city": order.address.city,
        "address1": order.address.address1,
        "status": order.status,
        "tracking": tracking[0] if tracking else "",
        "count": str(len(order.items)),
        "total": _money(sum(i.price for i in order.items)),
        "payment": paid[0].payment_method_id if paid else "",
        "item": item.name,
        "item_zh": (product.name_zh if product and product.name_zh else item.name),
        "item_id": item.item_id,
        "item_product_id": item.product_id,
        "item_price": _money(item.price),
        "item_options": ", ".join(f"{k}: {val}" for k, val in item.options.items()),
        "item2": others[0].name if others else "",
        "item2_id": others[0].item_id if others else "",
        "all_item_ids": ",".join(i.item_id for i in order.items),
    }
    if swap is not None:
        new = swap[1]
        key = next(k for k, val in new.options.items() if item.options.get(k) != val)
        v.update(
            new_item_id=new.item_id,
            new_key=key,
            new_value=new.options[key],
            new_key_zh=option_zh(key),
            new_value_zh=option_zh(new.options[key]),
            new_price=_money(new.price),
            diff=_money(new.price - item.price),
        )
    return {f"{ref}_{name}": value for name, value in v.items()}


def _money(value: float) -> str:
    return f"{value:.2f}"


def snapshot(shop: SqliteShop, allocation: Allocation) -> dict[str, JSON]:
    """The raw records of the scenario's orders and their owners, to compare with afterwards."""
    records: dict[str, JSON] = {}
    for ref, order_id in allocation.order_ids.items():
        records[f"order:{ref}"] = shop.order_record(order_id)
        records[f"user:{ref}"] = shop.user_record(allocation.user_ids[ref])
    return records
