"""Answers: the best sentences of relevant passages, with citations; nothing when nothing fits."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from bot.agent.answer import MIN_PASSAGE_SCORE, compose_answer, sentences
from bot.testing.fakes import POLICY_PASSAGES, FakeRetriever
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
    assert sentences("- **Bold** item here.\n1. Second item here!") == ["Bold item here.", "Second item here!"]
    # Short items under a heading read with it: "Accepted payment methods: PayPal."
    assert sentences("## Heading\n- **Bold** item here.\n1. Second item here!") == [
        "Heading: bold item here.",
        "Heading: second item here!",
    ]


# --------------------------------------------------------------------------- sentence choice
# Passages cut the way the knowledge base chunks the demo policies: one per section.


def _p(source: str, section: str, text: str, score: float, title: str = "", language: str = "en") -> Passage:
    return Passage(f"{source}#{section}", text, source, title or source, section, "policy", language, score=score)  # type: ignore[arg-type]


SHIPPING = [
    _p(
        "shipping.en.md",
        "",
        "Harbor Goods ships home products from our warehouse in Portland, Maine. This page explains where we ship, "
        "how much it costs and how long it takes.",
        0.66,
        "Shipping Policy",
    ),
    _p(
        "shipping.en.md",
        "Delivery times",
        "- Orders are prepared and handed to the carrier within 1 business day.\n"
        "- **Standard shipping** arrives within 3–5 business days after dispatch.\n"
        "- **Express shipping** arrives within 1–2 business days after dispatch.\n"
        "- Deliveries to Alaska, Hawaii, Puerto Rico and APO/FPO addresses take 5–10 business days.",
        0.62,
        "Shipping Policy",
    ),
    _p(
        "shipping.en.md",
        "Shipping options and costs",
        "- **Standard shipping:** free on every order with a subtotal of $50 or more. Below $50, standard shipping "
        "costs a flat $5.95 per order.\n- **Express shipping:** $14.95 per order, whatever the subtotal.",
        0.34,
        "Shipping Policy",
    ),
]

RETURNS = [
    _p(
        "returns.en.md",
        "",
        "We want you to love everything you bring home. If something is not right, you can return it under the "
        "conditions below.",
        0.83,
        "Returns and Refunds Policy",
    ),
    _p(
        "returns.en.md",
        "Who can return",
        "Returns are available for **delivered orders only**. If your order is still pending, you do not need a "
        "return: you can cancel it or change it instead (see our Order Changes and Cancellations policy).",
        0.78,
        "Returns and Refunds Policy",
    ),
    _p(
        "returns.en.md",
        "The 30-day return window",
        "You can return items within **30 days of the delivery date**. Items must be unused and in their original "
        'condition.\n\nThe following items cannot be returned:\n\n- Gift cards.\n- Items marked "Final sale".',
        0.80,
        "Returns and Refunds Policy",
    ),
]

ZH_COSTS = [
    _p(
        "returns.zh.md",
        "退货运费",
        "- 如果商品送达时已损坏，退货运费全免。\n- 只有因我们的失误导致退货时，才会退还原订单运费。",
        0.45,
        "退货与退款政策",
        "zh",
    ),
    _p(
        "shipping.zh.md",
        "配送方式与运费",
        "- **标准配送：** 订单小计满 50 美元即免运费；不满 50 美元的订单，每单收取固定运费 5.95 美元。\n"
        "- **加急配送：** 无论订单金额多少，每单 14.95 美元。",
        0.4,
        "配送政策",
        "zh",
    ),
]

CONTACT = [
    _p(
        "contact.en.md",
        "",
        "We are a small team in Portland, Maine, and we are happy to help. Here is how to reach us and when.",
        0.73,
        "Contact Us and Support Hours",
    ),
    _p(
        "contact.en.md",
        "Human agents — business hours",
        "Our human support team works **Monday to Friday, 9:00–18:00 Eastern Time (ET)**.\n\n"
        "- **Email:** support@harborgoods.example. We answer within 1 business day.\n"
        "- **Phone:** +1 (800) 555-0142, Monday to Friday, 9:00–18:00 ET.",
        0.5,
        "Contact Us and Support Hours",
    ),
    _p(
        "contact.en.md",
        "Feedback and complaints",
        "If you are unhappy with how we handled a request, reply to any of our emails. We read every message.",
        0.55,
        "Contact Us and Support Hours",
    ),
]


def test_how_long_picks_the_delivery_times_not_the_page_tour() -> None:
    answer = compose_answer("how long does shipping take?", SHIPPING)
    assert answer is not None
    assert "3–5 business days" in answer.text
    assert "This page explains" not in answer.text
    assert answer.citations[0].source == "shipping.en.md"


def test_return_policy_gives_the_window_not_the_exception_or_a_dangling_lead_in() -> None:
    answer = compose_answer("what is your return policy?", RETURNS)
    assert answer is not None
    assert "30 days of the delivery date" in answer.text
    assert not answer.text.startswith("If your order is still pending")
    assert not answer.text.rstrip().endswith(":")


def test_short_list_items_are_shown_with_their_lead_in() -> None:
    answer = compose_answer("can I return a gift card?", RETURNS)
    assert answer is not None
    assert "cannot be returned: gift cards." in answer.text


def test_chinese_how_much_puts_the_amount_first() -> None:
    answer = compose_answer("运费多少？", ZH_COSTS)
    assert answer is not None and answer.language == "zh"
    assert answer.text.startswith("标准配送")
    assert "50 美元" in answer.text
    assert answer.citations[0].source == "shipping.zh.md"


def test_contact_question_gives_email_and_phone() -> None:
    answer = compose_answer("how do I contact you?", CONTACT)
    assert answer is not None
    assert "support@harborgoods.example" in answer.text
    assert "555-0142" in answer.text
    assert "small team" not in answer.text
    # The output guard lets contact details through only when a citation quotes them.
    assert any("support@harborgoods.example" in c.snippet for c in answer.citations)


def test_sentences_in_document_order() -> None:
    answer = compose_answer("how long does standard and express shipping take?", SHIPPING)
    assert answer is not None
    assert answer.text.index("3–5") < answer.text.index("1–2")


def test_sentences_drop_page_tours_and_lead_ins() -> None:
    text = "This page explains where we ship.\nIt can:\n\n- check the status of your orders;\n- Gift cards."
    assert sentences(text) == ["It can: check the status of your orders.", "It can: gift cards."]
    assert sentences("Harbor Goods Customer Care\n200 Wharf Street, Suite 3\nPortland, ME 04101") == [
        "Harbor Goods Customer Care, 200 Wharf Street, Suite 3, Portland, ME 04101"
    ]


def test_an_injected_scorer_can_change_the_choice() -> None:
    def prefers_alaska(question: str, texts: Sequence[str]) -> list[float]:
        return [5.0 if "Alaska" in t else 0.0 for t in texts]

    answer = compose_answer("how long does shipping take?", SHIPPING, max_sentences=1, scorer=prefers_alaska)
    assert answer is not None and "Alaska" in answer.text
