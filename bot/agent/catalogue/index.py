"""The catalogue index: products found by a loose name or need in either language, built once per service.

The interface (find, products, live, search) is what the answers and the LLM tools rely on; the
matching behind it may change. Stock is never cached: `live` re-reads a product from the backend.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.ports import InventoryBackend
from bot.types import Language, Product, Variant

#: How often (seconds at most) the index checks whether the backend's products changed.
REFRESH_S = 1.0
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*|[\u4e00-\u9fff]", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    """A product the text names or describes, how well, and the variant it narrows to."""

    product: Product
    score: float
    """0..1: how much of the product's name the text names."""
    options: Mapping[str, str] = field(default_factory=dict)
    """The product's options the text names (option name -> value), in the catalogue's own words."""
    variant: Variant | None = None
    """The one variant every named option fits, when the text narrows it to one."""


class CatalogueIndex:
    """Products by their names (English and Chinese), options and descriptions."""

    def __init__(self, inventory: InventoryBackend) -> None:
        self.inventory = inventory
        self._products: list[Product] = []
        self._checked = 0.0
        self._fingerprint: tuple[int, str, str] | None = None

    # ------------------------------------------------------------------ the interface

    def products(self) -> Sequence[Product]:
        """Every product (stock as of the last rebuild: use `live` for stock)."""
        self._refresh()
        return self._products

    def live(self, product_id: str) -> Product | None:
        """The product as the backend has it now (current stock)."""
        return self.inventory.get_product(product_id)

    def find(self, text: str, language: Language | None = None, limit: int = 5) -> list[Hit]:
        """Products the text names, best first; [] when it names none."""
        words = set(_words(text))
        hits: list[Hit] = []
        for product in self.products():
            names = [_words(n) for n in (product.name, product.name_zh) if n]
            best = max((len(words & set(n)) / len(n) for n in names if n), default=0.0)
            if best >= 0.5:
                hits.append(Hit(product, best))
        hits.sort(key=lambda h: -h.score)
        # Read live, the best `limit` only: current stock, and a product removed since the last rebuild is not offered.
        found: list[Hit] = []
        for hit in hits:
            current = self.live(hit.product.product_id)
            if current is not None:
                found.append(Hit(current, hit.score, hit.options, hit.variant))
            if len(found) == limit:
                break
        return found

    def search(self, query: str, limit: int) -> Sequence[Product]:
        """bot.agent.tools.ProductSearch: the products of `find`."""
        return [h.product for h in self.find(query, None, limit)]

    # ------------------------------------------------------------------ building

    def _refresh(self) -> None:
        now = time.monotonic()
        if self._fingerprint is not None and now - self._checked < REFRESH_S:
            return
        self._checked = now
        products = self.inventory.list_products()
        ends = (products[0].product_id, products[-1].product_id) if products else ("", "")
        fingerprint = (len(products), *ends)
        if fingerprint != self._fingerprint:
            self._products = list(products)
            self._fingerprint = fingerprint


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]
