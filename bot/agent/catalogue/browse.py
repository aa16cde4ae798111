"""Questions about the catalogue as a whole: do you sell X, cheapest / dearest / under a price, recommendations."""

from __future__ import annotations

from bot.agent.catalogue.index import CatalogueIndex
from bot.agent.flows.state import Turn


def answer(turn: Turn, index: CatalogueIndex) -> bool:
    """Answer a browsing question; False when the message is not one."""
    return False
