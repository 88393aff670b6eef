'''Machine-readable JSON output, schema version 1.

The document is one object; keys appear in the order below. Open-ended maps
(`by_category`, `details`) have sorted keys; `findings` keep the scan order
(path, line, column, code) and `errors` the order of the scan's problems.

    {
      "schema_version": 1,                  # bumped on any incompatible change
      "tool": {"name": "clerk-lint", "version": "0.1.0"},
      "root": ".",                          # the scan root as given when relative, else "."
      "summary": {
        "files_scanned": 12,
        "skipped_by_ignore_rules": {"files": 2, "folders": 1},  # left out by .gitignore files (a folder counts once)
        "findings": 5,
        "by_difficulty": {"trivial": 1, "moderate": 2, "hard": 1, "blocker": 1},  # always all four
        "by_category": {"hook": 2, "import": 3},                                # only categories found
        "effort_hours": 6.5,                 # sum of the findings' effort_hours
        "packages": [{"path": "apps/web", "name": "@acme/web", "findings": 3,
                      "by_difficulty": {...}, "effort_hours": 4.0}]  # workspace packages (nearest package.json / pyproject.toml), by folder
      },
      "findings": [{
        "code": "CLK201",                   # stable rule code
        "rule": "use-user",                 # kebab-case rule name
        "symbol": "useUser",                # the Clerk API
        "package": "@clerk/nextjs",         # the module it came from
        "category": "hook",
        "difficulty": "moderate",           # trivial | moderate | hard | blocker
        "better_auth": {"api": "authClient.useSession()", "import": "import ..."},
        "effort_hours": 1.0,
        "message": "useUser() from @clerk/nextjs: ...",
        "indirect": false,                  # true when reached through a wrapper
        "via": [],                          # the wrapper chain, e.g. ["useMe", "useUser"]
        "location": {                       # lines 1-based; columns 1-based UTF-16 code
          "path": "app/page.tsx",           # units, end column exclusive; path relative
          "line": 3, "column": 17,          # to the root, '/'-separated
          "end_line": 3, "end_column": 26,
          "source_line": "  const { user } = useUser();"
        },
        "related": [],                      # locations of the same shape (wrapper definitions)
        "details": {}                       # rule-specific facts, string to string
      }],
      "errors": [{                          # files skipped or only partly scanned
        "path": "big.js",
        "kind": "too-large",                # unreadable | binary | too-large | decode | parse-partial | skipped | config
                                            # | internal-error (a bug met on this file; the rest of the run goes on)
        "reason": "file is larger than 2 MB",
        "partial": false                    # true when the file was still scanned as far as possible
      }]
    }

Output is exactly `json.dumps(indent=2, ensure_ascii=False)` plus a trailing newline (written by
`_common.json_text`, which is faster).
'''
from __future__ import annotations

from pathlib import PurePath, PurePosixPath, PureWindowsPath

from .. import __version__
from ..concepts.catalog import Catalog
from ..findings import FileProblem, Finding, Location, ScanResult
from ._common import by_category, by_difficulty, effort_hours, json_text, per_package

SCHEMA_VERSION = 1


def _root(root: str) -> str:
    # An absolute root would put a machine path in the output and break reproducibility.
    if not root or PurePosixPath(root).is_absolute() or PureWindowsPath(root).is_absolute():
        return "."
    return PurePath(root).as_posix()


def location_dict(loc: Location) -> dict:
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "source_line": loc.source_line,
    }


def finding_dict(f: Finding) -> dict:
    return {
        "code": f.code,
        "rule": f.rule_name,
        "symbol": f.symbol,
        "package": f.package,
        "category": f.category,
        "difficulty": f.difficulty,
        "better_auth": f.better_auth.to_dict(),
        "effort_hours": f.effort_hours,
        "message": f.message,
        "indirect": f.indirect,
        "via": list(f.via),
        "location": location_dict(f.location),
        "related": [location_dict(r) for r in f.related],
        "details": dict(sorted(f.details)),
    }


def problem_dict(p: FileProblem) -> dict:
    return {"path": p.path, "kind": p.kind, "reason": p.reason, "partial": p.partial}


def to_document(result: ScanResult) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "clerk-lint", "version": __version__},
        "root": _root(result.root),
        "summary": {
            "files_scanned": result.files_scanned,
            "skipped_by_ignore_rules": {"files": result.ignored_files, "folders": result.ignored_folders},
            "findings": len(result.findings),
            "by_difficulty": by_difficulty(result.findings),
            "by_category": by_category(result.findings),
            "effort_hours": effort_hours(result),
            "packages": [
                {"path": folder, "name": result.packages[folder], **stats}
                for folder, stats in per_package(result).items()
            ],
        },
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [problem_dict(p) for p in result.problems],
    }


def render(result: ScanResult, catalog: Catalog, **_: object) -> str:
    return json_text(to_document(result)) + "\n"
