"""The products in focus: the ones "it", "that one" and "like this but cheaper" mean, kept across turns
until the shopper names another product."""

from __future__ import annotations

import json
from collections.abc import MutableMapping, Sequence

#: Memory key: JSON list of product ids, the first the one most in focus.
PRODUCT_FOCUS = "product_focus"


def remember(memory: MutableMapping[str, str], product_ids: Sequence[str]) -> None:
    """Put these products in focus (replacing the ones before); nothing changes for an empty list."""
    if product_ids:
        memory[PRODUCT_FOCUS] = json.dumps(list(dict.fromkeys(product_ids)))


def in_focus(memory: MutableMapping[str, str]) -> list[str]:
    """The product ids in focus, most recent first; [] when none (or the memory value is not ours)."""
    try:
        ids = json.loads(memory.get(PRODUCT_FOCUS, "[]"))
    except ValueError:
        return []
    return [str(i) for i in ids] if isinstance(ids, list) else []
