"""The rule catalog: rules loaded from `rules/*.toml` plus the Clerk surface data.

This module only knows rules and Clerk's published API; it never looks at source.
"""
from __future__ import annotations

import fnmatch
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from ..findings import DIFFICULTIES, BetterAuth

DEFAULT_MODULES = ("@clerk/*",)
# Code-fence language for a rule's before/after, by its examples' language.
CODE_FENCES = {"py": "python", "js": "js", "jsx": "jsx", "ts": "ts", "tsx": "tsx", "vue": "vue", "astro": "astro"}
_CODE = re.compile(r"^CLK\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class CatalogError(Exception):
    pass


def chain_pattern(glob: str) -> re.Pattern:
    """Compile a chain glob. A leading `*` stands for any receiver (`*.users.*()` matches
    `createClerkClient().users.getUser()`); any other `*` stays within one member name, so
    `user.emailAddresses.map()` on a result does not match `*.users.*()`."""
    out = []
    for index, char in enumerate(glob):
        if char == "*":
            out.append(".*" if index == 0 else "[^.]*")
        elif char == "?":
            out.append("[^.]")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out))


@dataclass(frozen=True)
class RuleDocs:
    what: str
    why: str
    decide: str = ""
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class RuleExamples:
    lang: str = "tsx"
    invalid: tuple[str, ...] = ()
    valid: tuple[str, ...] = ()
    # For rules that depend on the project: the package.json written next to each snippet,
    # and the snippet's path in that package (e.g. "src/pages/api/me.ts"); "" for defaults.
    package_json: str = ""
    file: str = ""
    # Other modules of the snippet's project (path -> source), for cross-file rules (CLK006);
    # like package_json, only the snippet's own findings count.
    files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    title: str
    category: str
    difficulty: str
    effort_hours: float
    message: str
    better_auth: BetterAuth
    docs: RuleDocs
    examples: RuleExamples
    modules: tuple[str, ...] = DEFAULT_MODULES
    symbols: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    chains: tuple[str, ...] = ()
    arg_keys: tuple[str, ...] = ()
    query: str = ""
    # Typed value flow (concepts/clerk_resources): globs over "Type.member" of Clerk's client
    # types, matched where the member is called ("call") or handed on uncalled ("reference").
    members: tuple[str, ...] = ()
    member_use: str = "call"
    # Chain rules on a call's result that yield to the call's own finding when the call is
    # read in place (`getAuth(req).userId` is the getAuth finding; `const a = getAuth(req)`
    # then `a.userId` is this rule's).
    after_binding: bool = False
    # Informational rules (what a rename would touch, not migration work), named by the title of
    # their own group in the text report ("carries Clerk ids"); outside --fail-on unless
    # --fail-on-informational. Their difficulty is trivial, so their SARIF level is `note`.
    informational: str = ""
    source_file: str = ""

    def applies_to_module(self, module: str) -> bool:
        return any(fnmatch.fnmatchcase(module, pattern) for pattern in self.modules)

    def format_message(self, **values: str) -> str:
        try:
            return self.message.format(**values)
        except (KeyError, IndexError):
            return self.message

    def help_markdown(self) -> str:
        """The rule's docs in the fixed shape used by `explain` and SARIF help."""
        d = self.docs
        fence = CODE_FENCES.get(self.examples.lang, self.examples.lang)
        parts = [
            f"## {self.code} {self.name}",
            f"{self.title}",
            f"**Category:** {self.category} · **Difficulty:** {self.difficulty} · "
            f"**Effort:** {self.effort_hours:g} h for the first use",
            "### What it finds",
            d.what.strip(),
            "### Why it matters for the migration",
            d.why.strip(),
            "### Better Auth replacement",
            f"`{self.better_auth.api}`" + (f"  \n`{self.better_auth.import_}`" if self.better_auth.import_ else ""),
        ]
        if d.decide.strip():
            parts += ["### What you must decide", d.decide.strip()]
        if d.before.strip():
            parts += ["### Before (Clerk)", f"```{fence}\n{d.before.strip()}\n```"]
        if d.after.strip():
            parts += ["### After (Better Auth)", f"```{fence}\n{d.after.strip()}\n```"]
        return "\n\n".join(parts) + "\n"


def _tuple(value, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


_RULE_KEYS = {
    "code", "name", "title", "category", "difficulty", "effort_hours", "message", "modules",
    "symbols", "kinds", "chains", "arg_keys", "query", "better_auth", "docs", "examples",
    "members", "member_use", "after_binding", "informational",
}


def _member_use(value, where: str) -> str:
    if value not in ("call", "reference"):
        raise CatalogError(f"{where}: member_use must be 'call' or 'reference'")
    return value


def _rule_from_table(table: dict, source_file: str) -> Rule:
    where = f"{source_file}: rule {table.get('code', '?')}"
    unknown = set(table) - _RULE_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("code", "name", "title", "category", "difficulty", "effort_hours", "message"):
        if key not in table:
            raise CatalogError(f"{where}: missing '{key}'")
    if not _CODE.match(table["code"]):
        raise CatalogError(f"{where}: code must look like CLK123")
    if not _NAME.match(table["name"]):
        raise CatalogError(f"{where}: name must be kebab-case")
    if table["difficulty"] not in DIFFICULTIES:
        raise CatalogError(f"{where}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    ba = table.get("better_auth", {})
    docs = table.get("docs", {})
    ex = table.get("examples", {})
    if "api" not in ba:
        raise CatalogError(f"{where}: better_auth.api is required")
    if "what" not in docs or "why" not in docs:
        raise CatalogError(f"{where}: docs.what and docs.why are required")
    return Rule(
        code=table["code"],
        name=table["name"],
        title=table["title"],
        category=table["category"],
        difficulty=table["difficulty"],
        effort_hours=float(table["effort_hours"]),
        message=table["message"],
        better_auth=BetterAuth(api=ba["api"], import_=ba.get("import", "")),
        docs=RuleDocs(
            what=docs["what"], why=docs["why"], decide=docs.get("decide", ""),
            before=docs.get("before", ""), after=docs.get("after", ""),
        ),
        examples=RuleExamples(
            lang=ex.get("lang", "tsx"),
            invalid=_tuple(ex.get("invalid"), "invalid", where),
            valid=_tuple(ex.get("valid"), "valid", where),
            package_json=ex.get("package_json", ""),
            file=ex.get("file", ""),
            files=tuple(sorted((str(k), str(v)) for k, v in (ex.get("files") or {}).items())),
        ),
        modules=_tuple(table.get("modules"), "modules", where) or DEFAULT_MODULES,
        symbols=_tuple(table.get("symbols"), "symbols", where),
        kinds=_tuple(table.get("kinds"), "kinds", where),
        chains=_tuple(table.get("chains"), "chains", where),
        arg_keys=_tuple(table.get("arg_keys"), "arg_keys", where),
        query=table.get("query", ""),
        members=_tuple(table.get("members"), "members", where),
        member_use=_member_use(table.get("member_use", "call"), where),
        after_binding=bool(table.get("after_binding", False)),
        informational=str(table.get("informational", "")),
        source_file=source_file,
    )


@dataclass(frozen=True)
class ExportInfo:
    kind: str
    deprecated: bool = False
    removed_stub: bool = False
    legacy: str = ""  # the older major that still had it, when the current one does not


class Catalog:
    """Rules by code plus lookups over Clerk's published exports."""

    def __init__(self, rules: Iterable[Rule], surface: dict):
        self.rules: list[Rule] = sorted(rules, key=lambda r: r.code)
        self.by_code = {r.code: r for r in self.rules}
        if len(self.by_code) != len(self.rules):
            seen: set[str] = set()
            dupes = [r.code for r in self.rules if r.code in seen or seen.add(r.code)]
            raise CatalogError(f"duplicate rule code(s): {', '.join(dupes)}")
        self.surface = surface
        # Rules narrowed by argument keys (has({ plan })) win over the general ones (has()).
        self._chain_rules = sorted((r for r in self.rules if r.chains), key=lambda r: (not r.arg_keys, r.code))
        self._chain_patterns = {r.code: [chain_pattern(p) for p in r.chains] for r in self._chain_rules}
        self._symbol_rules = [r for r in self.rules if r.symbols]
        self._kind_rules = [r for r in self.rules if r.kinds]
        self._member_rules = [r for r in self.rules if r.members]
        self._member_memo: dict[tuple[str, str, str], Optional[Rule]] = {}
        # Query-driven rules by query purpose ("strings" of "strings.clerk-domain"), in code order.
        self.query_rules: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.query:
                self.query_rules.setdefault(rule.query.split(".", 1)[0], []).append(rule)
        self.webhook_events = frozenset(surface.get("webhook_events", ()))
        self.env_vars = frozenset(surface.get("env_vars", ()))
        self.type_names = frozenset(surface.get("type_names", ()))
        self._module_rules: dict[str, tuple[list[Rule], list[Rule], list[Rule]]] = {}
        self._chain_memo: dict[tuple[str, str, frozenset[str]], Optional[Rule]] = {}

    # -- Clerk surface -------------------------------------------------------------

    def export_info(self, module: str, name: str) -> Optional[ExportInfo]:
        for table, legacy in ((self.surface["entrypoints"], False), (self.surface["legacy"], True)):
            entry = table.get(module, {}).get(name)
            if entry:
                kind, *flags = entry
                legacy_version = next((f.split(":", 1)[1] for f in flags if f.startswith("legacy:")), "")
                return ExportInfo(kind, "deprecated" in flags, "removed_stub" in flags, legacy_version)
        return None

    def guess_kind(self, module: str, name: str) -> str:
        info = self.export_info(module, name)
        if info:
            return info.kind
        if name in self.type_names:
            return "type"
        if re.match(r"^use[A-Z]", name):
            return "hook"
        if name[:1].isupper():
            return "component"
        return "function"

    # -- rule lookup ---------------------------------------------------------------

    def _for_module(self, module: str) -> tuple[list[Rule], list[Rule], list[Rule]]:
        """The (chain, symbol, kind) rules whose `modules` globs match `module`, in their
        usual order; memoised, as the catalog never changes and lookups are per use."""
        found = self._module_rules.get(module)
        if found is None:
            found = tuple([r for r in rules if r.applies_to_module(module)]
                          for rules in (self._chain_rules, self._symbol_rules, self._kind_rules))
            self._module_rules[module] = found
        return found

    def rule_for_chain(self, module: str, chain: str, arg_keys: frozenset[str]) -> Optional[Rule]:
        key = (module, chain, arg_keys)
        if key not in self._chain_memo:
            self._chain_memo[key] = self._rule_for_chain(module, chain, arg_keys)
        return self._chain_memo[key]

    def _rule_for_chain(self, module: str, chain: str, arg_keys: frozenset[str]) -> Optional[Rule]:
        for rule in self._for_module(module)[0]:
            if rule.arg_keys and not (arg_keys & set(rule.arg_keys)):
                continue
            if any(pattern.fullmatch(chain) for pattern in self._chain_patterns[rule.code]):
                return rule
        return None

    def rule_for_export(self, module: str, name: str) -> Optional[Rule]:
        candidates = self._for_module(module)[1]
        for rule in candidates:
            if name in rule.symbols:
                return rule
        for rule in candidates:
            if any(fnmatch.fnmatchcase(name, s) for s in rule.symbols if any(c in s for c in "*?[")):
                return rule
        kind = self.guess_kind(module, name)
        for rule in self._for_module(module)[2]:
            if kind in rule.kinds:
                return rule
        return None

    def rule_for_member(self, module: str, owner: str, member: str, use: str = "call") -> Optional[Rule]:
        """The rule for Clerk type `owner`'s `member` called (or handed on) in code, if any."""
        key = (module, f"{owner}.{member}", use)
        if key not in self._member_memo:
            self._member_memo[key] = next(
                (r for r in self._member_rules if r.member_use == use and r.applies_to_module(module)
                 and any(fnmatch.fnmatchcase(key[1], glob) for glob in r.members)), None)
        return self._member_memo[key]

    def rule(self, code: str) -> Rule:
        return self.by_code[code]


def _load_rules() -> list[Rule]:
    rules: list[Rule] = []
    folder = resources.files("clerk_lint") / "rules"
    for path in sorted(folder.iterdir(), key=lambda p: p.name):  # every rules/*.toml
        name = path.name
        if not name.endswith(".toml"):
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{name}: {exc}") from exc
        for table in data.get("rule", []):
            rules.append(_rule_from_table(table, name))
    return rules


def _load_surface() -> dict:
    return json.loads((resources.files("clerk_lint") / "data" / "clerk_surface.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    return Catalog(_load_rules(), _load_surface())


# Modules whose import means the file depends on Clerk: Clerk's own SDKs, the community
# bindings people run, and svix (Clerk's webhook signature library).
CLERK_MODULE_PREFIXES = ("@clerk/",)
CLERK_MODULES = frozenset({"svix", "@hono/clerk-auth", "h3-clerk", "vue-clerk", "svelte-clerk", "convex/react-clerk"})


def is_clerk_module(specifier: str) -> bool:
    if specifier.startswith(CLERK_MODULE_PREFIXES) or specifier in CLERK_MODULES:
        return True
    return any(specifier.startswith(module + "/") for module in CLERK_MODULES)  # vue-clerk/server


# Where each Clerk webhook event's handler goes in Better Auth (clerk-to-better-auth mapping).
# The draft reads the `databaseHooks.<model>.<op>.after` and `organizationHooks.<hook>` forms.
WEBHOOK_HOOKS = {
    "user.created": "databaseHooks.user.create.after",
    "user.updated": "databaseHooks.user.update.after",
    "user.deleted": "databaseHooks.user.delete.after",
    "session.created": "databaseHooks.session.create.after",
    "session.ended": "databaseHooks.session.delete.after",
    "session.removed": "databaseHooks.session.delete.after",
    "session.revoked": "databaseHooks.session.delete.after",
    "organization.created": "organizationHooks.afterCreateOrganization",
    "organization.updated": "organizationHooks.afterUpdateOrganization",
    "organization.deleted": "organizationHooks.afterDeleteOrganization",
    "organizationMembership.created": "organizationHooks.afterAddMember",
    "organizationMembership.updated": "organizationHooks.afterUpdateMemberRole",
    "organizationMembership.deleted": "organizationHooks.afterRemoveMember",
    "organizationInvitation.created": "organizationHooks.afterCreateInvitation",
    "organizationInvitation.accepted": "organizationHooks.afterAcceptInvitation",
    "organizationInvitation.revoked": "organizationHooks.afterCancelInvitation",
}
_WEBHOOK_HOOK_PREFIXES = (
    ("session.", "databaseHooks.session.delete.after"),
    ("email.", "your own email sender (sendVerificationEmail, sendResetPassword, magicLink sendMagicLink ...)"),
    ("sms.", "your own SMS sender (phoneNumber sendOTP, twoFactor otpOptions.sendOTP)"),
    ("subscription", "@better-auth/stripe subscription hooks (onSubscriptionComplete / onSubscriptionUpdate / onEvent)"),
    ("paymentAttempt.", "@better-auth/stripe onEvent"),
    ("waitlistEntry.", "no counterpart: your own waitlist table"),
    ("organizationDomain.", "no counterpart: your own domain verification"),
    ("role.", "access control in code (createAccessControl): roles are not events"),
    ("permission.", "access control in code (createAccessControl): permissions are not events"),
)


def webhook_hook(event: str) -> str:
    """The Better Auth hook that takes over a Clerk webhook event's handler."""
    if event in WEBHOOK_HOOKS:
        return WEBHOOK_HOOKS[event]
    for prefix, target in _WEBHOOK_HOOK_PREFIXES:
        if event.startswith(prefix):
            return target
    return "a Better Auth hook (databaseHooks / hooks.after)"
