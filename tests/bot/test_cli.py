"""The `shopkeeper` command: scripted chat, ingest summary and exit codes, errors as sentences."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pytest
from typer.testing import CliRunner, Result

from bot import cli
from bot.agent.embedded import EmbeddedEngine
from bot.errors import BackendError, BadInput
from bot.progress import quiet_progress, rich_progress
from bot.service import Service
from bot.settings import Settings
from bot.testing.fakes import FakeRetriever, FakeShop
from bot.testing.turns import service_over, turn_handler
from bot.types import Citation, Conversation, Intent, Reply, Sentiment, Trace, TurnResult
from bot.understanding.understander import Understander
from knowledge.ingest import IngestSummary

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Commands must never touch the developer's .shopkeeper/ or read their .env.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHOPKEEPER_DATA_DIR", str(tmp_path / "data"))


# --------------------------------------------------------------------------- a scripted service


def _trace() -> Trace:
    return Trace(
        language="en",
        intent=Intent("test", 1.0),
        sentiment=Sentiment("neutral", 0.0),
        model_input="",
        tool_calls=(),
        handoff=None,
        engine="embedded",
        timings_ms={},
    )


@dataclass
class ScriptedService:
    """Answers from a table; "human" hands off; "boom" is refused like an over-long message."""

    said: list[str] = field(default_factory=list)
    closed: bool = False

    def start_conversation(
        self, channel: str = "web", locale: str | None = None, identity: object = None
    ) -> tuple[Conversation, str]:
        return Conversation(id="c_test", channel=channel), "token"

    def post_message(self, conversation_id: str, text: str) -> TurnResult:
        self.said.append(text)
        if text == "boom":
            raise BadInput("text must not be empty")
        if text == "human":
            return TurnResult((Reply("A colleague will reply here."),), "waiting_for_agent", _trace())
        cite = Citation(source="policies/returns.en.md", title="Returns Policy", snippet="30 days")
        return TurnResult((Reply(f"You said: {text}", citations=(cite, cite)),), "bot", _trace())

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> ScriptedService:
    fake = ScriptedService()
    monkeypatch.setattr(cli, "_build", lambda settings: fake)
    return fake


# --------------------------------------------------------------------------- chat


def test_chat_reads_one_message_per_line_and_prints_replies_with_citations(
    runner: CliRunner, service: ScriptedService
) -> None:
    result = runner.invoke(cli.app, ["chat"], input="hello\n\n  can I return it?  \n")

    assert result.exit_code == 0, result.output
    assert service.said == ["hello", "can I return it?"]
    lines = result.stdout.splitlines()
    assert lines == [
        "You said: hello",
        "  [policies/returns.en.md] Returns Policy",
        "You said: can I return it?",
        "  [policies/returns.en.md] Returns Policy",
    ]
    assert service.closed


def test_chat_says_when_the_conversation_is_handed_off(runner: CliRunner, service: ScriptedService) -> None:
    result = runner.invoke(cli.app, ["chat", "--locale", "en"], input="human\n")

    assert result.exit_code == 0
    assert "A colleague will reply here." in result.stdout
    assert "(conversation is now waiting_for_agent)" in result.stdout


def test_chat_refused_message_is_a_sentence_and_exit_1(runner: CliRunner, service: ScriptedService) -> None:
    result = runner.invoke(cli.app, ["chat"], input="boom\nhello\n")

    assert result.exit_code == 1
    assert "Error: Text must not be empty." in result.stderr
    assert "You said: hello" in result.stdout  # later lines still run
    assert "Traceback" not in result.output


def test_chat_rejects_an_unknown_locale(runner: CliRunner, service: ScriptedService) -> None:
    result = runner.invoke(cli.app, ["chat", "--locale", "fr"], input="hi\n")

    assert result.exit_code == 2
    assert service.said == []


def _chat_with_a_build_that_raises(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, error: Exception) -> Result:
    """`chat` whose service fails to build: exit 1 and no traceback, whatever the error."""

    def broken(settings: Settings) -> ScriptedService:
        raise error

    monkeypatch.setattr(cli, "_build", broken)
    result = runner.invoke(cli.app, ["chat"], input="hi\n")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result


def test_a_failing_build_is_one_sentence_not_a_traceback(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    error = BackendError("cannot open the shop database /nope/shop.sqlite3: unable to open database file")
    result = _chat_with_a_build_that_raises(runner, monkeypatch, error)
    assert result.stderr.strip() == (
        "Error: Cannot open the shop database /nope/shop.sqlite3: unable to open database file."
    )


def test_an_unexpected_exception_is_still_a_sentence(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _chat_with_a_build_that_raises(runner, monkeypatch, RuntimeError("disk on fire"))
    assert "RuntimeError: disk on fire" in result.stderr


def test_a_bad_setting_names_the_variable(runner: CliRunner, service: ScriptedService) -> None:
    result = runner.invoke(cli.app, ["chat"], input="hi\n", env={"SHOPKEEPER_MAX_MESSAGE_CHARS": "lots"})

    assert result.exit_code == 1
    assert "SHOPKEEPER_MAX_MESSAGE_CHARS is invalid" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- ingest


class ScriptedKnowledge:
    def __init__(self, summary: IngestSummary) -> None:
        self.summary = summary
        self.calls: list[tuple[list[Path], str]] = []

    def ingest_paths(self, paths: list[Path], kind: str, progress: object, mapping: object = None) -> IngestSummary:
        self.calls.append((paths, kind))
        progress(1, 2, "a.md")  # type: ignore[operator]
        progress(2, 2, "b.md")  # type: ignore[operator]
        return self.summary


def test_ingest_prints_a_summary_table(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "faq.md").write_text("# FAQ\n")
    kb = ScriptedKnowledge(IngestSummary(added=1, updated=0, unchanged=2, removed=3))
    monkeypatch.setattr("bot.app.KnowledgeBase.open", lambda settings: kb)

    result = runner.invoke(cli.app, ["ingest", str(tmp_path / "faq.md"), "--kind", "product"])

    assert result.exit_code == 0, result.output
    assert kb.calls == [([tmp_path / "faq.md"], "product")]
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│")}
    counts = {name: line.split()[3] for name, line in rows.items()}
    assert counts == {"added": "1", "updated": "0", "unchanged": "2", "removed": "3", "failed": "0"}


def test_ingest_failures_are_named_with_reasons_and_exit_1(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = ScriptedKnowledge(IngestSummary(added=1, failed=[("broken.pdf", "not a PDF file")]))
    monkeypatch.setattr("bot.app.KnowledgeBase.open", lambda settings: kb)

    result = runner.invoke(cli.app, ["ingest", str(tmp_path)])

    assert result.exit_code == 1
    assert "failed broken.pdf: not a PDF file" in result.stdout


def test_ingest_of_a_missing_path_is_a_sentence(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["ingest", str(tmp_path / "nope.md")])

    assert result.exit_code == 1
    assert "Error: No such file or folder:" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- eval, demo-order


def test_an_unknown_eval_suite_lists_the_known_ones(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["eval", "no-such-suite"])

    assert result.exit_code == 1
    assert "no eval suite called 'no-such-suite'" in result.stderr
    assert "smoke" in result.stderr


def test_demo_order_prints_a_real_order_and_its_email(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["demo-order", "--status", "delivered", "--data-dir", str(tmp_path / "shop")])

    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert lines["order"].startswith("#")
    assert "@" in lines["email"]


def test_demo_order_for_an_unknown_status_is_a_sentence(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["demo-order", "--status", "lost at sea", "--data-dir", str(tmp_path / "shop")])

    assert result.exit_code == 1
    assert "Error: The shop has no order in status 'lost at sea'." in result.stderr


# --------------------------------------------------------------------------- .env.example


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    for name, info in Settings.model_fields.items():
        variable = f"SHOPKEEPER_{name.upper()}="
        assert variable in text, f".env.example lacks {variable}; run `make env-example`"
        line = text.splitlines()[[i for i, ln in enumerate(text.splitlines()) if variable in ln][0] - 1]
        assert line.startswith("# ") and len(line) > 10, f"{name} has no description in .env.example"


def test_env_example_is_up_to_date() -> None:
    assert (ROOT / ".env.example").read_text() == cli.render_env_example(), "run `make env-example`"


# --------------------------------------------------------------------------- progress


def test_quiet_progress_prints_start_and_end_of_each_stage() -> None:
    out = io.StringIO()
    with quiet_progress(out) as report:
        for done in range(4):
            report("Indexing", done, 3)
        report("Loading", 0, 0)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Indexing ..."
    assert lines[1].startswith("Indexing: 3/3 done in ")
    assert lines[2:4] == ["Loading ...", lines[3]] and lines[3].startswith("Loading: 0/0 done")


def test_rich_progress_keeps_one_bar_per_stage() -> None:
    from rich.console import Console

    out = io.StringIO()
    with rich_progress(Console(file=out, width=100, force_terminal=False)) as report:
        report("Building the shop", 5, 10)
        report("Building the shop", 10, 10)
        report("Indexing policies", 0, 0)

    text = out.getvalue()
    assert text.count("Building the shop") >= 1
    assert "10/10" in text and "Indexing policies" in text


# --------------------------------------------------------------------------- chat against a real turn


class _EmailScrub:
    """Emails only, by regex: this test is about the CLI and the turn, not PII detection."""

    def scrub(self, text: str, vault: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        vault = dict(vault)

        def swap(match: re.Match[str]) -> str:
            for placeholder, value in vault.items():
                if value == match.group(0):
                    return placeholder
            placeholder = f"<EMAIL_{len(vault) + 1}>"
            vault[placeholder] = match.group(0)
            return placeholder

        return re.sub(r"[\w.+-]+@[\w-]+\.[\w.]+\b", swap, text), vault

    def restore(self, text: str, vault: Mapping[str, str]) -> str:
        for placeholder, value in vault.items():
            text = text.replace(placeholder, value)
        return text


def _small_service(settings: Settings) -> Service:
    """The real Service, TurnHandler and EmbeddedEngine over the in-package fakes (no models)."""
    shop, retriever = FakeShop(), FakeRetriever()
    engine = EmbeddedEngine(orders=shop, inventory=shop, retriever=retriever)
    turns = turn_handler(engine, _EmailScrub(), Understander().understand)
    return service_over(turns, settings, shop=shop, retriever=retriever)


def test_scripted_chat_through_the_real_turn(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_build", _small_service)
    script = "How many days do I have to return an item?\nWhere is order #W1000001? My email is jane.doe@example.com\n"

    result = runner.invoke(cli.app, ["chat"], input=script)

    assert result.exit_code == 0, result.output
    assert "30 days" in result.stdout
    assert "  [returns.en.md] Returns and Refunds Policy" in result.stdout.splitlines()
    assert "#W1000001" in result.stdout and "delivered" in result.stdout
    assert "Traceback" not in result.output
