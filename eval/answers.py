"""The answers check: shopper policy questions through the real service, scored on facts and sources.

Each question of eval/data/policy_questions.json is asked in a fresh conversation. A reply hits
its facts when, for every fact group, it contains at least one of the group's strings, and hits
its source when one of its citations names an expected file. Run it with
`shopkeeper eval answers` or `python -m eval.answers DATA_DIR [--report-dir DIR]`.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from rich.console import Console
from rich.table import Table

from bot.types import JSON, TurnResult
from eval.harness import SuiteOptions, SuiteResult, suite

if TYPE_CHECKING:
    from bot.service import Service

DATA = Path(__file__).parent / "data" / "policy_questions.json"
REPORT_FILE = "answers.json"

_SPACE = re.compile(r"\s+")
_DASH = re.compile(r"[\u2010-\u2015\u2212]")


@dataclass(frozen=True)
class PolicyQuestion:
    """One shopper question and what its answer must hold."""

    id: str
    language: str
    """"en", "zh" or "mixed" (a question that mixes both)."""
    question: str
    facts: tuple[tuple[str, ...], ...]
    """Every group must be matched by one of its strings (see `normalise`)."""
    sources: tuple[str, ...]
    """Citation sources that count as the right document."""


@dataclass(frozen=True)
class Scored:
    """How the service answered one question."""

    question: PolicyQuestion
    reply: str
    cited: tuple[str, ...]
    intent: str
    fact_hit: bool
    source_hit: bool
    ms: float


def load_questions(path: Path = DATA) -> list[PolicyQuestion]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [
        PolicyQuestion(
            id=q["id"],
            language=q["language"],
            question=q["question"],
            facts=tuple(tuple(group) for group in q["facts"]),
            sources=tuple(q["sources"]),
        )
        for q in raw["questions"]
    ]


def normalise(text: str) -> str:
    """Lower case, no whitespace, every dash a hyphen: "3–5 Business days" -> "3-5businessdays"."""
    return _DASH.sub("-", _SPACE.sub("", text.lower()))


def score(question: PolicyQuestion, reply: str, cited: Sequence[str]) -> tuple[bool, bool]:
    """(all fact groups found in the reply, a citation names an expected source)."""
    said = normalise(reply)
    facts = all(any(normalise(s) in said for s in group) for group in question.facts)
    return facts, any(c in question.sources for c in cited)


def ask(service: Service, question: PolicyQuestion) -> Scored:
    conversation, _token = service.start_conversation(channel="web")
    started = time.perf_counter()
    result: TurnResult = service.post_message(conversation.id, question.question)
    ms = (time.perf_counter() - started) * 1000
    reply = "\n".join(r.text for r in result.replies)
    cited = tuple(dict.fromkeys(c.source for r in result.replies for c in r.citations))
    fact_hit, source_hit = score(question, reply, cited)
    return Scored(question, reply, cited, result.trace.intent.label, fact_hit, source_hit, ms)


def summarise(results: Sequence[Scored]) -> dict[str, JSON]:
    """Hit rates overall and per language."""

    def rates(rows: Sequence[Scored]) -> dict[str, JSON]:
        n = len(rows)
        return {
            "questions": n,
            "fact_hit_rate": round(sum(r.fact_hit for r in rows) / n, 4) if n else 0.0,
            "source_hit_rate": round(sum(r.source_hit for r in rows) / n, 4) if n else 0.0,
        }

    languages = sorted({r.question.language for r in results})
    summary = rates(results)
    summary["by_language"] = {lang: rates([r for r in results if r.question.language == lang]) for lang in languages}
    return summary


def run_answers(
    data_dir: Path | str,
    report_dir: Path | str | None = None,
    questions: Sequence[PolicyQuestion] | None = None,
    console: Console | None = None,
) -> dict[str, JSON]:
    """Ask every question through the service built on `data_dir`; print and return the scores.

    Writes only `report_dir/answers.json` (when a report dir is given); the service itself keeps
    its index in `data_dir` as it always does.
    """
    from bot.app import build_service
    from bot.settings import Settings

    chosen = list(questions) if questions is not None else load_questions()
    service = build_service(Settings.model_validate({"data_dir": str(data_dir)}))
    try:
        results = [ask(service, q) for q in chosen]
    finally:
        service.close()
    summary = summarise(results)
    summary["details"] = [_row(r) for r in results]
    print_table(results, summary, console or Console())
    if report_dir is not None:
        folder = Path(report_dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / REPORT_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def answers_suite(options: SuiteOptions) -> SuiteResult:
    """The check as an eval suite (for registering with `eval.harness.suite("answers")`)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="shopkeeper-answers-") as tmp:
        summary = run_answers(options.data_dir or Path(tmp), console=Console(quiet=True))
    metrics = {"fact_hit_rate": float(summary["fact_hit_rate"]), "source_hit_rate": float(summary["source_hit_rate"])}  # type: ignore[arg-type]
    by_language = summary["by_language"]
    assert isinstance(by_language, dict)
    for lang, rates in by_language.items():
        assert isinstance(rates, dict)
        metrics[f"fact_hit_rate_{lang}"] = float(rates["fact_hit_rate"])  # type: ignore[arg-type]
    details = summary["details"]
    assert isinstance(details, list)
    return SuiteResult(
        name="answers",
        metrics=metrics,
        details=[d for d in details if isinstance(d, dict)],
        notes=[f"{len(details)} questions from eval/data/policy_questions.json, one fresh conversation each."],
    )


suite("answers")(answers_suite)


def print_table(results: Sequence[Scored], summary: dict[str, JSON], console: Console) -> None:
    misses = Table(title="Missed questions")
    for column in ("id", "question", "intent", "facts", "source", "reply"):
        misses.add_column(column, overflow="fold")
    for r in results:
        if not (r.fact_hit and r.source_hit):
            misses.add_row(
                r.question.id,
                r.question.question,
                r.intent,
                "ok" if r.fact_hit else "miss",
                "ok" if r.source_hit else ",".join(r.cited) or "-",
                r.reply[:160],
            )
    console.print(misses)
    table = Table(title="Policy answers")
    for column in ("language", "questions", "fact hit rate", "source hit rate"):
        table.add_column(column)
    by_language = summary["by_language"]
    assert isinstance(by_language, dict)
    for lang, rates in [*by_language.items(), ("all", summary)]:
        assert isinstance(rates, dict)
        table.add_row(lang, str(rates["questions"]), f"{rates['fact_hit_rate']:.1%}", f"{rates['source_hit_rate']:.1%}")
    console.print(table)


def _row(r: Scored) -> dict[str, JSON]:
    return {
        "id": r.question.id,
        "language": r.question.language,
        "question": r.question.question,
        "intent": r.intent,
        "fact_hit": r.fact_hit,
        "source_hit": r.source_hit,
        "cited": list(r.cited),
        "reply": r.reply,
        "ms": round(r.ms, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, help="a shopkeeper data dir (built on first use)")
    parser.add_argument("--report-dir", type=Path, default=None, help="where to write answers.json")
    args = parser.parse_args(argv)
    run_answers(args.data_dir, args.report_dir)


if __name__ == "__main__":
    main()
