"""When the bot steps aside for a human agent: from what nlu understood, the dialogue state and the engine's attempt."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, MutableMapping, overload

from bot.agent.sentences import question_kinds
from bot.text import PLACEHOLDER
from bot.types import Decision, Handoff, Understanding

#: Sentiment at or below this hands off: the shopper is past being helped by a bot.
NEGATIVE_SENTIMENT = -0.8
#: ... when this message's own frustration is at least this (or it is a complaint).
NEGATIVE_CORROBORATION = 0.45
#: Memory key of the consecutive-failure counter the engines keep (a decimal string).
FAILURES_KEY = "failures"
#: This many turns in a row the bot could not help hands off.
MAX_FAILURES = 2
#: Intent confidence under this is a guess; two guesses in a row hand off.
LOW_CONFIDENCE = 0.42
LOW_CONFIDENCE_KEY = "low_confidence"
MAX_LOW_CONFIDENCE = 2
#: Frustration (Sentiment.frustration, per message in [0, 1]) kept for the last few turns.
FRUSTRATION_KEY = "frustration"
FRUSTRATION_KEPT = 3
#: Frustration this high on two shopper turns in a row hands off ("stays high").
FRUSTRATION_HIGH = 0.6
#: ... and so does a climb of at least FRUSTRATION_RISE across the kept turns ending at or over FRUSTRATION_RISEN.
FRUSTRATION_RISE = 0.35
FRUSTRATION_RISEN = 0.5

#: Topics a bot must not handle alone, whatever the intent model says (checked on the scrubbed text).
SENSITIVE: Mapping[str, re.Pattern[str]] = {
    "legal": re.compile(
        r"\b(lawyer|attorney|solicitor|lawsuit|sue|suing|legal action|take (you|this) to court|court|small claims"
        r"|class action|trading standards|consumer protection (agency|office|bureau))\b"
        r"|律师|起诉|诉讼|法院|告你们|打官司|法律途径|法律责任|消协|消费者协会|12315|市场监管局|工商局",
        re.IGNORECASE,
    ),
    "safety": re.compile(
        r"\b(injur(y|ies|ed)|hurt (me|myself|my|him|her|them)|burn(ed|t)? (me|my|myself)|caught fire|on fire|set fire"
        r"|exploded|explosion|electric shock|electrocuted|shocked me|hospital|emergency room|choking|choked"
        r"|allergic reaction|poison(ed|ing)?|unsafe|safety hazard|dangerous|cut (me|my|myself)|bleeding)\b"
        r"|受伤|烫伤|烧伤|起火|着火|冒烟|爆炸|触电|漏电|过敏|中毒|医院|急诊|划伤|割伤|流血|安全隐患|危险",
        re.IGNORECASE,
    ),
    "fraud": re.compile(
        r"\b(fraud(ulent)?|unauthori[sz]ed (charge|transaction|payment|purchase|order)s?"
        r"|(didn'?t|did not|never) (make|made|authori[sz]ed?|place|placed) (this|that|the|these)"
        r" (purchase|order|charge|payment)s?"
        r"|stolen (card|credit card|identity)|identity theft"
        r"|(charge|payment|transaction|purchase|order)s? .{0,30}\bi (didn'?t|did not|never)"
        r" (make|made|authori[sz]ed?|place|placed|buy|bought|order|ordered)"
        r"|(don'?t|do not) recogni[sz]e (this|that|the|a|these) (charge|payment|transaction)s?"
        r"|someone (used|hacked|stole)|hacked|chargeback|charged (me )?twice|double charged)\b"
        r"|欺诈|诈骗|盗刷|被盗|盗用|未经授权|未授权|不是我(下|买|付)的|没有(下|买)过|账号被|被黑|重复扣款|扣了两次|多扣",
        re.IGNORECASE,
    ),
}


#: A shopper correcting their own slip ("sorry, wrong one", "说错了") reads negative to a sentiment model
#: but is not unhappy with the shop: no sentiment handoff for it (frustration and the rest still count).
_SELF_CORRECTION = re.compile(
    r"\b(sorry,? (wrong|my mistake|i meant)|my (mistake|bad)|wrong one|i meant|typo|i mistyped)\b"
    r"|说错了|打错了|写错了|搞错了|弄错了|不是这个|我是说|我的意思是",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attempt:
    """What came of the engine's attempt at the message, as far as handing off goes."""

    counted: bool = False
    """The engine kept its failure and low-confidence counters for this message (remember_turn): judge them."""
    transfers: tuple[str, ...] = ()
    """The summaries of the model's calls for a person (transfer_to_human_agents) this turn."""


@dataclass(frozen=True)
class Failure:
    """The engine failed: it raised, or its model did with nothing to fall back on."""

    summary: str = ""


def outcome(decision: Decision) -> Attempt | Failure:
    """What the engine's decision reports about its attempt at the message, as decide() reads it after the engine."""
    if decision.failed is not None:
        return Failure(decision.failed)
    return Attempt(counted=decision.counted, transfers=decision.transfers)


@overload
def decide(u: Understanding, memory: Mapping[str, str], text: str, outcome: Failure) -> Handoff: ...


@overload
def decide(
    u: Understanding, memory: Mapping[str, str], text: str = "", outcome: Attempt | None = None
) -> Handoff | None: ...


def decide(
    u: Understanding, memory: Mapping[str, str], text: str = "", outcome: Attempt | Failure | None = None
) -> Handoff | None:
    """The handoff for this turn, or None: every reason and its priority. `text` is the scrubbed message.

    Before the engine tries the message (`outcome` None): should_hand_off. After it: a failure always
    hands off (engine_error: a failing engine fails towards a human, never towards silence); then the
    model's own transfer (model_transfer); then, where the engine counted (Attempt.counted), a
    repeated failure or a low-confidence streak.
    """
    if outcome is None:
        return should_hand_off(u, memory, text)
    if isinstance(outcome, Failure):
        return Handoff("engine_error", summary=outcome.summary)
    if outcome.transfers:
        return Handoff("model_transfer", summary=" ".join(outcome.transfers))
    if not outcome.counted:
        return None
    # The rules that read the message alone held no handoff before the engine ran; the counters moved
    # since. The first rule that holds now stands only when it is the failure count.
    late = should_hand_off(u, memory, text)
    if late is None or late.reason != "repeated_failure":
        late = low_confidence_handoff(u, memory)
    return late


def should_hand_off(u: Understanding, memory: Mapping[str, str], text: str = "") -> Handoff | None:
    """A Handoff (reason requested, sensitive_<topic>, negative_sentiment, frustration or
    repeated_failure) for this turn, or None. `text` is the scrubbed message (sensitive topics).

    The explicit request comes first: it is the shopper's own choice. The human_agent intent
    covers "talk to a human/agent/person/representative" and 人工, 转人工, 真人, 客服.
    Low confidence is judged after the engine tried the message (see low_confidence_handoff).
    """
    if u.intent.label == "human_agent" and _asks_for_a_person(text):
        return Handoff("requested", summary="The shopper asked for a human agent.")
    topic = sensitive_topic(text)
    if topic:
        return Handoff(f"sensitive_{topic}", summary=f"Sensitive topic ({topic}): a person should handle this.")
    # A question for a fact ("收到的东西坏了，几天内要反馈？") is answered, however unhappy its words, unless the
    # shopper is also exasperated.
    asks_a_fact = bool(question_kinds(text)) and u.sentiment.frustration < FACT_QUESTION_FRUSTRATION
    if _very_negative(u) and not _SELF_CORRECTION.search(text) and not asks_a_fact:
        return Handoff(
            "negative_sentiment",
            summary=f"The shopper is very unhappy (sentiment {u.sentiment.score:+.2f}, intent {u.intent.label}).",
        )
    levels = [*frustration_history(memory), u.sentiment.frustration]
    if _frustrated(levels):
        shown = ", ".join(f"{v:.2f}" for v in levels)
        return Handoff("frustration", summary=f"The shopper is getting more and more frustrated ({shown}).")
    if failure_count(memory) >= MAX_FAILURES:
        return Handoff(
            "repeated_failure",
            summary=f"The bot could not help {failure_count(memory)} times in a row (last intent {u.intent.label}).",
        )
    return None


#: A request for a person names one: the intent model alone also labels "介绍一下Yoga Mat" human_agent.
_ASKS_FOR_PERSON = re.compile(
    r"human|person|people|agent|representative|rep\b|someone|somebody|real|staff|manager|supervisor|operator|"
    r"customer (?:service|care|support)|support|call|phone|speak|talk|live chat|bot\b|robot|"
    r"人工|真人|客服|转接|转人|经理|主管|人类|电话|找人|活人|工作人员|店员|店主|老板|机器人|人呢|有人",
    re.IGNORECASE,
)


#: Questions about the human team ("人工客服几点上班", "when are your agents online") are no request for one.
_ABOUT_THE_TEAM = re.compile(
    r"几点|上班|下班|工作时间|营业时间|什么时候|周末|多久|多长时间|回复|\bhours?\b|\bwhen\b|\bopen\b|\bweekends?\b|"
    r"\bhow (?:long|soon|fast)\b|\breply\b|\brespond\b",
    re.IGNORECASE,
)
_REQUEST_VERB = re.compile(
    r"转|找|接|联系|\btalk\b|\bspeak\b|\bconnect\b|\btransfer\b|\bget me\b|\bwant\b|\bneed\b|\bput me\b",
    re.IGNORECASE,
)
#: Frustration from which a fact question that reads very negative still goes to a person.
FACT_QUESTION_FRUSTRATION = 0.5


def _asks_for_a_person(text: str) -> bool:
    """The human_agent label stands when the message names a person and is not only asking about the team."""
    if not text:
        return True
    bare = PLACEHOLDER.sub(" ", text)
    if not _ASKS_FOR_PERSON.search(bare):
        return False
    return not (_ABOUT_THE_TEAM.search(bare) and not _REQUEST_VERB.search(bare))


def _very_negative(u: Understanding) -> bool:
    """Very negative, and the message itself reads upset (exasperation cues or a complaint): a sentiment
    model alone calls plain questions about returns (退货, 退款) very negative, which is no reason to hand off."""
    corroborated = u.sentiment.frustration >= NEGATIVE_CORROBORATION or u.intent.label == "complaint"
    return u.sentiment.score <= NEGATIVE_SENTIMENT and corroborated


def sensitive_topic(text: str) -> str:
    """legal, safety or fraud when the message raises one (en/zh), else ""."""
    for topic, pattern in SENSITIVE.items():
        if pattern.search(text):
            return topic
    return ""


def _frustrated(levels: list[float]) -> bool:
    if len(levels) >= 2 and levels[-1] >= FRUSTRATION_HIGH and levels[-2] >= FRUSTRATION_HIGH:
        return True
    if len(levels) >= 2 and levels[-1] >= FRUSTRATION_RISEN and levels[-1] - min(levels[:-1]) >= FRUSTRATION_RISE:
        # Rising: each kept turn at least as frustrated as the one before it.
        return all(b >= a for a, b in zip(levels, levels[1:]))
    return False


def frustration_history(memory: Mapping[str, str]) -> list[float]:
    """The frustration of the previous shopper turns (oldest first); garbled values are skipped."""
    values = []
    for part in memory.get(FRUSTRATION_KEY, "").split(","):
        try:
            values.append(min(1.0, max(0.0, float(part))))
        except ValueError:
            continue
    return values[-FRUSTRATION_KEPT:]


def remember_turn(u: Understanding, memory: MutableMapping[str, str], *, understood: bool) -> None:
    """Keep this turn's frustration and the low-confidence streak for the next turns' decisions.
    `understood`: the engine used the message (a flow took it as an answer), whatever its confidence."""
    levels = [*frustration_history(memory), u.sentiment.frustration][-FRUSTRATION_KEPT:]
    memory[FRUSTRATION_KEY] = ",".join(f"{v:.2f}" for v in levels)
    low = u.intent.confidence < LOW_CONFIDENCE and not understood
    memory[LOW_CONFIDENCE_KEY] = str(_count(memory, LOW_CONFIDENCE_KEY) + 1) if low else "0"


def low_confidence_handoff(u: Understanding, memory: Mapping[str, str]) -> Handoff | None:
    """After remember_turn: hand off when the intent was a guess MAX_LOW_CONFIDENCE turns in a row."""
    streak = _count(memory, LOW_CONFIDENCE_KEY)
    if streak >= MAX_LOW_CONFIDENCE:
        return Handoff(
            "low_confidence",
            summary=f"The bot could not tell what the shopper wants {streak} times in a row "
            f"(last guess {u.intent.label}, confidence {u.intent.confidence:.2f}).",
        )
    return None


def forget(memory: MutableMapping[str, str]) -> None:
    """Reset the counters after a handoff: when the bot gets the conversation back it starts afresh."""
    for key in (FAILURES_KEY, LOW_CONFIDENCE_KEY, FRUSTRATION_KEY):
        memory.pop(key, None)


def failure_count(memory: Mapping[str, str]) -> int:
    """The consecutive-failure counter; a missing or garbled value counts as none."""
    return _count(memory, FAILURES_KEY)


def _count(memory: Mapping[str, str], key: str) -> int:
    try:
        return max(0, int(memory.get(key, "0")))
    except ValueError:
        return 0
