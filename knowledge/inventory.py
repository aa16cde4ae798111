"""One InventoryBackend over several: the shop's own catalogue first, then the ingested one."""

from __future__ import annotations

from typing import Sequence

from bot.ports import InventoryBackend
from bot.types import Product


class CombinedInventory:
    """Reads each backend in turn; a product id the shop has is never shadowed by an ingested file."""

    def __init__(self, backends: Sequence[InventoryBackend]) -> None:
        self.backends = tuple(backends)

    def get_product(self, product_id: str) -> Product | None:
        for backend in self.backends:
            product = backend.get_product(product_id)
            if product is not None:
                return product
        return None

    def list_products(self) -> list[Product]:
        seen: set[str] = set()
        products: list[Product] = []
        for backend in self.backends:
            for product in backend.list_products():
                if product.product_id not in seen:
                    seen.add(product.product_id)
                    products.append(product)
        return products

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        for backend in self.backends:
            found = backend.find_variant(item_id)
            if found is not None:
                return found
        return None
