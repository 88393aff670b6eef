"""Where build and deploy configs declare Clerk's variables: turbo.json, wrangler.toml /
wrangler.json(c) and Expo's eas.json.

- turbo.json lists variable NAMES (`env`, `globalEnv`, `passThroughEnv`, `globalPassThroughEnv`,
  top-level and per task, in the `tasks` layout and the older `pipeline` one; old `$NAME` entries
  of `dependsOn` too). A Clerk name or wildcard there is CLK717: the cache key or the sandboxed
  environment still carries Clerk's variables and must carry Better Auth's instead.
- wrangler `vars` (top-level and `[env.<name>.vars]`) and eas.json `build.<profile>.env` set
  VALUES, so they are reported with the .env rules (CLK710-CLK713) as every other place that
  sets a variable is (readers/env_assignments.py).
"""
from __future__ import annotations

import re
import sys
from dataclasses import replace
from typing import Iterator, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from ..concepts.catalog import Catalog
from ..concepts.env_vars import (PREFIXES, PUBLISHABLE_RULE, SECRET_RULE, WEBHOOK_RULE, advice_for, classify,
    is_clerk_env_name, unprefixed)
from ..classify.classifier import Classifier
from ..discover.kinds import Candidate
from ..findings import FileAnalysis, FileProblem, Finding
from .env_assignments import Assignment, env_findings
from .formats.jsonc import JsonError, JsonNode, parse_json
from .source import SourceText
from .text_analysis import marked_classifier, text_span

TURBO_RULE = "CLK717"
_MARKERS = re.compile(r"clerk", re.IGNORECASE)
TURBO_LISTS = ("env", "globalEnv", "passThroughEnv", "globalPassThroughEnv")
# What a turbo.json list names instead of each kind of Clerk variable.
TURBO_ADVICE = {
    SECRET_RULE: "list BETTER_AUTH_SECRET and BETTER_AUTH_URL instead",
    PUBLISHABLE_RULE: "list the client's auth URL instead (e.g. NEXT_PUBLIC_BETTER_AUTH_URL), when the client needs one",
    WEBHOOK_RULE: "Clerk webhook signing secret; drop it with the webhook route",
}
PLACES = {"turbo-json": "turbo.json", "wrangler": "wrangler config", "eas-json": "eas.json"}


def may_matter(data: bytes) -> bool:
    return b"clerk" in data.lower()


# --------------------------------------------------------------------------- turbo.json


def _turbo_entries(root: JsonNode) -> Iterator[tuple[str, JsonNode]]:
    """(where, string node) for every variable name turbo.json lists."""
    if root.kind != "object":
        return
    for key in TURBO_LISTS:
        yield from ((key, n) for n in _strings(root.get(key)))
    for layout in ("tasks", "pipeline"):
        tasks = root.get(layout)
        if tasks is None or tasks.kind != "object":
            continue
        for task_key, task in tasks.pairs:
            if task.kind != "object":
                continue
            for key in TURBO_LISTS:
                yield from ((f"{task_key.value} {key}", n) for n in _strings(task.get(key)))
            for n in _strings(task.get("dependsOn")):  # turbo < 2: "$CLERK_SECRET_KEY"
                if isinstance(n.value, str) and n.value.startswith("$"):
                    yield f"{task_key.value} dependsOn", n


def _strings(node: Optional[JsonNode]) -> list[JsonNode]:
    if node is None or node.kind != "array":
        return []
    return [item for item in node.items if item.kind == "string"]


def _turbo_name(entry: str) -> str:
    """The variable or wildcard an entry names; '' for exclusions (`!CLERK_X`)."""
    return "" if entry.startswith("!") else entry.lstrip("$")


def _turbo_findings(text: str, root: JsonNode, catalog: Catalog, classifier: Classifier) -> list[Finding]:
    out = []
    for where, node in _turbo_entries(root):
        name = _turbo_name(node.value)
        if not name or not is_clerk_env_name(name, catalog):
            continue
        wildcard = "*" in name
        exposed = next((p for p in PREFIXES if name.startswith(p)), "")
        tail = unprefixed(name).rstrip("*")
        if wildcard:
            detail = f"{where}: every Clerk variable{' exposed as ' + exposed if exposed else ''}; list BETTER_AUTH_* instead"
        else:
            code = classify(name, "", catalog, file_has_clerk=True)
            detail = f"{where}: {TURBO_ADVICE.get(code) or advice_for(tail)}"
        details = (("variable", name), ("list", where), ("wildcard", "yes" if wildcard else "no"))
        out.append(classifier.finding(catalog.rule(TURBO_RULE), text_span(text, node.start + 1, node.end - 1),
                                      symbol=name, module="", detail=detail, details=details))
    return out


# --------------------------------------------------------------------------- wrangler / eas


def _json_env_assignments(text: str, env: Optional[JsonNode]) -> list[Assignment]:
    if env is None or env.kind != "object":
        return []
    out = []
    for k, v in env.pairs:
        value = v.value if v.kind == "string" else ""
        vstart, vend = (v.start + 1, v.end - 1) if v.kind == "string" else (v.start, v.end)
        out.append(Assignment(k.value, value, k.start + 1, k.end - 1, vstart, vend, text.count("\n", 0, k.start) + 1))
    return out


def _eas_assignments(text: str, root: JsonNode) -> list[Assignment]:
    build = root.get("build") if root.kind == "object" else None
    if build is None or build.kind != "object":
        return []
    return [a for _, profile in build.pairs if profile.kind == "object"
            for a in _json_env_assignments(text, profile.get("env"))]


def _wrangler_json_assignments(text: str, root: JsonNode) -> list[Assignment]:
    if root.kind != "object":
        return []
    out = _json_env_assignments(text, root.get("vars"))
    envs = root.get("env")
    if envs is not None and envs.kind == "object":
        for _, env in envs.pairs:
            if env.kind == "object":
                out += _json_env_assignments(text, env.get("vars"))
    return out


_TOML_TABLE = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*(?P<q>[\"']?)(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P=q)\s*=\s*(?P<value>.*?)\s*(?:#.*)?$")
_INLINE_PAIR = re.compile(r"(?P<q>[\"']?)(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P=q)\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^,}]*)")


def _is_vars_table(name: str) -> bool:
    parts = [p.strip().strip("\"'") for p in name.split(".")]
    return parts == ["vars"] or (len(parts) == 3 and parts[0] == "env" and parts[2] == "vars")


def _unquoted(value: str, start: int) -> tuple[str, int]:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1], start + 1
    return value, start


def _wrangler_toml_assignments(text: str) -> list[Assignment]:
    """Keys of `[vars]` / `[env.<name>.vars]` tables and of inline `vars = { ... }` tables,
    located line by line (tomllib keeps no positions; it only checks the file parses)."""
    out: list[Assignment] = []
    table = ""
    offset = 0
    for i, line in enumerate(text.split("\n")):
        base = offset
        offset += len(line) + 1
        t = _TOML_TABLE.match(line)
        if t:
            table = t.group("name")
            continue
        m = _TOML_KEY.match(line)
        if not m:
            continue
        if _is_vars_table(table):
            value, vstart = _unquoted(m.group("value"), base + m.start("value"))
            out.append(Assignment(m.group("key"), value, base + m.start("key"), base + m.end("key"), vstart,
                                  vstart + len(value), i + 1))
        elif m.group("key") == "vars" and m.group("value").startswith("{") and (not table or _is_env_table(table)):
            vbase = base + m.start("value")
            for p in _INLINE_PAIR.finditer(m.group("value")):
                value, vstart = _unquoted(p.group("value").strip(), vbase + p.start("value"))
                out.append(Assignment(p.group("key"), value, vbase + p.start("key"), vbase + p.end("key"), vstart,
                                      vstart + len(value), i + 1))
    return out


def _is_env_table(name: str) -> bool:
    parts = [p.strip() for p in name.split(".")]
    return len(parts) == 2 and parts[0] == "env"


# --------------------------------------------------------------------------- entry point


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    result = FileAnalysis()
    classifier = marked_classifier(source, candidate, catalog, _MARKERS)
    if classifier is None:
        return result
    text, kind = source.text, candidate.language
    is_toml = candidate.relpath.lower().endswith(".toml")
    try:
        if is_toml:
            tomllib.loads(text)
            root = None
        else:
            root = parse_json(text)
    except (JsonError, tomllib.TOMLDecodeError, ValueError) as exc:
        result.problems.append(FileProblem(candidate.relpath, f"cannot parse config: {exc}", "parse-partial"))
        return result
    if kind == "turbo-json":
        result.findings.extend(_turbo_findings(text, root, catalog, classifier))
        return result
    if kind == "eas-json":
        assignments = _eas_assignments(text, root)
    elif is_toml:
        assignments = _wrangler_toml_assignments(text)
    else:
        assignments = _wrangler_json_assignments(text, root)
    place = PLACES.get(kind, kind)
    result.findings.extend(replace(f, details=f.details + (("place", place),))
                           for f in env_findings(text, catalog, classifier, assignments))
    return result
