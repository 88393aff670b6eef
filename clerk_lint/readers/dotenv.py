"""Environment files (.env, .env.local, .env.example, *.env, .envrc).

Each Clerk variable is a deployment setting the migration removes or replaces: the secret key
(server), the publishable key (client), the webhook signing secret, and the URL / domain /
JWT settings. Findings point at the variable's *name*; values are never shown: a message
carries at most the known, non-secret prefix (`sk_test_…(redacted)`), and the finding's
source line has every secret masked (see `secrets.py`).

Rules: CLK710 clerk-secret-key-env, CLK711 clerk-publishable-key-env,
CLK712 clerk-webhook-secret-env, CLK713 other-clerk-env. `deploy_env_analyzer` reports the
same rules for CI workflows, compose files and Dockerfiles through `env_findings`.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from ..concepts.catalog import Catalog, Rule
from ..classify.classifier import Classifier
from ..discover.walk import Candidate
from ..findings import FileAnalysis, Finding
from ..concepts.secrets import is_secret_name, looks_secret, mask_span, redact_line, redact_value
from .source import SourceText
from .text_analysis import marked_classifier, text_span

SECRET_RULE, PUBLISHABLE_RULE, WEBHOOK_RULE, OTHER_RULE = "CLK710", "CLK711", "CLK712", "CLK713"

# Framework prefixes that expose a variable to client bundles (or name it for a framework).
PREFIXES = ("NEXT_PUBLIC_", "VITE_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "NUXT_", "PUBLIC_", "REACT_APP_",
            "GATSBY_", "STORYBOOK_", "PLASMO_PUBLIC_", "SVELTEKIT_")

# "CLERK" as a whole underscore-separated word: CLERK_SECRET_KEY, NEXT_PUBLIC_CLERK_*, the
# CLERK_JWT_ISSUER_DOMAIN of Convex's docs, MY_APP_CLERK_KEY ...
_CLERK_WORD = re.compile(r"(?:^|_)CLERK(?:_|$)", re.IGNORECASE)
_SK = re.compile(r"^sk_(live|test)_")
_PK = re.compile(r"^pk_(live|test)_([A-Za-z0-9+/=_-]+)$")
_WHSEC = re.compile(r"^whsec_")

# Advice for the other Clerk variables, by what follows CLERK_ (first match wins).
OTHER_ADVICE: tuple[tuple[str, str], ...] = (
    (r"SIGN_(IN|UP)_URL", "point your own sign-in / sign-up pages at authClient.signIn.* / signUp.*"),
    (r"(AFTER_SIGN_(IN|UP)|FALLBACK_REDIRECT|FORCE_REDIRECT|AFTER_SIGN_OUT)", "pass callbackURL / newUserCallbackURL to the authClient call instead"),
    (r"JWT_ISSUER|ISSUER", "the issuer becomes the auth server's baseURL (jwt() plugin); update every JWT consumer"),
    (r"(^|_)(DOMAIN|PROXY_URL|IS_SATELLITE|SYNC_HOST)$", "same parent domain: advanced.crossSubDomainCookies; otherwise trustedOrigins"),
    (r"JWT_KEY|JWKS", "networkless verification uses the jwt() plugin's JWKS at <baseURL>/api/auth/jwks"),
    (r"ENCRYPTION_KEY", "Better Auth encrypts with BETTER_AUTH_SECRET"),
    (r"FRONTEND_API", "legacy Frontend API setting; the client needs only the auth server's URL"),
    (r"TESTING_TOKEN|FAPI", "Clerk testing setup: sign test users in through authClient instead"),
)
DEFAULT_ADVICE = "no Better Auth counterpart: delete it once nothing reads it"


@dataclass(frozen=True)
class Assignment:
    name: str
    value: str
    name_start: int  # str offsets in the text
    name_end: int
    value_start: int
    value_end: int  # of the value's first line
    line: int  # 1-based


# --------------------------------------------------------------------------- parsing

_LINE = re.compile(r"^(?P<lead>[ \t]*(?:export[ \t]+)?)(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*(?P<rest>.*)$")


def parse_dotenv(text: str) -> Iterator[Assignment]:
    """Assignments of a dotenv file: `NAME=value`, `export NAME=value`, quoted values
    ('single', "double", `backtick`) that may span lines, `# comments`."""
    lines = text.split("\n")
    offset = 0
    i = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    while i < len(lines):
        line = lines[i]
        m = _LINE.match(line)
        if not m:
            i += 1
            continue
        base = starts[i]
        rest = m.group("rest")
        value_start = base + m.start("rest")
        consumed = 1
        if rest[:1] in ("'", '"', "`"):
            quote = rest[0]
            close = _closing_quote(rest, 1, quote)
            if close is not None:
                value = rest[1:close]
                value_end = value_start + close
            else:  # a multi-line quoted value: up to the line that closes it
                parts = [rest[1:]]
                j = i + 1
                while j < len(lines):
                    close = _closing_quote(lines[j], 0, quote)
                    if close is not None:
                        parts.append(lines[j][:close])
                        break
                    parts.append(lines[j])
                    j += 1
                value = "\n".join(parts)
                value_end = base + len(line)
                consumed = j - i + 1
            value_start += 1
        else:
            value = re.split(r"[ \t]+#", rest, maxsplit=1)[0].strip()
            value_end = value_start + len(value)
        yield Assignment(m.group("name"), value, base + m.start("name"), base + m.end("name"), value_start,
                         value_end, i + 1)
        i += consumed


def _closing_quote(s: str, start: int, quote: str) -> Optional[int]:
    j = start
    while j < len(s):
        if s[j] == "\\" and quote == '"':
            j += 2
            continue
        if s[j] == quote:
            return j
        j += 1
    return None


# --------------------------------------------------------------------------- classification


# After another word (SUPPORT_CLERK_EMAIL is about a clerk, not Clerk), CLERK names Clerk only
# when what follows is one of its settings (MY_APP_CLERK_KEY, E2E_CLERK_USER_PASSWORD).
_CLERK_SETTING = re.compile(
    r"(?:^|_)(?:KEYS?|SECRET|PUBLISHABLE|PK|SK|WEBHOOK|SIGNING|SVIX|JWT|JWKS|ISSUER|DOMAIN|PROXY|SATELLITE"
    r"|FRONTEND|API|SIGN_(?:IN|UP|OUT)|REDIRECT|INSTANCE|TOKEN|USER|PASSWORD|HOST|SESSION|ORG)(?:_|$)",
    re.IGNORECASE,
)


def is_clerk_env_name(name: str, catalog: Optional[Catalog] = None) -> bool:
    if catalog is not None and name in catalog.env_vars:
        return True
    m = _CLERK_WORD.search(name)
    if not m:
        return False
    head = name[:m.start() + 1].upper() if m.group(0).startswith("_") else ""
    return not head or head in PREFIXES or bool(_CLERK_SETTING.search(name[m.end():]))


def unprefixed(name: str) -> str:
    """CLERK_SECRET_KEY for NEXT_PUBLIC_CLERK_SECRET_KEY; the part from CLERK_ on."""
    m = _CLERK_WORD.search(name)
    if m:
        return name[m.start() + (1 if m.group(0).startswith("_") else 0):].upper()
    return name.upper()


def publishable_key_host(value: str) -> str:
    """The Frontend API host a Clerk publishable key encodes (base64 of "<host>$"), or ''."""
    m = _PK.match(value.strip())
    if not m:
        return ""
    payload = m.group(2)
    try:
        decoded = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    if not decoded.endswith("$"):
        return ""
    host = decoded[:-1]
    return host if re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", host) else ""


def classify(name: str, value: str, catalog: Catalog, *, file_has_clerk: bool) -> Optional[str]:
    """The rule code for one assignment, or None."""
    v = value.strip()
    clerk = is_clerk_env_name(name, catalog)
    tail = unprefixed(name) if clerk else ""
    if clerk:
        if re.search(r"WEBHOOK|SIGNING_SECRET|SVIX", tail) or _WHSEC.match(v):
            return WEBHOOK_RULE
        # CLERK_SECRET_KEY, CLERK_MACHINE_SECRET_KEY, legacy CLERK_API_KEY, and per-instance
        # spellings such as CLERK_PRODUCTION_SECRET_KEY.
        if re.search(r"(?:^|_)(?:SECRET_KEY|API_KEY)$", tail) or tail == "CLERK_SECRET" or _SK.match(v):
            return SECRET_RULE
        if re.search(r"(?:^|_)(?:PUBLISHABLE_KEY|PUBLISHABLE|PK)$", tail) or _PK.match(v):
            return PUBLISHABLE_RULE
        return OTHER_RULE
    # Names that do not say Clerk but hold a Clerk credential by its shape.
    if publishable_key_host(v) and _clerk_host(publishable_key_host(v)):
        return PUBLISHABLE_RULE
    if file_has_clerk and _WHSEC.match(v) and re.search(r"WEBHOOK|SIGNING", name, re.IGNORECASE):
        return WEBHOOK_RULE
    return None


def _clerk_host(host: str) -> bool:
    h = host.lower()
    return (h.endswith((".clerk.accounts.dev", ".accounts.dev", ".clerk.com", ".clerkstage.dev"))
            or h.startswith("clerk."))


def display_value(name: str, value: str) -> str:
    """What a message may say about a value: secrets redacted, plain settings shown."""
    v = value.strip()
    if not v:
        return "empty"
    if _REFERENCE.fullmatch(v):  # ${CLERK_SECRET_KEY}, ${{ secrets.X }}: a name, not a value
        return f"from {v}"
    if is_secret_name(name) or looks_secret(v) or _opaque(v):
        return redact_value(v)
    return v if len(v) <= 80 else v[:77] + "..."


# A value that only names where it comes from (compose / shell / GitHub expression).
_REFERENCE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}")


def _opaque(v: str) -> bool:
    return len(v) >= 20 and not re.search(r"[\s/:.]", v)


def _advice(tail: str) -> str:
    for pattern, advice in OTHER_ADVICE:
        if re.search(pattern, tail):
            return advice
    return DEFAULT_ADVICE


def _instance(value: str) -> str:
    m = re.match(r"^(?:sk|pk)_(live|test)_", value.strip())
    return {"live": "production instance", "test": "development instance"}.get(m.group(1), "") if m else ""


# --------------------------------------------------------------------------- analyzer


def _masked_line(line_text: str, a: Assignment, line_start: int) -> str:
    """The assignment's line with its value masked when the value may be secret."""
    masked = line_text
    if is_secret_name(a.name) or looks_secret(a.value) or _opaque(a.value.strip()):
        start = a.value_start - line_start
        end = min(a.value_end - line_start, len(line_text))
        if 0 <= start < end:
            masked = mask_span(masked, start, end)
    return redact_line(masked)


def env_findings(text: str, catalog: Catalog, classifier: Classifier, assignments: list[Assignment]) -> list[Finding]:
    file_has_clerk = any(is_clerk_env_name(a.name, catalog) for a in assignments)
    lines = text.split("\n")
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    out = []
    for a in assignments:
        code = classify(a.name, a.value, catalog, file_has_clerk=file_has_clerk)
        if code is None:
            continue
        rule: Rule = catalog.rule(code)
        shown = display_value(a.name, a.value)
        details = [("variable", a.name), ("value", shown)]
        instance = _instance(a.value)
        if code == PUBLISHABLE_RULE:
            host = publishable_key_host(a.value)
            if host:
                details.append(("frontend_api", host))
                instance = instance + (f", Frontend API {host}" if instance else f"Frontend API {host}")
        if instance:
            details.append(("instance", instance))
        detail = shown + (f", {instance}" if instance else "")
        if code == OTHER_RULE:
            advice = _advice(unprefixed(a.name))
            details.append(("advice", advice))
            detail = f"{shown}: {advice}"
        exposed = next((p for p in PREFIXES if a.name.startswith(p)), "")
        if exposed:
            details.append(("exposed_prefix", exposed))
        span = text_span(text, a.name_start, a.name_end)
        finding = classifier.finding(rule, span, symbol=a.name, module="", detail=detail, details=tuple(details))
        line_text = lines[a.line - 1]
        loc = dataclasses.replace(finding.location, source_line=_masked_line(line_text, a, line_starts[a.line - 1]))
        out.append(dataclasses.replace(finding, location=loc))
    return out


_MARKERS = re.compile(r"clerk|whsec_|pk_(?:live|test)_", re.IGNORECASE)


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    result = FileAnalysis()
    classifier = marked_classifier(source, candidate, catalog, _MARKERS)
    if classifier is None:
        return result
    assignments = list(parse_dotenv(source.text))
    result.findings.extend(env_findings(source.text, catalog, classifier, assignments))
    return result


# --------------------------------------------------------------------------- JS query checks
# Called by the JS analyzer for captures of queries/ecma/env.scm and strings.scm; each returns
# "" (no hit) or (detail, node to report, details).

READ_ADVICE = {
    SECRET_RULE: "Better Auth reads BETTER_AUTH_SECRET itself (betterAuth({ secret }) only to override)",
    PUBLISHABLE_RULE: "the client needs only the auth server's URL: createAuthClient({ baseURL })",
    WEBHOOK_RULE: "goes with the webhook route: handlers move to databaseHooks",
}


def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def _read_target(node):
    """The expression that reads the variable, for the finding's span."""
    parent = node.parent
    if node.type == "string_fragment" and parent is not None:
        up = parent.parent  # string -> subscript_expression | arguments
        if up is not None and up.type == "subscript_expression":
            return up
        if up is not None and up.type == "arguments" and up.parent is not None:
            return up.parent
        return parent
    if node.type in ("shorthand_property_identifier_pattern",):
        return node
    return parent if parent is not None else node


def js_env_read(node, catalog: Catalog):
    """`env.clerk-env-read`: process.env.X / import.meta.env.X / env.X / process.env["X"] /
    const { X } = process.env / import { X } from "$env/static/private" / Deno.env.get("X")."""
    name = _text(node)
    if not is_clerk_env_name(name, catalog):
        return ""
    code = classify(name, "", catalog, file_has_clerk=True)
    advice = READ_ADVICE.get(code) or _advice(unprefixed(name))
    return (f"{name}: {advice}", _read_target(node), (("variable", name), ("kind", code or "")))


# Secret-shaped literals: Clerk secret keys, Svix signing secrets, PEM private keys.
_SECRET_LITERAL = re.compile(
    r"\b(?P<sk>sk_(?:live|test)_)[A-Za-z0-9]{16,}|\b(?P<wh>whsec_)[A-Za-z0-9+/=]{16,}"
    r"|(?P<pem>-----BEGIN [A-Z ]*PRIVATE KEY-----)"
)
# Bytes every such literal contains (lower-cased): files without them skip the per-string test.
_SECRET_WORDS = (b"sk_live_", b"sk_test_", b"whsec_", b"private key-----")


def may_hold_secret_literal(lowered: bytes) -> bool:
    """Whether a file (its bytes, lower-cased) can hold a secret-shaped literal."""
    return any(word in lowered for word in _SECRET_WORDS)
# Names that say the literal belongs to another vendor that uses the same prefixes.
_OTHER_VENDOR = re.compile(r"stripe|resend|svix_app|lemon|paddle", re.IGNORECASE)


def _context_name(string_node) -> str:
    """The name the literal is bound to: object key, variable, assignment target, JSX attribute."""
    node = string_node
    for _ in range(4):
        parent = node.parent
        if parent is None:
            return ""
        if parent.type == "pair":
            return _text(parent.child_by_field_name("key")).strip("\"'`")
        if parent.type == "variable_declarator":
            return _text(parent.child_by_field_name("name"))
        if parent.type in ("assignment_expression", "augmented_assignment_expression"):
            return _text(parent.child_by_field_name("left"))
        if parent.type == "jsx_attribute":
            return _text(parent.named_children[0]) if parent.named_children else ""
        if parent.type in ("arguments", "call_expression", "new_expression"):
            call = parent if parent.type != "arguments" else parent.parent
            if call is None:
                return ""
            return _text(call.child_by_field_name("function") or call.child_by_field_name("constructor"))
        node = parent
    return ""


def js_secret_literal(node, catalog: Catalog):
    """`strings.secret-literal`: an sk_live_/sk_test_ key, whsec_ secret or PEM private key
    written into source, in a file that concerns Clerk (the JS analyzer only calls this for
    files that mention clerk or svix), unless its name says another vendor."""
    text = _text(node)
    if not _SECRET_LITERAL.search(text):
        return ""
    target = node.parent if node.parent is not None else node
    hit = next(secret_literals(text, _context_name(target)), None)
    return "" if hit is None else (hit[2], target, hit[3])


def secret_literals(text: str, name: str = ""):
    """(start, end, detail, details) of each secret-shaped literal in `text`, none when `name`
    (what the literal is bound to) says another vendor. Shared with deploy_env_analyzer."""
    if _OTHER_VENDOR.search(name):
        return
    for m in _SECRET_LITERAL.finditer(text):
        kind = "secret key" if m.group("sk") else "webhook signing secret" if m.group("wh") else "private key"
        shown = redact_value(m.group(0))
        where = f" in {name}" if name else ""
        yield m.start(), m.end(), f"{kind} {shown}{where}", (("kind", kind), ("value", shown), ("name", name))


ENV_READ_RULE = "CLK714"


def drop_nested_reads(findings: list[Finding]) -> list[Finding]:
    """Env reads that are part of a reported Clerk expression (`<ClerkProvider publishableKey=
    {import.meta.env.X}>`, `createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY })`,
    `app.use(clerkPlugin, { publishableKey: ... })`) go away with it, so only the reads that
    outlive the Clerk code (startup checks, env schemas, config modules) are reported. Part of
    means: inside another finding's span, or on the line where another finding starts."""
    containers = [f.location for f in findings if f.code != ENV_READ_RULE]
    if not containers:
        return findings

    def inside(loc, outer) -> bool:
        if loc.path != outer.path:
            return False
        if loc.line == outer.line:
            return True
        return ((outer.line, outer.column) <= (loc.line, loc.column)
                and (loc.end_line, loc.end_column) <= (outer.end_line, outer.end_column))

    return [f for f in findings
            if f.code != ENV_READ_RULE or not any(inside(f.location, outer) for outer in containers)]
