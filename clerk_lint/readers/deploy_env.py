"""Where Clerk's variables are provided outside .env files: CI workflows (GitHub Actions,
GitLab CI), docker compose files, Dockerfiles, Render blueprints, fly.toml, and Dynaconf's
settings files (settings.toml, .secrets.toml: a Python app's settings, any key in any table).

Files are read line by line (YAML through `formats.yaml_lines`: keys at any indentation,
`KEY: value`, `- KEY=value`; Dockerfile `ARG` / `ENV A=1 B=2` / legacy `ENV KEY value`, shell `KEY=value`
in `run:` / `RUN` lines). Every Clerk variable set there is reported with the .env rules
(CLK710-CLK713, classified by `concepts.env_vars.classify`); a value taken from the CI
provider's own store (`${{ secrets.CLERK_SECRET_KEY }}`, `${{ vars.X }}`, a GitLab CI/CD
variable the file does not define) is CLK716, because the change is made in the provider's
settings; secret-shaped literals written into these committed files are CLK715.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator, Optional

from ..concepts.catalog import Catalog
from ..classify.classifier import Classifier
from ..discover.kinds import Candidate
from ..concepts.env_vars import (NAMED_RULE, PUBLISHABLE_RULE, SECRET_RULE, WEBHOOK_RULE, advice_for, classify,
    is_clerk_env_name, named_detail, named_variables, unprefixed)
from ..concepts.secret_literals import secret_literals
from .env_assignments import Assignment, env_findings
from ..findings import FileAnalysis, Finding
from ..concepts.secrets import redact_line
from .source import SourceText
from .text_analysis import marked_classifier, text_span
from .formats.jsonc import JsonError
from .formats.yaml_lines import BLOCK_SCALAR, block_scalar, strip_comment, unquote, yaml_lines

STORE_RULE, LITERAL_RULE = "CLK716", "CLK715"

PLACES = {
    "github-actions": "GitHub Actions workflow",
    "gitlab-ci": "GitLab CI config",
    "docker-compose": "docker compose file",
    "dockerfile": "Dockerfile",
    "render-yaml": "Render blueprint",
    "fly-toml": "fly.toml",
    "vercel-json": "vercel.json",
    "netlify-toml": "netlify.toml",
    "dynaconf-toml": "Dynaconf settings file",
}
YAML_KINDS = ("github-actions", "gitlab-ci", "docker-compose", "render-yaml")

# What replaces each kind of Clerk value in the provider's store.
STORE_ADVICE = {
    SECRET_RULE: "Clerk secret key; add BETTER_AUTH_SECRET and BETTER_AUTH_URL there",
    PUBLISHABLE_RULE: "Clerk publishable key; the client needs only the auth server's URL (NEXT_PUBLIC_BETTER_AUTH_URL or similar, when on another origin)",
    WEBHOOK_RULE: "Clerk webhook signing secret; goes with the webhook route",
}

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_MARKERS = re.compile(r"clerk|svix|whsec_|[sp]k_(?:live|test)_", re.IGNORECASE)
_CLERKISH = re.compile(r"clerk|svix", re.IGNORECASE)
# GitHub expression contexts backed by the repository's settings.
_GH_STORE = re.compile(r"\b(?P<ctx>secrets|vars)\.(?P<name>" + _NAME + r")")
# $NAME / ${NAME} / ${NAME:-default} (compose interpolation, GitLab variables); not ${{ }}.
_SHELL_REF = re.compile(r"\$(?:\{(?P<braced>" + _NAME + r")|(?P<bare>" + _NAME + r"))")
# Shell assignments inside run: / script: / RUN lines: `CLERK_SECRET_KEY=... npm run build`.
_SHELL_ASSIGN = re.compile(r"(?<![\w$.\-/])(?P<name>" + _NAME + r")=(?P<value>\"[^\"]*\"|'[^']*'|[^\s;&|)\"']*)")
# BuildKit secret mounts: RUN --mount=type=secret,id=clerk_secret_key
_SECRET_MOUNT = re.compile(r"type=secret[^\s]*?\bid=(?P<name>" + _NAME + r")|\bid=(?P<name2>" + _NAME + r")[^\s]*type=secret")

# A YAML list item's value `KEY=value` / `"KEY=value"` / `KEY` (compose environment, build args).
_ENV_ITEM = re.compile(r"(?P<q>[\"']?)(?P<name>" + _NAME + r")(?:=(?P<value>[^\"']*))?(?P=q)[ \t]*$")
# Blocks whose keys are environment variables.
ENV_BLOCKS = frozenset({"env", "environment", "variables", "args", "secrets", "build-args", "build_args", "envvars"})


@dataclass
class _Line:
    """What one line holds: assignments of variables, store references, other references."""
    assignments: list  # Assignment
    store: list  # (name, start, end, label)
    refs: list  # (name, start, end)


# --------------------------------------------------------------------------- parsing


def _yaml_lines(text: str) -> Iterator[tuple[int, str, list[Assignment], bool]]:
    """(line index, line, assignments, in a block scalar) for each line of a YAML file."""
    lines = list(yaml_lines(text))
    for j, y in enumerate(lines):
        found: list[Assignment] = []
        base, i = y.start, y.index
        if y.key == "key" and y.parent == "envvars":  # Render: - key: NAME
            name, nstart = unquote(y.value, base + y.value_start)
            if re.fullmatch(_NAME, name):
                found.append(Assignment(name, "", nstart, nstart + len(name), nstart + len(name),
                                        nstart + len(name), i + 1))
        elif y.key is not None and (y.parent in ENV_BLOCKS or y.key == y.key.upper()):
            if BLOCK_SCALAR.match(y.value):  # `KEY: |` and the value on the lines below (a PEM key)
                v, vs, ve = block_scalar(lines, j)
            else:
                v, vs = unquote(y.value, base + y.value_start)
                ve = vs + len(v)
            found.append(Assignment(y.key, v, base + y.key_start, base + y.key_end, vs, ve, i + 1))
        elif y.item_start is not None:
            item = _ENV_ITEM.match(y.code, y.item_start)
            if item and (y.parent in ENV_BLOCKS or item.group("value") is not None):
                name = item.group("name")
                # a bare `- NAME` passes the variable on from the host environment
                value = item.group("value") if item.group("value") is not None else "$" + name
                vs = base + (item.start("value") if item.group("value") is not None else item.end("name"))
                found.append(Assignment(name, value, base + item.start("name"), base + item.end("name"), vs,
                                        vs + len(value), i + 1))
        yield i, y.text, found, y.in_block


def _docker_tokens(s: str, base: int) -> Iterator[tuple[str, int]]:
    for m in re.finditer(r"(?:\"(?:\\.|[^\"\\])*\"|'[^']*'|[^\s\"']+)+", s):
        if m.group(0).startswith("#"):  # Docker has no trailing comments; be lenient anyway
            return
        yield m.group(0), base + m.start()


def _dockerfile_lines(text: str) -> Iterator[tuple[int, str, list[Assignment], bool]]:
    """ARG NAME[=default] ..., ENV A=1 B=2, legacy ENV NAME value; continuation lines keep the
    instruction of the line they continue."""
    offset = 0
    instruction = ""
    for i, line in enumerate(text.split("\n")):
        base = offset
        offset += len(line) + 1
        stripped = line.strip()
        found: list[Assignment] = []
        if stripped.startswith("#") or not stripped:
            yield i, line, found, False
            continue
        m = re.match(r"^[ \t]*(?P<ins>[A-Za-z]+)[ \t]+", line)
        rest_start = 0
        if not instruction and m:
            instruction = m.group("ins").upper()
            rest_start = m.end()
        body = line[rest_start:].rstrip()
        continued = body.endswith("\\")
        if continued:
            body = body[:-1]
        if instruction in ("ARG", "ENV"):
            tokens = list(_docker_tokens(body, base + rest_start))
            if instruction == "ENV" and tokens and "=" not in tokens[0][0] and rest_start:
                name, start = tokens[0]  # legacy form: the rest of the line is the value
                if re.fullmatch(_NAME, name):
                    vstart = tokens[1][1] if len(tokens) > 1 else start + len(name)
                    value = text[vstart:base + rest_start + len(body)].strip() if len(tokens) > 1 else ""
                    value, vstart = unquote(value, vstart)
                    found.append(Assignment(name, value, start, start + len(name), vstart, vstart + len(value), i + 1))
            else:
                for token, start in tokens:
                    name, eq, value = token.partition("=")
                    if not re.fullmatch(_NAME, name):
                        continue
                    vstart = start + len(name) + len(eq)
                    value, vstart = unquote(value, vstart)
                    if not eq and instruction == "ARG":  # given by `docker build --build-arg`
                        value = "$" + name
                    found.append(Assignment(name, value, start, start + len(name), vstart, vstart + len(value), i + 1))
        yield i, line, found, instruction == "RUN"
        if not continued:
            instruction = ""


def _toml_lines(text: str, env_table=lambda t: t == "env") -> Iterator[tuple[int, str, list[Assignment], bool]]:
    """fly.toml: `NAME = "value"` under [env] (and any upper-case key elsewhere); netlify.toml
    passes its own test of the table name."""
    offset = 0
    table = ""
    for i, line in enumerate(text.split("\n")):
        base = offset
        offset += len(line) + 1
        found: list[Assignment] = []
        t = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if t:
            table = t.group(1).lower()
        m = re.match(r"^[ \t]*(?P<key>" + _NAME + r")[ \t]*=[ \t]*(?P<value>\"[^\"]*\"|'[^']*'|[^\s#]*)", line)
        if m and (env_table(table) or m.group("key") == m.group("key").upper()):
            value, vs = unquote(m.group("value"), base + m.start("value"))
            found.append(Assignment(m.group("key"), value, base + m.start("key"), base + m.end("key"), vs,
                                    vs + len(value), i + 1))
        yield i, line, found, False


# --------------------------------------------------------------------------- per line


def _store_refs(kind: str, line: str, base: int, defined: set[str]) -> list[tuple[str, int, int, str]]:
    if kind == "github-actions":
        return [(m.group("name"), base + m.start("name"), base + m.end("name"),
                 "GitHub Actions " + ("secret" if m.group("ctx") == "secrets" else "variable"))
                for m in _GH_STORE.finditer(line)]
    if kind == "gitlab-ci":  # a variable the file does not define comes from the project's settings
        return [(n, base + m.start(m.lastgroup), base + m.end(m.lastgroup), "GitLab CI/CD variable")
                for m in _SHELL_REF.finditer(line) if (n := m.group(m.lastgroup)) not in defined]
    return []


_BUILD_ARG = re.compile(r"--build-arg[= ](?P<name>" + _NAME + r")(?![=\w])")


def _other_refs(kind: str, line: str, base: int) -> list[tuple[str, int, int]]:
    # docker build --build-arg NAME: passed on from the calling environment
    out = [(m.group("name"), base + m.start("name"), base + m.end("name")) for m in _BUILD_ARG.finditer(line)]
    if kind == "docker-compose":  # interpolated from the host environment / .env
        out += [(m.group(m.lastgroup), base + m.start(m.lastgroup), base + m.end(m.lastgroup))
                for m in _SHELL_REF.finditer(line)]
    if kind == "dockerfile":
        for m in _SECRET_MOUNT.finditer(line):
            g = "name" if m.group("name") else "name2"
            out.append((m.group(g), base + m.start(g), base + m.end(g)))
    return out


def _shell_assignments(line: str, base: int, number: int) -> list[Assignment]:
    out = []
    for m in _SHELL_ASSIGN.finditer(line):
        value, vs = unquote(m.group("value"), base + m.start("value"))
        out.append(Assignment(m.group("name"), value, base + m.start("name"), base + m.end("name"), vs,
                              vs + len(value), number))
    return out


def _dynaconf_lines(text: str) -> Iterator[tuple[int, str, list[Assignment], bool]]:
    """Dynaconf settings.toml / .secrets.toml: every key of every table ([default],
    [production] ...) is a setting an env variable of the same name overrides; keys are
    case-insensitive (`clerk_secret_key` is CLERK_SECRET_KEY), shown as written."""
    for i, line, found, shell in _toml_lines(text, lambda t: True):
        yield i, line, [replace(a, name=a.name.upper(), label=a.name if a.name != a.name.upper() else "")
                        for a in found], shell


def _netlify_lines(text: str):
    return _toml_lines(text, lambda t: t == "environment" or t.endswith(".environment"))


def _vercel_lines(text: str) -> Iterator[tuple[int, str, list[Assignment], bool]]:
    """vercel.json `env` and `build.env` maps (string values)."""
    from .formats.jsonc import parse_json

    root = parse_json(text)
    maps = [root.get("env"), (root.get("build") or root).get("env") if root.get("build") is not None else None] \
        if root.kind == "object" else []
    by_line: dict[int, list[Assignment]] = {}
    for env in maps:
        for k, v in env.pairs if env is not None and env.kind == "object" else ():
            value = str(v.value) if v.kind == "string" else ""
            line = text.count("\n", 0, k.start)
            vs = v.start + 1 if v.kind == "string" else v.start
            by_line.setdefault(line, []).append(
                Assignment(str(k.value), value, k.start + 1, k.end - 1, vs, vs + len(value), line + 1))
    for i, line in enumerate(text.split("\n")):
        yield i, line, by_line.get(i, []), False


READERS = {"dockerfile": _dockerfile_lines, "fly-toml": _toml_lines, "netlify-toml": _netlify_lines,
           "dynaconf-toml": _dynaconf_lines,
           "vercel-json": _vercel_lines}


def _lines(kind: str, text: str) -> Iterator[tuple[int, str, int, _Line]]:
    parsed = list(READERS.get(kind, _yaml_lines)(text))
    defined = {a.name for _, _, found, _ in parsed for a in found}
    offset = 0
    for i, line, found, shell in parsed:
        base = offset
        offset += len(line) + 1
        code = line if kind in ("dockerfile", "vercel-json") else strip_comment(line)
        if (shell or not found) and kind in YAML_KINDS + ("dockerfile",):  # run: text, RUN lines
            seen = {a.name_start for a in found}
            found = found + [a for a in _shell_assignments(code, base, i + 1) if a.name_start not in seen]
        yield i, line, base, _Line(found, _store_refs(kind, code, base, defined), _other_refs(kind, code, base))


# --------------------------------------------------------------------------- findings


def _store_finding(catalog: Catalog, classifier: Classifier, text: str, line: str, name: str, stored: str,
                   start: int, end: int, label: str, place: str) -> Optional[Finding]:
    code = classify(name, "", catalog, file_has_clerk=True) if is_clerk_env_name(name, catalog) else None
    if code is None and is_clerk_env_name(stored, catalog):
        code = classify(stored, "", catalog, file_has_clerk=True)
    if code is None:
        return None
    advice = STORE_ADVICE.get(code) or f"Clerk setting; {advice_for(unprefixed(name if is_clerk_env_name(name, catalog) else stored))}"
    detail = f"{label} {stored}: {advice}"
    details = (("variable", name), ("store", label), ("stored_as", stored), ("kind", code), ("place", place))
    finding = classifier.finding(catalog.rule(STORE_RULE), text_span(text, start, end), symbol=name, module="",
                                 detail=detail, details=details)
    return replace(finding, location=replace(finding.location, source_line=redact_line(line)))


def _literal_findings(catalog: Catalog, classifier: Classifier, text: str, line: str, base: int,
                      names: list[Assignment]) -> list[Finding]:
    out = []
    for start, end, _, _ in secret_literals(line):
        owner = next((a.name for a in names if a.value_start <= base + start <= a.value_end), "")
        for _, _, detail, details in secret_literals(line[start:end], owner):
            finding = classifier.finding(catalog.rule(LITERAL_RULE), text_span(text, base + start, base + end),
                                         symbol=owner, module="", detail=detail, details=details)
            out.append(replace(finding, location=replace(finding.location, source_line=redact_line(line))))
    return out


# Config files that also carry an env map; the rest of their kind is app_config's alone.
CONFIG_PLACES = {"vercel.json": "vercel-json", "netlify.toml": "netlify-toml"}


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    result = FileAnalysis()
    kind = candidate.language
    if kind in ("json-config", "toml-config"):
        kind = CONFIG_PLACES.get(candidate.relpath.rsplit("/", 1)[-1])
        if kind is None:
            return result
    classifier = marked_classifier(source, candidate, catalog, _MARKERS)
    if classifier is None:
        return result
    try:
        result.findings.extend(place_findings(kind, source.text, catalog, classifier))
    except JsonError:  # a vercel.json that does not parse: app_config reports it, once
        pass
    return result


def place_findings(kind: str, text: str, catalog: Catalog, classifier: Classifier) -> list[Finding]:
    place = PLACES.get(kind, kind)
    clerkish = bool(_CLERKISH.search(text))
    plain: list[Assignment] = []
    out: list[Finding] = []
    for i, line, base, held in _lines(kind, text):
        reported: set[str] = set()
        store = list(held.store)
        for a in held.assignments:
            ref = next((r for r in store if r[1] >= a.value_start), None) if a.value else None
            if ref is not None:  # the value comes from the provider's store
                f = _store_finding(catalog, classifier, text, line, a.name, ref[0], a.name_start, a.name_end,
                                   ref[3], place)
                if f is not None:
                    out.append(f)
                    reported |= {a.name, ref[0]}
                store.remove(ref)
                continue
            plain.append(a)
            reported.add(a.name)
        for name, start, end, label in store:
            if name not in reported and is_clerk_env_name(name, catalog):
                f = _store_finding(catalog, classifier, text, line, name, name, start, end, label, place)
                if f is not None:
                    out.append(f)
                    reported.add(name)
        for name, start, end in held.refs:
            if name not in reported and is_clerk_env_name(name, catalog):
                plain.append(Assignment(name, "$" + name, start, end, end, end, i + 1))
                reported.add(name)
        if clerkish:
            out += _literal_findings(catalog, classifier, text, line, base, held.assignments)
    env = env_findings(text, catalog, classifier, plain)
    out += [replace(f, details=f.details + (("place", place),)) for f in env]
    return out + _named_findings(kind, text, catalog, classifier, {f.location.line for f in out}, place)


def _named_findings(kind: str, text: str, catalog: Catalog, classifier: Classifier, busy: set[int],
                    place: str) -> list[Finding]:
    """Clerk variables a step checks or a message names (`test -n "$CLERK_SECRET_KEY"`, `echo
    "Set CLERK_SECRET_KEY"`) on lines no other finding holds (CLK719)."""
    out = []
    offset = 0
    for i, line in enumerate(text.split("\n")):
        base = offset
        offset += len(line) + 1
        if i + 1 in busy:
            continue
        code = line if kind in ("dockerfile", "vercel-json") else strip_comment(line)
        named = named_variables(code, catalog)
        if not named:
            continue
        start, end, _ = named[0]
        names = [name for _, _, name in named]
        finding = classifier.finding(catalog.rule(NAMED_RULE), text_span(text, base + start, base + end),
                                     symbol=names[0], module="", detail=named_detail(names, catalog),
                                     details=(("variable", ", ".join(dict.fromkeys(names))), ("place", place)))
        out.append(replace(finding, location=replace(finding.location, source_line=redact_line(line))))
    return out
