"""Streams a model's tokens to the shopper through the same output guard as the final reply."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.agent.guardrails import guard_output
from bot.ports import EventBus
from bot.types import Decision, Event, Reply, ToolCall

DeltaFn = Callable[[str, str], None]
"""Receives (conversation id, text chunk) while a reply is being written."""

# Text is released only up to a boundary, so a placeholder, an email or a phone number is judged whole.
_BOUNDARY = re.compile(r"[\s，。！？；：、]")


@dataclass(eq=False)
class DeltaStream:
    """Accumulates raw model text and emits the guarded, restored part that can no longer change."""

    conversation_id: str
    emit: DeltaFn
    vault: Mapping[str, str]
    calls: Sequence[ToolCall]
    stop: Callable[[str], bool] | None = None
    stopped: bool = field(default=False, init=False)
    """Set once `stop` judged the text unfit: nothing more is streamed this call."""
    raw: str = field(default="", init=False)
    sent: str = field(default="", init=False)

    def feed(self, chunk: str) -> None:
        self.raw += chunk
        cut = max((m.end() for m in _BOUNDARY.finditer(self.raw)), default=0)
        if cut:
            self._release(self.raw[:cut])

    def flush(self) -> None:
        self._release(self.raw)

    def _release(self, text: str) -> None:
        if self.stopped or (self.stop is not None and self.stop(text)):
            self.stopped = True
            return
        decision = guard_output(Decision(replies=(Reply(text),), tool_calls=tuple(self.calls)), self.vault)
        safe = decision.replies[0].text
        for placeholder, raw in self.vault.items():
            safe = safe.replace(placeholder, raw)  # the shopper's own values, as the final reply shows them
        # A later chunk can only ever extend what was sent; if guarding rewrote the past, wait for the message.
        if safe.startswith(self.sent) and len(safe) > len(self.sent):
            chunk, self.sent = safe[len(self.sent) :], safe
            self.emit(self.conversation_id, chunk)


def publish_deltas(bus: EventBus) -> DeltaFn:
    """A DeltaFn that sends each chunk to the conversation's watchers as a `delta` event."""

    def emit(conversation_id: str, text: str) -> None:
        bus.publish(Event(type="delta", conversation_id=conversation_id, data={"text": text}))

    return emit
