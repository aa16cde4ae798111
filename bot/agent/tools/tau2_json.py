"""Domain values as the retail tools show them: tau2-bench's record shapes, key order included."""

from __future__ import annotations

from bot.types import JSON, Address, Order, PaymentMethod, Product, ShopUser, Variant


def address_record(a: Address) -> dict[str, JSON]:
    return {
        "address1": a.address1,
        "address2": a.address2,
        "city": a.city,
        "country": a.country,
        "state": a.state,
        "zip": a.zip,
    }


def _method(pm: PaymentMethod) -> dict[str, JSON]:
    rec: dict[str, JSON] = {"source": pm.source, "id": pm.id}
    if pm.source == "credit_card":
        rec.update(brand=pm.brand, last_four=pm.last_four)
    elif pm.source == "gift_card":
        rec["balance"] = pm.balance
    return rec


def user_record(u: ShopUser) -> dict[str, JSON]:
    return {
        "user_id": u.user_id,
        "name": {"first_name": u.first_name, "last_name": u.last_name},
        "address": address_record(u.address),
        "email": u.email,
        "payment_methods": {pm.id: _method(pm) for pm in u.payment_methods},
        "orders": list(u.order_ids),
    }


def variant_record(v: Variant) -> dict[str, JSON]:
    rec: dict[str, JSON] = {
        "item_id": v.item_id,
        "options": dict(v.options),
        "available": v.available,
        "price": v.price,
    }
    if v.stock is not None:
        rec["stock"] = v.stock
    return rec


def product_record(p: Product) -> dict[str, JSON]:
    return {"name": p.name, "product_id": p.product_id, "variants": {v.item_id: variant_record(v) for v in p.variants}}


def _ids(values: tuple[str, ...] | None) -> JSON:
    return None if values is None else list(values)


def order_record(o: Order) -> dict[str, JSON]:
    """All 14 tau2 order keys, the optional ones null when unset (plus created_at when known)."""
    rec: dict[str, JSON] = {
        "order_id": o.order_id,
        "user_id": o.user_id,
        "address": address_record(o.address),
        "items": [
            {
                "name": i.name,
                "product_id": i.product_id,
                "item_id": i.item_id,
                "price": i.price,
                "options": dict(i.options),
            }
            for i in o.items
        ],
        "status": o.status,
        "fulfillments": [{"tracking_id": list(f.tracking_ids), "item_ids": list(f.item_ids)} for f in o.fulfillments],
        "payment_history": [
            {"transaction_type": p.transaction_type, "amount": p.amount, "payment_method_id": p.payment_method_id}
            for p in o.payment_history
        ],
        "cancel_reason": o.cancel_reason,
        "exchange_items": _ids(o.exchange_items),
        "exchange_new_items": _ids(o.exchange_new_items),
        "exchange_payment_method_id": o.exchange_payment_method_id,
        "exchange_price_difference": o.exchange_price_difference,
        "return_items": _ids(o.return_items),
        "return_payment_method_id": o.return_payment_method_id,
    }
    if o.created_at:
        rec["created_at"] = o.created_at
    return rec
