"""The embedded engine end to end over FakeShop + FakeRetriever, in English and Chinese."""

from __future__ import annotations

from bot.agent.embedded import EmbeddedEngine
from bot.privacy.scrubber import PiiScrubber
from bot.testing.fakes import FakeRetriever, FakeShop, ScriptedEngine
from bot.types import Conversation, Customer, Decision, Reply
from bot.understanding.understander import Understander
from tests.bot.agent.conftest import Chat, nlu_understand


def fake_chat(pii: PiiScrubber, conversation: Conversation | None = None) -> Chat:
    """A conversation with the embedded engine over FakeShop + FakeRetriever."""
    engine = EmbeddedEngine(FakeShop(), FakeShop(), FakeRetriever())
    return Chat(engine, pii, conversation or Conversation(id="c1"), no_email_in_tools=True)


def test_order_status_in_two_messages(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    assert "order number" in chat.send("Hi, where is my order?")
    assert "email" in chat.send("It's #W1000001")
    reply = chat.send("jane.doe@example.com")
    assert "#W1000001" in reply and "delivered" in reply
    assert "Water Bottle" in reply and "357962501027" in reply
    assert chat.last.customer is not None and chat.last.customer.customer_id == "jane_doe_1001"
    assert [c.name for c in chat.last.tool_calls] == ["verify_order_owner", "get_order_status"]
    # Verified now: another of her orders needs no second proof.
    reply = chat.send("and W1000002?")
    assert "pending" in reply and [c.name for c in chat.last.tool_calls] == ["get_order_status"]


def test_order_status_in_one_message_in_chinese(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    reply = chat.send("我的订单到哪了？订单号 W2000001，邮箱 li.wei@example.cn")
    assert "订单 #W2000001" in reply and "配送中" in reply and "882461930554" in reply
    assert chat.last.customer is not None and chat.last.customer.customer_id == "li_wei_2002"


def test_email_first_then_order_number(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    chat.send("I want to track my package")
    assert "order number" in chat.send("my email is jane.doe@example.com")
    assert "delivered" in chat.send("W1000001")


def test_wrong_email_gets_a_safe_reply_and_a_retry(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    reply = chat.send("Where is order W1000001? My email is mallory@example.com")
    assert "couldn't find an order with that number and email" in reply
    assert "Jane" not in reply and "delivered" not in reply and chat.last.customer is None
    assert chat.last.handoff is None
    # Unknown order numbers get the very same answer, so existence is not revealed.
    other = fake_chat(pii)
    assert other.send("Where is order W9999999? My email is mallory@example.com") == reply
    reply = chat.send("Sorry: W1000001, jane.doe@example.com")
    assert "delivered" in reply and chat.last.customer is not None


def test_repeated_wrong_proofs_go_to_a_human(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    chat.send("订单 W1000001 的物流？邮箱 a@example.com")
    reply = chat.send("W1000001 b@example.com")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "repeated_failure"
    assert "人工" in reply


def test_another_customers_order_is_refused(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    chat.send("where is my order W1000001? jane.doe@example.com")
    reply = chat.send("what about W2000001")
    assert "couldn't find order #W2000001 on your account" in reply
    assert "processed" not in reply and "882461930554" not in reply and "Li" not in reply
    assert "#W1000002" in reply  # offers her own orders instead


def test_verified_shopper_is_asked_which_order(pii: PiiScrubber) -> None:
    jane = Customer("jane_doe_1001", "Jane Doe", "jane.doe@example.com", "signed_identity")
    chat = fake_chat(pii, Conversation(id="c2", customer=jane))
    reply = chat.send("where is my order?")
    assert "#W1000001" in reply and "#W1000002" in reply
    assert "pending" in chat.send("#W1000002")


def test_human_request_in_both_languages(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    assert "human colleague" in chat.send("I want to talk to a human")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "requested"
    chat = fake_chat(pii)
    assert "人工客服" in chat.send("转人工")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "requested"


def test_very_angry_shopper_is_handed_off(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    chat.send("This is the worst shop ever, absolutely ridiculous!")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "negative_sentiment"


def test_policy_answer_with_citations_in_both_languages(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    reply = chat.send("How long does shipping take?")
    assert "3-5 business days" in reply
    (answer,) = [r for r in chat.last.replies if r.citations]
    assert answer.citations[0].source == "shipping.en.md"
    chat = fake_chat(pii)
    reply = chat.send("退货政策是什么？")
    assert "30 天" in reply
    assert chat.last.replies[-1].citations[0].source == "returns.zh.md"
    assert chat.last.tool_calls[0].arguments["language"] == "zh"


def test_shop_contact_details_from_cited_policy_survive_the_guard(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    assert "support@harbor-goods.example" in chat.send("How can I email your support team?")


def test_nothing_found_then_handoff_on_the_second_failure(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    reply = chat.send("what is the airspeed of a swallow")
    assert "couldn't find an answer" in reply and chat.last.handoff is None
    assert chat.last.memory["failures"] == "1"
    chat.send("and the meaning of life")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "repeated_failure"
    chat = fake_chat(pii)
    assert "没有找到相关答案" in chat.send("宇宙的尽头是什么")


def test_small_talk(pii: PiiScrubber) -> None:
    chat = fake_chat(pii)
    assert "Hello" in chat.send("Hello")
    assert "welcome" in chat.send("thanks")
    assert "您好" in fake_chat(pii).send("你好")
    assert "再见" not in fake_chat(pii).send("再见") and "感谢" in fake_chat(pii).send("再见")


def test_product_question_uses_the_catalogue(pii: PiiScrubber) -> None:
    reply = fake_chat(pii).send("Is the Water Bottle in stock?")
    assert reply.startswith("Yes, the Water Bottle is in stock in 1 of 2 options")
    assert "无线耳机" in fake_chat(pii).send("无线耳机有货吗？")


def test_scripted_engine_plays_back_decisions() -> None:
    engine = ScriptedEngine([Decision(replies=(Reply("one"),))])
    u = nlu_understand("hi", None)
    assert engine.decide(Conversation(id="c"), "hi", u, []).replies[0].text == "one"
    assert "no more" in engine.decide(Conversation(id="c"), "hi", u, []).replies[0].text
    assert [s[1] for s in engine.seen] == ["hi", "hi"]


def test_order_status_with_the_zip_code_as_proof() -> None:
    engine = EmbeddedEngine(orders=FakeShop(), inventory=FakeShop(), retriever=FakeRetriever())
    understander = Understander()
    conversation = Conversation(id="c_zip")
    text = "where is my order #W1000001? my zip is 04101"
    decision = engine.decide(conversation, text, understander.understand(text), [])
    assert decision.customer is not None and decision.customer.verified_by == "order_and_zip"
    assert "delivered" in decision.replies[0].text.lower()
