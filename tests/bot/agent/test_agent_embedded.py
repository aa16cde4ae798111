"""The embedded engine end to end over FakeShop + FakeRetriever, in English and Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from bot.agent.embedded import EmbeddedEngine
from bot.agent.guardrails import guard_output
from bot.nlu import Understander
from bot.pii import PiiScrubber
from bot.testing import FakeRetriever, FakeShop, ScriptedEngine
from bot.types import Conversation, Customer, Decision, Reply

nlu = Understander()


@pytest.fixture(scope="module")
def pii() -> PiiScrubber:
    return PiiScrubber(use_ner=False)  # NER is tested in test_pii; patterns are what flows need


@dataclass
class Chat:
    """One conversation driven the way bot.engine drives a turn."""

    pii: PiiScrubber
    engine: EmbeddedEngine = field(default_factory=lambda: EmbeddedEngine(FakeShop(), FakeShop(), FakeRetriever()))
    conversation: Conversation = field(default_factory=lambda: Conversation(id="c1"))
    decisions: list[Decision] = field(default_factory=list)

    def send(self, text: str) -> str:
        scrubbed, vault = self.pii.scrub(text, self.conversation.vault)
        conv = replace(self.conversation, vault=vault)
        u = nlu.understand(scrubbed, locale=conv.locale)
        decision = guard_output(self.engine.decide(conv, scrubbed, u, []), vault)
        self.decisions.append(decision)
        for call in decision.tool_calls:
            assert "@" not in str(call.arguments) and "@" not in str(call.result), call
        self.conversation = replace(
            conv,
            memory=dict(decision.memory),
            customer=decision.customer or conv.customer,
            locale=conv.locale or u.language,
            state="waiting_for_agent" if decision.handoff else conv.state,
        )
        return "\n".join(self.pii.restore(r.text, vault) for r in decision.replies)

    @property
    def last(self) -> Decision:
        return self.decisions[-1]


def test_order_status_in_two_messages(pii: PiiScrubber) -> None:
    chat = Chat(pii)
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
    chat = Chat(pii)
    reply = chat.send("我的订单到哪了？订单号 W2000001，邮箱 li.wei@example.cn")
    assert "订单 #W2000001" in reply and "配送中" in reply and "882461930554" in reply
    assert chat.last.customer is not None and chat.last.customer.customer_id == "li_wei_2002"


def test_email_first_then_order_number(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    chat.send("I want to track my package")
    assert "order number" in chat.send("my email is jane.doe@example.com")
    assert "delivered" in chat.send("W1000001")


def test_wrong_email_gets_a_safe_reply_and_a_retry(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    reply = chat.send("Where is order W1000001? My email is mallory@example.com")
    assert "couldn't find an order with that number and email" in reply
    assert "Jane" not in reply and "delivered" not in reply and chat.last.customer is None
    assert chat.last.handoff is None
    # Unknown order numbers get the very same answer, so existence is not revealed.
    other = Chat(pii)
    assert other.send("Where is order W9999999? My email is mallory@example.com") == reply
    reply = chat.send("Sorry: W1000001, jane.doe@example.com")
    assert "delivered" in reply and chat.last.customer is not None


def test_repeated_wrong_proofs_go_to_a_human(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    chat.send("订单 W1000001 的物流？邮箱 a@example.com")
    reply = chat.send("W1000001 b@example.com")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "repeated_failure"
    assert "人工" in reply


def test_another_customers_order_is_refused(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    chat.send("where is my order W1000001? jane.doe@example.com")
    reply = chat.send("what about W2000001")
    assert "couldn't find order #W2000001 on your account" in reply
    assert "processed" not in reply and "882461930554" not in reply and "Li" not in reply
    assert "#W1000002" in reply  # offers her own orders instead


def test_verified_shopper_is_asked_which_order(pii: PiiScrubber) -> None:
    jane = Customer("jane_doe_1001", "Jane Doe", "jane.doe@example.com", "signed_identity")
    chat = Chat(pii, conversation=Conversation(id="c2", customer=jane))
    reply = chat.send("where is my order?")
    assert "#W1000001" in reply and "#W1000002" in reply
    assert "pending" in chat.send("#W1000002")


def test_human_request_in_both_languages(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    assert "human colleague" in chat.send("I want to talk to a human")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "requested"
    chat = Chat(pii)
    assert "人工客服" in chat.send("转人工")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "requested"


def test_very_angry_shopper_is_handed_off(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    chat.send("This is the worst shop ever, absolutely ridiculous!")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "negative_sentiment"


def test_policy_answer_with_citations_in_both_languages(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    reply = chat.send("How long does shipping take?")
    assert "3-5 business days" in reply
    (answer,) = [r for r in chat.last.replies if r.citations]
    assert answer.citations[0].source == "shipping.en.md"
    chat = Chat(pii)
    reply = chat.send("退货政策是什么？")
    assert "30 天" in reply
    assert chat.last.replies[-1].citations[0].source == "returns.zh.md"
    assert chat.last.tool_calls[0].arguments["language"] == "zh"


def test_shop_contact_details_from_cited_policy_survive_the_guard(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    assert "support@harbor-goods.example" in chat.send("How can I email your support team?")


def test_nothing_found_then_handoff_on_the_second_failure(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    reply = chat.send("what is the airspeed of a swallow")
    assert "couldn't find an answer" in reply and chat.last.handoff is None
    assert chat.last.memory["failures"] == "1"
    chat.send("and the meaning of life")
    assert chat.last.handoff is not None and chat.last.handoff.reason == "repeated_failure"
    chat = Chat(pii)
    assert "没有找到相关答案" in chat.send("宇宙的尽头是什么")


def test_small_talk(pii: PiiScrubber) -> None:
    chat = Chat(pii)
    assert "Hello" in chat.send("Hello")
    assert "welcome" in chat.send("thanks")
    assert "您好" in Chat(pii).send("你好")
    assert "再见" not in Chat(pii).send("再见") and "感谢" in Chat(pii).send("再见")


def test_product_question_uses_the_catalogue(pii: PiiScrubber) -> None:
    reply = Chat(pii).send("Is the Water Bottle in stock?")
    assert "Water Bottle: 1 of 2 options in stock" in reply
    assert "无线耳机" in Chat(pii).send("无线耳机有货吗？")


def test_scripted_engine_plays_back_decisions() -> None:
    engine = ScriptedEngine([Decision(replies=(Reply("one"),))])
    u = nlu.understand("hi")
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
