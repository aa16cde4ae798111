"""Answers from the shop's own pages (policies, FAQs): the search, the composed answer, its citations."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.agent import polarity, policy_topics, tools
from bot.agent.answer import MIN_PASSAGE_SCORE, Answer, citation, compose_answer, min_passage_score, terms
from bot.agent.flows.detect import action_of
from bot.agent.flows.state import Turn
from bot.agent.replies import FLOW_WORDS, say
from bot.agent.sentences import split_sentences
from bot.agent.tools import ToolContext
from bot.text import PLACEHOLDER
from bot.types import Language, Passage, Reply

#: Passages fetched for an answer (the composer reads the best few by relevance).
SEARCH_K = 12
#: Passages fetched by the search on a Chinese question's terms (a few: it only brings the page the other missed).
TERMS_K = 6
#: The memory key of the page topic last answered ("shipping"): a follow-up that names none stays on it.
TOPIC_KEY = "policy_topic"
#: A follow-up names at most this many content terms of its own ("And how much does it cost?").
FOLLOW_UP_TERMS = 4
#: Small talk before a question: "Hi!", "Great, thanks.", "Also,", "好的，谢谢。另外，".
_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|great|ok(?:ay)?|thanks|thank you|cool|perfect|got it|good|nice|also|and|oh"
    r"|one more thing|by the way|btw|wait|actually|sorry|quick question|before i confirm)\b[\s,.!;:]*"
    r"|(?:你好|您好|好的|谢谢|多谢|嗯+|还有)[\s,.!;:，。！；：、]+|(?:另外|对了|顺便问一下|先问一下|先问下|请问)[\s,，、]*"
    # What the shopper will not do is not what they ask about: "如果不取消，..." asks about returns.
    r"|(?:如果|要是|假如)我?不[\u4e00-\u9fff]{1,6}(?:的话)?[,，]\s*"
    r"|if i (?:don't|do not|dont) \w+(?: (?:it|them))?,\s*)",
    re.IGNORECASE,
)


#: Shopper spellings the search does not know ("whats", "cant", "u"): written out.
_SPELLINGS = {
    "whats": "what is",
    "hows": "how is",
    "wheres": "where is",
    "whens": "when is",
    "cant": "can't",
    "dont": "don't",
    "doesnt": "doesn't",
    "wont": "won't",
    "isnt": "isn't",
    "arent": "aren't",
    "didnt": "didn't",
    "im": "I'm",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ppl": "people",
    "yr": "your",
}
_SPELLING = re.compile(r"\b(?:" + "|".join(_SPELLINGS) + r")\b", re.IGNORECASE)


def answer(turn: Turn) -> None:
    """Answer the message from the shop's pages, cited; say so plainly when they do not answer it."""
    asked = query = question(turn.text, turn.ctx.vault)
    action = action_of(turn.text)
    topic = FLOW_WORDS[action][turn.lang].topic if action else ""
    if topic and topic not in query:
        # "换一个大一号的" is about exchanges: say so to the search, which matches words.
        query = f"{query} {topic}"
    keys = policy_topics.topics_of(query)
    remembered = turn.memory.get(TOPIC_KEY, "")
    if remembered and not policy_topics.main_topic(query) and len(terms(query)) <= FOLLOW_UP_TERMS:
        keys.append(remembered)  # "And how much does it cost?" right after a shipping answer
    widened = policy_topics.expand(query, keys)
    with turn.stage("retrieval"):
        own = policy_topics.expand(query, keys, script=turn.lang)
        focus = terms(policy_topics.naming_words(own))
        composed = find_answer(turn.ctx, widened, turn.lang, own=own, yes_no=polarity.is_yes_no(asked), focus=focus)
    if turn.u.intent.label == "complaint":
        turn.say("complaint")
    if composed is None:
        if turn.u.intent.label != "complaint":
            turn.failed()
            turn.say("no_answer")
        return
    turn.succeeded()
    topic = policy_topics.main_topic(query) or (remembered if remembered in keys else "")
    topic = topic or policy_topics.main_topic(composed.citations[0].source.split(".")[0] if composed.citations else "")
    if topic:
        turn.memory[TOPIC_KEY] = topic
    text = reply_text(asked, composed, turn.lang)  # the shopper's question: "取消订单" added ends no question
    if composed.language != turn.lang:
        text = say("other_language", turn.lang) + "\n" + text
    turn.replies.append(Reply(text, citations=composed.citations))


def reply_text(query: str, composed: Answer, language: Language) -> str:
    """The answer as shown: for a yes/no question its yes, no or "it depends" first, then the deciding
    sentence and the rest."""
    if not polarity.is_yes_no(query):
        return composed.text
    best = composed.best
    decisive = f"{composed.best_lead} {best}" if composed.best_lead and composed.best_lead not in best else best
    condition = terms(polarity.condition_of(best))
    verdict = polarity.decide(query, decisive, condition, terms(query))
    rest = [p for p in composed.parts if p != best]
    joiner = "" if composed.language == "zh" else " "
    body = joiner.join([best, *rest])
    if language == "zh":
        yes, no = polarity.zh_answer_words(query)
        word = {"yes": yes, "no": no}.get(verdict, "")
        lead = say("policy_depends", language) if verdict == "depends" else say("policy_verdict", language, word=word)
    else:
        lead = say({"yes": "policy_yes", "no": "policy_no"}.get(verdict, "policy_depends"), language)
    return f"{lead}{'' if language == 'zh' else ' '}{body}"


def find_answer(
    ctx: ToolContext,
    query: str,
    language: Language,
    own: str | None = None,
    yes_no: bool = False,
    focus: frozenset[str] = frozenset(),
) -> Answer | None:
    """The answer from the shop's pages: in the shopper's language when those answer, else from a page in
    the other language (the shop may have written it only once). Policy pages first; the catalogue's
    passages only when no page answers, and never in another language than the question's.

    `query` (the question widened with both languages' topic words) is searched; `own`, the question with
    only its own language's words, chooses the sentences of pages in the shopper's language; `yes_no` says
    the question asks for a yes or a no (the widened question cannot say: it is written in both scripts);
    `focus` the terms naming its page topic (see compose_answer)."""
    other: Language = "en" if language == "zh" else "zh"
    bar = min_passage_score(language)
    searches = [tools.search_knowledge(ctx, query, language, k=SEARCH_K, kind="policy"),
                tools.search_knowledge(ctx, query, None, k=SEARCH_K, kind="policy")]  # fmt: skip
    if language == "zh":
        # The search cuts "哪些商品不能退" into 不能 / 退 and misses "以下商品不支持退货": its terms as the
        # sentence choice reads them (不可 商品 退货) find that page too.
        read = " ".join(sorted(terms(own or query)))
        if read:
            searches.append(tools.search_knowledge(ctx, read, language, k=TERMS_K, kind="policy"))
    pages = _merged(*searches)
    same = [p for p in pages if p.language == language]
    composed = compose_answer(own or query, same, language=language, lenient=True, yes_no=yes_no, focus=focus)
    if composed is not None:
        unknown = _unknown_here(own or query, same)
        if not unknown:
            return composed
        # The pages in the shopper's language never name what is asked (礼品包装): a page the shop wrote only in
        # the other language may (an ingested "Gift Wrapping" page); the search ranks it below same-language pages.
        once = [p for p in _written_once(ctx, query, other) if p.score >= CROSS_LANGUAGE_BAR]
        return compose_answer(query, once, bar=CROSS_LANGUAGE_BAR, yes_no=yes_no) or _opening(once) or composed
    foreign = [p for p in pages if p.language == other]
    composed = compose_answer(query, foreign, bar=bar, lenient=True, yes_no=yes_no)
    if composed is not None:
        return composed
    anything = [p for p in search(ctx, query, language) if p.kind != "policy" and p.language == language]
    return compose_answer(query, anything, language=language, yes_no=yes_no)


#: How far down a search a page written in the other language is looked for, and the relevance it needs there.
WIDE_K = 30
CROSS_LANGUAGE_BAR = 0.15
OPENING_SENTENCES = 2


def _unknown_here(question: str, same: list[Passage]) -> bool:
    """The question names a thing (a term of several characters or letters) none of these passages holds."""
    text = " ".join(f"{p.title} {p.section} {p.text}" for p in same).lower()
    long_terms = [t for t in terms(question) if (len(t) >= 4 if t.isascii() else len(t) >= 3)]
    return any(t not in text for t in long_terms)


def _written_once(ctx: ToolContext, query: str, language: Language) -> list[Passage]:
    """Passages in `language` of pages the shop wrote once, in no other language (returns.en.md has
    returns.zh.md; an ingested giftwrap.en.md has none), best first; [] when the retriever lists no pages."""
    listing = getattr(ctx.retriever, "sources", None)  # knowledge.KnowledgeBase lists its pages
    if not callable(listing):
        return []
    counts: dict[str, int] = {}
    for source in listing("policy"):
        counts[_stem_of(source)] = counts.get(_stem_of(source), 0) + 1
    found = tools.search_knowledge(ctx, query, None, k=WIDE_K, kind="policy")
    return [p for p in found if p.language == language and counts.get(_stem_of(p.source), 0) == 1][:3]


def _opening(passages: list[Passage]) -> Answer | None:
    """The best passage's first sentences, cited: the words of a question in one language cannot choose among
    sentences in the other, the search's similarity already chose the passage."""
    if not passages:
        return None
    best = passages[0]
    sentences = [s.text for s in split_sentences(best.text, best.section)][:OPENING_SENTENCES]
    if not sentences:
        return None
    joiner = "" if best.language == "zh" else " "
    text = joiner.join(sentences)
    return Answer(text, (citation(best, sentences),), best.language, best=sentences[0], parts=tuple(sentences))


def _stem_of(source: str) -> str:
    """A page's name without its language and extension: returns.en.md -> returns."""
    return re.sub(r"(?:[._-](?:en|zh|cn|zh-cn))?\.\w+$", "", source.lower())


def _merged(*lists: list[Passage]) -> list[Passage]:
    """The passages of several searches, each once, most relevant first."""
    best: dict[str, Passage] = {}
    for passages in lists:
        for p in passages:
            if p.id not in best or p.score > best[p.id].score:
                best[p.id] = p
    return sorted(best.values(), key=lambda p: -p.score)


def question(text: str, vault: Mapping[str, str] | None = None) -> str:
    """The question in a message, without personal placeholders and the small talk around it
    ("Great, thanks. Also, is express shipping available?" -> "is express shipping available?").

    A place name the scrubber took for PII ("Can you ship to <LOCATION_1>?" with Canada) is put back:
    it is what the question is about, and a bare place name identifies nobody. Street addresses
    (with digits) and every other kind stay out of the search. Shopper spellings ("whats", "u") are written out.
    """

    def keep_places(m: re.Match[str]) -> str:
        value = (vault or {}).get(m.group(0), "")
        place = m.group(0).startswith("<LOCATION_") and value and not re.search(r"\d", value)
        return f" {value} " if place and len(value) <= 40 else " "

    query = PLACEHOLDER.sub(keep_places, text).strip()
    query = _SPELLING.sub(lambda m: _SPELLINGS[m.group(0).lower()], query)
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
