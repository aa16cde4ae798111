"""Answers: the best sentences of relevant passages, with citations; nothing when nothing fits."""

from __future__ import annotations

from dataclasses import replace

from bot.agent.answer import MIN_PASSAGE_SCORE, compose_answer, sentences
from bot.testing import POLICY_PASSAGES, FakeRetriever
from bot.types import Passage

retriever = FakeRetriever()


def test_picks_the_answering_sentences_not_the_whole_chunk() -> None:
    question = "How long does shipping take?"
    answer = compose_answer(question, retriever.search(question, language="en"))
    assert answer is not None
    assert "3-5 business days" in answer.text
    assert "##" not in answer.text and "**" not in answer.text
    assert answer.citations[0].source == "shipping.en.md"
    assert answer.citations[0].snippet in answer.text or answer.text in answer.citations[0].snippet


def test_at_most_three_sentences() -> None:
    long = Passage(
        "p", " ".join(f"Returns rule number {i} applies to returns." for i in range(10)), "r.md", "Returns", score=0.9
    )
    answer = compose_answer("returns rule", [long])
    assert answer is not None and answer.text.count(".") <= 3


def test_chinese_question() -> None:
    question = "退货期是多久？"
    answer = compose_answer(question, retriever.search(question, language="zh"))
    assert answer is not None and "30 天" in answer.text and answer.language == "zh"
    assert answer.citations[0].title == "退货与退款政策"


def test_low_scores_mean_no_answer() -> None:
    weak = [replace(p, score=MIN_PASSAGE_SCORE - 0.01) for p in POLICY_PASSAGES]
    assert compose_answer("return policy", weak) is None
    assert compose_answer("anything", []) is None


def test_no_shared_words_and_no_strong_match_means_no_answer() -> None:
    assert compose_answer("airspeed of a swallow", [replace(POLICY_PASSAGES[0], score=0.4)]) is None


def test_strong_cross_lingual_match_answers_with_its_first_sentences() -> None:
    answer = compose_answer("退货期是多久？", [replace(POLICY_PASSAGES[0], score=0.8)])
    assert answer is not None and answer.language == "en" and "30 days" in answer.text


def test_sentences_strip_markdown() -> None:
    assert sentences("## Heading\n- **Bold** item here.\n1. Second item here!") == [
        "Bold item here.",
        "Second item here!",
    ]
