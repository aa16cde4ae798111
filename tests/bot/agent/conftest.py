"""Shared by the agent tests: the scrubber, a writable mini shop, and one Chat driver for every engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from bot.agent.guardrails import guard_output
from bot.agent.turn import decide_turn
from bot.ports import Engine
from bot.privacy.scrubber import PiiScrubber
from bot.testing.commerce import open_mini_shop
from bot.types import Conversation, Decision, Language, Understanding
from bot.understanding.understander import Understander
from connectors.commerce import generate_demo_data
from connectors.commerce.sqlite_shop import SqliteShop

#: Scrubbed text and the conversation's locale in, what the engine is told about the message out.
Understand = Callable[[str, Language | None], Understanding]

_nlu = Understander()


def nlu_understand(scrubbed: str, locale: Language | None) -> Understanding:
    """The real understanding stage, as bot.agent.turn calls it."""
    return _nlu.understand(scrubbed, locale=locale)


@pytest.fixture(scope="module")
def pii() -> PiiScrubber:
    return PiiScrubber(use_ner=False)  # NER is tested in test_pii; patterns are what flows need


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteShop]:
    """The generated demo shop (100 products, its customers and orders), built once per module."""
    shop = SqliteShop(Path(tmp_path_factory.mktemp("demo")) / "shop.sqlite3")
    shop.load(generate_demo_data())
    yield shop
    shop.close()


@pytest.fixture()
def shop(tmp_path: Path) -> Iterator[SqliteShop]:
    shop = open_mini_shop(tmp_path / "shop.sqlite")
    yield shop
    shop.close()


@dataclass
class Chat:
    """One conversation driven the way bot.agent.turn drives a turn: scrub, understand, decide (the handoff policy
    around the engine: decide_turn), guard, restore, then carry memory, customer, locale and state over to the
    next message."""

    engine: Engine
    pii: PiiScrubber
    conversation: Conversation = field(default_factory=lambda: Conversation(id="c1"))
    understand: Understand = nlu_understand
    decisions: list[Decision] = field(default_factory=list)
    no_email_in_tools: bool = False
    """Assert that no tool call saw or returned an email (true of the embedded flows, which pass placeholders)."""

    def send(self, text: str, understand: Understand | None = None) -> str:
        """The shopper's text in, the replies as the shopper sees them out; `understand` overrides for one turn."""
        scrubbed, vault = self.pii.scrub(text, self.conversation.vault)
        conv = replace(self.conversation, vault=vault)
        u = (understand or self.understand)(scrubbed, conv.locale)
        decision = guard_output(decide_turn(self.engine, conv, scrubbed, u, []), vault)
        self.decisions.append(decision)
        for call in decision.tool_calls if self.no_email_in_tools else ():
            assert "@" not in str(call.arguments) and "@" not in str(call.result), call
        self.conversation = replace(
            conv,
            memory=dict(decision.memory),
            customer=decision.customer or conv.customer,
            locale=conv.locale or u.language,
            state="waiting_for_agent" if decision.handoff else conv.state,
        )
        return "\n".join(self.pii.restore(r.text, vault) for r in decision.replies)

    @property
    def last(self) -> Decision:
        return self.decisions[-1]
