"""Command line: `clerk-lint scan | rules | explain`.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or fatal error
(one line on stderr naming the cause), 130 interrupted.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import click

from . import __version__, progress
from .concepts.catalog import CatalogError, load_catalog
from .config import Config
from .findings import DIFFICULTIES, difficulty_rank
from .output import printable


class FatalError(click.ClickException):
    """A one-line error that ends the run with exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:  # one line, no "Usage:" banner
        click.echo(f"clerk-lint: error: {self.format_message()}", err=True)


def write_output(text: str, output: str | None) -> None:
    """Write to stdout or to a file without damaging what is there (output.py)."""
    from .output import OutputError, write_output as write

    try:
        write(text, output)
    except OutputError as exc:
        raise FatalError(str(exc)) from None


NO_DEFAULT_EXCLUDES_HELP = ("Also scan node_modules, dist, .next, generated build/out/vendor folders and "
                            "minified bundles (ignore files still apply).")


def _quiet_option(command):
    return click.option("--quiet", "-q", is_flag=True,
                        help="No progress line on stderr (it only shows on a terminal, for phases over a second).")(command)


def _showing_progress(settings: dict):
    """The progress display for this command: on a terminal only, coloured only where colour is wanted."""
    return progress.showing(progress.wanted(sys.stderr, settings.get("quiet", False)), color=color_wanted(sys.stderr))


class Interrupted(click.ClickException):
    """Ctrl-C / SIGINT: one line and exit 130 (128 + SIGINT), never 1, which means findings."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("interrupted")

    def show(self, file=None) -> None:
        click.echo("clerk-lint: interrupted", err=True)


class _OneLineErrors(click.Group):
    """Usage errors as one stderr line (the README promises it), not click's usage banner."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before click's own handler, which prints a blank line and "Aborted!"
            raise Interrupted() from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "clerk-lint"
            click.echo(f"{printable(command)}: error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            Interrupted().show()
            sys.exit(Interrupted.exit_code)
        # standalone_mode=False hands back ctx.exit()'s code instead of exiting
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clerk-lint")
def main() -> None:
    """Find every Clerk dependency in a codebase and plan the move to Better Auth."""


def _selection_options(command):
    """--select / --ignore / --config / --no-config, shared by scan and baseline."""
    for option in reversed([
        click.option("--select", multiple=True, help="Only report these rule codes, code prefixes (CLK2) or rule "
                                                     "names; comma-separated, repeatable."),
        click.option("--ignore", multiple=True, help="Leave out these rule codes, code prefixes or rule names."),
        click.option("--config", "config_file", type=click.Path(path_type=Path),
                     help="Read settings from this file instead of the nearest .clerk-lint.toml / pyproject.toml."),
        click.option("--no-config", is_flag=True, help="Ignore configuration files."),
    ]):
        command = option(command)
    return command


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "gitlab", "html"]), default="text",
              show_default=True, help="Output format.")
@click.option("--output", "-o", help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(DIFFICULTIES), default="trivial", show_default=True,
              help="Exit 1 when a finding is at or above this difficulty.")
@click.option("--fail-on-informational", is_flag=True,
              help="Let informational findings (CLK726, code carrying Clerk ids) count for --fail-on too.")
@click.option("--exit-zero", is_flag=True, help="Always exit 0 when the scan itself succeeds.")
@click.option("--include", multiple=True, help="Only scan files matching this gitignore-style glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip files matching this gitignore-style glob (repeatable).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              help="Skip (and report) files larger than this many bytes.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links that stay inside the scanned root.")
@click.option("--file-time-budget", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Stop analysing a file after this many seconds and report it as partly scanned, keeping its "
                   "findings so far (0: no limit).")
@click.option("--no-default-excludes", is_flag=True, help=NO_DEFAULT_EXCLUDES_HELP)
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when stdout is a terminal).")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path),
              help="Report only findings not recorded in this baseline file (see `clerk-lint baseline`).")
@click.option("--no-baseline", is_flag=True, help="Ignore the baseline named in the configuration file.")
@click.option("--diff", "diff_ref", metavar="REF", help="Only report findings on lines changed since this git ref.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: one per CPU for scans of 1,500 files or more, else 1).")
@click.option("--cache-dir", type=click.Path(path_type=Path),
              help="Keep per-file results in this folder and reuse them while the files are unchanged.")
@_selection_options
@_quiet_option
@click.pass_context
def scan(ctx, paths, fmt, output, fail_on, exit_zero, include, exclude, max_file_size, follow_symlinks, color,
         baseline_file, no_baseline, diff_ref, **_) -> None:
    """Scan PATHS (default: the current directory) for Clerk usage."""
    settings, cfg = _settings(ctx)
    baseline_file = baseline_file or (None if no_baseline else cfg.baseline)
    with _showing_progress(settings):
        _scan_and_write(settings, fmt, output, color, baseline_file, diff_ref, paths)


def _scan_and_write(settings: dict, fmt, output, color, baseline_file, diff_ref, paths) -> None:
    from .report import render

    fail_on, exit_zero = settings["fail_on"], settings["exit_zero"]
    catalog, result = _run(settings, line_hashes=fmt == "sarif")
    if baseline_file is not None or diff_ref:  # imported only then: a pre-commit run stays light
        from .filters.baseline import BaselineError, load as load_baseline, mark
        from .filters.gitdiff import DiffError, filter_to_diff

        try:
            if baseline_file is not None:  # before --diff: old duplicates must absorb baseline entries first
                result.findings = mark(result.findings, load_baseline(baseline_file))
            if diff_ref:
                result.findings = filter_to_diff(result.findings, list(paths), diff_ref)
        except (BaselineError, DiffError) as exc:
            raise FatalError(str(exc)) from None
    # Suppressed and baseline ("unchanged") findings only appear in SARIF, marked as such.
    reported = [f for f in result.findings if not f.suppression and f.baseline_state != "unchanged"]
    suppressed = sum(bool(f.suppression) for f in result.findings)
    hidden = {"in the baseline": len(result.findings) - len(reported) - suppressed, "suppressed": suppressed}
    if fmt != "sarif":
        result = dataclasses.replace(result, findings=reported)
    use_color = color if color is not None else (fmt == "text" and not output and color_wanted(sys.stdout))
    with progress.phase("writing the report"):
        write_output(render(fmt, result, catalog, color=use_color, hidden=hidden), output)
    _warn_problems(result.problems)  # after the report: a failed write stays a one-line error
    if fmt != "sarif" and any(hidden.values()):
        click.echo("clerk-lint: not shown: " + ", ".join(f"{n} {why}" for why, n in hidden.items() if n), err=True)
    threshold = difficulty_rank(fail_on)
    counted = reported if settings.get("fail_on_informational") else [
        f for f in reported if not catalog.rule(f.code).informational]
    failing = any(difficulty_rank(f.difficulty) >= threshold for f in counted)
    sys.exit(1 if failing and not exit_zero else 0)


def color_wanted(stream) -> bool:
    """no-color.org: a non-empty NO_COLOR turns colour off, a non-empty FORCE_COLOR turns it on
    (NO_COLOR wins); otherwise colour only on a terminal. --color/--no-color beat both."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _settings(ctx: click.Context) -> tuple[dict, Config]:
    """The command's parameters with configuration-file values filling in every option
    left at its default (a flag given on the command line always wins)."""
    from click.core import ParameterSource

    from .config import ConfigError
    from .config import load as load_config

    params = dict(ctx.params)
    try:
        cfg = load_config(list(params["paths"]), params.get("config_file"), params.get("no_config", False))
    except ConfigError as exc:
        raise FatalError(str(exc)) from None
    for name in ("include", "exclude", "select", "ignore", "fail_on", "fail_on_informational", "max_file_size",
                 "file_time_budget", "follow_symlinks"):
        value = getattr(cfg, name)
        if name in params and value is not None and ctx.get_parameter_source(name) is ParameterSource.DEFAULT:
            params[name] = value
            params.setdefault("_origin", {})[name] = f"{cfg.path}: '{name.replace('_', '-')}'"
    return params, cfg


def _run(settings: dict, line_hashes: bool = False):
    """Load the catalog, scan, and keep the selected rules: (catalog, ScanResult). `line_hashes`:
    the output shows GitHub's line hashes (SARIF)."""
    from .config import ConfigError, check_selectors, select_findings, split_selectors
    from .discover.kinds import DiscoveryError
    from .scan.driver import run_scan
    from .scan.per_file import ScanOptions

    options = ScanOptions(include=tuple(settings["include"]), exclude=tuple(settings["exclude"]),
                          max_bytes=settings["max_file_size"], follow_symlinks=settings["follow_symlinks"],
                          jobs=settings.get("jobs"), cache_dir=settings.get("cache_dir"),
                          file_time_budget=settings.get("file_time_budget", 10.0) or None,
                          default_excludes=not settings.get("no_default_excludes", False),
                          line_hashes=line_hashes)
    select, ignore = split_selectors(settings["select"]), split_selectors(settings["ignore"])
    try:
        catalog = load_catalog()
        names = {r.name: r.code for r in catalog.rules}
        origin = settings.get("_origin", {})
        check_selectors(origin.get("select", "--select"), select, names.values(), names)
        check_selectors(origin.get("ignore", "--ignore"), ignore, names.values(), names)
        result = run_scan(list(settings["paths"]) or [Path(".")], catalog, options)
    except (DiscoveryError, CatalogError, ConfigError) as exc:
        raise FatalError(str(exc)) from None
    for root in result.covered_roots:
        click.echo(f"clerk-lint: note: {_one_line(root)} is ignored by an enclosing repository's ignore "
                   "rules; scanned anyway (ignore files inside it still apply)", err=True)
    if result.nothing_scanned:
        _warn_problems(result.problems)  # the reasons, before the one error line
        raise FatalError(_one_line(result.nothing_scanned))
    if result.ignore_note():
        click.echo(f"clerk-lint: note: {result.ignore_note()}", err=True)
    result.findings = select_findings(result.findings, select, ignore)
    return catalog, result


def _warn_problems(problems) -> None:
    for problem in problems:
        click.echo(f"clerk-lint: warning: {_one_line(f'{problem.path}: {problem.reason}')}", err=True)


def _one_line(text: str) -> str:
    return printable(text).replace("\r", "\\r").replace("\n", "\\n")


@main.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output", "-o", help="File to write ('-' for stdout; default: the configured baseline, "
                                     "else clerk-lint-baseline.json).")
@click.option("--include", multiple=True, help="Only scan files matching this gitignore-style glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip files matching this gitignore-style glob (repeatable).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              help="Skip (and report) files larger than this many bytes.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links that stay inside the scanned root.")
@click.option("--file-time-budget", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Stop analysing a file after this many seconds and report it as partly scanned, keeping its "
                   "findings so far (0: no limit).")
@click.option("--no-default-excludes", is_flag=True, help=NO_DEFAULT_EXCLUDES_HELP)
@_selection_options
@_quiet_option
@click.pass_context
def baseline_command(ctx, paths, output, **_) -> None:
    """Record the current findings of PATHS so `scan --baseline` reports only new ones."""
    from .filters.baseline import render as render_baseline

    settings, cfg = _settings(ctx)
    with _showing_progress(settings):
        _, result = _run(settings)
        target = output or (str(cfg.baseline) if cfg.baseline else "clerk-lint-baseline.json")
        kept = [f for f in result.findings if not f.suppression]
        with progress.phase("writing the baseline"):
            write_output(render_baseline(kept), target)
    if target != "-":
        click.echo(f"clerk-lint: recorded {len(kept)} finding{'s' if len(kept) != 1 else ''} in {target}", err=True)


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


def _scan_options(command):
    """--include / --exclude / --max-file-size / --follow-symlinks / --file-time-budget, as `scan` has them."""
    for option in reversed([
        click.option("--include", multiple=True, help="Only scan files matching this gitignore-style glob (repeatable)."),
        click.option("--exclude", multiple=True, help="Skip files matching this gitignore-style glob (repeatable)."),
        click.option("--max-file-size", type=click.IntRange(min=1), default=2_000_000, show_default=True,
                     help="Skip (and report) files larger than this many bytes."),
        click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links that stay inside the scanned root."),
        click.option("--file-time-budget", type=click.FloatRange(min=0), default=10.0, show_default=True,
                     help="Stop analysing a file after this many seconds and report it as partly scanned (0: no limit)."),
        click.option("--no-default-excludes", is_flag=True, help=NO_DEFAULT_EXCLUDES_HELP),
    ]):
        command = option(command)
    return command


@main.command("plan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "html"]), default="markdown", show_default=True)
@click.option("--output", "-o", help="Write the plan to this file instead of stdout.")
@click.option("--mau", type=click.IntRange(min=0), help="Monthly active users: price Clerk and the break-even.")
@click.option("--pricing", "pricing_file", type=click.Path(path_type=Path),
              help="Clerk price table (TOML or JSON, the shape of the bundled pricing.toml).")
@_scan_options
@_selection_options
@_quiet_option
@click.pass_context
def plan_command(ctx, paths, fmt, output, mau, pricing_file, **_) -> None:
    """Migration plan for PATHS: risks, effort, cost, ordered steps, open questions."""
    import json

    from .plan import ModelError, ModelParams, Pricing, build_plan
    from .plan.render_markdown import render_markdown

    settings, cfg = _settings(ctx)
    overrides = dict(cfg.plan or {})
    try:
        config_mau = overrides.pop("mau", None)
        if mau is None and config_mau is not None:
            mau = int(config_mau)
        params = ModelParams.from_dict(overrides)
        pricing = Pricing.load(str(pricing_file)) if pricing_file else None
    except (ModelError, ValueError, TypeError) as exc:
        where = f"{cfg.path}: [plan]: " if cfg.path and (overrides or config_mau is not None) else ""
        raise FatalError(f"{where}{exc}") from None
    from concurrent.futures import ThreadPoolExecutor

    from .resolve.app_database import find_database

    with _showing_progress(settings), ThreadPoolExecutor(max_workers=1) as pool:
        # Which database the app runs (for the open questions) is read beside the scan: the scan's
        # workers keep the cores busy while this mostly waits on the file system.
        database = pool.submit(find_database, list(paths) or [Path(".")])
        catalog, result = _run(settings)
        result = dataclasses.replace(result, findings=[f for f in result.findings if not f.suppression])
        with progress.phase("building the plan"):
            plan = build_plan(result, catalog, params, mau=mau, pricing=pricing, database=database.result())
        with progress.phase("writing the plan"):
            if fmt == "html":
                from .report.html import render_plan
                from .report.json_report import to_document

                text = render_plan(plan, to_document(result), catalog)
            else:
                text = json.dumps(plan, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else render_markdown(plan)
            write_output(text, output)


@main.command("draft")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the Better Auth starter files into.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist in --out.")
@_scan_options
@_selection_options
@_quiet_option
@click.pass_context
def draft_command(ctx, paths, out_dir, force, **_) -> None:
    """Write Better Auth starter files (auth.ts, auth-client.ts, handler, middleware, import script) for PATHS."""
    from .draft import DraftError, build_draft, write_draft

    settings, _cfg = _settings(ctx)
    with _showing_progress(settings):
        catalog, result = _run(settings)
        with progress.phase("writing the draft"):
            files = build_draft(result, catalog, list(paths) or [Path(".")])
            try:
                written = write_draft(files, out_dir, force=force)
            except DraftError as exc:
                raise FatalError(str(exc)) from None
    for path in written:
        click.echo(printable(str(path)))


if __name__ == "__main__":  # pragma: no cover
    main()
