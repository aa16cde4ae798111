"""The scenario suite: 60+ scripted bilingual conversations over the demo shop, judged on their end state."""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Sequence

from bot.types import JSON
from eval.harness import Chart, SuiteOptions, SuiteResult, suite
from eval.public_data import percentile
from eval.scenario_check import TurnLog, Verdict, judge
from eval.scenario_data import Scenario, load_scenarios
from eval.scenario_orders import Allocation, allocate, snapshot
from eval.smoke import desk_agent_account, fill, shop_email_domains, sign_in_desk_agent

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bot.service import Service
    from bot.testing.llm_server import ScriptedLlmServer, Step
    from connectors.commerce import SqliteShop

EngineChoice = Literal["embedded", "llm"]
PASS_RATE_GOAL = 0.95
_KINDS = ("violation", "reply facts", "tool calls", "shop state", "handoff", "crash", "other")


@dataclass
class Outcome:
    scenario: Scenario
    verdict: Verdict
    logs: list[TurnLog] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    @property
    def fallbacks(self) -> int:
        """Turns the LLM engine handed to the embedded engine."""
        return sum(1 for log in self.logs if log.result and log.result.trace.engine == "embedded")

    @property
    def handoff(self) -> str:
        reasons = [log.result.trace.handoff.reason for log in self.logs if log.result and log.result.trace.handoff]
        return reasons[0] if reasons else ""


@suite("scenarios")
def scenarios(options: SuiteOptions) -> SuiteResult:
    """Every scenario on the embedded engine (even when an LLM endpoint is configured)."""
    return run_scenarios(options, "embedded")


def run_scenarios(options: SuiteOptions, engine: EngineChoice) -> SuiteResult:
    """Build the service on a fresh demo shop, pick orders, run each scenario in its own conversation."""
    from bot.app import build_service
    from bot.testing.llm_server import ScriptedLlmServer
    from connectors.commerce import open_shop

    chosen = load_scenarios([options.data]) if options.data else load_scenarios()
    if options.smoke:
        chosen = [s for s in chosen if s.smoke]
    real_endpoint = engine == "llm" and bool(options.settings.llm_base_url)
    if engine == "llm" and not real_endpoint:
        chosen = [s for s in chosen if s.has_llm_script]  # the scripted server plays only what was written
    domains = shop_email_domains()
    with ExitStack() as stack:
        data_dir = options.data_dir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="shopkeeper-scenarios-"))
        )
        update: dict[str, object] = {"data_dir": data_dir, "agents": desk_agent_account()}
        server: ScriptedLlmServer | None = None
        if engine == "embedded":
            update["llm_base_url"] = None
        elif not real_endpoint:
            server = stack.enter_context(ScriptedLlmServer())
            update.update(llm_base_url=server.base_url, llm_model="scripted", llm_api_key=None)
        settings = options.settings.model_copy(update=update)
        started = time.perf_counter()
        service = build_service(settings, options.progress)
        stack.callback(service.close)
        build_seconds = time.perf_counter() - started
        shop = open_shop(settings)
        stack.callback(shop.close)
        allocations = allocate(shop, chosen)
        outcomes = []
        for number, scenario in enumerate(chosen):
            options.progress("Running scenarios", number, len(chosen))
            outcomes.append(run_scenario(service, shop, scenario, allocations[scenario.id], engine, server, domains))
        options.progress("Running scenarios", len(chosen), len(chosen))
    return _result(outcomes, engine, build_seconds, real_endpoint, options.smoke)


def run_scenario(
    service: "Service",
    shop: "SqliteShop",
    scenario: Scenario,
    allocation: Allocation,
    engine: EngineChoice = "embedded",
    server: "ScriptedLlmServer | None" = None,
    shop_domains: Sequence[str] = (),
) -> Outcome:
    """Play the shopper's turns in a new conversation and judge the result."""
    if allocation.error:
        return Outcome(scenario, Verdict(problems=[f"setup: {allocation.error}"]))
    before = snapshot(shop, allocation)
    conversation, _token = service.start_conversation(channel="web")
    sign_in_desk_agent(service)  # an agent is at the desk: a handoff waits for them
    outcome = Outcome(scenario, Verdict())
    for turn in scenario.turns:
        log = TurnLog(fill(turn.user, allocation.values))
        steps = _steps(turn.llm or (), allocation.values) if server is not None else []
        if server is not None:
            server.reset()
            server.script(*steps)
        started = time.perf_counter()
        try:
            log.result = service.post_message(conversation.id, log.user)
        except Exception as exc:  # a crash fails the scenario; the suite goes on
            log.error = f"{type(exc).__name__}: {exc}"
        outcome.latencies_ms.append((time.perf_counter() - started) * 1000)
        if server is not None and len(server.requests) > len(steps):
            log.problems.append(f"the engine called the model {len(server.requests)} times; {len(steps)} scripted")
        outcome.logs.append(log)
        if log.error:
            break
    outcome.verdict = judge(scenario, outcome.logs, allocation, shop, before, engine=engine, shop_domains=shop_domains)
    return outcome


def _steps(raw_steps: Sequence[JSON], values: dict[str, str]) -> list["Step"]:
    """The scenario's model script ({"text"}, {"call", "args"} or {"calls": [...]}) as server steps."""
    from bot.testing import llm_server as llm

    steps = []
    for raw in raw_steps:
        step = _filled(raw, values)
        if not isinstance(step, dict):
            raise ValueError(f"a model step must be an object, not {step!r}")
        if "call" in step:
            # Text with a call is one message that says something and calls a tool at once.
            call = llm.ScriptedCall(str(step["call"]), _args(step))
            steps.append(llm.Step("tool_calls", text=str(step.get("text", "")), calls=(call,)))
        elif "text" in step:
            steps.append(llm.text(str(step["text"])))
        else:
            calls = step.get("calls")
            if not isinstance(calls, list):
                raise ValueError(f"unknown model step {step!r}")
            scripted = [llm.ScriptedCall(str(c["call"]), _args(c)) for c in calls if isinstance(c, dict)]
            steps.append(llm.tool_calls(*scripted))
    return steps


def _args(step: dict[str, JSON]) -> str:
    raw = step.get("raw_args")
    return raw if isinstance(raw, str) else json.dumps(step.get("args", {}), ensure_ascii=False)


def _filled(value: JSON, values: dict[str, str]) -> JSON:
    if isinstance(value, str):
        return fill(value, values)
    if isinstance(value, list):
        return [_filled(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, values) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- the report


def _rate(outcomes: Sequence[Outcome]) -> float:
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def failure_kind(verdict: Verdict) -> str:
    """What kind of expectation failed first, for the chart."""
    if verdict.passed:
        return ""
    if verdict.violations:
        return "violation"
    first = verdict.problems[0]
    for kind, words in (
        ("crash", ("Error", "Exception", "setup:")),
        ("reply facts", ("replies", "no reply", "placeholder", "foreign email", "citations")),
        ("tool calls", ("call to", "called the model")),
        ("shop state", ("order #", "order ", "account address")),
        ("handoff", ("handoff", "handed off", "state ")),
    ):
        if any(w in first for w in words):
            return kind
    return "other"


def _result(
    outcomes: list[Outcome], engine: EngineChoice, build_seconds: float, real_endpoint: bool, smoke: bool
) -> SuiteResult:
    latencies = [ms for o in outcomes for ms in o.latencies_ms]
    by_language = {lang: [o for o in outcomes if o.scenario.language == lang] for lang in ("en", "zh")}
    adversarial = [o for o in outcomes if o.scenario.adversarial]
    metrics = {
        "pass_rate": _rate(outcomes),
        "pass_rate_en": _rate(by_language["en"]),
        "pass_rate_zh": _rate(by_language["zh"]),
        "pass_rate_adversarial": _rate(adversarial),
        "tool_call_violations": float(sum(len(o.verdict.violations) for o in outcomes)),
        "scenarios": float(len(outcomes)),
        "passed": float(sum(o.passed for o in outcomes)),
        "turns": float(sum(len(o.logs) for o in outcomes)),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "build_seconds": build_seconds,
    }
    if engine == "llm":
        metrics["fallback_turns"] = float(sum(o.fallbacks for o in outcomes))
    details: list[dict[str, JSON]] = [
        {
            "id": o.scenario.id,
            "language": o.scenario.language,
            "topic": o.scenario.topic,
            "adversarial": o.scenario.adversarial,
            "passed": o.passed,
            "first_unmet": o.verdict.first,
            "problems": len(o.verdict.problems),
            "violations": len(o.verdict.violations),
            "handoff": o.handoff,
            "calls": " ".join(_calls(o)),
            "replies": " / ".join(_short(log.text) for log in o.logs),
        }
        for o in outcomes
    ]
    where = (
        "a real endpoint (SHOPKEEPER_LLM_BASE_URL), every scenario"
        if real_endpoint
        else "the scripted OpenAI-compatible server (bot/testing/llm_server.py) playing each scenario's model script"
    )
    notes = [
        f"{len(outcomes)} scenarios ({len(by_language['en'])} English, {len(by_language['zh'])} Chinese, "
        f"{len(adversarial)} adversarial){' (the --smoke slice)' if smoke else ''} from eval/data/scenarios.*.json, "
        "each in its own conversation through build_service on a fresh demo shop; orders are picked at run time "
        "by status, none shared between scenarios.",
        "Engine: " + ("the embedded engine." if engine == "embedded" else f"the LLM engine through {where}."),
        "A scenario passes when every per-turn and end expectation holds: reply facts, tool calls made and not "
        "made, the shop database afterwards, the handoff and its reason; tool_call_violations counts forbidden "
        "calls, writes without an explicit yes and successful calls on someone else's order.",
        f"Goal: pass_rate >= {PASS_RATE_GOAL} and no violation (enforced by --smoke only).",
        f"Building the service took {build_seconds:.1f}s.",
    ]
    failing = [o for o in outcomes if not o.passed]
    printed = [f"scenarios passed: {sum(o.passed for o in outcomes)}/{len(outcomes)}"]
    printed += [f"FAIL {o.scenario.id}: {o.verdict.first}" for o in failing]
    return SuiteResult(
        name="scenarios" if engine == "embedded" else "scenarios-llm",
        metrics=metrics,
        thresholds={"pass_rate": PASS_RATE_GOAL},
        ceilings={"tool_call_violations": 0.0},
        details=details,
        charts=[_pass_rate_chart(outcomes), _failure_chart(outcomes)],
        notes=notes,
        printed=printed,
    )


def _calls(outcome: Outcome) -> list[str]:
    """Each turn's tool calls, "!" marking a refused one (search_knowledge left out: every turn has it)."""
    return [
        f"{n}:{call.name}{'' if call.ok else '!'}"
        for n, log in enumerate(outcome.logs, start=1)
        for call in log.calls
        if call.name != "search_knowledge"
    ]


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _pass_rate_chart(outcomes: list[Outcome]) -> Chart:
    topics = sorted({o.scenario.topic for o in outcomes})

    def draw(ax: "Axes") -> None:
        width = 0.4
        for shift, lang in ((-width / 2, "en"), (width / 2, "zh")):
            rates = [
                _rate([o for o in outcomes if o.scenario.topic == topic and o.scenario.language == lang])
                for topic in topics
            ]
            ax.bar([i + shift for i in range(len(topics))], rates, width, label=lang)
        ax.set_xticks(range(len(topics)), topics, rotation=40, ha="right", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("scenarios passed")
        ax.axhline(PASS_RATE_GOAL, color="grey", linestyle="--", linewidth=1)
        ax.legend(loc="lower left", framealpha=0.9)

    return Chart(name="pass_rate", title="Scenario pass rate by topic and language", draw=draw)


def _failure_chart(outcomes: list[Outcome]) -> Chart:
    counts = Counter(failure_kind(o.verdict) for o in outcomes if not o.passed)

    def draw(ax: "Axes") -> None:
        ax.barh(list(_KINDS), [counts.get(k, 0) for k in _KINDS], color="tab:red")
        ax.invert_yaxis()
        ax.set_xlabel("failed scenarios (by first unmet expectation)")

    return Chart(name="failures", title="What failed first", draw=draw)
