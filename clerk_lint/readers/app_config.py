"""Configuration that names Clerk: hosts in CSP headers and image allow-lists, the Convex auth
config that trusts Clerk as its token issuer, the Expo config plugin, and Supabase's
third-party auth setting.

File kinds handled here: JSON configs (`app.json` of Expo, `vercel.json`) and TOML configs
(`supabase/config.toml`, `netlify.toml`). The same checks run on JS/TS configs
(`next.config.mjs`, `convex/auth.config.ts`, `app.config.ts`) through the JS analyzer's
queries (`queries/ecma/strings.scm`, `queries/ecma/config.scm`); their check functions live
here so one module holds what a Clerk host or a Clerk issuer looks like.

Rules: CLK730 clerk-domain-in-config, CLK731 convex-clerk-issuer, CLK732 expo-clerk-plugin,
CLK733 supabase-clerk-third-party-auth (the SQL side is in schema_analyzer).
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
from ..concepts.env_vars import is_clerk_env_name
from ..classify.classifier import Classifier
from ..discover.walk import Candidate
from ..findings import FileAnalysis, FileProblem, Finding
from .formats.jsonc import JsonError, JsonNode, parse_json
from .source import SourceText
from .text_analysis import marked_classifier, text_span

DOMAIN_RULE, CONVEX_RULE, EXPO_RULE, SUPABASE_RULE = "CLK730", "CLK731", "CLK732", "CLK733"


# --------------------------------------------------------------------------- Clerk hosts

# (host suffix, what it is). A host equal to the suffix or ending in "." + suffix matches.
CLERK_HOSTS: tuple[tuple[str, str], ...] = (
    ("img.clerk.com", "images"),
    ("images.clerk.com", "images"),
    ("images.clerk.dev", "images"),
    ("api.clerk.com", "backend-api"),
    ("api.clerk.dev", "backend-api"),
    ("clerk.accounts.dev", "frontend-api"),
    ("accounts.dev", "account-portal"),
    ("clerk-telemetry.com", "telemetry"),
    ("clerkstage.dev", "frontend-api"),
    ("clerk.services", "frontend-api"),
    ("clerk.com", "clerk"),
    ("clerk.dev", "clerk"),
)
HOST_ADVICE = {
    "images": "user avatars are served by Clerk: copy them to your own storage during the data migration, then drop the host",
    "backend-api": "direct calls to Clerk's Backend API: replace them with auth.api.* on your Better Auth server",
    "frontend-api": "Clerk's Frontend API (scripts, sessions, token issuer): Better Auth is served from your own origin, remove it",
    "account-portal": "Clerk's hosted Account Portal: sign-in/up pages become your own routes",
    "telemetry": "Clerk's telemetry endpoint: remove it",
    "clerk": "a Clerk host: remove it once nothing loads from Clerk",
}
_KIND_ORDER = ("images", "backend-api", "frontend-api", "account-portal", "telemetry", "clerk")

# A host-like token, optionally with a scheme and a leading wildcard label.
_HOST_TOKEN = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)?(?P<host>(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![a-z0-9-])",
    re.IGNORECASE,
)
_FILE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".json", ".css", ".map", ".html", ".md")


@dataclass(frozen=True)
class HostHit:
    host: str
    kind: str


# Every Clerk host contains one of these; no other text needs the host regex.
_HOST_HINT = re.compile(r"clerk|accounts\.dev", re.IGNORECASE)
# The characters a host token can hold: a match never spans anything else.
_TOKEN_CHARS = re.compile(r"[a-z0-9+.:/*-]+", re.IGNORECASE)
_WINDOW = 256  # around a mention of Clerk in a long token: room for a scheme and any real host
# Searched only where a name can start (not after a letter, digit or hyphen): on a long run
# of letters _HOST_TOKEN alone retries every position, and a 1 MB string took minutes.
_HOST_AT_BOUNDARY = re.compile(r"(?<![a-z0-9-])" + _HOST_TOKEN.pattern, re.IGNORECASE)


def _host_matches(text: str) -> Iterator[re.Match]:
    """Host-like matches in the tokens of `text` that mention Clerk; in a long token only
    around each mention, so the work stays linear in the length of the text."""
    if not _HOST_HINT.search(text):
        return
    for token in _TOKEN_CHARS.finditer(text):
        start, end = token.span()
        pos = start
        while (hint := _HOST_HINT.search(text, pos, end)) is not None:
            lo, pos = max(pos, hint.start() - _WINDOW // 2), min(end, hint.end() + _WINDOW // 2)
            yield from _HOST_AT_BOUNDARY.finditer(text, lo, pos)  # windows never overlap


def clerk_hosts(text: str) -> list[HostHit]:
    """Clerk hosts named in a string: URLs, CSP source lists, bare host names, wildcards.
    A custom Frontend API domain (Clerk's production setup, `clerk.<your domain>`) counts
    when it is written as a URL, a wildcard or a host of three labels or more, never as a
    file name such as clerk.browser.js."""
    hits: list[HostHit] = []
    for m in _host_matches(text):
        host = m.group("host").lower()
        before = text[max(0, m.start() - 1):m.start()]
        if before in ("@", "/") and not m.group("scheme"):
            continue  # a path segment or an npm scope, not a host
        bare = host[2:] if host.startswith("*.") else host
        kind = next((k for suffix, k in CLERK_HOSTS if bare == suffix or bare.endswith("." + suffix)), "")
        if not kind and bare.startswith("clerk.") and not bare.endswith(_FILE_SUFFIXES) \
                and (m.group("scheme") or host.startswith("*.") or bare.count(".") >= 2):
            kind = "frontend-api"
        if kind and all(h.host != host for h in hits):
            hits.append(HostHit(host, kind))
    return hits


def host_detail(hits: list[HostHit]) -> tuple[str, str]:
    """(hosts joined, advice for the most pressing kind)."""
    kinds = {h.kind for h in hits}
    kind = next(k for k in _KIND_ORDER if k in kinds)
    return ", ".join(h.host for h in hits), HOST_ADVICE[kind]


# --------------------------------------------------------------------------- JS query checks
# Each returns "" (no hit) or (detail, node to report, details).


def _node_text(node) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def _pair_key(pair) -> str:
    key = pair.child_by_field_name("key")
    return _node_text(key).strip("\"'`") if key is not None else ""


def _in_convex_provider(string_node) -> bool:
    """The string is the domain / issuer of a Convex auth provider (reported by CLK731)."""
    pair = string_node.parent
    if pair is None or pair.type != "pair" or _pair_key(pair) not in ("domain", "issuer", "jwks"):
        return False
    obj = pair.parent
    return obj is not None and any(c.type == "pair" and _pair_key(c) == "applicationID" for c in obj.named_children)


# Bytes every Clerk host contains (see CLERK_HOSTS and the `clerk.<domain>` rule): a file
# without them has no string for js_clerk_domain to find.
_HOST_WORDS = (b"clerk.", b"clerk-telemetry.", b"clerkstage.", b"accounts.dev")


def may_name_clerk_host(lowered: bytes) -> bool:
    """Whether a file (its bytes, lower-cased) can hold a Clerk host."""
    return any(word in lowered for word in _HOST_WORDS)


def js_clerk_domain(node, catalog: Catalog):
    """`strings.clerk-domain`: a string literal (or template text) naming a Clerk host."""
    hits = clerk_hosts(_node_text(node))
    if not hits:
        return ""
    target = node.parent if node.parent is not None else node
    if _in_convex_provider(target):
        return ""
    hosts, advice = host_detail(hits)
    return (f"{hosts}: {advice}", target, (("hosts", hosts), ("kind", ",".join(sorted({h.kind for h in hits})))))


def _clerk_env_member(node) -> str:
    """`process.env.CLERK_X` / `import.meta.env.X` naming Clerk -> the variable name."""
    if node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        name = _node_text(prop)
        if is_clerk_env_name(name):
            return name
    return ""


def js_convex_issuer(node, catalog: Catalog):
    """`config.convex-provider`: an auth provider object with `applicationID` (Convex's
    auth.config) whose `domain` / `issuer` is a Clerk host or a Clerk env variable."""
    for pair in node.named_children:
        if pair.type != "pair" or _pair_key(pair) not in ("domain", "issuer"):
            continue
        value = pair.child_by_field_name("value")
        issuer = ""
        if value is not None and value.type in ("string", "template_string"):
            hits = clerk_hosts(_node_text(value))
            if hits:
                issuer = hits[0].host
        elif value is not None:
            env = _clerk_env_member(value)
            issuer = f"${env}" if env else ""
        if not issuer:
            continue
        app_id = next((_node_text(p.child_by_field_name("value")).strip("\"'`") for p in node.named_children
                       if p.type == "pair" and _pair_key(p) == "applicationID"), "")
        detail = f"issuer {issuer}" + (f", applicationID {app_id}" if app_id else "")
        return (detail, pair, (("issuer", issuer), ("application_id", app_id)))
    return ""


def js_expo_plugin(node, catalog: Catalog):
    """`config.expo-plugin`: a "@clerk/..." entry in an Expo `plugins` list (app.config.ts)."""
    name = _node_text(node)
    if not name.startswith("@clerk/"):
        return ""
    target = node.parent if node.parent is not None else node
    return (name, target, (("plugin", name),))


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
    if not result.problems:  # vercel.json env / netlify.toml [*.environment]: the CI/deploy env rules
        from .deploy_env import config_env_findings

        result.findings.extend(config_env_findings(candidate, text, catalog, classifier))
    return result
