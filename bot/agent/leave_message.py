"""Taking a message when a handoff finds nobody to answer: the email for the reply and what to tell the team.

The turn (bot/agent/turn.py) offers it when the engine hands off and the desk says no person can answer
(bot.ports.DeskAvailability). The offer then stays in the conversation's memory under KEY, apart from the
engine's own dialogue state, until the message is taken, declined, or the shopper moves on to another
question: the bot keeps helping meanwhile and the conversation never waits on no one.

Everything here reads the scrubbed text: an email address is a placeholder ("<EMAIL_1>") whose real value the
turn finds in the conversation's vault when it files the message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, replace
from typing import Literal

from bot.agent.handoff_policy import sensitive_topic
from bot.text import CJK, EMAIL_PLACEHOLDER, PLACEHOLDER
from bot.types import Understanding

#: Memory key of the pending offer (a JSON object; see Offer).
KEY = "leave_message"

#: Intents the bot answers itself: a confident one after the offer is another question, not a message.
_ANSWERABLE = frozenset({
    "greeting", "thanks", "goodbye", "order_status", "cancel_order", "modify_order", "return_refund", "exchange",
    "product_question", "stock", "shipping_policy", "payment", "account", "policy_question", "human_agent",
})  # fmt: skip
_CONFIDENT = 0.5
_QUESTION = re.compile(
    r"[?？]\s*$|^\s*(how|what|when|where|which|who|why|do|does|did|is|are|can|could|would|will)\b"
    r"|什么|多少|吗|呢|怎么|怎样|哪|几|是否|能否|有没有",
    re.IGNORECASE,
)
_DECLINE = re.compile(
    r"\s*(no|nope|no thanks?|no thank you|never ?mind|nvm|forget it|don'?t bother|not now|that'?s ok(ay)?"
    r"|不用了?|不需要|算了|没事了?|不了)\s*(,?\s*thanks?( you)?)?[\s.!。！]*",
    re.IGNORECASE,
)
_ACCEPT = re.compile(
    r"\s*(yes|yeah|yep|sure|ok|okay|please|yes,? please|ok,? please|fine|alright|go ahead|好|好的|可以|行|嗯)"
    r"[\s.!。！]*",
    re.IGNORECASE,
)
#: Words that only frame an email address ("my email is ..."): left out when judging whether a message came with it.
_FRAMING = re.compile(
    r"\b(my|e-?mail|mail|address|is|it'?s|its|here|you can|reach|contact|write|me|at|on|to|use|this|the|and|sure"
    r"|ok|okay|yes|please|thanks|thank you|go|send|it|reply)\b"
    r"|我的|邮箱|邮件|地址|是|好的|可以|请|谢谢|联系我|发到|回复|到|吧",
    re.IGNORECASE,
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

Step = Literal["answer", "declined", "ask_both", "ask_email", "ask_message", "file"]
"""What the turn does with a message while the offer stands: let the engine answer it (another question, the offer
is dropped), drop the offer at the shopper's word, ask again for both, ask for the email, ask for the message,
or file the message with the desk."""


@dataclass(frozen=True)
class Offer:
    """A pending offer to take a message, and what the shopper has left so far."""

    reason: str
    """The handoff reason that found nobody (the ticket's reason)."""
    email: str = ""
    """The placeholder of the address to reply to, once given."""
    lines: tuple[str, ...] = ()
    """What the shopper wrote for the team so far (scrubbed)."""

    def to_json(self) -> str:
        return json.dumps({"reason": self.reason, "email": self.email, "lines": list(self.lines)}, ensure_ascii=False)


@dataclass(frozen=True)
class Next:
    """The step for one message and the offer with it (None when the shopper ended it)."""

    step: Step
    offer: Offer | None
    """For "file": the message to file."""

    @property
    def kept(self) -> Offer | None:
        """The offer that stands after this message: none once the message is filed."""
        return None if self.step == "file" else self.offer


def pending(memory: Mapping[str, str]) -> Offer | None:
    """The offer the memory holds; None when there is none (or it is garbled)."""
    raw = memory.get(KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        lines = tuple(str(line) for line in data.get("lines", ()))
        return Offer(reason=str(data["reason"]), email=str(data.get("email", "")), lines=lines)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def keep(memory: MutableMapping[str, str], offer: Offer | None) -> None:
    """Store the offer in the memory, or drop it (None)."""
    if offer is None:
        memory.pop(KEY, None)
    else:
        memory[KEY] = offer.to_json()


def next_step(offer: Offer, text: str, u: Understanding) -> Next:
    """What to do with the scrubbed message `text` while `offer` stands.

    An email address files the message (what the shopper wrote, this message included); an address alone,
    with nothing written yet, asks what to tell the team. Without one: "no thanks" drops the offer, "yes"
    asks again; once the address is known the text is the message; otherwise another question goes to the
    engine (dropping the offer) and anything else is kept as the message, asking for the address.
    """
    emails = EMAIL_PLACEHOLDER.findall(text)
    if emails:
        lines = (*offer.lines, text) if _says_more_than_the_address(text) else offer.lines
        taken = replace(offer, email=emails[-1], lines=lines)
        return Next("file", taken) if lines else Next("ask_message", taken)
    if _DECLINE.fullmatch(text):
        return Next("declined", None)
    if _ACCEPT.fullmatch(text):
        return Next("ask_both", offer)
    if offer.email:
        return Next("file", replace(offer, lines=(*offer.lines, text)))
    if _another_question(text, u):
        return Next("answer", None)
    return Next("ask_email", replace(offer, lines=(*offer.lines, text)))


def _another_question(text: str, u: Understanding) -> bool:
    """A question for the bot, not a message: never a sensitive topic (a charge they did not make, an injury, a
    legal threat), which is exactly what the team should read, and would only be handed off again."""
    if sensitive_topic(text):
        return False
    answerable = u.intent.label in _ANSWERABLE and u.intent.confidence >= _CONFIDENT
    return answerable or _QUESTION.search(text) is not None


def _says_more_than_the_address(text: str) -> bool:
    """The message holds words of its own beside the address ("my email is ..." does not)."""
    rest = _FRAMING.sub(" ", PLACEHOLDER.sub(" ", text))
    return len(CJK.findall(rest)) >= 3 or len(_LATIN_WORD.findall(rest)) >= 2
