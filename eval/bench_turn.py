"""A turn end to end over real HTTP (embedded engine): per-stage and total latency at 1 and 16 conversations."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import httpx

from bot.types import JSON
from eval.harness import Chart, SuiteOptions, SuiteResult, suite
from eval.public_data import percentile
from eval.smoke import ScriptedConversation, fill, load_conversations

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Stages reported, from the trace's timings_ms (bot/agent/turn.py and the engines' decide.<stage>).
STAGES = ("understanding", "retrieval", "tools", "composition", "other", "queue", "server", "total")
GOAL_P95_MS = 150.0
GOAL_CONCURRENCY = 16
#: Seconds a shopper reads and types before each message in the goal run (real chat gaps are longer).
THINK_S = (2.0, 6.0)
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Sample:
    """One measured turn: its wall time at the client and the server's stage timings."""

    total_ms: float
    timings: Mapping[str, float]
    language: str
    topic: str


@dataclass
class Run:
    """One concurrency level."""

    concurrency: int
    think_s: tuple[float, float] = (0.0, 0.0)
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """c1, c16 (back to back), c16_think (with think time: the goal run)."""
        return f"c{self.concurrency}" + ("_think" if self.think_s[1] > 0 else "")

    @property
    def turns_per_s(self) -> float:
        return len(self.samples) / self.seconds if self.seconds > 0 else 0.0

    def stage(self, name: str) -> list[float]:
        return [stage_times(s.timings, s.total_ms)[name] for s in self.samples]


def stage_times(timings: Mapping[str, float], total_ms: float) -> dict[str, float]:
    """The report's stages from a trace's timings_ms (ms).

    understanding = scrub + understand; retrieval and tools as decide() recorded them; composition is the
    engine's own figure or, when it gives none, the rest of decide(); other = guard + restore + store and
    what decide() spent besides; queue = the wait for a turn slot (bot/agent/turn_slots.py); server = the stages
    the turn handler timed, without the queue; total = wall time at the client (HTTP, JSON, queue, server)."""
    decide = timings.get("decide", 0.0)
    retrieval = timings.get("decide.retrieval", 0.0)
    tools = timings.get("decide.tools", 0.0)
    composition = timings.get("decide.composition", max(0.0, decide - retrieval - tools))
    understanding = timings.get("scrub", 0.0) + timings.get("understand", 0.0)
    server = understanding + decide + sum(timings.get(k, 0.0) for k in ("guard", "restore", "store"))
    return {
        "understanding": understanding,
        "retrieval": retrieval,
        "tools": tools,
        "composition": composition,
        "other": max(0.0, server - understanding - retrieval - tools - composition),
        "queue": timings.get("queue", 0.0),
        "server": server,
        "total": total_ms,
    }


@dataclass(frozen=True)
class BenchConversation:
    """One shopper's conversation: the texts of their turns, in order, already filled in."""

    id: str
    language: str
    topic: str
    turns: tuple[str, ...]
    locale: str | None = None


def warm_up_conversations() -> list[ScriptedConversation]:
    """The smoke conversations without the request for a human (after it the bot stays silent, which is free)."""
    return [c for c in load_conversations() if c.topic != "handoff"]


def _questions() -> list[tuple[str, str]]:
    """(language, question) from the retrieval and policy question sets of eval/data."""
    out: list[tuple[str, str]] = []
    for name, key in (("retrieval_questions.json", "questions"), ("policy_questions.json", "questions")):
        raw = json.loads((DATA / name).read_text(encoding="utf-8"))
        out += [(q["language"], q["question"]) for q in raw[key]]
    return out


def build_pool(orders: Mapping[str, Sequence[tuple[str, str]]]) -> list[BenchConversation]:
    """The mix every run walks through: in each ten conversations five policy questions, three order-status
    conversations with verification (each on another real order) and two of small talk, en and zh alike.

    `orders` maps an order status to (order id, owner's email) pairs. Texts rarely repeat, so caches keyed by
    text (the retriever's query vectors) help no more than they would with real shoppers."""
    smoke = warm_up_conversations()
    templates = [c for c in smoke if c.order_status]
    small_talk = [c for c in smoke if c.topic == "smalltalk"]
    policy = [BenchConversation(f"q{i}", lang, "policy", (text,)) for i, (lang, text) in enumerate(_questions())]
    order_talks: list[BenchConversation] = []
    for i in range(len(policy)):
        template = templates[i % len(templates)]
        pairs = orders.get(template.order_status or "", ())
        if not pairs:
            continue
        order_id, email = pairs[(i // len(templates)) % len(pairs)]
        values = {"order_id": order_id, "email": email, "status": template.order_status or ""}
        order_talks.append(
            BenchConversation(
                f"{template.id}-{i}",
                template.language,
                "order_status",
                tuple(fill(t.user, values) for t in template.turns),
                template.locale,
            )
        )
    chats = [
        BenchConversation(f"{c.id}-{i}", c.language, "smalltalk", tuple(t.user for t in c.turns), c.locale)
        for i, c in enumerate(small_talk * len(policy))
    ]
    pool: list[BenchConversation] = []
    p = o = c = 0
    while p < len(policy):
        pool += policy[p : p + 5]
        p += 5
        pool += order_talks[o : o + 3]
        o += 3
        pool += chats[c : c + 2]
        c += 2
    return pool


async def _play(
    client: httpx.AsyncClient,
    admin_token: str,
    pool: Sequence[BenchConversation],
    cursor: list[int],
    budget: list[int],
    think_s: tuple[float, float],
    rng: random.Random,
    run: Run,
) -> None:
    """One shopper after another on this worker, each playing a whole conversation, until the turn budget is spent."""
    headers = {"Authorization": f"Bearer {admin_token}"}  # the admin token stands in for the shopper's and sees traces
    while budget[0] > 0:
        conversation = pool[cursor[0] % len(pool)]
        cursor[0] += 1
        started = await client.post("/v1/conversations", json={"locale": conversation.locale})
        if started.status_code != 201:
            run.errors.append(f"start: {started.status_code} {started.text[:200]}")
            return
        cid = started.json()["conversation_id"]
        for text in conversation.turns:
            if budget[0] <= 0:
                return
            budget[0] -= 1
            if think_s[1] > 0:
                await asyncio.sleep(rng.uniform(*think_s))  # the shopper reads and types
            began = time.perf_counter()
            response = await client.post(
                f"/v1/conversations/{cid}/messages", params={"trace": "1"}, json={"text": text}, headers=headers
            )
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                run.errors.append(f"{conversation.id}: {response.status_code} {response.text[:200]}")
                continue
            trace = response.json().get("trace") or {}
            timings = {str(k): float(v) for k, v in (trace.get("timings_ms") or {}).items()}
            run.samples.append(Sample(elapsed, timings, conversation.language, conversation.topic))


async def _drive(
    base_url: str,
    admin_token: str,
    pool: Sequence[BenchConversation],
    concurrency: int,
    turns: int,
    think_s: tuple[float, float],
    start: int,
) -> Run:
    run = Run(concurrency, think_s=think_s)
    budget, cursor = [turns], [start]
    limits = httpx.Limits(max_connections=concurrency + 2, max_keepalive_connections=concurrency + 2)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(
            *(
                _play(client, admin_token, pool, cursor, budget, think_s, random.Random(worker), run)
                for worker in range(concurrency)
            )
        )
        run.seconds = time.perf_counter() - began
    return run


def drive(
    base_url: str,
    admin_token: str,
    pool: Sequence[BenchConversation],
    concurrency: int,
    turns: int,
    think_s: tuple[float, float] = (0.0, 0.0),
    start: int = 0,
) -> Run:
    """`concurrency` shoppers at once over HTTP, each taking the next conversation of the pool (from `start`) and
    playing its turns, with a think time drawn from `think_s` (seconds) before each message."""
    return asyncio.run(_drive(base_url, admin_token, pool, concurrency, turns, think_s, start))


def _orders(data_dir: Path, statuses: set[str], per_status: int = 40) -> dict[str, list[tuple[str, str]]]:
    from bot.settings import Settings
    from connectors.commerce import SqliteShop

    shop = SqliteShop(Settings(data_dir=data_dir).shop_db_path)
    try:
        out: dict[str, list[tuple[str, str]]] = {}
        for status in sorted(statuses):
            for order in shop.orders_with_status(status, limit=per_status):
                user = shop.get_user(order.user_id)
                if user is not None:
                    out.setdefault(status, []).append((order.order_id, user.email))
        return out
    finally:
        shop.close()


@dataclass(frozen=True)
class Plan:
    """One measured run: how many shoppers at once, how many turns, their think time (s)."""

    concurrency: int
    turns: int
    think_s: tuple[float, float]


FULL_PLAN = (Plan(1, 120, (0.0, 0.0)), Plan(16, 480, THINK_S), Plan(16, 320, (0.0, 0.0)))
SMOKE_PLAN = (Plan(1, 8, (0.0, 0.0)), Plan(16, 32, (0.05, 0.2)), Plan(16, 32, (0.0, 0.0)))


@suite("bench-turn")
def bench_turn(options: SuiteOptions) -> SuiteResult:
    from bot.testing.processes import ServerProcess

    plan = SMOKE_PLAN if options.smoke else FULL_PLAN
    admin_token = secrets.token_urlsafe(16)
    runs: list[Run] = []
    with ExitStack() as stack:
        data_dir = options.data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-turn-")))
        options.progress("Starting the server (the first start builds the shop and the index)", 0, 1)
        server = stack.enter_context(ServerProcess(data_dir, {"SHOPKEEPER_ADMIN_TOKEN": admin_token}))
        server.wait_ready(timeout_s=900)
        options.progress("Starting the server (the first start builds the shop and the index)", 1, 1)
        warm = warm_up_conversations()
        pool = build_pool(_orders(data_dir, {c.order_status for c in warm if c.order_status}))
        # The smoke conversations once, unmeasured: lazy loads (sentiment models ...) are not a turn's cost.
        warm_pool = [
            BenchConversation(c.id, c.language, c.topic, tuple(t.user for t in c.turns), c.locale)
            for c in warm
            if not c.order_status
        ]
        drive(server.base_url, admin_token, warm_pool, 1, sum(len(c.turns) for c in warm_pool))
        start = 0
        for step in plan:
            label = f"{step.concurrency} concurrent conversations" + (" with think time" if step.think_s[1] else "")
            options.progress(label, 0, 1)
            runs.append(drive(server.base_url, admin_token, pool, step.concurrency, step.turns, step.think_s, start))
            start += step.turns  # each run goes on where the last stopped: few texts are seen twice
            options.progress(label, 1, 1)
    return summarise(runs)


def summarise(runs: Sequence[Run]) -> SuiteResult:
    metrics: dict[str, float] = {}
    details: list[dict[str, JSON]] = []
    for run in runs:
        prefix = run.label
        metrics[f"{prefix}_turns"] = float(len(run.samples))
        metrics[f"{prefix}_errors"] = float(len(run.errors))
        metrics[f"{prefix}_turns_per_s"] = round(run.turns_per_s, 2)
        for name in STAGES:
            values = run.stage(name)
            metrics[f"{prefix}_{name}_p50_ms"] = round(percentile(values, 50), 2)
            metrics[f"{prefix}_{name}_p95_ms"] = round(percentile(values, 95), 2)
        for topic in sorted({s.topic for s in run.samples}):
            totals = [s.total_ms for s in run.samples if s.topic == topic]
            details.append(
                {
                    "run": run.label,
                    "topic": topic,
                    "turns": len(totals),
                    "p50_ms": round(percentile(totals, 50), 1),
                    "p95_ms": round(percentile(totals, 95), 1),
                }
            )
    goal = next((r for r in runs if r.concurrency == GOAL_CONCURRENCY and r.think_s[1] > 0), None)
    notes = [
        "A real uvicorn server process on the demo shop (embedded engine), driven over HTTP by concurrent "
        "shoppers (asyncio + httpx), each starting a conversation and playing its turns: in every ten "
        "conversations five policy questions (eval/data retrieval and policy questions), three order-status "
        "conversations verified by order number and email (each on another real order) and two of small talk, "
        "English and Chinese. Texts rarely repeat, so the retriever's query cache helps no more than in real use.",
        "Stages come from each turn's trace (POST .../messages?trace=1 with the admin token): understanding = "
        "scrub + understand; retrieval and tools as timed inside decide(); composition = the rest of decide(); "
        "other = guard + restore + store; queue = the wait for a turn slot; server = all but the queue; total = "
        "wall time at the client.",
        "The smoke conversations are played once before measuring (lazy model loads are not a turn's cost).",
        "Runs: c1 = one shopper, turns back to back; c16_think = 16 shoppers at once, each reading and typing "
        "for a random think time before every message (the goal run: real conversations have gaps); c16 = 16 "
        "shoppers back to back with no think time, the server's capacity in turns/s (by Little's law its latency "
        "is about 16 / turns_per_s, whatever a turn costs).",
    ]
    if goal is not None and goal.samples:
        p95 = percentile([s.total_ms for s in goal.samples], 95)
        metrics["goal_p95_ms"] = round(p95, 2)
        verdict = "meets" if p95 <= GOAL_P95_MS else "misses"
        notes.append(
            f"Goal: total p95 <= {GOAL_P95_MS:g} ms at {GOAL_CONCURRENCY} concurrent conversations on 2 cores, "
            f"think time {goal.think_s[0]:g}-{goal.think_s[1]:g} s; this run {verdict} it ({p95:.0f} ms, "
            f"offered {goal.turns_per_s:.1f} turns/s). Timings on a shared machine are noisy."
        )
    errors = [e for run in runs for e in run.errors[:5]]
    return SuiteResult(
        name="bench-turn",
        metrics=metrics,
        details=details,
        charts=[Chart("stages", "Turn stages, p95 (ms)", lambda ax: _draw(ax, runs))],
        notes=notes,
        printed=[f"error: {e}" for e in errors],
    )


def _draw(ax: "Axes", runs: Sequence[Run]) -> None:
    width = 0.8 / max(1, len(runs))
    for i, run in enumerate(runs):
        positions = [p + i * width for p in range(len(STAGES))]
        ax.bar(positions, [percentile(run.stage(s), 95) for s in STAGES], width=width, label=run.label)
    ax.set_xticks([p + width * (len(runs) - 1) / 2 for p in range(len(STAGES))], list(STAGES), rotation=20)
    ax.axhline(GOAL_P95_MS, color="grey", linestyle="--", label=f"goal p95 {GOAL_P95_MS:g} ms")
    ax.set_ylabel("ms")
    ax.legend()
