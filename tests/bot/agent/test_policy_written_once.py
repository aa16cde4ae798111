"""A question in one language about a page the shop wrote only in the other (an ingested English page, a
Chinese question) is answered from that page, quoted with a note of its language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.agent.embedded import EmbeddedEngine
from bot.privacy.scrubber import PiiScrubber
from bot.testing.fakes import FakeShop
from bot.types import Conversation, DocKind, Language, Passage
from tests.bot.agent.conftest import Chat

RETURNS_ZH = Passage(
    "r1",
    "商品须未经使用、保持原状，并尽可能保留原包装以及全部配件。",
    "returns.zh.md",
    "退货与退款政策",
    language="zh",
    score=0.33,
)
RETURNS_EN = Passage(
    "r2", "Items must be unused, with their original packaging.", "returns.en.md", "Returns", score=0.2
)
GIFT_WRAP = Passage(
    "g1",
    "We offer gift wrapping on every order for $4.50 per parcel. Choose it at checkout.",
    "giftwrap.en.md",
    "Gift Wrapping",
    score=0.17,
)


@dataclass
class ListingRetriever:
    """Fixed passages with fixed scores, and the list of pages the shop has (as knowledge.KnowledgeBase gives)."""

    passages: Sequence[Passage]
    pages: frozenset[str]

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        kind: DocKind | None = None,
        language: Language | None = None,
        customer_id: str | None = None,
    ) -> list[Passage]:
        return sorted(self.passages, key=lambda p: -p.score)[:k]

    def sources(self, kind: DocKind) -> frozenset[str]:
        return self.pages


def _chat(pii: PiiScrubber, pages: frozenset[str]) -> Chat:
    retriever = ListingRetriever((RETURNS_ZH, RETURNS_EN, GIFT_WRAP), pages)
    engine = EmbeddedEngine(FakeShop(), FakeShop(), retriever)
    return Chat(engine, pii, Conversation(id="c_once"), no_email_in_tools=True)


def test_a_page_written_only_in_english_answers_a_chinese_question(pii: PiiScrubber) -> None:
    chat = _chat(pii, frozenset({"returns.zh.md", "returns.en.md", "giftwrap.en.md"}))
    reply = chat.send("你们提供礼品包装吗？")
    assert "$4.50" in reply and "英文" in reply  # quoted, with a note of its language
    assert [c.source for c in chat.last.replies[0].citations] == ["giftwrap.en.md"]


def test_a_page_the_shop_has_in_both_languages_is_not_taken_from_the_other(pii: PiiScrubber) -> None:
    chat = _chat(pii, frozenset({"returns.zh.md", "returns.en.md", "giftwrap.en.md", "giftwrap.zh.md"}))
    chat.send("你们提供礼品包装吗？")
    assert "giftwrap.en.md" not in [c.source for c in chat.last.replies[0].citations]
