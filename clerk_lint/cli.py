"""Command line: `clerk-lint scan | rules | explain`.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or fatal error
(one line on stderr naming the cause).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .catalog import CatalogError, load_catalog
from .findings import DIFFICULTIES, difficulty_rank


class FatalError(click.ClickException):
    """A one-line error that ends the run with exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:  # one line, no "Usage:" banner
        click.echo(f"clerk-lint: error: {self.format_message()}", err=True)


def printable(text: str) -> str:
    """`text` safe to encode as UTF-8: a file name that is not valid UTF-8 reaches us with
    surrogate escapes, which become U+FFFD here instead of an encoding error."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def write_output(text: str, output: str | None) -> None:
    """Write to stdout or atomically to a file, so a failed run leaves nothing half-written."""
    text = printable(text)
    if not output or output == "-":
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)  # UTF-8 whatever the locale says
        if buffer is not None:
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    target = Path(output)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise FatalError(f"cannot write --output {output}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise FatalError(f"cannot write --output {output}: {exc.strerror or exc}") from None
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clerk-lint")
def main() -> None:
    """Find every Clerk dependency in a codebase and plan the move to Better Auth."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="Output format.")
@click.option("--output", "-o", help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(DIFFICULTIES), default="trivial", show_default=True,
              help="Exit 1 when a finding is at or above this difficulty.")
@click.option("--exit-zero", is_flag=True, help="Always exit 0 when the scan itself succeeds.")
@click.option("--include", multiple=True, help="Only scan files matching this gitignore-style glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip files matching this gitignore-style glob (repeatable).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              help="Skip (and report) files larger than this many bytes.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links that stay inside the scanned root.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when stdout is a terminal).")
def scan(paths, fmt, output, fail_on, exit_zero, include, exclude, max_file_size, follow_symlinks, color) -> None:
    """Scan PATHS (default: the current directory) for Clerk usage."""
    from .discover import DiscoveryError
    from .reporters import render
    from .scan import ScanOptions, run_scan

    options = ScanOptions(include=tuple(include), exclude=tuple(exclude), max_bytes=max_file_size,
                          follow_symlinks=follow_symlinks)
    try:
        catalog = load_catalog()
        result = run_scan(list(paths) or [Path(".")], catalog, options)
    except (DiscoveryError, CatalogError) as exc:
        raise FatalError(str(exc)) from None
    use_color = color if color is not None else (fmt == "text" and not output and sys.stdout.isatty())
    write_output(render(fmt, result, catalog, color=use_color), output)
    for problem in result.problems:  # after the report: a failed write stays a one-line error
        line = printable(f"{problem.path}: {problem.reason}").replace("\r", "\\r").replace("\n", "\\n")
        click.echo(f"clerk-lint: warning: {line}", err=True)
    threshold = difficulty_rank(fail_on)
    failing = any(difficulty_rank(f.difficulty) >= threshold for f in result.findings)
    sys.exit(1 if failing and not exit_zero else 0)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(fmt: str) -> None:
    """List the rule catalog."""
    import json

    catalog = load_catalog()
    if fmt == "json":
        rows = [{"code": r.code, "name": r.name, "category": r.category, "difficulty": r.difficulty,
                 "effort_hours": r.effort_hours, "title": r.title, "better_auth": r.better_auth.to_dict()}
                for r in catalog.rules]
        click.echo(json.dumps(rows, indent=2))
        return
    for r in catalog.rules:
        click.echo(f"{r.code}  {r.name:<28} {r.difficulty:<9} {r.category:<14} {r.title}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the docs of one rule (by code, e.g. CLK201, or name, e.g. use-user)."""
    catalog = load_catalog()
    wanted = code.strip()
    rule = catalog.by_code.get(wanted.upper()) or next((r for r in catalog.rules if r.name == wanted), None)
    if rule is None:
        raise FatalError(f"unknown rule {code!r} (see `clerk-lint rules`)")
    click.echo(rule.help_markdown(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
