"""The `shopkeeper` command: serve, chat, ingest, eval, and a few helpers for trying the demo."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NoReturn, Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.errors import BadInput, ConfigError, ShopkeeperError
from bot.progress import terminal_progress
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.service import Service
    from bot.types import Reply

log = logging.getLogger("shopkeeper")

app = typer.Typer(
    name="shopkeeper",
    help="A self-hosted AI customer-service agent for online shops.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Models ship inside packages; nothing may be fetched from a hub at run time.
_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    "TOKENIZERS_PARALLELISM": "false",
    "ANONYMIZED_TELEMETRY": "False",
}


_NOISY_LOGGERS = ("presidio-analyzer", "presidio-anonymizer", "sentence_transformers", "chromadb", "httpx")


class Locale(str, Enum):
    en = "en"
    zh = "zh"


class Kind(str, Enum):
    policy = "policy"
    product = "product"


def _out() -> Console:
    # Made per call, not at import: CliRunner swaps sys.stdout/stderr per invocation.
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def _sentence(text: str) -> str:
    text = " ".join(str(text).split()) or "something went wrong"
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _fail(message: str, code: int = 1) -> NoReturn:
    _err().print(f"[red]Error:[/red] {escape(_sentence(message))}")
    raise typer.Exit(code)


@contextmanager
def _friendly_errors() -> Iterator[None]:
    """Turns every failure into one sentence and a non-zero exit; tracebacks only at DEBUG."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        _err().print("Interrupted.")
        raise typer.Exit(130)
    except ShopkeeperError as exc:
        _fail(exc.message)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "a setting"
        _fail(f"setting {where} is invalid: {first.get('msg', 'bad value')} (see .env.example)")
    except Exception as exc:
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            _err().print_exception()
        _fail(f"unexpected {type(exc).__name__}: {exc} (set SHOPKEEPER_LOG_LEVEL=DEBUG for the traceback)")


def _settings(**overrides: Any) -> Settings:
    """Settings from the environment and .env, with the command-line options on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "a setting"
        raise ConfigError(
            f"setting SHOPKEEPER_{where.upper()} is invalid: {first.get('msg', 'bad value')} (see .env.example)"
        ) from exc


def _configure_logging(settings: Settings, quiet: bool = False) -> None:
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    if quiet and level > logging.DEBUG:
        # In chat, eval and ingest the terminal belongs to the conversation or the table.
        level = logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    if level > logging.DEBUG:
        # Libraries that narrate every model and recognizer they load at INFO.
        for noisy in _NOISY_LOGGERS:
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@app.callback()
def _main() -> None:
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def _build(settings: Settings) -> "Service":
    from bot.app import build_service

    with terminal_progress() as progress:
        return build_service(settings, progress)


# --------------------------------------------------------------------------- serve


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, help="Interface to bind (default SHOPKEEPER_HOST or 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, help="Port to listen on (default SHOPKEEPER_PORT or 8000)."),
    data_dir: Optional[Path] = typer.Option(None, help="Where all local state lives (SHOPKEEPER_DATA_DIR)."),
) -> None:
    """Run the HTTP service: widget, shopper API, agent console (builds the shop and index on first start)."""
    with _friendly_errors():
        settings = _settings(host=host, port=port, data_dir=data_dir)
        _configure_logging(settings)
        import uvicorn

        from bot.server.app import create_app

        service = _build(settings)
        try:
            web = create_app(service)
            _out().print(
                f"shopkeeper is serving on http://{settings.host}:{settings.port} "
                "(demo shop at /, agent console at /console). Ctrl-C stops it."
            )
            uvicorn.run(web, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
        finally:
            service.close()


# --------------------------------------------------------------------------- chat


def _print_reply(console: Console, reply: "Reply", prefix: str = "") -> None:
    console.print(f"{prefix}{escape(reply.text)}")
    seen: set[str] = set()
    for citation in reply.citations:
        if citation.source in seen:
            continue
        seen.add(citation.source)
        console.print(f"  \\[{escape(citation.source)}] {escape(citation.title)}", style="dim" if prefix else None)


@app.command()
def chat(
    locale: Optional[Locale] = typer.Option(
        None, help="Preferred language, used when a message's own language is unclear (replies follow the shopper)."
    ),
    data_dir: Optional[Path] = typer.Option(None, help="Where all local state lives (SHOPKEEPER_DATA_DIR)."),
) -> None:
    """Chat with the bot in the terminal. Without a terminal on stdin, reads one message per line."""
    with _friendly_errors():
        settings = _settings(data_dir=data_dir)
        _configure_logging(settings, quiet=True)
        interactive = sys.stdin.isatty()
        service = _build(settings)
        try:
            conversation, _token = service.start_conversation(channel="cli", locale=locale.value if locale else None)
            if interactive:
                _chat_interactive(service, conversation.id)
            elif not _chat_lines(service, conversation.id, sys.stdin):
                raise typer.Exit(1)
        finally:
            service.close()


def _chat_interactive(service: "Service", conversation_id: str) -> None:
    console = _out()
    console.print("[bold]Chatting with the shop's assistant.[/bold] Ctrl-D or /quit leaves.")
    console.print("Tip: `shopkeeper demo-order` prints a real order number and email to ask about.\n")
    state = "bot"
    while True:
        try:
            text = console.input("[bold cyan]you>[/bold cyan] ")
        except EOFError:
            console.print()
            return
        if text.strip() in {"/quit", "/exit"}:
            return
        if not text.strip():
            continue
        try:
            result = service.post_message(conversation_id, text)
        except ShopkeeperError as exc:
            console.print(f"[red]{escape(_sentence(exc.message))}[/red]")
            continue
        for reply in result.replies:
            _print_reply(console, reply, prefix="[bold green]bot>[/bold green] ")
        if result.state != state:
            state = result.state
            console.print(f"[yellow](conversation is now {state})[/yellow]")


def _chat_lines(service: "Service", conversation_id: str, lines: Iterable[str]) -> bool:
    """Scripted chat: each input line is a message; prints replies and citations. False if any turn failed."""
    console = _out()
    ok = True
    state = "bot"
    for line in lines:
        text = line.strip()
        if not text:
            continue
        try:
            result = service.post_message(conversation_id, text)
        except ShopkeeperError as exc:
            _err().print(f"Error: {escape(_sentence(exc.message))}")
            ok = False
            continue
        for reply in result.replies:
            _print_reply(console, reply)
        if result.state != state:
            state = result.state
            console.print(f"  (conversation is now {state})")
    return ok


# --------------------------------------------------------------------------- ingest


def _names(value: object) -> list[str]:
    """The document names an IngestSummary field holds (it may be a count or a list of names)."""
    if isinstance(value, (int, float)) or value is None:
        return []
    return [str(item) for item in value]  # type: ignore[attr-defined]


def _count(value: object) -> int:
    if isinstance(value, (int, float)):
        return int(value)
    return len(value) if value is not None else 0  # type: ignore[arg-type]


def _failures(value: object) -> list[tuple[str, str]]:
    """(name, reason) pairs from IngestSummary.failed, whatever shape its items take."""
    if isinstance(value, (int, float)) or value is None:
        return []
    if isinstance(value, dict):
        return [(str(k), str(v)) for k, v in value.items()]
    pairs = []
    for item in value:  # type: ignore[attr-defined]
        if isinstance(item, (tuple, list)) and len(item) == 2:
            pairs.append((str(item[0]), str(item[1])))
        else:
            name = getattr(item, "source", None) or getattr(item, "path", None) or getattr(item, "name", item)
            pairs.append((str(name), str(getattr(item, "reason", ""))))
    return pairs


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (md, txt, html, pdf, csv, json)."),
    kind: Kind = typer.Option(Kind.policy, help="What the documents are."),
    data_dir: Optional[Path] = typer.Option(None, help="Where all local state lives (SHOPKEEPER_DATA_DIR)."),
    fields: str = typer.Option(
        "", help="Catalogue (csv/json) columns, e.g. id=sku,title=name,price=price.amount (see docs/knowledge.md)."
    ),
) -> None:
    """Add or update knowledge; unchanged files are skipped, files gone from a folder are removed."""
    with _friendly_errors():
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            _fail(f"no such file or folder: {', '.join(missing)}")
        settings = _settings(data_dir=data_dir)
        _configure_logging(settings, quiet=True)
        from bot.app import ingest as ingest_paths

        with terminal_progress() as progress:
            summary = ingest_paths(settings, list(paths), kind.value, fields, progress)
        failed = _print_summary(summary)
        if failed:
            raise typer.Exit(1)


def _print_summary(summary: object) -> int:
    """The summary table, then one line per failed document; returns how many failed."""
    rows = [(name, getattr(summary, name)) for name in ("added", "updated", "unchanged", "removed")]
    failures = _failures(getattr(summary, "failed"))
    named = any(_names(value) for _, value in rows)
    table = Table(title="Ingested", title_justify="left")
    table.add_column("result")
    table.add_column("documents", justify="right")
    if named:
        table.add_column("names")
    for name, value in rows:
        names = _names(value)
        shown = ", ".join(names[:8]) + (f", … {len(names) - 8} more" if len(names) > 8 else "")
        table.add_row(name, str(_count(value)), *([escape(shown)] if named else []))
    table.add_row("failed", str(len(failures)), *([""] if named else []), style="red" if failures else None)
    console = _out()
    console.print(table)
    for name, reason in failures:
        console.print(f"[red]failed[/red] {escape(name)}: {escape(reason)}")
    return len(failures)


# --------------------------------------------------------------------------- eval


@app.command("eval")
def run_eval(
    suite: str = typer.Argument(..., help="Suite name, e.g. smoke (see docs/evals.md)."),
    smoke: bool = typer.Option(False, "--smoke", help="Run the small CI slice; exit 1 when a threshold is missed."),
    report: Optional[Path] = typer.Option(None, help="Report folder (default reports/<suite>/)."),
    data_dir: Optional[Path] = typer.Option(
        None, help="Reuse this data dir instead of building a fresh temporary one."
    ),
    data: Optional[Path] = typer.Option(
        None, "--data", help="A labelled file to evaluate on (eval intents: a text,label CSV)."
    ),
) -> None:
    """Run an eval suite: prints its figures and writes report.md, report.json and charts."""
    with _friendly_errors():
        settings = _settings()
        _configure_logging(settings, quiet=True)
        # The one place outside eval/ that imports it: the command exists to run it.
        from eval.harness import SuiteOptions, print_result, run_suite, write_report

        with terminal_progress() as progress:
            result = run_suite(
                suite,
                SuiteOptions(settings=settings, smoke=smoke, data_dir=data_dir, progress=progress, data=data),
            )
        console = _out()
        print_result(result, console, smoke=smoke)
        folder = report or Path("reports") / suite
        write_report(result, folder, smoke=smoke)
        console.print(f"Report written to {escape(str(folder / 'report.md'))}")
        if smoke and not result.passed:
            raise typer.Exit(1)


# --------------------------------------------------------------------------- helpers


train_app = typer.Typer(help="Train the understanding models on your own data.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command("intents")
def train_intents(
    data: Path = typer.Option(..., "--data", help="A CSV with a header naming text and label columns."),
    finetune: bool = typer.Option(
        False, "--finetune", help="Fine-tune all-MiniLM-L6-v2 on the data first (English; minutes, more accurate)."
    ),
) -> None:
    """Train the intent model on your utterances; the service uses it from the next start."""
    with _friendly_errors():
        settings = _settings()
        _configure_logging(settings, quiet=True)
        if not data.is_file():
            raise BadInput(f"{data} is not a file")
        from bot.understanding.intents.finetune import train_custom
        from bot.understanding.intents.model import CUSTOM_MODEL

        try:
            if finetune:
                with terminal_progress() as progress:
                    model, count = train_custom(
                        data,
                        settings.data_dir / "models",
                        finetune=True,
                        progress=lambda done, total: progress("Fine-tuning the encoder", done, total),
                    )
            else:
                model, count = train_custom(data, settings.data_dir / "models")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadInput(str(exc)) from exc
        _out().print(
            f"Trained on {count} utterances, {len(model.labels)} intents; "
            f"saved to {escape(str(settings.data_dir / 'models' / CUSTOM_MODEL))}"
        )


@app.command("demo-order")
def demo_order(
    status: str = typer.Option("delivered", help="Order status: pending, processed, delivered, cancelled ..."),
    data_dir: Optional[Path] = typer.Option(None, help="Where all local state lives (SHOPKEEPER_DATA_DIR)."),
) -> None:
    """Print a real order number and its owner's email from the shop, to try order questions in chat."""
    with _friendly_errors():
        settings = _settings(data_dir=data_dir)
        _configure_logging(settings, quiet=True)
        from bot.app import demo_order as sample

        with terminal_progress() as progress:
            order_id, email = sample(settings, status, progress)
        console = _out()
        console.print(f"order: {order_id}")
        console.print(f"email: {email}")


@app.command("hash-password")
def hash_password_command() -> None:
    """Prompt for an agent's password and print its hash for SHOPKEEPER_AGENTS (name:hash,...)."""
    from bot.desk.staff import main as hash_main

    hash_main()


# Settings without a description in bot/settings.py get one here so .env.example documents every field.
_FALLBACK_DESCRIPTIONS = {
    "host": "Interface `shopkeeper serve` binds to.",
    "port": "Port `shopkeeper serve` listens on.",
    "llm_api_key": "API key for the OpenAI-compatible endpoint.",
    "llm_model": "Model name to request from the OpenAI-compatible endpoint.",
    "log_level": "Python logging level: DEBUG, INFO, WARNING or ERROR.",
}


def render_env_example() -> str:
    """The text of .env.example, generated from the Settings model so it cannot drift."""
    lines = [
        "# shopkeeper settings. Every one is optional: the values shown are the defaults.",
        "# Copy to .env (or export the variables) and uncomment what you change.",
        "# Generated from bot/settings.py by `shopkeeper env-example > .env.example`.",
    ]
    prefix = str(Settings.model_config.get("env_prefix", ""))
    for name, field in Settings.model_fields.items():
        description = field.description or _FALLBACK_DESCRIPTIONS.get(name, "")
        default = field.default
        value = "" if default is None else str(default)
        lines += ["", f"# {description}".rstrip(), f"# {prefix}{name.upper()}={value}"]
    return "\n".join(lines) + "\n"


@app.command("env-example")
def env_example() -> None:
    """Print a documented .env.example for every setting."""
    sys.stdout.write(render_env_example())


def main() -> None:  # pragma: no cover - console script entry for `python -m bot.cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
