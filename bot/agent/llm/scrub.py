"""TurnScrubber: free text bound for the model (tool results, passages, history) scrubbed into this turn's vault."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from bot.ports import Scrubber
from bot.text import PLACEHOLDER
from bot.types import JSON

_CODE_WORD = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
# Joined leaves are scrubbed in one analyzer call (one call costs about as much as many short ones);
# the separator is a line no recognizer reads as part of an entity.
_SEPARATOR = "\n\n\u2063\u2063\n\n"
#: Keys whose values are the shop's identifiers or vocabulary, never a person's free text: a phone
#: recognizer reads a 10-digit item id as a phone number, and the model must pass ids back verbatim.
_KEEP_KEYS = frozenset({"status", "transaction_type", "source", "brand", "last_four", "reason", "cancel_reason"})


def _is_identifier(key: str) -> bool:
    return key == "id" or key.endswith(("_id", "_ids")) or key in _KEEP_KEYS


class TurnScrubber:
    """This turn's vault: the conversation's placeholders plus those found in what the tools returned.

    `vault` is one dict, shared with the turn's ToolContext, so tools resolve a placeholder the model
    copied out of a tool result. Placeholders added here exist for this turn only: the reply gets
    their values back (`restore_added`) before the output guard judges it like any other text.
    """

    def __init__(self, scrubber: Scrubber | None, vault: Mapping[str, str]) -> None:
        self._scrubber = scrubber
        self.conversation_vault: Mapping[str, str] = dict(vault)
        self.vault: dict[str, str] = dict(vault)

    @property
    def enabled(self) -> bool:
        return self._scrubber is not None

    def texts(self, texts: Sequence[str]) -> list[str]:
        """Each text with its PII replaced by placeholders (new ones join the vault)."""
        if self._scrubber is None or not texts:
            return list(texts)
        todo = [i for i, t in enumerate(texts) if t.strip() and PLACEHOLDER.sub("", t).strip()]
        out = list(texts)
        if not todo:
            return out
        joined, vault = self._scrubber.scrub(_SEPARATOR.join(texts[i] for i in todo), self.vault)
        parts = joined.split(_SEPARATOR)
        if len(parts) != len(todo):  # an entity swallowed a separator: scrub one by one instead
            parts = []
            for i in todo:
                scrubbed, vault = self._scrubber.scrub(texts[i], vault)
                parts.append(scrubbed)
        # A snake_case token ("order_id") is a field name quoted in the text, never a person: NER
        # sometimes says otherwise, and the model must read it as written.
        code = {p: raw for p, raw in vault.items() if p not in self.vault and _CODE_WORD.fullmatch(raw)}
        for placeholder, raw in vault.items():
            if placeholder not in code:
                self.vault[placeholder] = raw
        for i, part in zip(todo, parts):
            out[i] = PLACEHOLDER.sub(lambda m: code.get(m.group(0), m.group(0)), part) if code else part
        return out

    def text(self, text: str) -> str:
        return self.texts([text])[0]

    def json(self, value: JSON) -> JSON:
        """A tool result with every free-text string scrubbed; identifiers and numbers kept as they are."""
        if self._scrubber is None:
            return value
        if isinstance(value, str) and value[:1] in "{[":
            # Some tools return their record already serialised (list_all_product_types).
            try:
                parsed: JSON = json.loads(value)
            except ValueError:
                parsed = None
            if isinstance(parsed, (dict, list)):
                return json.dumps(self.json(parsed), ensure_ascii=False, sort_keys=True)
        leaves: list[str] = []

        def collect(v: JSON, key: str) -> None:
            if isinstance(v, dict):
                for k, x in v.items():
                    collect(x, k)
            elif isinstance(v, list):
                for x in v:
                    collect(x, key)
            elif isinstance(v, str) and not _is_identifier(key):
                leaves.append(v)

        collect(value, "")
        scrubbed = iter(self.texts(leaves))

        def rebuild(v: JSON, key: str) -> JSON:
            if isinstance(v, dict):
                return {k: rebuild(x, k) for k, x in v.items()}
            if isinstance(v, list):
                return [rebuild(x, key) for x in v]
            if isinstance(v, str) and not _is_identifier(key):
                return next(scrubbed)
            return v

        return rebuild(value, "")

    def restore_added(self, text: str) -> str:
        """Placeholders this turn added -> their values; the conversation's own stay for the engine to restore."""
        return PLACEHOLDER.sub(
            lambda m: (
                self.vault.get(m.group(0), m.group(0)) if m.group(0) not in self.conversation_vault else m.group(0)
            ),
            text,
        )
