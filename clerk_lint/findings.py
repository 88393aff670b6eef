"""The data every later step consumes: findings, locations and per-file problems.

Findings are plain frozen dataclasses so reporters, the plan and the baseline can
sort, hash and serialise them without knowing how they were produced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

DIFFICULTIES = ("trivial", "moderate", "hard", "blocker")


def difficulty_rank(difficulty: str) -> int:
    return DIFFICULTIES.index(difficulty)


@dataclass(frozen=True)
class Location:
    """A span in a file. Lines are 1-based; columns are 1-based UTF-16 code units,
    end column exclusive (the SARIF convention), so every reporter agrees."""

    path: str  # relative to the scan root, '/'-separated
    line: int
    column: int
    end_line: int
    end_column: int
    source_line: str = ""  # the text of `line`, without its newline

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.end_line, self.end_column)


@dataclass(frozen=True)
class BetterAuth:
    """The Better Auth side of a finding: what to call and where it comes from."""

    api: str
    import_: str = ""

    def to_dict(self) -> dict:
        return {"api": self.api, "import": self.import_}


@dataclass(frozen=True)
class Finding:
    code: str  # stable rule code, e.g. CLK201
    rule_name: str  # kebab-case rule name, e.g. use-user
    symbol: str  # the Clerk API as written in the catalog, e.g. useUser or auth().has()
    package: str  # the Clerk module specifier it comes from, e.g. @clerk/nextjs/server
    category: str
    difficulty: str
    better_auth: BetterAuth
    effort_hours: float
    message: str
    location: Location
    # Cross-file findings (a wrapper of a Clerk API) name their chain and the
    # wrapper definition; direct findings leave both empty.
    via: tuple[str, ...] = ()
    related: tuple[Location, ...] = ()
    # Free-form facts a rule extracted (jwt template name, permission, event name ...).
    details: tuple[tuple[str, str], ...] = ()
    # GitHub's primaryLocationLineHash ("<hex>:<k>"), computed while the file text is at hand.
    line_hash: str = ""
    # Non-empty when an in-source comment suppresses the finding: the justification
    # after "--" in the comment, else the directive itself (see suppressions.py).
    suppression: str = ""
    # Set only when a scan compares against a baseline: "new" or "unchanged" (baseline.py).
    baseline_state: str = ""

    @property
    def indirect(self) -> bool:
        return bool(self.via)

    def sort_key(self) -> tuple:
        return (*self.location.sort_key(), self.code, self.symbol, self.message)

    def detail(self, key: str) -> Optional[str]:
        for k, v in self.details:
            if k == key:
                return v
        return None


@dataclass(frozen=True)
class FileProblem:
    """A file that was skipped or only partly scanned, with the reason in words."""

    path: str
    reason: str
    kind: str  # unreadable | binary | too-large | decode | parse-partial | time-limit | skipped | config | internal-error
    partial: bool = False  # True when the file was still scanned as far as possible

    def sort_key(self) -> tuple:
        return (self.path, self.kind, self.reason)


@dataclass
class FileAnalysis:
    """What one analyzer found in one file."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    summary: object = None  # what the module exports that is Clerk-backed (cross-file resolution)
    # Clerk ids written into (or compared with) columns, for the project pass that finds the
    # columns' declarations (concepts.clerk_ids.StoredIdWrite; resolve/stored_ids.py).
    id_writes: list = field(default_factory=list)
    # The questions the analysis asked of other modules, with their answers (resolve/crossfile.py
    # FileContext.asked): None when made without a project or not known.
    asked: Optional[dict] = None


@dataclass
class ScanResult:
    root: str
    findings: list[Finding] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_scanned: int = 0
    packages: dict[str, str] = field(default_factory=dict)  # package folder relpath ('' = root) -> name
    # What discovery left out by ignore rules (files of a kind clerk-lint reads, and folders), the
    # named roots an enclosing repository ignores (scanned anyway), and, for a scan of 0 files
    # while files exist under the roots, why (the CLI exits 2 with it).
    ignored_files: int = 0
    ignored_folders: int = 0
    covered_roots: list[str] = field(default_factory=list)
    nothing_scanned: str = ""

    def ignore_note(self) -> str:
        """One sentence on what ignore rules skipped ('' when nothing)."""
        parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in
                 ((self.ignored_files, "file"), (self.ignored_folders, "folder")) if n]
        return " and ".join(parts) + " skipped by ignore rules" if parts else ""

    def sorted(self) -> "ScanResult":
        self.findings.sort(key=Finding.sort_key)
        self.problems.sort(key=FileProblem.sort_key)
        return self
