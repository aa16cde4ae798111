"""Progress reporting for heavy work: one rich bar per stage in a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

ProgressFn = Callable[[str, int, int], None]
"""Reports heavy work: (stage label, done, total). Same shape as bot.service.ProgressFn."""


def no_progress(label: str, done: int, total: int) -> None:
    """A ProgressFn that reports nothing."""
    return None


@contextmanager
def rich_progress(console: Console | None = None) -> Iterator[ProgressFn]:
    """Bars on the console, one per stage label, shown while the block runs and left on screen after."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    tasks: dict[str, TaskID] = {}
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as bars:

        def report(label: str, done: int, total: int) -> None:
            total = max(total, 0)
            task = tasks.get(label)
            if task is None:
                task = tasks[label] = bars.add_task(label, total=total or None)
            # A stage with nothing to do (total 0) is complete, not stuck at an empty bar.
            if total == 0:
                bars.update(task, total=1, completed=1)
            else:
                bars.update(task, total=total, completed=min(done, total))

        yield report


@contextmanager
def quiet_progress(stream: TextIO | None = None) -> Iterator[ProgressFn]:
    """For logs and CI: one line when a stage starts and one when it finishes, nothing in between."""
    out = stream if stream is not None else sys.stderr
    started: dict[str, float] = {}
    finished: set[str] = set()

    def report(label: str, done: int, total: int) -> None:
        if label not in started:
            started[label] = time.perf_counter()
            print(f"{label} ...", file=out, flush=True)
        if done >= total and label not in finished:
            finished.add(label)
            seconds = time.perf_counter() - started[label]
            print(f"{label}: {done}/{total} done in {seconds:.1f}s", file=out, flush=True)

    yield report


@contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[ProgressFn]:
    """Bars when `stream` (stderr by default) is a terminal, plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    if out.isatty():
        with rich_progress(Console(file=out)) as report:
            yield report
    else:
        with quiet_progress(out) as report:
            yield report
