"""The smoke suite: scripted bilingual conversations run through the real service, checked turn by turn."""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, cast

from bot.text import PLACEHOLDER
from bot.types import JSON, Language, TurnResult
from eval.harness import Chart, SuiteOptions, SuiteResult, suite
from eval.public_data import percentile

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bot.service import Service
    from connectors.commerce import SqliteShop

DATA = Path(__file__).parent / "data" / "smoke_conversations.json"
PASS_RATE_THRESHOLD = 0.9

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_SLOT = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Expectation:
    """What one bot turn must satisfy."""

    contains_any: tuple[str, ...] = ()
    """The replies contain at least one of these (case-insensitive); empty means no check."""
    not_contains: tuple[str, ...] = ()
    """The replies contain none of these (case-insensitive)."""
    citations: bool | None = None
    """True: at least one citation; False: none; None: no check."""
    state: str | None = None
    """The conversation state after the turn."""


@dataclass(frozen=True)
class ScriptedTurn:
    user: str
    """The shopper's message; may hold {order_id}, {email}, {status}."""
    expect: Expectation


@dataclass(frozen=True)
class ScriptedConversation:
    id: str
    language: str
    topic: str
    turns: tuple[ScriptedTurn, ...]
    order_status: str | None = None
    """When set, {order_id}/{email}/{status} come from an order in this status (sample_order)."""
    locale: str | None = None
    """Passed to start_conversation; None lets the bot detect the language."""


@dataclass
class Outcome:
    conversation: ScriptedConversation
    problems: list[str] = field(default_factory=list)
    turns_passed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def shop_email_domains(path: Path = DATA) -> tuple[str, ...]:
    """Domains of the shop's own public addresses, which a reply may quote."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(domain.lower() for domain in raw.get("shop_email_domains", ()))


def load_conversations(path: Path = DATA) -> list[ScriptedConversation]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    conversations = []
    for item in raw["conversations"]:
        turns = tuple(
            ScriptedTurn(
                user=turn["user"],
                expect=Expectation(
                    contains_any=tuple(turn["expect"].get("contains_any", ())),
                    not_contains=tuple(turn["expect"].get("not_contains", ())),
                    citations=turn["expect"].get("citations"),
                    state=turn["expect"].get("state"),
                ),
            )
            for turn in item["turns"]
        )
        conversations.append(
            ScriptedConversation(
                id=item["id"],
                language=item["language"],
                topic=item["topic"],
                turns=turns,
                order_status=item.get("order_status"),
                locale=item.get("locale"),
            )
        )
    return conversations


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name} slots that have a value; leave every other brace alone."""
    return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def check_turn(
    expect: Expectation,
    result: TurnResult,
    shopper_said: Sequence[str],
    values: dict[str, str],
    shop_domains: Sequence[str] = (),
) -> list[str]:
    """Problems with one turn's result; empty when it meets every expectation.

    Always checked: a non-empty reply, no PII placeholder, and no email address other than those the
    shopper typed in this conversation or the shop's own (`shop_domains`).
    """
    problems: list[str] = []
    text = "\n".join(reply.text for reply in result.replies)
    lowered = text.lower()
    if not text.strip():
        problems.append("no reply")
    wanted = [fill(k, values) for k in expect.contains_any]
    if wanted and not any(k.lower() in lowered for k in wanted):
        problems.append(f"reply has none of {wanted}")
    for banned in (fill(k, values) for k in expect.not_contains):
        if banned.lower() in lowered:
            problems.append(f"reply contains {banned!r}")
    cited = any(reply.citations for reply in result.replies)
    if expect.citations is True and not cited:
        problems.append("no citations")
    if expect.citations is False and cited:
        problems.append("unexpected citations")
    if expect.state is not None and result.state != expect.state:
        problems.append(f"state {result.state}, expected {expect.state}")
    leaked = [m.group(0) for m in PLACEHOLDER.finditer(text)]
    if leaked:
        problems.append(f"placeholder leaked: {leaked[0]}")
    own = {email.lower() for said in shopper_said for email in _EMAIL.findall(said)}
    foreign = [
        email
        for email in _EMAIL.findall(text)
        if email.lower() not in own and email.lower().rsplit("@", 1)[1] not in shop_domains
    ]
    if foreign:
        problems.append(f"foreign email in reply: {foreign[0]}")
    return problems


def run_conversation(
    service: "Service", conversation: ScriptedConversation, values: dict[str, str], shop_domains: Sequence[str] = ()
) -> Outcome:
    outcome = Outcome(conversation)
    locale = cast("Language | None", conversation.locale)
    conv, _token = service.start_conversation(channel="web", locale=locale)
    sign_in_desk_agent(service)
    said: list[str] = []
    for number, turn in enumerate(conversation.turns, start=1):
        text = fill(turn.user, values)
        said.append(text)
        started = time.perf_counter()
        try:
            result = service.post_message(conv.id, text)
        except Exception as exc:  # a crash is a failed turn to report, not the end of the suite
            outcome.problems.append(f"turn {number}: {type(exc).__name__}: {exc}")
            break
        outcome.latencies_ms.append((time.perf_counter() - started) * 1000)
        outcome.replies.append(" ".join(reply.text for reply in result.replies))
        problems = check_turn(turn.expect, result, said, values, shop_domains)
        outcome.problems += [f"turn {number}: {problem}" for problem in problems]
        outcome.turns_passed += not problems
    return outcome


#: The scripted suites (smoke, scenarios) play with one agent signed in at the desk, so a handoff waits for a
#: person; the shopper suite plays the default (no accounts), where the bot offers to take a message instead.
DESK_AGENT = "eval-agent"


def desk_agent_account() -> str:
    """SHOPKEEPER_AGENTS naming DESK_AGENT alone, under a password nobody knows."""
    from bot.desk.staff import hash_password

    return f"{DESK_AGENT}:{hash_password(secrets.token_urlsafe(16), iterations=1000)}"


def sign_in_desk_agent(service: "Service") -> None:
    """DESK_AGENT counts as online for the next minute and a half, as a console heartbeat would make them."""
    if service.handoff is not None:
        service.handoff.directory.seen(DESK_AGENT)


def _rate(outcomes: Sequence[Outcome]) -> float:
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def _order_values(shop: "SqliteShop", statuses: set[str]) -> dict[str, dict[str, str]]:
    from connectors.commerce import sample_order

    values: dict[str, dict[str, str]] = {}
    for status in sorted(statuses):
        order_id, email = sample_order(shop, status)
        values[status] = {"order_id": order_id, "email": email, "status": status}
    return values


@suite("smoke")
def smoke(options: SuiteOptions) -> SuiteResult:
    """Every scripted conversation (the set is small enough that --smoke runs all of it)."""
    from bot.app import build_service
    from connectors.commerce import open_shop

    conversations = load_conversations()
    domains = shop_email_domains()
    with ExitStack() as stack:
        data_dir = options.data_dir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="shopkeeper-smoke-"))
        )
        settings = options.settings.model_copy(update={"data_dir": data_dir, "agents": desk_agent_account()})
        started = time.perf_counter()
        service = build_service(settings, options.progress)
        stack.callback(service.close)
        build_seconds = time.perf_counter() - started
        shop = open_shop(settings, progress=lambda done, total: options.progress("Opening the shop", done, total))
        stack.callback(shop.close)
        orders = _order_values(shop, {c.order_status for c in conversations if c.order_status})

        outcomes = []
        for number, conversation in enumerate(conversations):
            options.progress("Running conversations", number, len(conversations))
            values = orders.get(conversation.order_status or "", {})
            outcomes.append(run_conversation(service, conversation, values, domains))
        options.progress("Running conversations", len(conversations), len(conversations))
    return _result(outcomes, build_seconds, data_dir if options.data_dir else None)


def _result(outcomes: list[Outcome], build_seconds: float, kept_dir: Path | None) -> SuiteResult:
    latencies = [ms for o in outcomes for ms in o.latencies_ms]
    turns = sum(len(o.conversation.turns) for o in outcomes)
    by_language = {lang: [o for o in outcomes if o.conversation.language == lang] for lang in ("en", "zh")}
    metrics = {
        "pass_rate": _rate(outcomes),
        "pass_rate_en": _rate(by_language["en"]),
        "pass_rate_zh": _rate(by_language["zh"]),
        "turn_pass_rate": sum(o.turns_passed for o in outcomes) / turns if turns else 0.0,
        "conversations": float(len(outcomes)),
        "turns": float(turns),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "build_seconds": build_seconds,
    }
    details: list[dict[str, JSON]] = [
        {
            "id": o.conversation.id,
            "language": o.conversation.language,
            "topic": o.conversation.topic,
            "passed": o.passed,
            "problems": "; ".join(o.problems),
            "max_latency_ms": round(max(o.latencies_ms, default=0.0), 1),
            "replies": " / ".join(r if len(r) <= 160 else r[:157] + "..." for r in o.replies),
        }
        for o in outcomes
    ]
    notes = [
        f"{len(outcomes)} scripted conversations ({len(by_language['en'])} English, {len(by_language['zh'])} Chinese) "
        "from eval/data/smoke_conversations.json, run through build_service with the embedded defaults.",
        "A conversation passes when every turn meets its expectations; a pass rate under "
        f"{PASS_RATE_THRESHOLD} fails --smoke.",
        f"Building the service took {build_seconds:.1f}s"
        + (f" (data dir {kept_dir})." if kept_dir else " (fresh temporary data dir)."),
    ]
    return SuiteResult(
        name="smoke",
        metrics=metrics,
        thresholds={"pass_rate": PASS_RATE_THRESHOLD},
        details=details,
        charts=[_pass_rate_chart(outcomes), _latency_chart(latencies)],
        notes=notes,
    )


def _pass_rate_chart(outcomes: list[Outcome]) -> Chart:
    topics = sorted({o.conversation.topic for o in outcomes})

    def draw(ax: "Axes") -> None:
        width = 0.4
        for shift, lang in ((-width / 2, "en"), (width / 2, "zh")):
            rates = []
            for topic in topics:
                group = [o for o in outcomes if o.conversation.topic == topic and o.conversation.language == lang]
                rates.append(_rate(group))
            ax.bar([i + shift for i in range(len(topics))], rates, width, label=lang)
        ax.set_xticks(range(len(topics)), topics, rotation=30, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("conversations passed")
        ax.axhline(PASS_RATE_THRESHOLD, color="grey", linestyle="--", linewidth=1)
        ax.legend()

    return Chart(name="pass_rate", title="Smoke pass rate by topic and language", draw=draw)


def _latency_chart(latencies: list[float]) -> Chart:
    def draw(ax: "Axes") -> None:
        if latencies:
            ax.hist(latencies, bins=min(20, max(5, len(latencies) // 2)), color="tab:blue")
            for q, style in ((50, "-"), (95, "--")):
                ax.axvline(percentile(latencies, q), color="black", linestyle=style, label=f"p{q}")
            ax.legend()
        ax.set_xlabel("turn latency (ms)")
        ax.set_ylabel("turns")

    return Chart(name="latency", title="Per-turn latency", draw=draw)
