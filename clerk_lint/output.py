"""Writing a report where --output says, without damaging what is there.

A regular file is replaced atomically (a temp file beside it, renamed over it) and keeps its
mode and owner; a symbolic link is followed to its target (the link stays); a file with other
hard links is written in place, so the links keep sharing it. Devices, FIFOs and sockets are
written straight through, as are `-` and `/dev/stdout` (stdout by name: the link can be absent
or replaced in a container). A new file gets the usual 0666 less the umask. SIGINT, SIGTERM or
SIGHUP while the temp file exists removes it before the run ends.
"""
from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading

STDOUT_NAMES = ("-", "/dev/stdout")


class OutputError(Exception):
    """The target cannot be written (one line, for the CLI's exit 2)."""


def printable(text: str) -> str:
    """`text` safe to encode as UTF-8: a file name that is not valid UTF-8 reaches us with
    surrogate escapes, which become U+FFFD here instead of an encoding error."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _to_stdout(data: bytes) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)  # UTF-8 whatever the locale says
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Terminated(BaseException):
    """SIGTERM / SIGHUP while a temp file exists: unwinds like KeyboardInterrupt."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_unwind():
    """Let SIGTERM and SIGHUP raise inside the block (so the temp file is removed on the way out),
    then end the run with 128 + the signal's number."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_it(signum, _frame):
        raise _Terminated(signum)

    old = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            with contextlib.suppress(OSError, ValueError):
                old[signum] = signal.signal(signum, raise_it)
    try:
        yield
    except _Terminated as exc:
        raise SystemExit(128 + exc.signum) from None
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _replace_atomically(target: str, data: bytes, st) -> None:
    folder = os.path.dirname(target) or "."
    with _signals_unwind():
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", dir=folder)
        try:
            try:
                if st is not None:
                    os.fchmod(fd, stat.S_IMODE(st.st_mode))
                    with contextlib.suppress(OSError):  # only root may give a file away
                        os.fchown(fd, st.st_uid, st.st_gid)
                else:
                    os.fchmod(fd, 0o666 & ~_umask())
                _write_fd(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def write_output(text: str, output: str | None) -> None:
    """Write `text` (UTF-8) to stdout or to `output`; raises OutputError with the cause."""
    data = printable(text).encode("utf-8")
    if not output or output in STDOUT_NAMES:
        _to_stdout(data)
        return
    try:
        st = os.stat(output)  # through links, /proc's magic ones too
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"cannot write --output {output}: {exc.strerror or exc}") from None
    try:
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise OutputError(f"cannot write --output {output}: is a directory")
        if st is not None and (not stat.S_ISREG(st.st_mode) or st.st_nlink > 1):
            # a device, FIFO or socket is written to, never replaced; so is a file with hard links
            fd = os.open(output, os.O_WRONLY | (os.O_TRUNC if stat.S_ISREG(st.st_mode) else 0))
            try:
                _write_fd(fd, data)
            finally:
                os.close(fd)
            return
        # a link is replaced at its target, never itself
        _replace_atomically(os.path.realpath(output) if os.path.islink(output) else output, data, st)
    except OSError as exc:
        raise OutputError(f"cannot write --output {output}: {exc.strerror or exc}") from None
