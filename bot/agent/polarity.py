"""Yes/no questions about the shop's rules: which questions are, and what the deciding sentence answers.

"Do you ship to Canada?" is answered by "We do not ship outside the United States yet." with a no; "Do I pay
return shipping if it arrived damaged?" by "... return shipping is free." with a no too (free means the
shopper does not pay). A sentence that states a special case ("If the item arrived damaged, ...") decides
only when the question is about that case; otherwise the answer is "it depends".
"""

from __future__ import annotations

import re
from typing import Literal

Verdict = Literal["yes", "no", "depends"]

_EN_YES_NO = re.compile(
    # "if I use a converter, is it still under warranty?": the question after a leading if-clause.
    r"^(?:if\b.*?[\s,]+(?=(?:do|does|can|could|is|are|will|would|should)\s+(?:it|i|they|you|we|this|that|my)\b))?"
    r"(?:so\s+|and\s+|but\s+)?(?:do|does|did|can|could|is|are|was|were|will|would|may|might|should|shall|have|has|am"
    r"|must)\b",
    re.IGNORECASE,
)
_EN_WH = re.compile(r"\b(?:how|what|which|when|where|who|whom|why)\b", re.IGNORECASE)
_ZH_YES_NO = re.compile(
    r"[吗么嘛][\s？?！!。.]*$|能不能|可不可以|是不是|有没有|会不会|是否|要不要|支不支持|收不收|用不用|包不包"
)
_ZH_WH = re.compile(r"多少|多久|多长|几|哪|什么|怎么|怎样|如何|谁|为什么|何时")

_NEG_EN = re.compile(
    r"\b(?:not|no|never|cannot|none|nobody|neither|nor|unavailable|without|voids?|voided)\b|n't\b|\bonly one\b",
    re.IGNORECASE,
)
#: "at no cost" and "no extra" say free, not no.
_FREE_EN = re.compile(
    r"\bfree\b|\bat no (?:extra )?cost\b|\bno (?:extra |additional )?(?:cost|charge|fee)s?\b|\bfree of charge\b"
    r"|\bnever pay\b|\bno extra\b",
    re.IGNORECASE,
)
_NEG_ZH = re.compile(r"不(?!同|合|满|论|过|久|但|仅|断|少|超过|到)|没有|无法|无需|未|绝不|暂不|永久有效|永不过期|除外")
_FREE_ZH = re.compile(r"免费|全免|免运费|包邮|不收取|不会(?:向您)?额外收取|无需支付|不额外收")
_FEE = re.compile(r"\$\s?\d|\bfees?\b|\bcharged?\b|\bcosts?\b|\bdeducted\b|\bsurcharge\b|美元|收取|扣除|费用", re.I)

#: The question asks whether the shopper pays ("Do I pay ...?", "要我出吗？"): free answers no.
_PAYS_Q = re.compile(
    r"\b(?:do|does|will|would|should|must|have to)\b.*\b(?:i|we|customers?)\b.*\b(?:pay|be charged)\b|\bwho pays\b"
    r"|\bis there (?:a|any) (?:fee|charge|cost)\b|\bcharge (?:me|for)\b|\bcost extra\b"
    r"|我出|我付|我承担|要钱|收费|收钱|要付|出运费|谁出|谁付|谁承担|额外收|自己出|自己付",
    re.IGNORECASE,
)
_FREE_Q = re.compile(r"\bfree\b|免费|包邮|全免|免运费", re.IGNORECASE)
_CONDITION_Q = re.compile(r"\b(?:if|when|once|after)\b|如果|要是|万一|的话", re.IGNORECASE)
_CONDITIONAL = re.compile(
    r"^(?:if|unless|when|once|while|for any other reason)\b|^(?:如果|若|除非|一旦|因其他原因)", re.I
)

#: The answer words a Chinese shopper expects: the question's own verb, affirmed or negated.
_ZH_ANSWER_WORDS: tuple[tuple[str, str, str], ...] = (
    ("可以", "可以", "不可以"),
    ("能", "可以", "不可以"),
    ("支持", "支持", "不支持"),
    ("接受", "接受", "不接受"),
    ("收", "收", "不收"),
    ("包括", "包括", "不包括"),
    ("包含", "包括", "不包括"),
    ("会", "会", "不会"),
    ("免费", "免费", "不免费"),
    ("要", "需要", "不需要"),
    ("需要", "需要", "不需要"),
    ("有", "有", "没有"),
)


def is_yes_no(question: str) -> bool:
    """Whether the question asks for a yes or a no ("Do you ship to Canada?", "可以用支付宝吗？")."""
    text = question.strip()
    if re.search(r"[\u4e00-\u9fff]", text):
        return bool(_ZH_YES_NO.search(text)) and not _ZH_WH.search(text)
    return bool(_EN_YES_NO.match(text)) and not _EN_WH.search(text)


def decide(question: str, sentence: str, condition_terms: frozenset[str], question_terms: frozenset[str]) -> Verdict:
    """What `sentence` (the deciding one, its list's lead-in included) answers to the yes/no `question`.

    `condition_terms` are the content terms of the sentence's special case ("If the item arrived damaged")
    and `question_terms` the question's: a special case the question does not speak of makes it "depends".
    """
    conditional = bool(_CONDITIONAL.match(sentence))
    if conditional and not (condition_terms & question_terms) and not _CONDITION_Q.search(question):
        return "depends"
    clause = _main_clause(sentence) if conditional else sentence
    zh = bool(re.search(r"[\u4e00-\u9fff]", clause))
    negative = bool((_NEG_ZH if zh else _NEG_EN).search(_strip_free(clause, zh)))
    free = bool((_FREE_ZH if zh else _FREE_EN).search(clause))
    if _PAYS_Q.search(question):
        return "no" if free or negative else "yes"
    if _FREE_Q.search(question):
        if free:
            return "no" if negative and not zh and re.search(r"\bnot free\b", clause, re.I) else "yes"
        if _FEE.search(clause):
            return "no"
    return "no" if negative else "yes"


def condition_of(sentence: str) -> str:
    """The special case a conditional sentence states ("" for a plain one)."""
    if not _CONDITIONAL.match(sentence):
        return ""
    main = _main_clause(sentence)
    return sentence[: len(sentence) - len(main)]


def zh_answer_words(question: str) -> tuple[str, str]:
    """(yes, no) in the question's own verb: 可以吗 -> ("可以", "不可以"); 会过期吗 -> ("会", "不会")."""
    if _PAYS_Q.search(question):
        return "需要", "不需要"
    best: tuple[int, str, str] | None = None
    for word, yes, no in _ZH_ANSWER_WORDS:
        at = question.rfind(word)
        if at >= 0 and (best is None or at > best[0]):
            best = (at, yes, no)
    return (best[1], best[2]) if best else ("是的", "不是")


def _main_clause(sentence: str) -> str:
    """What a conditional sentence says in its case: the part after its last comma ("If A, B or C, X" -> "X")."""
    parts = re.split(r"[,，]", sentence)
    if len(parts) < 2:
        return sentence
    main = parts[-1]
    return main if len(main.split()) >= 2 or re.search(r"[\u4e00-\u9fff]{3}", main) else ",".join(parts[1:])


def _strip_free(clause: str, zh: bool) -> str:
    """The clause without its "no cost" phrases, which are not a no."""
    return (_FREE_ZH if zh else _FREE_EN).sub(" ", clause)
