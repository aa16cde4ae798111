"""The write actions a hosted-shop adapter does not offer: refused politely, so a human takes over."""

from __future__ import annotations

from typing import NoReturn

from bot.errors import ActionRefused

UNSUPPORTED = "This shop does not support that change through the assistant; a human agent can help"


class RefusesUnsupportedWrites:
    """Mixin for adapters that implement cancel and return only (Shopify, WooCommerce)."""

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        # One refusal serves the five OrderActions methods below: it accepts any of their arguments
        # and its NoReturn fits each of their return types.
        raise ActionRefused(UNSUPPORTED)

    modify_pending_order_address = _refuse
    modify_pending_order_payment = _refuse
    modify_pending_order_items = _refuse
    modify_user_address = _refuse
    exchange_delivered_order_items = _refuse
