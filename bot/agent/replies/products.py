"""Replies about one product: price, variant stock, options, attributes."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

PRODUCTS: Mapping[str, Mapping[Language, str]] = {}
