"""The eval harness: a registry of suites, their results, and the report each run writes."""

from __future__ import annotations

import importlib
import json
import pkgutil
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from rich.console import Console
from rich.table import Table

from bot.errors import BadInput
from bot.progress import ProgressFn, no_progress
from bot.types import JSON

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bot.settings import Settings


@dataclass(frozen=True)
class Chart:
    """A figure of a result: the harness makes the axes, `draw` fills them, the report embeds the PNG."""

    name: str
    """File stem of the PNG in the report folder (e.g. "pass_rate" -> pass_rate.png)."""
    title: str
    draw: Callable[["Axes"], object]


@dataclass
class SuiteResult:
    """What a suite measured in one run."""

    name: str
    metrics: dict[str, float]
    """Headline figures, e.g. {"pass_rate": 0.96, "latency_p95_ms": 140.0}."""
    thresholds: dict[str, float] = field(default_factory=dict)
    """Minimums for --smoke: the run fails when metrics[name] < minimum."""
    ceilings: dict[str, float] = field(default_factory=dict)
    """Maximums for --smoke (for lower-is-better figures such as latency)."""
    details: list[dict[str, JSON]] = field(default_factory=list)
    """One row per case (a conversation, a query ...), written to report.json and a table in report.md."""
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Sentences for the report: what was run, on what data, what is known to be missing."""
    seconds: float = 0.0
    """Wall time of the run, filled in by the harness."""
    printed: list[str] = field(default_factory=list)
    """Lines printed under the figures (e.g. a score such as "114/114" and each mismatch)."""

    def missed(self) -> dict[str, str]:
        """Metric -> a sentence, for every threshold the metrics miss (a missing metric misses too)."""
        problems: dict[str, str] = {}
        for metric, minimum in self.thresholds.items():
            value = self.metrics.get(metric)
            if value is None:
                problems[metric] = f"{metric} was not measured (needs >= {minimum:g})"
            elif value < minimum:
                problems[metric] = f"{metric} is {value:.4g}, below the threshold {minimum:g}"
        for metric, maximum in self.ceilings.items():
            value = self.metrics.get(metric)
            if value is None:
                problems[metric] = f"{metric} was not measured (needs <= {maximum:g})"
            elif value > maximum:
                problems[metric] = f"{metric} is {value:.4g}, above the ceiling {maximum:g}"
        return problems

    def failures(self) -> list[str]:
        return list(self.missed().values())

    @property
    def passed(self) -> bool:
        return not self.failures()


@dataclass(frozen=True)
class SuiteOptions:
    """What every suite is given."""

    settings: "Settings"
    """Settings to build the service with; a suite usually points data_dir at a temp folder."""
    smoke: bool = False
    """Run the small slice CI runs; thresholds apply."""
    data_dir: Path | None = None
    """Use this data dir (already built, or to build) instead of a fresh temp one."""
    progress: ProgressFn = no_progress
    data: Path | None = None
    """A labelled file to evaluate on instead of the suite's own sets (`--data`, e.g. eval intents)."""


Suite = Callable[[SuiteOptions], SuiteResult]

_SUITES: dict[str, Suite] = {}
_SKIP_MODULES = {"harness"}


def suite(name: str) -> Callable[[Suite], Suite]:
    """Register a suite under `name`. By convention it lives in eval/<name>.py so it loads on demand."""

    def register(fn: Suite) -> Suite:
        _SUITES[name] = fn
        return fn

    return register


def available_suites() -> list[str]:
    """Names of every suite in the eval package (imports each suite module)."""
    import eval as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.ispkg or module.name.startswith("_") or module.name in _SKIP_MODULES:
            continue
        importlib.import_module(f"eval.{module.name}")
    return sorted(_SUITES)


def get_suite(name: str) -> Suite:
    if name not in _SUITES:
        module = name.replace("-", "_")
        if module.isidentifier() and module not in _SKIP_MODULES:
            try:
                importlib.import_module(f"eval.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"eval.{module}":
                    raise
    if name not in _SUITES:
        known = ", ".join(available_suites()) or "none"
        raise BadInput(f"there is no eval suite called {name!r} (available: {known})")
    return _SUITES[name]


def run_suite(name: str, options: SuiteOptions) -> SuiteResult:
    """Run one suite and time it."""
    fn = get_suite(name)
    started = time.perf_counter()
    result = fn(options)
    result.seconds = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------- output


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) >= 1:
        return str(int(value))
    return f"{value:.4g}"


def _limit(result: SuiteResult, metric: str) -> str:
    if metric in result.thresholds:
        return f">= {_fmt(result.thresholds[metric])}"
    if metric in result.ceilings:
        return f"<= {_fmt(result.ceilings[metric])}"
    return ""


def print_result(result: SuiteResult, console: Console, smoke: bool = False) -> None:
    """The figures as a table, then the verdict when thresholds apply."""
    table = Table(title=f"eval: {result.name}", title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("threshold", justify="right")
    failing = result.missed()
    for metric, value in result.metrics.items():
        limit = _limit(result, metric)
        style = "red" if metric in failing else ""
        table.add_row(metric, _fmt(value), limit, style=style)
    console.print(table)
    for line in result.printed:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if smoke:
        problems = result.failures()
        if problems:
            for problem in problems:
                console.print(f"[red]FAIL[/red] {problem}")
        else:
            console.print(f"[green]PASS[/green] every threshold met ({result.seconds:.1f}s)")


def write_report(result: SuiteResult, folder: Path, smoke: bool = False) -> list[Path]:
    """report.md, report.json and one PNG per chart in `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [_render_chart(chart, folder) for chart in result.charts]
    payload: dict[str, JSON] = {
        "suite": result.name,
        "smoke": smoke,
        "passed": result.passed,
        "failures": list(result.failures()),
        "metrics": dict(result.metrics),
        "thresholds": dict(result.thresholds),
        "ceilings": dict(result.ceilings),
        "seconds": round(result.seconds, 2),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "notes": list(result.notes),
        "charts": [p.name for p in written],
        "details": list(result.details),
    }
    json_path = folder / "report.json"
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path = folder / "report.md"
    md_path.write_text(_markdown(result, written, smoke), encoding="utf-8")
    return [md_path, json_path, *written]


def _render_chart(chart: Chart, folder: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # no display here, and none wanted
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    try:
        chart.draw(ax)
        ax.set_title(chart.title)
        fig.tight_layout()
        path = folder / f"{chart.name}.png"
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def _cell(value: JSON) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(result: SuiteResult, charts: Sequence[Path], smoke: bool) -> str:
    lines = [f"# Eval report: {result.name}", ""]
    verdict = "passed" if result.passed else "FAILED: " + "; ".join(result.failures())
    lines += [f"Run {'(smoke slice) ' if smoke else ''}in {result.seconds:.1f}s. Thresholds: {verdict}.", ""]
    lines += [f"- {note}" for note in result.notes]
    if result.notes:
        lines.append("")
    lines += ["| metric | value | threshold |", "|---|---:|---:|"]
    lines += [f"| {m} | {_fmt(v)} | {_limit(result, m)} |" for m, v in result.metrics.items()]
    lines.append("")
    for path in charts:
        lines += [f"![{path.stem}]({path.name})", ""]
    if result.details:
        columns = list(dict.fromkeys(key for row in result.details for key in row))
        lines += ["## Cases", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in result.details:
            lines.append("| " + " | ".join(_cell(row.get(c, "")) for c in columns) + " |")
        lines.append("")
    return "\n".join(lines)
