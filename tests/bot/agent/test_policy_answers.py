"""Policy answers: the question as searched, the topic words it is widened with, and the sentence that answers."""

from __future__ import annotations

from bot.agent import policy_topics
from bot.agent.answer import compose_answer, terms
from bot.agent.flows.detect import is_policy_question, is_request
from bot.agent.policy import question
from bot.agent.sentences import fact_kinds, question_kinds
from bot.types import Passage


def test_small_talk_and_what_the_shopper_will_not_do_are_not_the_question() -> None:
    assert question("先问一下，如果不取消，收到货以后几天内可以退货？") == "收到货以后几天内可以退货？"
    assert question("If I don't cancel it, how long do I have to return?") == "how long do I have to return?"
    assert question("Before I confirm: how long do I have to send the item back?").startswith("how long")
    assert question("如果不满意可以退吗") == "如果不满意可以退吗"  # a condition of the question itself stays


def test_sending_an_item_back_is_a_return_not_shipping() -> None:
    assert policy_topics.main_topic("how long do I have to send the item back?") == "returns"
    assert policy_topics.main_topic("when do you send my order?") == "shipping"


def test_own_language_widening_keeps_only_that_script() -> None:
    keys = policy_topics.topics_of("收到货以后几天内可以退货？")
    assert "return" in policy_topics.expand("收到货以后几天内可以退货？", keys)
    own = policy_topics.expand("收到货以后几天内可以退货？", keys, script="zh")
    assert "return" not in own and "shipping" not in own


def test_a_how_long_question_is_answered_by_a_sentence_with_a_duration() -> None:
    page = Passage(
        "p1",
        "You do not need to send the damaged item back unless we ask for it. "
        "Please ship the items back within 14 days of receiving the label.",
        "returns.en.md",
        "Returns",
        score=0.6,
    )
    answer = compose_answer("how long do I have to send the item back?", [page])
    assert answer is not None and answer.best.startswith("Please ship the items back within 14 days")


def test_available_does_not_pick_the_sentence() -> None:
    page = Passage(
        "p1",
        "Express shipping: $14.95 per order, whatever the subtotal. "
        "Changing the address does not change the shipping cost unless you move to where express is not available.",
        "shipping.en.md",
        "Shipping",
        score=0.6,
    )
    answer = compose_answer("is express shipping available?", [page])
    assert answer is not None and "14.95" in answer.best


def test_negations_and_chinese_verbs_read_as_the_pages_write_them() -> None:
    assert terms("what cant be returned?") == terms("What can't be returned?") == frozenset({"not", "return"})
    assert {"不可", "退货"} <= terms("哪些商品不能退？") and {"不可", "退货"} <= terms("以下商品不支持退货：")
    assert {"换货", "运费", "免费"} <= terms("换货往返运费全免。")  # jieba alone: 换 / 货运 / 费全免


def test_a_yes_no_question_is_decided_by_the_rule_not_by_a_number() -> None:
    page = Passage(
        "p1",
        "Refunds to a Harbor Goods gift card take 1 business day once our warehouse team approved the return.\n\n"
        "The following items cannot be returned:\n\n- Gift cards.\n- Final sale items.",
        "returns.en.md",
        "Returns",
        score=0.6,
    )
    answer = compose_answer("can i return a gift card", [page], yes_no=True)
    assert answer is not None and "cannot be returned: gift cards" in answer.best
    other = compose_answer("can i return a gift card", [page])  # as a question for facts: the number wins
    assert other is not None and other.best.startswith("Refunds")
    listed = compose_answer("what cant be returned?", [page])
    assert listed is not None and "final sale" in listed.best.lower()


def test_shopper_spellings_are_written_out() -> None:
    assert question("whats your phone number") == "what is your phone number"
    assert question("can u ship to canada") == "can you ship to canada"


def test_a_place_named_in_the_pages_words_adds_no_other_places_to_the_sentence_choice() -> None:
    keys = policy_topics.topics_of("do you ship to puerto rico")
    assert "Alaska" in policy_topics.expand("do you ship to puerto rico", keys)  # the search: a zh page too
    assert "Alaska" not in policy_topics.expand("do you ship to puerto rico", keys, script="en")
    assert "prices in US dollars" in policy_topics.expand("what currency are your prices in", script="en")


def test_a_phone_question_wants_a_phone_number_not_an_email() -> None:
    assert question_kinds("what is your phone number") == frozenset({"phone"})
    assert "phone" in fact_kinds("Phone: +1 (800) 555-0142, Monday to Friday.")
    assert "phone" not in fact_kinds("Email support@harborgoods.example.")


def test_what_the_rules_allow_in_a_case_is_a_question_not_a_request() -> None:
    cases = ("can i cancel my order while it's still pending", "已经发货的订单还能取消吗", "待处理的订单可以取消吗？")
    for text in cases:
        assert is_policy_question(text) and not is_request(text, False), text
    for text in ("please cancel my order", "我的订单可以取消吗", "Can you cancel it if it has not shipped yet?"):
        assert is_request(text, False), text
    assert is_policy_question("if I order at noon today when does it leave the warehouse?")
    assert is_policy_question("my parcel hasn't moved in days, when should i contact you")
    assert is_policy_question("refund to gift card how fast") and not is_request("refund to gift card how fast", False)


def test_an_overview_question_is_answered_by_the_rule_a_heading_names() -> None:
    fee = Passage(
        "p1", "For any other reason, a $6.95 return label fee is deducted from your refund.", "r.md", "Costs", score=0.6
    )
    window = Passage(
        "p2", "You can return items within 30 days of the delivery date.", "r.md", "The 30-day return window", score=0.5
    )
    answer = compose_answer("what is your return policy?", [fee, window])
    assert answer is not None and "30 days" in answer.best


def test_the_words_naming_the_topic_weigh_like_the_rarest() -> None:
    exchanges = "An exchange swaps an item for another size. Exchange shipping is free. Exchanges are quick."
    pages = [
        Passage("p1", "A wrong size return costs a fee.", "r.md", "Returns", score=0.5),
        Passage("p2", exchanges, "e.md", "Exchanges", score=0.6),
    ]
    asked = "can I exchange the wrong size"
    plain = compose_answer(asked, pages)
    assert plain is not None and plain.best.startswith("A wrong size")  # "wrong" is rare, "exchange" is not
    focused = compose_answer(asked, pages, focus=terms("exchange"))
    assert focused is not None and focused.best.startswith("An exchange")


def test_topics_give_the_pages_words_for_dispatch_and_ways_to_reach_the_shop() -> None:
    assert "handed to the carrier" in policy_topics.expand("how fast do you ship orders out", script="en")
    assert "email phone" in policy_topics.expand("how do I contact you?", script="en")
    assert "电子邮件" in policy_topics.expand("怎么联系你们？", script="zh")


def test_a_phone_answer_is_the_phone_number_alone() -> None:
    page = Passage(
        "p1",
        "Phone: +1 (800) 555-0142, Monday to Friday.\n\nWe verify your identity with the phone number on the order.",
        "contact.en.md",
        "Contact",
        score=0.6,
    )
    answer = compose_answer("what is your phone number", [page])
    assert answer is not None and answer.text == "Phone: +1 (800) 555-0142, Monday to Friday."
