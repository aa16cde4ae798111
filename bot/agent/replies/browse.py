"""Replies about the catalogue as a whole: do you sell, cheapest, under a price, recommendations."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

BROWSE: Mapping[str, Mapping[Language, str]] = {}
