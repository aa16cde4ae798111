"""Answers from the shop's own pages (policies, FAQs): the search, the composed answer, its citations."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.agent import tools
from bot.agent.answer import MIN_PASSAGE_SCORE, compose_answer
from bot.agent.flows.detect import action_of
from bot.agent.flows.state import Turn
from bot.agent.replies import FLOW_WORDS, say
from bot.agent.tools import ToolContext
from bot.text import PLACEHOLDER
from bot.types import Language, Passage, Reply

#: Passages fetched for an answer (the composer reads the best few by relevance).
SEARCH_K = 8
#: Small talk before a question: "Hi!", "Great, thanks.", "Also,", "好的，谢谢。另外，".
_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|great|ok(?:ay)?|thanks|thank you|cool|perfect|got it|good|nice|also|and|oh"
    r"|one more thing|by the way|btw|wait|actually|sorry|quick question|before i confirm)\b[\s,.!;:]*"
    r"|(?:你好|您好|好的|谢谢|多谢|嗯+|还有)[\s,.!;:，。！；：、]+|(?:另外|对了|顺便问一下)[\s,，、]*)",
    re.IGNORECASE,
)


def answer(turn: Turn) -> None:
    """Answer the message from the shop's pages, cited; say so plainly when they do not answer it."""
    query = question(turn.text, turn.ctx.vault)
    action = action_of(turn.text)
    topic = FLOW_WORDS[action][turn.lang].topic if action else ""
    if topic and topic not in query:
        # "换一个大一号的" is about exchanges: say so to the search, which matches words.
        query = f"{query} {topic}"
    with turn.stage("retrieval"):
        passages = search(turn.ctx, query, turn.lang)
    composed = compose_answer(query, passages)
    if turn.u.intent.label == "complaint":
        turn.say("complaint")
    if composed is None:
        if turn.u.intent.label != "complaint":
            turn.failed()
            turn.say("no_answer")
        return
    turn.succeeded()
    text = composed.text
    if composed.language != turn.lang:
        text = say("other_language", turn.lang) + "\n" + text
    turn.replies.append(Reply(text, citations=composed.citations))


def question(text: str, vault: Mapping[str, str] | None = None) -> str:
    """The question in a message, without personal placeholders and the small talk around it
    ("Great, thanks. Also, is express shipping available?" -> "is express shipping available?").

    A place name the scrubber took for PII ("Can you ship to <LOCATION_1>?" with Canada) is put back:
    it is what the question is about, and a bare place name identifies nobody. Street addresses
    (with digits) and every other kind stay out of the search.
    """

    def keep_places(m: re.Match[str]) -> str:
        value = (vault or {}).get(m.group(0), "")
        place = m.group(0).startswith("<LOCATION_") and value and not re.search(r"\d", value)
        return f" {value} " if place and len(value) <= 40 else " "

    query = PLACEHOLDER.sub(keep_places, text).strip()
    while True:
        shorter = _LEAD_IN.sub("", query, count=1).strip()
        if shorter == query or not shorter:
            return query
        query = shorter


def search(ctx: ToolContext, query: str, language: Language) -> list[Passage]:
    """Passages in the shopper's language (any language when those are not relevant enough), most
    relevant first: the retriever's fused order can put a passage that answers exactly below others."""
    passages = tools.search_knowledge(ctx, query, language, k=SEARCH_K)
    if not passages or max(p.score for p in passages) < MIN_PASSAGE_SCORE:
        fallback = tools.search_knowledge(ctx, query, None, k=SEARCH_K)
        if fallback and (not passages or max(p.score for p in fallback) > max(p.score for p in passages)):
            passages = fallback
    return sorted(passages, key=lambda p: -p.score)
