'''Project configuration: `[tool.clerk-lint]` in pyproject.toml, or `.clerk-lint.toml`.

Where it is found
-----------------
From the folder holding the scanned paths (their common folder; the working directory
when none are given) upwards, the first folder with either file wins. In one folder
`.clerk-lint.toml` wins over `pyproject.toml`; a pyproject.toml without a
`[tool.clerk-lint]` table is passed over. `--config FILE` names the file instead,
`--no-config` ignores every file.

Keys (in `.clerk-lint.toml` at the top level, in pyproject.toml under `[tool.clerk-lint]`)
-------------------------------------------------------------------------------------------
    include = ["app/**", "src/**"]   # gitignore-style globs, relative to the scan root
    exclude = ["**/*.test.ts"]
    select = ["CLK2", "CLK301"]      # codes, code prefixes or rule names; default: all
    ignore = ["CLK0"]
    fail-on = "moderate"              # trivial | moderate | hard | blocker
    fail-on-informational = false     # informational rules (CLK726) count for fail-on too
    baseline = "clerk-lint-baseline.json"   # relative to the config file's folder
    max-file-size = 1000000           # bytes
    file-time-budget = 10             # seconds per file, 0: no limit
    follow-symlinks = false

    [tool.clerk-lint.plan]            # (`[plan]` in .clerk-lint.toml) passed through as a
    hourly-rate = 120                 # dict for the migration plan; not checked here

A command-line flag always wins over the file. An unknown key, a value of the wrong
type or a file that is not valid TOML is a usage error (exit 2, one line naming the file
and the key).

Rule selection: a finding is reported when the most specific selector matching its code
(the longest prefix; a rule name counts as the full code) comes from `select`; with no
`select`, every rule is selected. On a tie `ignore` wins.
'''
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .findings import DIFFICULTIES, Finding

CONFIG_NAMES = (".clerk-lint.toml", "pyproject.toml")
SECTION = "[tool.clerk-lint]"

_STRING_LISTS = ("include", "exclude", "select", "ignore")
KNOWN_KEYS = ("include", "exclude", "select", "ignore", "fail-on", "fail-on-informational", "baseline",
              "max-file-size", "file-time-budget", "follow-symlinks", "plan")


class ConfigError(Exception):
    """A configuration file that cannot be used (exit 2, one line)."""


@dataclass(frozen=True)
class Config:
    path: Optional[Path] = None  # the file the values came from; None when there is none
    include: Optional[tuple[str, ...]] = None
    exclude: Optional[tuple[str, ...]] = None
    select: Optional[tuple[str, ...]] = None
    ignore: Optional[tuple[str, ...]] = None
    fail_on: Optional[str] = None
    fail_on_informational: Optional[bool] = None
    baseline: Optional[Path] = None  # resolved against the config file's folder
    max_file_size: Optional[int] = None
    file_time_budget: Optional[float] = None
    follow_symlinks: Optional[bool] = None
    plan: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        return getattr(self, name.replace("-", "_"))


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None


def _section(path: Path, data: dict) -> Optional[dict]:
    """The clerk-lint table of a parsed file, or None for a pyproject.toml without one."""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        if not isinstance(tool, dict) or "clerk-lint" not in tool:
            return None
        table = tool["clerk-lint"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {SECTION} must be a table")
        return table
    return data


def _where(path: Path) -> str:
    return f"{path}: {SECTION}" if path.name == "pyproject.toml" else str(path)


def parse(path: Path, table: dict) -> Config:
    where = _where(path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            hint = f" (did you mean '{key.replace('_', '-')}'?)" if key.replace("_", "-") in KNOWN_KEYS else ""
            raise ConfigError(f"{where}: unknown key '{key}'{hint}; known keys: {', '.join(KNOWN_KEYS)}")
        attr = key.replace("-", "_")
        if key in _STRING_LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: '{key}' must be a list of strings")
            values[attr] = tuple(value)
        elif key == "fail-on":
            if value not in DIFFICULTIES:
                raise ConfigError(f"{where}: 'fail-on' must be one of {', '.join(DIFFICULTIES)}, not {value!r}")
            values[attr] = value
        elif key == "baseline":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: 'baseline' must be a file path (a string)")
            values[attr] = (path.parent / value) if not os.path.isabs(value) else Path(value)
        elif key == "max-file-size":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{where}: 'max-file-size' must be a positive integer (bytes)")
            values[attr] = value
        elif key == "file-time-budget":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{where}: 'file-time-budget' must be a number of seconds (0: no limit)")
            values[attr] = float(value)
        elif key in ("follow-symlinks", "fail-on-informational"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: '{key}' must be true or false")
            values[attr] = value
        elif key == "plan":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'plan' must be a table")
            values[attr] = value
    return Config(path=path, **values)


def load_file(path: Path) -> Config:
    """The configuration in one named file (pyproject.toml or a .clerk-lint.toml-style file)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} not found")
    data = _read_toml(path)
    table = _section(path, data)
    if table is None:
        raise ConfigError(f"{path} has no {SECTION} table")
    return parse(path, table)


def find(start: Path) -> Optional[Path]:
    """The configuration file that applies to `start` (a folder), searching upwards."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    while True:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and _section(candidate, _read_toml(candidate)) is None:
                    continue
                return candidate
        if folder.parent == folder:
            return None
        folder = folder.parent


def start_folder(paths: Sequence[Path]) -> Path:
    """The common folder of the scanned paths (the working directory when none)."""
    if not paths:
        return Path(os.getcwd())
    folders = []
    for p in paths:
        absolute = os.path.abspath(p)
        folders.append(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # different drives
        return Path(folders[0])


def load(paths: Sequence[Path], explicit: Optional[Path] = None, disabled: bool = False) -> Config:
    """The configuration for a run over `paths`."""
    if disabled:
        return Config()
    if explicit is not None:
        return load_file(explicit)
    found = find(start_folder(paths))
    return load_file(found) if found else Config()


# --------------------------------------------------------------------------- rule selection


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Flatten repeatable, comma-separated command-line values."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def check_selectors(option: str, selectors: Iterable[str], codes: Iterable[str], names: dict[str, str]) -> None:
    """Raise ConfigError for a selector that matches no rule (a typo would select nothing)."""
    codes = tuple(codes)
    for selector in selectors:
        if selector in names or any(code.startswith(selector.upper()) for code in codes):
            continue
        raise ConfigError(f"{option}: '{selector}' matches no rule code, code prefix or rule name "
                          f"(see `clerk-lint rules`)")


def _specificity(selector: str, finding: Finding) -> int:
    if selector == finding.rule_name:
        return len(finding.code)
    return len(selector) if finding.code.upper().startswith(selector.upper()) else -1


def selected(finding: Finding, select: Sequence[str], ignore: Sequence[str]) -> bool:
    best_select = max((_specificity(s, finding) for s in select), default=-1) if select else 0
    best_ignore = max((_specificity(s, finding) for s in ignore), default=-1)
    if best_select < 0:
        return False
    return best_ignore < best_select or best_ignore < 0


def select_findings(findings: Sequence[Finding], select: Sequence[str], ignore: Sequence[str]) -> list[Finding]:
    if not select and not ignore:
        return list(findings)
    return [f for f in findings if selected(f, select, ignore)]
