"""The per-file time budget (`--file-time-budget`): no single file may hold a scan up.

A reader's long loops call `check()`; once the file's time is up it raises `OverBudget`. A
reader that collects findings as it goes (the ECMAScript and Python readers) catches it, keeps
what it found so far and adds a problem of kind KIND with `reason()`: the file is reported as partly scanned, like an
undecodable or half-parsed one. Anything else that meets it (`scan.per_file.analyze_safely`)
reports the file the same way without findings. Worker processes set the limit again in their
initialiser. The budget is wall time, so a file just over it on a loaded machine may be cut on
one run and not another; the default leaves ordinary files a hundredfold margin.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator, Optional

DEFAULT_SECONDS = 10.0
KIND = "time-limit"

_limit: list[Optional[float]] = [DEFAULT_SECONDS]
_deadline: list[Optional[float]] = [None]


class OverBudget(Exception):
    """The file's time is up (caught by the reader, never by the user)."""


def set_limit(seconds: Optional[float]) -> None:
    """Seconds per file; None or 0: no limit."""
    _limit[0] = seconds or None


def limit() -> Optional[float]:
    return _limit[0]


@contextmanager
def per_file() -> Iterator[None]:
    """The budget of one file's analysis; nested calls (a component's script) share the outer one."""
    if _deadline[0] is not None or _limit[0] is None:
        yield
        return
    _deadline[0] = time.monotonic() + _limit[0]
    try:
        yield
    finally:
        _deadline[0] = None


def check() -> None:
    deadline = _deadline[0]
    if deadline is not None and time.monotonic() > deadline:
        raise OverBudget()


def reason() -> str:
    """The reason of a file's problem of kind KIND (partial: its findings so far are kept)."""
    return (f"stopped after the per-file time budget ({_limit[0] or 0:g} s, --file-time-budget): "
            "findings up to that point are kept")
