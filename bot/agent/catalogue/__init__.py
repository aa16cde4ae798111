"""Product questions answered from the catalogue as data (the InventoryBackend), not from passages.

browse.answer takes what is about the catalogue as a whole (do you sell, cheapest, under a price,
recommendations); product.answer what is about one product (price, variant stock, options, attributes).
"""

from __future__ import annotations

from bot.agent.catalogue import browse, product
from bot.agent.catalogue.index import CatalogueIndex, Hit
from bot.agent.flows.state import Turn

__all__ = ["CatalogueIndex", "Hit", "answer"]


def answer(turn: Turn, index: CatalogueIndex) -> bool:
    """Answer a question about the shop's products; False when the message is not one (the shop's
    pages answer it then)."""
    return browse.answer(turn, index) or product.answer(turn)
