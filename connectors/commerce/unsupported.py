"""The write actions a hosted-shop adapter does not offer: refused politely, so a human takes over."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import ActionRefused
from bot.types import Address, Order, ShopUser

UNSUPPORTED = "This shop does not support that change through the assistant; a human agent can help"


class RefusesUnsupportedWrites:
    """Mixin for adapters that implement cancel and return only (Shopify, WooCommerce)."""

    def modify_pending_order_address(self, order_id: str, address: Address, *, preview: bool = False) -> Order:
        raise ActionRefused(UNSUPPORTED)

    def modify_pending_order_payment(self, order_id: str, payment_method_id: str, *, preview: bool = False) -> Order:
        raise ActionRefused(UNSUPPORTED)

    def modify_pending_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order:
        raise ActionRefused(UNSUPPORTED)

    def modify_user_address(self, user_id: str, address: Address, *, preview: bool = False) -> ShopUser:
        raise ActionRefused(UNSUPPORTED)

    def exchange_delivered_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order:
        raise ActionRefused(UNSUPPORTED)
