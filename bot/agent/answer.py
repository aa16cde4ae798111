"""Answers to knowledge questions: the 1-3 retrieved sentences that best answer, with citations."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Sequence

from bot.agent.sentences import (
    Sentence,
    conditional_sentence,
    fact_kinds,
    question_kinds,
    split_sentences,
    with_lead,
)
from bot.text import CJK, HAN
from bot.types import Citation, Language, Passage

#: Passages scoring under this (the Retriever's relevance, roughly [0, 1]) are not evidence at
#: all: below it hybrid retrieval returns whatever was least unrelated. Per question language:
#: Chinese questions share fewer exact terms with their passages (word segmentation, paraphrase),
#: and each language has its own spread of scores. The values are knowledge's calibrated
#: RELEVANCE_THRESHOLDS for the default model (see docs/knowledge.md); MIN_PASSAGE_SCORE is the
#: English (and unknown-language) bar.
MIN_PASSAGE_SCORES: dict[Language, float] = {"en": 0.24, "zh": 0.25}
MIN_PASSAGE_SCORE = MIN_PASSAGE_SCORES["en"]
#: A passage this relevant may answer without sharing a word with the question: that is the
#: cross-lingual case (a Chinese question matched to an English policy by embeddings).
STRONG_PASSAGE_SCORE = 0.55
#: Sentences scoring under this share of the best one are not added to the answer.
KEEP_RATIO = 0.5
#: A sentence from another document than the best sentence's must score this share of it.
OTHER_SOURCE_RATIO = 0.8
MAX_SENTENCES = 3
#: Passages whose sentences are considered (the retriever's best first).
MAX_PASSAGES = 8
#: When none of those states the asked kind of fact (a phone number for "what's your phone number?"), the
#: sentences that do of the passages down to this rank are considered too.
FACT_PASSAGES = 12
#: Extra weight of the question-term share found in the sentence itself (rather than only in its
#: section heading or list lead-in, which count for the coverage too).
BODY_WEIGHT = 0.3
#: Weight of the question-term share found in the sentence's section heading: a section about what
#: was asked ("The 30-day return window" for "how many days do I have to return?") wins close calls.
HEADING_WEIGHT = 0.1
#: Added to a sentence that states the kind of fact the question asks for (a duration for "how long" ...).
FACT_BONUS = 0.35
#: A sentence stating the asked kind of fact goes first when it scores this share of the best one, which
#: states none: "how long do I have to send the item back?" is answered by "... within 14 days", not by a
#: sentence sharing more of its words ("You do not need to send the damaged item back").
FACT_FIRST_RATIO = 0.75
#: Added to a sentence stating any concrete fact (a number, an amount, an email) when the question
#: asks for none in particular.
CONCRETE_BONUS = 0.1
#: Weight of the question-term share found in a list item's lead-in when the question asks for a list:
#: "what can't be returned?" is answered by the list "The following items cannot be returned:".
LIST_LEAD_WEIGHT = 0.3
#: Taken from a sentence about a special case ("If your order is still pending, ...") unless the
#: question asks "what if".
CONDITION_PENALTY = 0.1
SNIPPET_CHARS = 240
#: A passage under the relevance bar still counts when it scores this share of the bar and holds this share
#: of the question's terms in its language: Chinese questions and translated words score low in retrieval.
LOW_BAR_RATIO = 0.5
LOW_BAR_COVERAGE = 0.5
#: A whole list shown for "which ..." questions, up to this many characters.
LIST_CHARS = 500

#: Scores each sentence against the question in [0, 1] (e.g. embedding similarity); added to the lexical score.
SentenceScorer = Callable[[str, Sequence[str]], Sequence[float]]

_WHAT_IF = re.compile(r"\bwhat if\b|\bwhat happens\b|\bif\b|如果|万一|要是", re.IGNORECASE)
#: Sentences that lean on the one before them ("It does not restart ...") read badly alone.
_PRONOUN = re.compile(r"^(?:(?:it|this|that|they|these|those|such)\b|它|这|此|该)", re.IGNORECASE)
#: Questions asking for the items of a list: "what payment methods do you take", "what can't be returned?".
_LISTING = re.compile(
    r"\b(?:what|which)\b.*\b(?:methods?|items?|things?|kinds?|types?|options?|ways?|cards?|products?|cannot|can'?t"
    r"|cant|not)\b|哪些|哪几|什么方式|几种",
    re.IGNORECASE,
)
#: A question about a whole policy, not one of its facts: "what is your return policy?", "退货政策是什么？".
_OVERVIEW = re.compile(
    r"\bwhat(?:'s| is| are)\s+(?:your|the)\s+(?:\w+\s+){0,2}polic(?:y|ies)\b"
    r"|^\s*(?:\w+\s+){1,2}polic(?:y|ies)\s*\??\s*$"
    r"|政策(?:是什么|是怎样的|是怎么样的|怎么样|有哪些)|什么(?:样的)?政策",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
#: Chinese shoppers write the verb alone ("能退吗", "可以换吗") and say "no" in many ways ("不能", "不支持"):
#: each reads as the pages' own word.
_ZH_WORDS = (
    (re.compile(r"退(?![货款回还到入出])"), "退货"),
    (re.compile(r"退到"), "退回"),
    (re.compile(r"(?<![出收])发(?![货出送起现生布表票])"), "发货"),
    (re.compile(r"(?<![更调])换(?![货成个一])"), "换货"),
    (re.compile(r"不能|不可以|不可|不支持|无法|不允许|不予|不接受"), "不可"),
)
#: The kinds of fact only a sentence stating one answers (a "when" question may be answered by "when you
#: place your order", with no duration in it).
_DETAILS = frozenset({"phone", "contact"})
#: Words jieba may cut across or into a part they share with their opposite (see _cut), and the parts that go
#: when they are kept: 待处理 (pending) and 已处理 (processed) are not one "处理".
_ZH_KEEP: dict[str, tuple[str, ...]] = {
    "退货": ("货运", "货运费", "货运单"),
    "换货": ("货运", "货运费", "货运单"),
    "运费": (),
    "退款": (),
    "退货期": ("期是",),
    "待处理": ("处理",),
    "已处理": ("处理",),
}
_NEGATION = re.compile(r"\b(?:\w+n[’']t|cannot|cant|dont|doesnt|isnt|arent|wont|didnt)\b")
_EN_WORD = re.compile(r"[a-z0-9]+")
#: The words that only say what kind of fact is wanted ("how long", "多久") or ask whether there is one
#: ("available"): not content terms.
_HOW = re.compile(
    r"\bhow (?:long|much|many|soon|fast|quickly|often)\b|多久|多长时间|多长|几天|几点|多少钱"
    # "Is express shipping available?" asks whether there is express shipping: any sentence about it answers,
    # not one that happens to say "available" too.
    r"|\b(?:available|availability|offer(?:ed|s)?|provide[sd]?)\b"
    # "what's your phone number?" asks for a phone number: "Phone: +1 (800) 555-0142", not "the phone number on
    # the order".
    r"|(?<=phone)\s+numbers?\b|(?<=mail)\s+address(?:es)?\b"
    # "request an exchange" is to exchange: the sentence of the window, not one that says "exchange request".
    r"|\b(?:request|apply for|ask for|submit)\b(?=\s+(?:a |an |the |my )?(?:return|exchange|refund|warranty|cancel))",
    re.IGNORECASE,
)

EN_STOPWORDS = frozenset(
    "a an the and or but if of to in on at for from by with about as is are was were be been being "
    "do does did doing have has had i me my we our you your it its this that these those there what "
    "which who whom how when where why can could would should will shall may might must please any "
    "some all no so than too very just also into out up down over under again then once here "
    "they them their he she his her get got tell know want like need us am take takes "
    "policy policies rule rules item items thing things something anything stuff while still already yet even ever "
    "whether".split()
)
ZH_STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 是 我 你 您 他 她 它 我们 你们 在 有 和 与 及 或 就 都 也 还 要 想 请 请问 "
    "什么 怎么 怎样 如何 多少 哪 哪些 哪里 能 能否 可以 会 这 那 这个 那个 一个 一下 吗？ 么 给 把 被 让 "
    "个 对 为 从 到 说 问 里 上 下 你们 吗 政策 规定".split()
)

#: Words a shopper and the shop's pages use for the same thing: "send it back" / "ship the items back".
EN_SYNONYMS = {
    "send": "ship",
    "sending": "ship",
    "sent": "ship",
    "sends": "ship",
    "deliver": "ship",
    "delivers": "ship",
    "deliveries": "ship",
}
#: Words a Chinese shopper and the shop's policies use for the same thing ("收到货" / "签收").
ZH_SYNONYMS = {
    "签收": "收到",
    "收货": "收到",
    "到货": "收到",
    "送达": "收到",
    "付款": "支付",
    "付钱": "支付",
    "全免": "免费",
    "检查": "检验",
    "尺码": "尺寸",
    "快递": "配送",
    "送货": "配送",
    "码数": "尺寸",
    "费全免": "免费",
}


def min_passage_score(language: Language) -> float:
    """The relevance a passage needs to count as evidence for a question in `language`."""
    return MIN_PASSAGE_SCORES.get(language, MIN_PASSAGE_SCORE)


@dataclass(frozen=True)
class Answer:
    """Sentences taken from retrieved passages, and where each came from."""

    text: str
    citations: tuple[Citation, ...]
    language: Language
    """The language of the passages used (may differ from the shopper's)."""
    best: str = ""
    """The sentence that answers best (the deciding one for a yes/no question), as shown."""
    best_lead: str = ""
    """What introduced the best sentence's list (its lead-in or section heading); "" outside a list."""
    parts: tuple[str, ...] = ()
    """The sentences shown, in the order of `text`."""


def compose_answer(
    question: str,
    passages: Sequence[Passage],
    *,
    max_sentences: int = MAX_SENTENCES,
    scorer: SentenceScorer | None = None,
    language: Language | None = None,
    bar: float | None = None,
    lenient: bool = False,
    yes_no: bool = False,
    focus: frozenset[str] = frozenset(),
) -> Answer | None:
    """The best 1-3 sentences of the relevant passages, or None when nothing relevant was found.

    A sentence scores by the idf-weighted share of the question's terms it holds (its list's
    lead-in and its section heading count too), plus a bonus when it states the kind of fact the
    question asks for (a duration for "how long", an amount for "how much", an email or phone
    number for "how do I contact you"), plus its passage's retrieval score. Sentences about the
    page itself ("This page explains ...") and dangling lead-ins are never chosen. An optional
    `scorer` (for instance a sentence-embedding similarity) adds its [0, 1] score to each.
    The kept sentences are shown in document order, those of the best sentence's passage first.
    `language` is the question's (guessed from its characters when not given): it picks the
    relevance bar from MIN_PASSAGE_SCORES (`bar` sets another); `lenient` lets a passage a little under it
    count when it holds most of the question's terms in its own language (a question widened with the
    pages' own words, see policy_topics). For a `yes_no` question the sentence stating the rule decides, not
    one that happens to hold a number: no CONCRETE_BONUS. `focus` are the terms that name what the question is
    about (换货 in "衣服尺码不合适可以换吗？"): they weigh like its rarest term, as a sentence without them (one
    about returns for the wrong size) answers another question however rare the words it shares.
    """
    if bar is None:
        bar = min_passage_score(language or ("zh" if CJK.search(question) else "en"))
    q_terms = _question_terms(question)
    relevant = [p for p in passages if p.score >= bar or (lenient and _covered(q_terms, p, bar))]
    if not relevant:
        return None
    wanted = question_kinds(question)
    listing = bool(_LISTING.search(question))
    conditional_question = conditional_sentence(question) or bool(_WHAT_IF.search(question))
    overview = bool(_OVERVIEW.search(question)) and not wanted
    candidates = _candidates(relevant[:MAX_PASSAGES])
    if wanted and not any(wanted & c.facts for c in candidates):
        further = _candidates(relevant[:FACT_PASSAGES])
        candidates += [c for c in further if c.pi >= MAX_PASSAGES and wanted & c.facts]
    elif overview:
        further = _candidates(relevant[:FACT_PASSAGES])
        candidates += [c for c in further if c.pi >= MAX_PASSAGES and fact_kinds(relevant[c.pi].section)]
    if not candidates:
        return None
    headings = [terms(p.section) for p in relevant[:FACT_PASSAGES]]
    titles = [terms(p.title) for p in relevant[:FACT_PASSAGES]]
    weight = _idf(q_terms, [c.terms | c.lead_terms for c in candidates])
    if weight:
        rarest = max(weight.values())
        weight.update({t: rarest for t in focus & weight.keys() if weight[t] > 0})
    total = sum(weight.values()) or 1.0

    def share(found: frozenset[str]) -> float:
        return sum(weight[t] for t in found & weight.keys()) / total

    scored: list[tuple[float, _Candidate]] = []
    for c in candidates:
        body = share(c.terms)
        # The question's terms found in the sentence, its list's lead-in or its section heading:
        # "What does the warranty not cover?" is answered by the items under that heading.
        covered = share(c.terms | c.lead_terms | headings[c.pi])
        # "What is your return policy?": the rule the page names in a heading ("The 30-day return window").
        asked_fact = bool(wanted & c.facts) or (overview and bool(c.facts) and bool(fact_kinds(relevant[c.pi].section)))
        if not (covered or asked_fact):
            continue
        value = (
            covered
            + BODY_WEIGHT * body / (1 + 0.02 * len(c.terms))
            + 0.1 * share(titles[c.pi])
            + HEADING_WEIGHT * share(headings[c.pi])
            + (LIST_LEAD_WEIGHT * share(c.lead_terms) if listing and c.sentence.group >= 0 else 0.0)
            + (FACT_BONUS if asked_fact else CONCRETE_BONUS if c.facts and not yes_no else 0.0)
            + 0.2 * relevant[c.pi].score
            - 0.01 * c.sentence.position
            - (CONDITION_PENALTY if conditional_sentence(c.sentence.text) and not conditional_question else 0.0)
            - (CONDITION_PENALTY if _PRONOUN.match(c.sentence.text) else 0.0)
        )
        scored.append((value, c))
    if not scored:
        top = relevant[0]
        if top.score < STRONG_PASSAGE_SCORE:
            return None
        # No shared words (a Chinese question, an English policy): its first sentences, and the
        # ones stating the asked-for kind of fact before the rest.
        own = [c for c in candidates if c.pi == 0]
        own.sort(key=lambda c: (not (wanted & c.facts), c.sentence.position))
        scored = [(1.0, c) for c in own[:2]]
    if scorer is not None and scored:
        extra = scorer(question, [c.sentence.text for _, c in scored])
        scored = [(value + float(e), c) for (value, c), e in zip(scored, extra)]
    scored.sort(key=lambda x: -x[0])
    scored = _asked_fact_first(scored, wanted)
    chosen = _pick(scored, [p.source for p in relevant], max_sentences)
    best = chosen[0]
    if wanted & best.facts & _DETAILS:
        # A question for a phone number or an address is answered by the sentences stating one: "Phone: +1 (800)
        # 555-0142", not also "We verify your identity with the email, phone number or zip code on the order".
        chosen = [best, *[c for c in chosen[1:] if wanted & c.facts]]
    follow = _follow_up(chosen[0], candidates)
    if follow is not None and max_sentences > 1 and follow not in chosen:
        chosen = [chosen[0], follow, *chosen[1 : max_sentences - 1]]
    if best.sentence.group >= 0 and listing:
        chosen = [_whole_list(best, candidates), *[c for c in chosen if c.sentence.group != best.sentence.group]]
        chosen = chosen[:max_sentences]
        best = chosen[0]
    lead_passage = chosen[0].pi
    chosen.sort(key=lambda c: (c.pi != lead_passage, c.pi, c.sentence.position))
    # One citation per source document, even when two of its chunks contributed.
    used: dict[str, tuple[Passage, list[str]]] = {}
    for c in chosen:
        used.setdefault(relevant[c.pi].source, (relevant[c.pi], []))[1].append(c.sentence.text)
    citations = tuple(citation(p, support) for p, support in used.values())
    language = relevant[lead_passage].language
    joiner = "" if language == "zh" else " "
    parts = tuple(c.sentence.text for c in chosen)
    return Answer(
        joiner.join(parts), citations, language, best=best.sentence.text, best_lead=best.sentence.lead, parts=parts
    )


def _candidates(passages: Sequence[Passage]) -> list[_Candidate]:
    """Every candidate sentence of the passages (page-tour sentences left out), with its terms and facts."""
    return [
        _Candidate(pi, s, terms(s.text), terms(s.lead), fact_kinds(s.text))
        for pi, passage in enumerate(passages)
        for s in split_sentences(passage.text, heading=_heading(passage.section))
        if not s.meta
    ]


def _heading(section: str) -> str:
    """The innermost heading of a passage's section path ("Returns > Refunds" -> "Refunds")."""
    return section.rsplit(" > ", 1)[-1].strip()


def _covered(q_terms: frozenset[str], passage: Passage, bar: float) -> bool:
    """A passage a little under the bar that holds most of the question's terms written in its language."""
    if passage.score < LOW_BAR_RATIO * bar:
        return False
    zh = passage.language == "zh"
    pool = {t for t in q_terms if bool(CJK.search(t)) == zh}
    if not pool:
        return False
    found = terms(f"{passage.section} {passage.text}")
    return len(pool & found) / len(pool) >= LOW_BAR_COVERAGE


def _whole_list(best: _Candidate, candidates: Sequence[_Candidate]) -> _Candidate:
    """The list the best item belongs to as one sentence: "Accepted payment methods: a; b; c." (up to LIST_CHARS)."""
    items = [c for c in candidates if c.pi == best.pi and c.sentence.group == best.sentence.group]
    lead = best.sentence.lead
    zh = bool(CJK.search(lead or best.sentence.text))
    shown: list[str] = []
    for c in items:
        text = c.sentence.text
        if lead and text.startswith(lead):
            text = text[len(lead) :].lstrip(":： ")
        text = text.rstrip("。.;；")
        if sum(len(t) for t in shown) + len(text) > LIST_CHARS and shown:
            break
        shown.append(text)
    body = ("；" if zh else "; ").join(shown) + ("。" if zh else ".")
    text = with_lead(lead, body) if lead else body
    merged = Sentence(text, lead=lead, position=items[0].sentence.position, group=best.sentence.group)
    return _Candidate(best.pi, merged, best.terms, best.lead_terms, best.facts)


def sentences(text: str) -> list[str]:
    """Readable sentences of a passage, markdown removed; headings, fragments and lead-ins dropped."""
    return [s.text for s in split_sentences(text) if not s.meta]


@dataclass(frozen=True)
class _Candidate:
    pi: int
    """Index of its passage among the relevant ones."""
    sentence: Sentence
    terms: frozenset[str]
    lead_terms: frozenset[str]
    facts: frozenset[str]


def _pick(scored: list[tuple[float, _Candidate]], sources: Sequence[str], max_sentences: int) -> list[_Candidate]:
    """The best sentence, then the next best that are close enough and say something new."""
    best, first = scored[0]
    chosen = [first]
    for value, c in scored[1:]:
        if len(chosen) >= max_sentences or value < KEEP_RATIO * best:
            break
        # Another document must be nearly as good as the best: mixing policies confuses.
        if sources[c.pi] != sources[first.pi] and value < OTHER_SOURCE_RATIO * best:
            continue
        if any(_same_fact(c, o) for o in chosen):
            continue  # the same fact twice (two policies often repeat a rule)
        chosen.append(c)
    return chosen


def _asked_fact_first(scored: list[tuple[float, _Candidate]], wanted: frozenset[str]) -> list[tuple[float, _Candidate]]:
    """The sentences with the best one stating the asked kind of fact moved first, when it is close enough."""
    if not wanted or not scored or wanted & scored[0][1].facts:
        return scored
    best = scored[0][0]
    for i, (value, c) in enumerate(scored):
        if value < FACT_FIRST_RATIO * best:
            break
        if wanted & c.facts:
            # It takes the best one's score, so that _pick measures the others against it as before.
            return [(best, c), *scored[:i], *scored[i + 1 :]]
    return scored


def _follow_up(best: _Candidate, candidates: Sequence[_Candidate]) -> _Candidate | None:
    """The sentence right after the best one when it states a fact: "You can ask us to delete your
    information. Email privacy@... with your request." reads as one answer."""
    for c in candidates:
        if c.pi == best.pi and c.sentence.position == best.sentence.position + 1 and c.facts and not c.sentence.lead:
            return c
    return None


def _same_fact(a: _Candidate, b: _Candidate) -> bool:
    """Mostly the same words and the same numbers ("3-5 days" and "1-2 days" are two facts)."""
    return _overlap(a.terms, b.terms) > 0.6 and _NUMBER.findall(a.sentence.text) == _NUMBER.findall(b.sentence.text)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _idf(q_terms: frozenset[str], docs: Sequence[frozenset[str]]) -> dict[str, float]:
    """Weights of the question's terms: rarer among the candidate sentences weigh more; absent terms 0."""
    n = len(docs)
    weights: dict[str, float] = {}
    for t in q_terms:
        df = sum(1 for d in docs if t in d)
        weights[t] = math.log(1 + n / df) if df else 0.0
    return weights


def _question_terms(question: str) -> frozenset[str]:
    """The question's content terms, without the words that only say what kind of fact it wants."""
    return terms(_HOW.sub(" ", question))


def terms(text: str) -> frozenset[str]:
    """Content terms: stemmed English words and jieba words of Chinese, stopwords removed. Every English
    negation reads "not" ("what can't be returned?" asks for what "cannot be returned")."""
    lowered = _NEGATION.sub(" not ", text.lower())
    found = {EN_SYNONYMS.get(w, _stem(w)) for w in _EN_WORD.findall(lowered) if w not in EN_STOPWORDS and len(w) > 1}
    for run in re.findall(f"[{HAN}]+", text):
        for pattern, word in _ZH_WORDS:
            run = pattern.sub(word, run)
        found.update(ZH_SYNONYMS.get(w, w) for w in _cut(run) if w not in ZH_STOPWORDS and w.strip())
    return frozenset(found)


def citation(passage: Passage, used: list[str]) -> Citation:
    """The passage's citation, its snippet the sentences used from it."""
    # The snippet is the supporting text itself, so the shopper (and the output guard, which
    # lets through contact details found in citations) sees exactly what the reply rests on.
    support = ("" if passage.language == "zh" else " ").join(used)
    if len(support) > SNIPPET_CHARS:
        support = support[:SNIPPET_CHARS].rstrip() + "…"
    return replace(passage.citation(SNIPPET_CHARS), snippet=support)


def _stem(word: str) -> str:
    if word.endswith("ss"):
        return word  # address, express
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"  # deliveries -> delivery
    stripped = ""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word, stripped = word[: -len(suffix)], suffix
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]  # exchange, exchanges, exchanged -> exchang
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # shipp -> ship
    elif stripped in ("ed", "ing") and len(word) > 5 and word.endswith("ll"):
        word = word[:-1]  # cancelled, cancelling -> cancel (full, fill keep theirs)
    return word


@lru_cache(maxsize=4096)
def _cut(run: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = jieba.lcut_for_search(run)
    # Single characters carry meaning in questions like "退" or "换" only as part of words;
    # keep them only when jieba found nothing longer.
    longer = [w for w in words if len(w) > 1]
    # jieba reads "换货运费" as 换 / 货运 / 运费: the shop's own words are kept whole, and the freight word
    # they were cut into goes.
    kept = [w for w in _ZH_KEEP if w in run]
    if kept:
        parts = {p for w in kept for p in _ZH_KEEP[w]}
        longer = [w for w in longer if w not in parts and w not in kept] + kept
    return tuple(longer or words)
