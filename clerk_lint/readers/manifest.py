"""Dependency manifests: package.json, requirements*.txt, pyproject.toml, Pipfile.

Every Clerk SDK (and svix, Clerk's webhook signature library) the project installs is a line
the migration removes, and each one tells which Better Auth package replaces it. Findings
point at the dependency's name in the manifest (the JSON key, the requirement line, the TOML
key or array string).

Rules: CLK701 clerk-package-dependency (npm), CLK702 svix-dependency (npm or PyPI),
CLK703 python-clerk-dependency (PyPI).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Iterator, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from ..concepts.catalog import Catalog
from ..classify.classifier import Classifier
from ..discover.kinds import Candidate
from ..findings import FileAnalysis, FileProblem, Finding
from .formats.jsonc import JsonError, parse_json
from .source import SourceText
from .text_analysis import marked_classifier, text_span

NPM_RULE, SVIX_RULE, PYTHON_RULE = "CLK701", "CLK702", "CLK703"

NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")

# npm packages named after Clerk that are not under @clerk/: community bindings, plugins.
# Any package whose name has "clerk" as a whole word ("vue-clerk", "@hono/clerk-auth",
# "gatsby-plugin-clerk") is taken as one.
_NPM_CLERK_WORD = re.compile(r"(?:^|[-/@_.])clerk(?:$|[-/_.])", re.IGNORECASE)

# Which Better Auth package takes over from each Clerk package (first match wins).
NPM_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("@clerk/nextjs", "better-auth (better-auth/next-js handler, better-auth/react client)"),
    ("@clerk/clerk-react", "better-auth (better-auth/react client)"),
    ("@clerk/react", "better-auth (better-auth/react client)"),
    ("@clerk/remix", "better-auth (better-auth/react client; auth.handler in a resource route)"),
    ("@clerk/react-router", "better-auth (better-auth/react client; auth.handler in a resource route)"),
    ("@clerk/tanstack-*", "better-auth (better-auth/react client, better-auth/tanstack-start cookies)"),
    ("@clerk/vue", "better-auth (better-auth/vue client)"),
    ("vue-clerk", "better-auth (better-auth/vue client)"),
    ("@clerk/nuxt", "better-auth (better-auth/vue client; auth.handler in a server route)"),
    ("@clerk/astro", "better-auth (better-auth/client; auth.handler in an API route)"),
    ("@clerk/express", "better-auth (better-auth/node: toNodeHandler, fromNodeHeaders)"),
    ("@clerk/clerk-sdk-node", "better-auth (better-auth/node: toNodeHandler, fromNodeHeaders)"),
    ("@clerk/fastify", "better-auth (auth.handler with a Fetch Request)"),
    ("@clerk/hono", "better-auth (auth.handler(c.req.raw))"),
    ("@hono/clerk-auth", "better-auth (auth.handler(c.req.raw))"),
    ("h3-clerk", "better-auth (auth.handler(toWebRequest(event)) in a server route)"),
    ("@clerk/backend", "better-auth (auth.api.* on the server instance)"),
    ("@clerk/backend-core", "better-auth (auth.api.* on the server instance)"),
    ("@clerk/edge", "better-auth (auth.api.* on the server instance)"),
    ("@clerk/clerk-expo", "better-auth + @better-auth/expo (expo() server plugin, expoClient)"),
    ("@clerk/expo*", "better-auth + @better-auth/expo (expo() server plugin, expoClient)"),
    ("@clerk/chrome-extension", "better-auth (better-auth/client; chrome-extension:// in trustedOrigins)"),
    ("@clerk/clerk-js", "better-auth (better-auth/client)"),
    ("@clerk/themes", "no package: Better Auth ships no UI (@daveyplate/better-auth-ui or your own components)"),
    ("@clerk/elements", "no package: Better Auth ships no UI (your own forms calling authClient)"),
    ("@clerk/localizations", "no package: Better Auth ships no UI (localize your own components)"),
    ("@clerk/ui", "no package: Better Auth ships no UI (@daveyplate/better-auth-ui or your own components)"),
    ("@clerk/types", "no package: types come from better-auth (typeof auth.$Infer.Session)"),
    ("@clerk/shared", "no package: helpers are part of better-auth"),
    ("@clerk/testing", "no package: sign test users in through authClient (or better-auth/test helpers)"),
    ("svelte-clerk", "better-auth (better-auth/svelte client, better-auth/svelte-kit handler)"),
    ("clerk-sveltekit", "better-auth (better-auth/svelte client, better-auth/svelte-kit handler)"),
    ("clerk-solidjs", "better-auth (better-auth/solid client)"),
)
DEFAULT_NPM_REPLACEMENT = "better-auth"

# PyPI: the official SDK (and its pre-release name) plus the framework integrations people use.
# PyPI names are normalised (PEP 503) before lookup.
PYTHON_CLERK_PACKAGES = frozenset({
    "clerk-backend-api", "clerk-dev", "clerk-sdk-python", "clerk-backend-sdk", "clerk-sdk",
    "fastapi-clerk-auth", "fastapi-clerk", "django-clerk", "clerk-django", "django-clerk-users",
    "django-clerk-sdk", "clerk-auth-django", "clerkbridge", "flask-clerk",
})
# Framework + clerk in either order ("litestar-clerk", "clerk-flask-auth").
_PY_CLERK_PATTERN = re.compile(
    r"^(?:(?:fastapi|django|drf|flask|starlette|litestar|sanic|quart|reflex)-clerk(?:-.*)?"
    r"|clerk-(?:fastapi|django|drf|flask|starlette|litestar|sanic|quart|auth|backend)(?:-.*)?)$"
)


@dataclass(frozen=True)
class Dependency:
    name: str  # as written
    spec: str  # version / requirement text ('' when none)
    section: str  # dependencies, devDependencies, requirements, project.dependencies ...
    start: int  # str offsets of the name in the text
    end: int


# --------------------------------------------------------------------------- naming


def normalise_pypi(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def is_clerk_npm_package(name: str) -> bool:
    return name.startswith("@clerk/") or bool(_NPM_CLERK_WORD.search(name))


def is_clerk_python_package(name: str) -> bool:
    norm = normalise_pypi(name)
    return norm in PYTHON_CLERK_PACKAGES or bool(_PY_CLERK_PATTERN.match(norm))


def npm_replacement(name: str) -> str:
    import fnmatch

    for pattern, replacement in NPM_REPLACEMENTS:
        if fnmatch.fnmatchcase(name, pattern):
            return replacement
    return DEFAULT_NPM_REPLACEMENT


# --------------------------------------------------------------------------- readers


def package_json_dependencies(text: str) -> Iterator[Dependency]:
    root = parse_json(text)
    if root.kind != "object":
        return
    for section in NPM_SECTIONS:
        deps = root.get(section)
        if deps is None or deps.kind != "object":
            continue
        for key, value in deps.pairs:
            spec = value.value if value.kind == "string" else ""
            # The key's span without its quotes.
            yield Dependency(str(key.value), str(spec), section, key.start + 1, key.end - 1)


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirements_dependencies(text: str) -> Iterator[Dependency]:
    """pip requirement files: one requirement a line; options, includes and comments skipped;
    `-e VCS-URL#egg=name` and `name @ URL` forms understood."""
    offset = 0
    continued = False
    for raw in text.split("\n"):
        line_start = offset
        offset += len(raw) + 1
        was_continued = continued
        continued = raw.rstrip().endswith("\\")
        if was_continued:
            continue  # the tail of a requirement (hashes) carried over from the line before
        body = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].rstrip().rstrip("\\").rstrip()
        if not body.strip():
            continue
        stripped = body.lstrip()
        if stripped.startswith("-"):
            m = _EGG.search(stripped)
            if m and stripped.startswith(("-e", "--editable")):
                start = line_start + body.index(m.group(1), body.index("egg="))
                yield Dependency(m.group(1), "", "requirements", start, start + len(m.group(1)))
            continue
        if "://" in stripped.split("@", 1)[0]:  # a bare URL: the name is in #egg= if anywhere
            m = _EGG.search(stripped)
            if m:
                start = line_start + body.index(m.group(1), body.index("egg="))
                yield Dependency(m.group(1), "", "requirements", start, start + len(m.group(1)))
            continue
        m = _REQ_NAME.match(body)
        if not m:
            continue
        start = line_start + m.start(1)
        spec = m.group(3).split(";", 1)[0].strip()
        yield Dependency(m.group(1), spec, "requirements", start, start + len(m.group(1)))


def _pep508_name(requirement: str) -> Optional[str]:
    m = _REQ_NAME.match(requirement)
    return m.group(1) if m else None


def _toml_dependency_sources(data: dict, kind: str) -> tuple[set[str], set[str]]:
    """(names written as TOML keys, requirement strings written in arrays) that the file
    declares as dependencies."""
    keys: set[str] = set()
    strings: set[str] = set()

    def table_keys(table) -> None:
        if isinstance(table, dict):
            keys.update(table)

    def array_strings(arr) -> None:
        if isinstance(arr, list):
            strings.update(x for x in arr if isinstance(x, str))

    if kind == "pipfile":
        table_keys(data.get("packages"))
        table_keys(data.get("dev-packages"))
        return keys, strings
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    array_strings(project.get("dependencies"))
    for group in (project.get("optional-dependencies") or {}).values():
        array_strings(group)
    for group in (data.get("dependency-groups") or {}).values():
        array_strings(group)
    tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry", {}) if isinstance(tool.get("poetry"), dict) else {}
    table_keys(poetry.get("dependencies"))
    table_keys(poetry.get("dev-dependencies"))
    for group in (poetry.get("group") or {}).values():
        if isinstance(group, dict):
            table_keys(group.get("dependencies"))
    uv = tool.get("uv", {}) if isinstance(tool.get("uv"), dict) else {}
    array_strings(uv.get("dev-dependencies"))
    pdm = tool.get("pdm", {}) if isinstance(tool.get("pdm"), dict) else {}
    for group in (pdm.get("dev-dependencies") or {}).values():
        array_strings(group)
    hatch_envs = ((tool.get("hatch") or {}).get("envs") or {}) if isinstance(tool.get("hatch"), dict) else {}
    for env in hatch_envs.values():
        if isinstance(env, dict):
            array_strings(env.get("dependencies"))
            array_strings(env.get("extra-dependencies"))
    return keys, strings


_TOML_KEY_LINE = re.compile(r"""^\s*(?P<q>["']?)(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P=q)\s*=""")
_TOML_STRING = re.compile(r"""(?P<q>"|')(?P<body>[^"'\n]*)(?P=q)""")
_TOML_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def toml_dependencies(text: str, kind: str) -> Iterator[Dependency]:
    """pyproject.toml (PEP 621, dependency groups, Poetry, uv, PDM, Hatch) and Pipfile.

    The TOML is parsed to learn which names are dependencies; the lines are then read to
    find where each one is written."""
    data = tomllib.loads(text)
    dep_keys, dep_strings = _toml_dependency_sources(data, kind)
    dep_key_set = {normalise_pypi(k) for k in dep_keys}
    offset = 0
    section = ""
    for raw in text.split("\n"):
        line_start = offset
        offset += len(raw) + 1
        header = _TOML_HEADER.match(raw)
        if header:
            section = header.group(1).strip().strip('"')
            continue
        code = raw.split("#", 1)[0] if "#" in raw and not _TOML_STRING.search(raw) else raw
        m = _TOML_KEY_LINE.match(code)
        if m and _is_dependency_table(section, kind) and normalise_pypi(m.group("name")) in dep_key_set:
            value = code[m.end():].strip()
            yield Dependency(m.group("name"), value.strip("\"'"), section, line_start + m.start("name"),
                             line_start + m.end("name"))
            continue
        for s in _TOML_STRING.finditer(code):
            body = s.group("body")
            if body in dep_strings:
                name = _pep508_name(body)
                if name:
                    start = line_start + s.start("body") + body.index(name)
                    yield Dependency(name, body[len(name):].strip(), section or "project", start, start + len(name))


def _is_dependency_table(section: str, kind: str) -> bool:
    if kind == "pipfile":
        return section in ("packages", "dev-packages")
    return bool(re.fullmatch(r"tool\.poetry\.(?:dev-dependencies|dependencies|group\.[^.]+\.dependencies)", section))


_QUOTED_KEY = re.compile(r"""(?P<q>["'])(?P<name>@?[A-Za-z0-9][A-Za-z0-9._/@-]*)(?P=q)\s*[:=]\s*(?P<q2>["'])(?P<spec>[^"'\n]*)(?P=q2)""")


def _quoted_names(text: str) -> Iterator[Dependency]:
    """Fallback for a manifest that does not parse: every `"name": "spec"` pair."""
    for m in _QUOTED_KEY.finditer(text):
        yield Dependency(m.group("name"), m.group("spec"), "unparsed manifest", m.start("name"), m.end("name"))


# --------------------------------------------------------------------------- analyzer


def _finding(classifier: Classifier, rule, text: str, dep: Dependency, *, detail: str,
             details: tuple) -> Finding:
    span = text_span(text, dep.start, dep.end)
    return classifier.finding(rule, span, symbol=dep.name, module=dep.name, detail=detail, details=details)


def dependency_findings(deps: Iterator[Dependency], ecosystem: str, text: str, catalog: Catalog,
                        classifier: Classifier) -> list[Finding]:
    out = []
    for dep in deps:
        where = f"{dep.spec} in {dep.section}" if dep.spec else f"in {dep.section}"
        base = (("ecosystem", ecosystem), ("section", dep.section), ("version", dep.spec))
        if ecosystem == "npm":
            if dep.name == "svix":
                out.append(_finding(classifier, catalog.rule(SVIX_RULE), text, dep, detail=where, details=base))
            elif is_clerk_npm_package(dep.name):
                replacement = npm_replacement(dep.name)
                official = dep.name.startswith("@clerk/")
                out.append(_finding(
                    classifier, catalog.rule(NPM_RULE), text, dep,
                    detail=f"{where}; replace with {replacement}",
                    details=base + (("replacement", replacement), ("official", "yes" if official else "no")),
                ))
        else:
            if normalise_pypi(dep.name) == "svix":
                out.append(_finding(classifier, catalog.rule(SVIX_RULE), text, dep, detail=where, details=base))
            elif is_clerk_python_package(dep.name):
                out.append(_finding(classifier, catalog.rule(PYTHON_RULE), text, dep, detail=where, details=base))
    return out


_READERS = {
    "package-json": ("npm", lambda text: package_json_dependencies(text)),
    "requirements": ("pypi", lambda text: requirements_dependencies(text)),
    "pyproject": ("pypi", lambda text: toml_dependencies(text, "pyproject")),
    "pipfile": ("pypi", lambda text: toml_dependencies(text, "pipfile")),
}

# Manifests that never mention either cannot declare a Clerk package or svix.
_MARKERS = re.compile(r"clerk|svix", re.IGNORECASE)


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    result = FileAnalysis()
    if candidate.language not in _READERS:
        return result
    classifier = marked_classifier(source, candidate, catalog, _MARKERS)
    if classifier is None:
        return result
    ecosystem, reader = _READERS[candidate.language]
    text = source.text
    try:
        deps = list(reader(text))
    except (JsonError, tomllib.TOMLDecodeError) as exc:
        why = f"line {text.count(chr(10), 0, exc.offset) + 1}" if isinstance(exc, JsonError) else str(exc)
        result.problems.append(FileProblem(candidate.relpath, f"cannot parse manifest ({why}): "
                                           "read its quoted name/version pairs only", "parse-partial", partial=True))
        deps = list(_quoted_names(text))
    result.findings.extend(dependency_findings(iter(deps), ecosystem, text, catalog, classifier))
    return result
