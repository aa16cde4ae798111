"""Answers to knowledge questions: the 1-3 retrieved sentences that best answer, with citations."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from bot.types import Citation, Language, Passage

#: Passages scoring under this (the Retriever's relevance, roughly [0, 1]) are not evidence at
#: all: below it hybrid retrieval returns whatever was least unrelated.
MIN_PASSAGE_SCORE = 0.3
#: A passage this relevant may answer without sharing a word with the question: that is the
#: cross-lingual case (a Chinese question matched to an English policy by embeddings).
STRONG_PASSAGE_SCORE = 0.55
#: Sentences scoring under this share of the best one are not added to the answer.
KEEP_RATIO = 0.5
MAX_SENTENCES = 3
SNIPPET_CHARS = 240

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_EN_WORD = re.compile(r"[a-z0-9]+")
_SPLIT = re.compile(r"(?<=[.!?。！？；;])\s+|(?<=[。！？；])|\n+")
_MARKUP = re.compile(r"\*\*|__|`|^\s*(?:[-*+]|\d+[.)])\s+|^#+\s*|\[(.*?)\]\([^)]*\)")

EN_STOPWORDS = frozenset(
    "a an the and or but if of to in on at for from by with about as is are was were be been being "
    "do does did doing have has had i me my we our you your it its this that these those there what "
    "which who whom how when where why can could would should will shall may might must please any "
    "some all not no so than too very just also into out up down over under again then once here "
    "they them their he she his her get got tell know want like need us am".split()
)
ZH_STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 是 我 你 您 他 她 它 我们 你们 在 有 和 与 及 或 就 都 也 还 要 想 请 请问 "
    "什么 怎么 怎样 如何 多少 哪 哪些 哪里 能 能否 可以 会 这 那 这个 那个 一个 一下 吗？ 么 给 把 被 让 "
    "个 对 为 从 到 说 问 里 上 下".split()
)


@dataclass(frozen=True)
class Answer:
    """Sentences taken from retrieved passages, and where each came from."""

    text: str
    citations: tuple[Citation, ...]
    language: Language
    """The language of the passages used (may differ from the shopper's)."""


def compose_answer(question: str, passages: Sequence[Passage], *, max_sentences: int = MAX_SENTENCES) -> Answer | None:
    """The best 1-3 sentences of the relevant passages, or None when nothing relevant was found.

    Sentences are scored by weighted term overlap with the question (rarer terms among the
    candidates weigh more), plus the passage's retrieval score and its heading's overlap. The
    kept sentences are shown in their passage order so they read as the document does.
    """
    relevant = [p for p in passages if p.score >= MIN_PASSAGE_SCORE]
    if not relevant:
        return None
    q_terms = terms(question)
    candidates: list[tuple[int, int, str, frozenset[str]]] = []  # passage index, position, sentence, terms
    for pi, passage in enumerate(relevant[:4]):
        for si, sentence in enumerate(sentences(passage.text)):
            candidates.append((pi, si, sentence, terms(sentence)))
    if not candidates:
        return None
    df: dict[str, int] = {}
    for *_, s_terms in candidates:
        for t in s_terms & q_terms:
            df[t] = df.get(t, 0) + 1
    n = len(candidates)

    def score(pi: int, s_terms: frozenset[str]) -> float:
        overlap = sum(math.log(1 + n / df[t]) for t in s_terms & q_terms)
        heading = terms(relevant[pi].section + " " + relevant[pi].title) & q_terms
        return (
            overlap / math.sqrt(1 + len(s_terms)) + 0.3 * len(heading) / (1 + len(q_terms)) + 0.2 * relevant[pi].score
        )

    scored = [(score(pi, t), pi, si, s) for pi, si, s, t in candidates if t & q_terms]
    if not scored:
        top = relevant[0]
        if top.score < STRONG_PASSAGE_SCORE:
            return None
        scored = [(1.0, 0, si, s) for si, s in enumerate(sentences(top.text)[:2])]
    scored.sort(key=lambda x: -x[0])
    best = scored[0][0]
    chosen = [x for x in scored[:max_sentences] if x[0] >= KEEP_RATIO * best]
    # Sentences from the best sentence's passage first, in document order.
    lead = chosen[0][1]
    chosen.sort(key=lambda x: (x[1] != lead, x[1], x[2]))
    # One citation per source document, even when two of its chunks contributed.
    used: dict[str, tuple[Passage, list[str]]] = {}
    for _, pi, _, s in chosen:
        used.setdefault(relevant[pi].source, (relevant[pi], []))[1].append(s)
    citations = tuple(_citation(p, support) for p, support in used.values())
    joiner = "" if relevant[lead].language == "zh" else " "
    return Answer(text=joiner.join(s for _, _, _, s in chosen), citations=citations, language=relevant[lead].language)


def sentences(text: str) -> list[str]:
    """Readable sentences of a passage, markdown removed; headings and fragments dropped."""
    out: list[str] = []
    for line in text.splitlines():
        if re.match(r"^\s*#", line) or re.match(r"^\s*\|", line):
            continue  # headings and table rows do not read as answers
        clean = _MARKUP.sub(lambda m: m.group(1) or "", line).strip()
        for piece in _SPLIT.split(clean):
            piece = piece.strip()
            if len(piece) >= 8 if not _CJK.search(piece) else len(piece) >= 4:
                out.append(piece)
    return out


def terms(text: str) -> frozenset[str]:
    """Content terms: stemmed English words and jieba words of Chinese, stopwords removed."""
    lowered = text.lower()
    found = {_stem(w) for w in _EN_WORD.findall(lowered) if w not in EN_STOPWORDS and len(w) > 1}
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text):
        found.update(w for w in _cut(run) if w not in ZH_STOPWORDS and w.strip())
    return frozenset(found)


def _citation(passage: Passage, used: list[str]) -> Citation:
    # The snippet is the supporting text itself, so the shopper (and the output guard, which
    # lets through contact details found in citations) sees exactly what the reply rests on.
    support = ("" if passage.language == "zh" else " ").join(used)
    if len(support) > SNIPPET_CHARS:
        support = support[:SNIPPET_CHARS].rstrip() + "…"
    return replace(passage.citation(SNIPPET_CHARS), snippet=support)


def _stem(word: str) -> str:
    if word.endswith("ss"):
        return word  # address, express
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # shipp -> ship
    return word


@lru_cache(maxsize=4096)
def _cut(run: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = jieba.lcut_for_search(run)
    # Single characters carry meaning in questions like "退" or "换" only as part of words;
    # keep them only when jieba found nothing longer.
    longer = [w for w in words if len(w) > 1]
    return tuple(longer or words)
