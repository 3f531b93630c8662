"""Progress on long work: a live rich display on a terminal, plain lines elsewhere (CI, pipes).

Both write to stderr, so that stdout carries only the summary.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apr.model import ValidationResult


class PlainProgress:
    """One line per stage and about every 10% (or 30 s) of validation."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.plausible = 0
        self.last = 0.0

    def stage(self, name: str, detail: str = "") -> None:
        print(f"apr: {name}" + (f": {detail}" if detail else ""), file=self.stream, flush=True)

    def validated(self, result: ValidationResult, done: int, total: int) -> None:
        self.plausible += result.is_patch
        step = max(1, total // 10)
        now = time.monotonic()
        if done % step == 0 or done == total or result.is_patch \
                or now - self.last > 30:
            self.last = now
            print(f"apr: validated {done}/{total}, plausible {self.plausible}",
                  file=self.stream, flush=True)


class RichProgress:
    """A live progress bar with the current stage and the count of plausible patches."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task = progress.add_task("starting", total=None)
        self.plausible = 0

    def stage(self, name: str, detail: str = "") -> None:
        text = f"[bold]{name}[/bold]" + (f" {detail}" if detail else "")
        self.progress.update(self.task, description=text, total=None, completed=0)

    def validated(self, result: ValidationResult, done: int, total: int) -> None:
        self.plausible += result.is_patch
        self.progress.update(self.task, total=total, completed=done,
                             description=f"[bold]validate[/bold] plausible: {self.plausible}")


@contextmanager
def make_display(quiet: bool = False) -> Iterator[Any]:
    """The right display for where we run; ``quiet`` shows nothing."""
    from apr.pipeline import Quiet

    if quiet:
        yield Quiet()
        return
    if not sys.stderr.isatty():
        yield PlainProgress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield RichProgress(bar)
