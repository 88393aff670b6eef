"""Progress on a terminal: one stderr line naming the phase that is running ("scanning files
1234/20000 · 3 s"), drawn only once that phase has run about a second, erased when it ends.

Every stage may open a phase (`with progress.phase("...", total) as p: p.update(done)`); it
costs nothing unless the CLI started a display (`progress.showing(...)`), which it does only
when stderr is a terminal, TERM is not "dumb" and --quiet was not given. A background thread
redraws the line, so a phase with no counter of its own (discover, a cross-file round, the
plan) shows its elapsed time too. The line has no escape codes but click's styling, which
NO_COLOR turns off; it is erased by overwriting it with spaces.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional, TextIO

DELAY_ENV = "CLERK_LINT_PROGRESS_AFTER"  # seconds a phase runs before its line appears
DEFAULT_DELAY = 1.0
INTERVAL = 0.2  # seconds between redraws


class Phase:
    """One running phase: a label and, when it counts something, done / total."""

    def __init__(self, label: str, total: Optional[int]):
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.monotonic()

    def update(self, done: int) -> None:
        self.done = done  # read by the display's thread; an int store is atomic enough for a counter

    def text(self, now: float) -> str:
        count = f" {self.done}/{self.total}" if self.total else ""
        return f"clerk-lint: {self.label}{count} · {int(now - self.started)} s"


class _Null(Phase):
    def update(self, done: int) -> None:
        pass


class Display:
    """The stderr line and the thread that redraws it."""

    def __init__(self, stream: TextIO, color: bool, delay: float):
        self.stream, self.color, self.delay = stream, color, delay
        self.stack: list[Phase] = []
        self.width = 0  # characters on the line now (0: nothing shown)
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.pid = os.getpid()  # a forked worker inherits the object, not the thread: it must stay silent
        self.thread = threading.Thread(target=self._run, name="clerk-lint-progress", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.wait(INTERVAL):
            self.draw()

    def draw(self) -> None:
        with self.lock:
            if not self.stack:
                return
            now = time.monotonic()
            top = self.stack[-1]
            if now - top.started < self.delay:
                return
            text = top.text(now)
            shown = _style(text, self.color)
            pad = " " * max(0, self.width - len(text))
            try:
                self.stream.write("\r" + shown + pad)
                self.stream.flush()
            except (OSError, ValueError):
                return
            self.width = len(text)

    def clear(self) -> None:
        with self.lock:
            if self.width:
                try:
                    self.stream.write("\r" + " " * self.width + "\r")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass
                self.width = 0

    def push(self, phase: Phase) -> None:
        with self.lock:
            self.stack.append(phase)
        if self.delay <= 0:
            self.draw()

    def pop(self, phase: Phase) -> None:
        self.clear()  # the next output (or the outer phase's line) starts on a clean line
        with self.lock:
            if phase in self.stack:
                self.stack.remove(phase)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.clear()


def _style(text: str, color: bool) -> str:
    if not color:
        return text
    import click

    return click.style(text, dim=True)


_display: Optional[Display] = None


def wanted(stream: TextIO, quiet: bool = False) -> bool:
    """Progress only for a person watching: a terminal, not TERM=dumb, not --quiet."""
    if quiet or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _delay() -> float:
    try:
        return max(0.0, float(os.environ.get(DELAY_ENV, DEFAULT_DELAY)))
    except ValueError:
        return DEFAULT_DELAY


@contextmanager
def showing(enabled: bool, color: bool = False, stream: Optional[TextIO] = None) -> Iterator[None]:
    """Show the phases opened inside this block (when `enabled`), erasing the line at the end."""
    global _display
    if not enabled or _display is not None:
        yield
        return
    _display = Display(stream if stream is not None else sys.stderr, color, _delay())
    try:
        yield
    finally:
        display, _display = _display, None
        display.stop()


@contextmanager
def phase(label: str, total: Optional[int] = None) -> Iterator[Phase]:
    """A phase of the run; its line appears on the terminal once it has run the delay."""
    display = _display
    if display is None or display.pid != os.getpid():
        yield _Null(label, total)
        return
    current = Phase(label, total)
    display.push(current)
    try:
        yield current
    finally:
        display.pop(current)
