"""Replies about when no human can answer: nobody on duty, taking a message."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

AVAILABILITY: Mapping[str, Mapping[Language, str]] = {}
