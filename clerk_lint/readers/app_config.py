"""Configuration that names Clerk: hosts in CSP headers and image allow-lists, the Convex auth
config that trusts Clerk as its token issuer, the Expo config plugin, and Supabase's
third-party auth setting.

Expo's `extra` values (app.json) are env settings under other names: a Clerk key there is
reported with the env rules (CLK710-CLK713) as eas.json's build env is.

File kinds handled here: JSON configs (`app.json` of Expo, `vercel.json`) and TOML configs
(`supabase/config.toml`, `netlify.toml`). The same checks run on JS/TS configs
(`next.config.mjs`, `convex/auth.config.ts`, `app.config.ts`) in the ECMAScript reader
(`readers/ecma/config_checks.py`); what a Clerk host looks like is `concepts/clerk_hosts.py`.

Rules: CLK730 clerk-domain-in-config, CLK731 convex-clerk-issuer, CLK732 expo-clerk-plugin,
CLK733 supabase-clerk-third-party-auth (the SQL side is in readers/schema.py).
"""
from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from typing import Iterator, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from ..concepts.catalog import Catalog
from ..concepts.clerk_hosts import clerk_hosts, host_detail
from ..classify.classifier import Classifier
from ..discover.kinds import Candidate
from ..findings import FileAnalysis, FileProblem, Finding
from .env_assignments import Assignment, env_findings
from .formats.jsonc import JsonError, JsonNode, parse_json
from .source import SourceText
from .text_analysis import marked_classifier, text_span

DOMAIN_RULE, CONVEX_RULE, EXPO_RULE, SUPABASE_RULE = "CLK730", "CLK731", "CLK732", "CLK733"


# --------------------------------------------------------------------------- JSON configs


@dataclass(frozen=True)
class ConfigHit:
    code: str
    symbol: str
    detail: str
    start: int  # str offsets
    end: int
    details: tuple


def _walk_strings(node: JsonNode, path: tuple = ()) -> Iterator[tuple[tuple, JsonNode]]:
    if node.kind == "string":
        yield path, node
    elif node.kind == "object":
        for k, v in node.pairs:
            yield path + (k.value,), k
            yield from _walk_strings(v, path + (k.value,))
    elif node.kind == "array":
        for i, item in enumerate(node.items):
            yield from _walk_strings(item, path + (i,))


def _expo_plugins(root: JsonNode) -> Optional[JsonNode]:
    expo = root.get("expo")
    holder = expo if expo is not None and expo.kind == "object" else root
    plugins = holder.get("plugins")
    return plugins if plugins is not None and plugins.kind == "array" else None


def json_config_hits(text: str) -> list[ConfigHit]:
    root = parse_json(text)
    hits: list[ConfigHit] = []
    plugin_nodes = set()
    if root.kind == "object":
        plugins = _expo_plugins(root)
        for item in plugins.items if plugins is not None else ():
            entry = item.items[0] if item.kind == "array" and item.items else item
            if entry.kind == "string" and str(entry.value).startswith("@clerk/"):
                plugin_nodes.add(id(entry))
                options = item.items[1] if item.kind == "array" and len(item.items) > 1 else None
                keys = ", ".join(str(k.value) for k, _ in options.pairs) if options is not None and options.kind == "object" else ""
                hits.append(ConfigHit(EXPO_RULE, str(entry.value), str(entry.value) + (f" (options: {keys})" if keys else ""),
                                      entry.start + 1, entry.end - 1, (("plugin", str(entry.value)), ("options", keys))))
    for path, node in _walk_strings(root):
        if id(node) in plugin_nodes:
            continue
        found = clerk_hosts(str(node.value))
        if found:
            hosts, advice = host_detail(found)
            where = ".".join(str(p) for p in path if isinstance(p, str)) or "value"
            hits.append(ConfigHit(DOMAIN_RULE, hosts, f"{hosts}: {advice}", node.start + 1, node.end - 1,
                                  (("hosts", hosts), ("path", where))))
    return hits


def env_name(key: str) -> str:
    """The env spelling of a config key: clerkPublishableKey -> CLERK_PUBLISHABLE_KEY."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).upper()


def expo_extra_assignments(text: str) -> list[Assignment]:
    """The string values of Expo's `extra` (`expo.extra` in app.json, or a bare `extra`), which
    the app reads at runtime through expo-constants: a Clerk key or setting there is an env
    setting under another name (`clerkPublishableKey`)."""
    root = parse_json(text)
    if root.kind != "object":
        return []
    expo = root.get("expo")
    extra = (expo if expo is not None and expo.kind == "object" else root).get("extra")
    if extra is None or extra.kind != "object":
        return []
    out = []
    for k, v in extra.pairs:
        if v.kind != "string":
            continue
        out.append(Assignment(env_name(str(k.value)), str(v.value), k.start + 1, k.end - 1, v.start + 1, v.end - 1,
                              text.count("\n", 0, k.start) + 1, label=str(k.value)))
    return out


# --------------------------------------------------------------------------- TOML configs

_TOML_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def toml_config_hits(text: str) -> list[ConfigHit]:
    data = tomllib.loads(text)  # raises on invalid TOML; positions come from the lines below
    clerk_third_party = (((data.get("auth") or {}).get("third_party") or {}).get("clerk")
                         if isinstance(data.get("auth"), dict) else None)
    hits: list[ConfigHit] = []
    offset = 0
    for raw in text.split("\n"):
        line_start = offset
        offset += len(raw) + 1
        header = _TOML_HEADER.match(raw)
        if header:
            name = re.sub(r"\s+", "", header.group("name")).replace('"', "")
            if name == "auth.third_party.clerk" and isinstance(clerk_third_party, dict):
                enabled = clerk_third_party.get("enabled")
                domain = str(clerk_third_party.get("domain", ""))
                detail = f"[auth.third_party.clerk] enabled = {str(enabled).lower()}" + (f", domain {domain}" if domain else "")
                start = line_start + raw.index(header.group("name"))
                hits.append(ConfigHit(SUPABASE_RULE, "auth.third_party.clerk", detail, start,
                                      start + len(header.group("name")),
                                      (("enabled", str(enabled).lower()), ("domain", domain))))
            continue
        for s in _TOML_STRING.finditer(raw):
            found = clerk_hosts(s.group(0)[1:-1])
            if found:
                hosts, advice = host_detail(found)
                hits.append(ConfigHit(DOMAIN_RULE, hosts, f"{hosts}: {advice}", line_start + s.start() + 1,
                                      line_start + s.end() - 1, (("hosts", hosts),)))
    # The domain line of the Clerk third-party block is part of that finding, not a second one.
    tp = [h for h in hits if h.code == SUPABASE_RULE]
    if tp:
        hits = [h for h in hits if not (h.code == DOMAIN_RULE and _in_block(text, h.start, "auth.third_party.clerk"))]
    return hits


def _string_hits(text: str) -> list[ConfigHit]:
    """Clerk hosts in the quoted strings of a file that does not parse."""
    hits = []
    offset = 0
    for raw in text.split("\n"):
        for s in _TOML_STRING.finditer(raw):
            found = clerk_hosts(s.group(0)[1:-1])
            if found:
                hosts, advice = host_detail(found)
                hits.append(ConfigHit(DOMAIN_RULE, hosts, f"{hosts}: {advice}", offset + s.start() + 1,
                                      offset + s.end() - 1, (("hosts", hosts),)))
        offset += len(raw) + 1
    return hits


def _in_block(text: str, offset: int, block: str) -> bool:
    header = None
    for m in re.finditer(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$", text[:offset], re.MULTILINE):
        header = re.sub(r"\s+", "", m.group(1)).replace('"', "")
    return header == block


# --------------------------------------------------------------------------- analyzer


def _findings(hits: list[ConfigHit], text: str, catalog: Catalog, classifier: Classifier) -> list[Finding]:
    out = []
    for hit in hits:
        span = text_span(text, hit.start, hit.end)
        out.append(classifier.finding(catalog.rule(hit.code), span, symbol=hit.symbol, module="", detail=hit.detail,
                                      details=hit.details))
    return out


_MARKERS = re.compile(r"clerk|accounts\.dev", re.IGNORECASE)


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    result = FileAnalysis()
    classifier = marked_classifier(source, candidate, catalog, _MARKERS)
    if classifier is None:
        return result
    text = source.text
    try:
        hits = json_config_hits(text) if candidate.language == "json-config" else toml_config_hits(text)
    except (JsonError, tomllib.TOMLDecodeError) as exc:
        why = f"line {text.count(chr(10), 0, exc.offset) + 1}" if isinstance(exc, JsonError) else str(exc)
        result.problems.append(FileProblem(candidate.relpath, f"cannot parse config ({why}): "
                                           "looked for Clerk hosts in its quoted strings only", "parse-partial",
                                           partial=True))
        hits = _string_hits(text)
    result.findings.extend(_findings(hits, text, catalog, classifier))
    if candidate.language == "json-config" and not result.problems:
        # A line whose value is a Clerk host is that finding (CLK730); the env rules take the rest.
        hosts = {f.location.line for f in result.findings}
        extra = env_findings(text, catalog, classifier, expo_extra_assignments(text))
        result.findings.extend(dataclasses.replace(f, details=f.details + (("place", "Expo extra"),))
                               for f in extra if f.location.line not in hosts)
    return result
