"""The shopper suite: questions written the way shoppers write them, judged the way shoppers read the answers.

Hand-written cases (eval/data/shopper_*.json: policy facts and yes/no questions about the demo
shop's pages, "do you sell" for things no shop here sells, asking for a person when nobody is
there) plus cases generated at run time from the shop's own data (eval/shopper_cases.py). Each case
is one fresh conversation on the real service; every judged turn must hold its fact and come back
in the shopper's language (eval/shopper_check.py). Run it with `shopkeeper eval shopper`; on a
tau2-format shop with `SHOPKEEPER_SHOP_DATA=PATH` or `--data PATH` (a .json shop file).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from bot.types import JSON
from eval.harness import Chart, SuiteOptions, SuiteResult, suite
from eval.public_data import percentile
from eval.shopper_cases import CATEGORIES, Case, all_cases, held_out, smoke_slice
from eval.shopper_check import Reply, judge

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bot.service import Service
    from bot.settings import Settings

OVERALL_GOAL = 0.95
CATEGORY_GOAL = 0.90
SMOKE_CATEGORY_GOAL = 0.80
"""A smoke category has 3 to 10 cases, so one miss must not fail it alone."""


@dataclass
class Outcome:
    case: Case
    problems: list[str] = field(default_factory=list)
    asked: str = ""
    """The judged turn that failed first (or the last judged one)."""
    said: str = ""
    ms: list[float] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def play(service: "Service", case: Case) -> Outcome:
    """One case in a new conversation: every turn posted, every judged turn judged."""
    conversation, _token = service.start_conversation(channel="web")
    outcome = Outcome(case)
    for turn in case.turns:
        started = time.perf_counter()
        try:
            result = service.post_message(conversation.id, turn.text)
        except Exception as exc:  # a crash fails the case; the suite goes on
            outcome.problems.append(f"{type(exc).__name__}: {exc}")
            outcome.asked = turn.text
            return outcome
        outcome.ms.append((time.perf_counter() - started) * 1000)
        if turn.check is None:
            continue
        reply = Reply.of(result)
        outcome.asked, outcome.said = turn.text, reply.text
        # The shopper expects the language the case is written in: a Chinese question naming an English-only
        # product ("Patio Umbrella（7 ft、red）多少钱？") has more Latin letters than Chinese, and is Chinese.
        problems = judge(turn.check, reply, case.language, turn.text)
        if problems:
            outcome.problems = problems
            return outcome
    return outcome


def _shop_file(options: SuiteOptions) -> tuple[Path | None, str | None]:
    """(the tau2-format shop file to use, or None for the demo shop; a reason to skip, or None)."""
    chosen = options.data or options.settings.shop_data
    if chosen is None:
        return None, None
    if not Path(chosen).is_file():
        return None, f"skipped: the shop file {chosen} does not exist"
    return Path(chosen), None


@suite("shopper")
def shopper(options: SuiteOptions) -> SuiteResult:
    """Every case (or the smoke slice) on the embedded engine, with no human agents configured."""
    from bot.app import build_service
    from connectors.commerce import open_shop

    shop_file, skip = _shop_file(options)
    if skip:
        return SuiteResult(name="shopper", metrics={}, notes=[skip], printed=[skip])
    with ExitStack() as stack:
        data_dir = options.data_dir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="shopkeeper-shopper-"))
        )
        settings: Settings = options.settings.model_copy(
            update={"data_dir": data_dir, "llm_base_url": None, "agents": "", "shop_data": shop_file}
        )
        service = build_service(settings, options.progress)
        stack.callback(service.close)
        shop = open_shop(settings)
        stack.callback(shop.close)
        cases = all_cases(shop, demo_shop=shop_file is None)
        if options.smoke:
            cases = smoke_slice(cases)
        outcomes = []
        for number, case in enumerate(cases):
            options.progress("Asking as a shopper", number, len(cases))
            outcomes.append(play(service, case))
        options.progress("Asking as a shopper", len(cases), len(cases))
    return _result(outcomes, "tau2 shop " + str(shop_file) if shop_file else "the demo shop", options.smoke)


# --------------------------------------------------------------------------- the report


def _rate(outcomes: Sequence[Outcome]) -> float:
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def _result(outcomes: Sequence[Outcome], shop: str, smoke: bool) -> SuiteResult:
    by_category = {c: [o for o in outcomes if o.case.category == c] for c in CATEGORIES}
    by_category = {c: rows for c, rows in by_category.items() if rows}
    metrics: dict[str, float] = {"pass_rate": round(_rate(outcomes), 4), "cases": float(len(outcomes))}
    for category, rows in by_category.items():
        metrics[f"pass_rate_{category}"] = round(_rate(rows), 4)
    worst = min((metrics[f"pass_rate_{c}"] for c in by_category), default=0.0)
    metrics["worst_category"] = worst
    for lang in ("en", "zh"):
        metrics[f"pass_rate_{lang}"] = round(_rate([o for o in outcomes if o.case.language == lang]), 4)
    blind = [o for o in outcomes if held_out(o.case)]
    if blind:  # the held-out sets on their own: the figure not tuned against
        metrics["pass_rate_held_out"] = round(_rate(blind), 4)
        metrics["held_out_cases"] = float(len(blind))
    latencies = [ms for o in outcomes for ms in o.ms]
    metrics["turn_p95_ms"] = round(percentile(latencies, 95), 1) if latencies else 0.0
    generated = sum(o.case.generated for o in outcomes)
    printed = [f"overall {sum(o.passed for o in outcomes)}/{len(outcomes)} ({_rate(outcomes):.1%})"]
    printed += [
        f"  {c}: {sum(o.passed for o in rows)}/{len(rows)} ({_rate(rows):.1%})" for c, rows in by_category.items()
    ]
    printed += [
        f"FAIL {o.case.id} [{o.case.language}] {o.asked!r}: {'; '.join(o.problems)} | bot: {o.said[:200]!r}"
        for o in outcomes
        if not o.passed
    ]
    return SuiteResult(
        name="shopper",
        metrics=metrics,
        thresholds={"pass_rate": OVERALL_GOAL, "worst_category": SMOKE_CATEGORY_GOAL if smoke else CATEGORY_GOAL},
        details=[_row(o) for o in outcomes if not o.passed],
        charts=[_category_chart(by_category), *[_case_chart(c, rows) for c, rows in by_category.items()]],
        notes=[
            f"{len(outcomes)} cases on {shop}, {generated} generated from the shop's data at run time, "
            f"{len(outcomes) - generated} hand-written (eval/data/shopper_*.json); seeded, "
            "one fresh conversation each.",
            "Embedded engine, no human agent accounts. A case passes when every judged turn holds its fact "
            "(price, yes/no, product, order id or tracking number) and comes back in the shopper's language.",
            f"Targets: >= {OVERALL_GOAL:.0%} overall, no category under {CATEGORY_GOAL:.0%}. "
            "The table lists every failure.",
        ],
        printed=printed,
    )


def _row(o: Outcome) -> dict[str, JSON]:
    return {
        "id": o.case.id,
        "category": o.case.category,
        "language": o.case.language,
        "question": o.asked,
        "problems": "; ".join(o.problems),
        "bot": o.said,
    }


def _category_chart(by_category: dict[str, list[Outcome]]) -> Chart:
    def draw(ax: "Axes") -> None:
        labels = list(by_category)
        rates = [_rate(rows) * 100 for rows in by_category.values()]
        ax.barh(labels, rates, color=["tab:green" if r >= CATEGORY_GOAL * 100 else "tab:red" for r in rates])
        ax.axvline(CATEGORY_GOAL * 100, color="grey", linestyle="--")
        ax.set_xlim(0, 100)
        ax.set_xlabel("cases passed (%)")
        ax.invert_yaxis()

    return Chart("pass_rate_by_category", "Shopper questions passed, per category", draw)


def _case_chart(category: str, rows: Sequence[Outcome]) -> Chart:
    """Passed and failed cases of one category, per language, with what failed first."""

    def draw(ax: "Axes") -> None:
        kinds = Counter(_kind(o) for o in rows)
        labels = ["passed", *sorted(k for k in kinds if k != "passed")]
        for lang, offset in (("en", -0.2), ("zh", 0.2)):
            counts = [sum(1 for o in rows if o.case.language == lang and _kind(o) == k) for k in labels]
            ax.bar([i + offset for i in range(len(labels))], counts, width=0.4, label=lang)
        ax.set_xticks(range(len(labels)), labels, rotation=20)
        ax.set_ylabel("cases")
        ax.legend()

    return Chart(f"category_{category}", f"{category}: {sum(o.passed for o in rows)}/{len(rows)} passed", draw)


def _kind(o: Outcome) -> str:
    if o.passed:
        return "passed"
    first = o.problems[0]
    for kind, word in (
        ("language", "reply in"),
        ("yes/no", "expected"),
        ("fact", "missing"),
        ("state", "state"),
        ("price filter", "cards over"),
        ("handoff", "nobody"),
    ):
        if word in first:
            return kind
    return "other"
