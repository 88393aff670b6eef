"""Build clerk_lint/data/clerk_resources.json: Clerk's client resource types and React hooks.

What it does
    Downloads the published npm tarballs pinned in CORES below (from the npm registry,
    integrity-checked), parses their ``.d.ts`` declarations with tree-sitter-typescript,
    resolves imports / re-exports / ``extends`` / type aliases across the packages, and writes
    one JSON file that answers "what type is ``<expr of type T>.<member>``, and is it a method".
    Only names, kinds and type names are kept: no doc comments, no parameter lists.

    Two Clerk generations are read and merged:
      core3  @clerk/shared 4.x (types in ``@clerk/shared/types``, hooks in ``@clerk/shared/react``),
             @clerk/react 6.x (plus ``/legacy`` and ``/experimental``), @clerk/expo 4.x
             (plus ``/legacy``, ``/apple``, ``/google``, ``/hosted-auth``, ``/local-credentials``).
      core2  @clerk/shared 3.x, @clerk/types (now a stub re-exporting ``@clerk/shared/types``),
             @clerk/clerk-react 5.x (plus ``/experimental``), @clerk/clerk-expo 2.x.

How to re-run
    . .venv/bin/activate
    python scripts/build_resources.py                  # pinned versions, rewrites the JSON
    python scripts/build_resources.py --check          # exit 1 if the JSON is not up to date
    python scripts/build_resources.py --version @clerk/shared@4.42.0 --version @clerk/react@6.19.0
    python scripts/build_resources.py --cache /tmp/clerk-tgz   # keep the tarballs between runs
    ``--version`` replaces the pin of the same package whose major version matches (so
    ``@clerk/shared@3.x`` moves the core2 pin, ``@clerk/shared@4.x`` the core3 one). The
    registry is https://registry.npmjs.org unless ``npm_config_registry`` says otherwise.
    Output is sorted and contains no timestamps: the same pins give the same bytes. Roots not
    found, duplicate declarations and member types that could not be evaluated go to stderr.

Output shape (all names are canonical declaration names, e.g. "UserResource")
    generated_from  {"core2": {pkg: version}, "core3": {pkg: version}}
    types[T]        kind         "interface" | "alias" | "inline" (an anonymous object type,
                                 named after where it appears: "SignInFutureResource.emailCode",
                                 "SignInFutureResource.create()" for a method's result,
                                 "useSSO()" for a hook's result)
                    extends      direct parents (members are already flattened into T)
                    alias_of     for ``type T = Other<...>``
                    type_params  for generic types; member types then mention them by name
                                 ({"type": "T"}) and a reference carries "args" to substitute
                    variants / discriminants / union_of   T is a union (the loaded / not-loaded
                                 states of a hook's result, SignedInSessionResource = Active |
                                 Pending): members are merged over the variants (one missing from
                                 a variant is "nullable"), the literal-typed members that tell the
                                 variants apart are listed, union_of names named variants
                    mapped       keys copied from another type, value types unknown
                    properties   {name: typeref (+ "getter", "from": declaring parent)}
                    methods      {name: {"returns": typeref, "async": true if it returned a
                                 Promise, "optional", "alias": named function type it was
                                 declared with, "from", "overloads": [typeref...] when overloads
                                 return different types, "type_params": {P: index of the
                                 argument that fixes P}}}
                    call         T itself is callable: {"returns": ..., "async": ...}
                    index        typeref of an index signature value
    typeref         {"type": name, "array": true ("tuple": true for [a, b]),
                     "nullable": true (null / undefined / optional),
                     "promise": true (only where a Promise is not a method's result),
                     "args": [typeref...], "enum": name in ``enums``, "values": [literals],
                     "of": [typeref...] when "type" is "union", "returns" when "type" is
                     "function", "unresolved": the utility type that could not be evaluated}
                    "type" is a key of ``types``, a primitive (string, number, boolean, void,
                    unknown, any, null, object, never), a type parameter of the enclosing generic,
                    or an external name kept as written (Date, URL, Blob, HTMLDivElement,
                    WebBrowser.WebBrowserAuthSessionResult, ...).
    entrypoints     {spec: ["core2", "core3"]}: the generations each hook entry point was read in.
    hooks[spec][h]  the hooks each entry point exports (re-exports included), as a method entry
                    ({"returns": ..., ...}); "from" names the package that declares it;
                    "overloads": [{"arg0": typeref, "returns": typeref}] when the result depends
                    on the argument (useEmailLink).
    enums[name]     the string literals of a named literal-union alias (SignInStatus, ...),
                    both generations' values together.
    Core differences: a member or type found in one generation only carries "core": 2 or 3
    (hooks too, under @clerk/shared/react, the one entry point read in both); where both have
    it but differ, the core3 value is kept and "core2" holds the core2 value (for a type: the
    differing top-level fields only).
    Names: one public name is one type. Bundles repeat declarations (core2's runtime chunk
    copies every type; ClerkAPIError is both an interface and a class): the first declaration
    reached wins.

What it does NOT cover
    * ``__internal_*`` members; the SDK-building hooks of @clerk/shared/react (``*Context``,
      ``useAssertWrappedByClerkProvider``, ``useDeepEqualMemo``, ...); parameter types (only
      result types are followed, so ``*Params``, ``*JSON``, snapshots are left out).
    * Conditional types are read as "either branch", Exclude/Extract as their first argument,
      template literals as string; ``infer``, ``keyof``-driven value types, ``ReturnType`` /
      ``Awaited`` of a type parameter come out as {"type": "unknown", "unresolved": ...}.
    * Mapped types are only understood as "same keys as X" (values unknown unless ``X[K]``).
    * Generic arguments that depend on call-site options (``useOrganization({memberships:
      {infinite: true}})``) are not evaluated; overload choice other than by the first
      argument's type is not recorded.
    * Older Core 2 releases: core2 is the last @clerk/shared 3.x; members an app on an older
      Core 2 release lacks (or had, like ``__experimental_*`` names since removed) are not listed.
    * Server-side APIs (backend client, ``auth()``): see clerk_surface.json for those.
    * Framework SDKs (@clerk/nextjs, @clerk/remix, ...) are not read: they re-export the hooks
      of @clerk/react (core3) / @clerk/clerk-react (core2).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import posixpath
import re
import sys
import tarfile
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter
import tree_sitter_typescript

CORES: dict[str, dict[str, str]] = {
    "core3": {
        "@clerk/shared": "4.41.0",
        "@clerk/react": "6.18.0",
        "@clerk/expo": "4.6.6",
    },
    "core2": {
        "@clerk/shared": "3.48.0",
        "@clerk/types": "4.101.28",
        "@clerk/clerk-react": "5.61.11",
        "@clerk/clerk-expo": "2.20.1",
    },
}
TYPES_ENTRY = "@clerk/shared/types"
HOOK_ENTRIES: dict[str, list[str]] = {
    "core3": [
        "@clerk/shared/react",
        "@clerk/react",
        "@clerk/react/legacy",
        "@clerk/react/experimental",
        "@clerk/expo",
        "@clerk/expo/legacy",
        "@clerk/expo/apple",
        "@clerk/expo/google",
        "@clerk/expo/hosted-auth",
        "@clerk/expo/local-credentials",
    ],
    "core2": [
        "@clerk/shared/react",
        "@clerk/clerk-react",
        "@clerk/clerk-react/experimental",
        "@clerk/clerk-expo",
        "@clerk/clerk-expo/local-credentials",
    ],
}
ROOT_TYPES = [
    "UserResource", "OrganizationResource", "SignInResource", "SignUpResource",
    "EmailAddressResource", "PhoneNumberResource", "Web3WalletResource",
    "ExternalAccountResource", "EnterpriseAccountResource", "PasskeyResource", "TOTPResource",
    "BackupCodeResource", "SessionResource", "ActiveSessionResource", "PendingSessionResource",
    "SignedInSessionResource", "SessionWithActivitiesResource", "ClientResource",
    "OrganizationMembershipResource", "OrganizationInvitationResource",
    "UserOrganizationInvitationResource", "OrganizationSuggestionResource",
    "OrganizationMembershipRequestResource", "OrganizationDomainResource",
    "ClerkPaginatedResponse", "LoadedClerk", "Clerk", "SignInFutureResource",
    "SignUpFutureResource", "VerificationResource",
    "IdentificationLinkResource", "PublicUserData", "ImageResource", "DeletedObjectResource",
    "RoleResource", "PermissionResource", "TokenResource", "WaitlistResource",
    "SessionVerificationResource",
]
HOOK_NAME = re.compile(r"^(__experimental_)?use[A-Z]")
# Exported by @clerk/shared/react as building blocks of the SDKs, not app-facing hooks.
INTERNAL_HOOK = re.compile(r"Context$|^(useAssertWrappedByClerkProvider|useDeepEqualMemo|"
                           r"useSafeLayoutEffect|usePortalRoot|useAttemptToEnableOrganizations)$")
OUT = Path(__file__).resolve().parent.parent / "clerk_lint" / "data" / "clerk_resources.json"
DEFAULT_REGISTRY = "https://registry.npmjs.org"
# Built-in generic helpers evaluated structurally (when not shadowed by a declaration).
PASS_THROUGH = {"Readonly", "Required", "Partial", "NoInfer"}
# Exclude<A, B> / Extract<A, B> are read as A: an over-approximation is what a resolver wants.
WIDEN_TO_FIRST = {"Exclude", "Extract"}
UNEVALUATED = {"Parameters", "ConstructorParameters", "InstanceType",
               "ThisParameterType", "OmitThisParameter", "Uppercase", "Lowercase",
               "Capitalize", "Uncapitalize"}

_LANG = tree_sitter.Language(tree_sitter_typescript.language_typescript())


# --------------------------------------------------------------------------- packages

def _registry() -> str:
    return os.environ.get("npm_config_registry", DEFAULT_REGISTRY).rstrip("/")


def fetch_tarball(name: str, version: str, cache: Path | None) -> bytes:
    fname = f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    meta_url = f"{_registry()}/{urllib.parse.quote(name, safe='@')}/{version}"
    with urllib.request.urlopen(meta_url, timeout=60) as resp:
        dist = json.load(resp)["dist"]
    data = None
    if cache and (cache / fname).exists():
        data = (cache / fname).read_bytes()
    if data is None or not _integrity_ok(data, dist):
        with urllib.request.urlopen(dist["tarball"], timeout=120) as resp:
            data = resp.read()
        if not _integrity_ok(data, dist):
            raise SystemExit(f"{name}@{version}: tarball does not match the registry's integrity")
        if cache:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / fname).write_bytes(data)
    return data


def _integrity_ok(data: bytes, dist: dict) -> bool:
    integrity = dist.get("integrity", "")
    if integrity.startswith("sha512-"):
        return base64.b64encode(hashlib.sha512(data).digest()).decode() == integrity[7:]
    return hashlib.sha1(data).hexdigest() == dist.get("shasum")


class Package:
    def __init__(self, name: str, version: str, data: bytes):
        self.name, self.version = name, version
        self.files: dict[str, str] = {}
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile() or "/" not in member.name:
                    continue
                path = member.name.split("/", 1)[1]
                if path == "package.json" or path.endswith((".d.ts", ".d.mts", ".d.cts")):
                    self.files[path] = tar.extractfile(member).read().decode("utf-8")
        self.manifest = json.loads(self.files["package.json"])

    def entry(self, subpath: str) -> str | None:
        """The declaration file for ``subpath`` ("." or "./react"), following ``exports``."""
        exports = self.manifest.get("exports")
        target = None
        if isinstance(exports, dict) and any(k.startswith(".") for k in exports):
            if subpath in exports:
                target = exports[subpath]
            else:
                for key in sorted(exports, key=len, reverse=True):
                    if "*" in key:
                        pre, post = key.split("*", 1)
                        if subpath.startswith(pre) and subpath.endswith(post) and len(subpath) >= len(pre) + len(post):
                            star = subpath[len(pre):len(subpath) - len(post)]
                            target = _replace_star(exports[key], star)
                            break
            found = _pick_types(target)
            if found:
                return self.file(found.lstrip("./") if found.startswith("./") else found)
            if subpath in exports or target is not None:
                return None
        if subpath == ".":
            for key in ("types", "typings"):
                if self.manifest.get(key):
                    return self.file(posixpath.normpath(self.manifest[key]))
            return self.file("index.d.ts")
        return self.file(posixpath.normpath(subpath))

    def file(self, path: str) -> str | None:
        path = posixpath.normpath(path)
        if path in self.files and path.endswith((".d.ts", ".d.mts", ".d.cts")):
            return path
        candidates = []
        for ext, first in ((".mjs", ".d.mts"), (".cjs", ".d.cts"), (".js", ".d.ts"),
                           (".mts", ".d.mts"), (".cts", ".d.cts"), (".ts", ".d.ts")):
            if path.endswith(ext) and not path.endswith((".d.ts", ".d.mts", ".d.cts")):
                stem = path[: -len(ext)]
                candidates += [stem + first, stem + ".d.ts", stem + ".d.cts", stem + ".d.mts"]
                break
        candidates += [path + ".d.ts", path + ".d.cts", path + ".d.mts",
                       path + "/index.d.ts", path + "/index.d.cts", path + "/index.d.mts"]
        return next((c for c in candidates if c in self.files), None)


def _replace_star(target, star: str):
    if isinstance(target, str):
        return target.replace("*", star)
    if isinstance(target, dict):
        return {k: _replace_star(v, star) for k, v in target.items()}
    return target


def _pick_types(target) -> str | None:
    if isinstance(target, str):
        if target.endswith((".d.ts", ".d.mts", ".d.cts")):
            return target
        return re.sub(r"\.(c|m)?js$", lambda m: f".d.{m.group(1) or ''}ts", target)
    if isinstance(target, dict):
        for cond in ("types", "require", "import", "node", "default"):
            if cond in target:
                found = _pick_types(target[cond])
                if found:
                    return found
    if isinstance(target, list):
        for item in target:
            found = _pick_types(item)
            if found:
                return found
    return None


# --------------------------------------------------------------------------- modules

@dataclass(frozen=True)
class Sym:
    pkg: str
    path: str
    name: str
    space: str  # "type" or "value"

    @property
    def canonical(self) -> str:
        return _plain(self.name)


def _plain(name: str) -> str:
    """Bundlers rename clashing declarations ``Name$1``: the public name is ``Name``."""
    return re.sub(r"\$\d+$", "", name)


@dataclass
class Module:
    pkg: str
    path: str
    src: bytes
    types: dict = field(default_factory=dict)    # local name -> [node]
    values: dict = field(default_factory=dict)   # local name -> [node]
    imports: dict = field(default_factory=dict)  # local name -> (spec, imported name | "*")
    exports: dict = field(default_factory=dict)  # exported -> ("local", name) | ("from", spec, name) | ("ns", spec)
    stars: list = field(default_factory=list)    # specs of ``export * from``

    def text(self, node) -> str:
        return self.src[node.start_byte:node.end_byte].decode("utf-8")


def _string_value(mod: Module, node) -> str:
    frag = next((c for c in node.named_children if c.type == "string_fragment"), None)
    return mod.text(frag) if frag is not None else ""


class Program:
    """All declaration files of one Clerk generation, with module and name resolution."""

    def __init__(self, packages: dict[str, Package]):
        self.packages = packages
        self.parser = tree_sitter.Parser(_LANG)
        self.modules: dict[tuple[str, str], Module] = {}
        self.globals: dict[str, list[tuple[Module, object]]] = {}
        for pkg in sorted(packages):
            for path in sorted(packages[pkg].files):
                if "declare global" in packages[pkg].files[path]:
                    self.module(pkg, path)

    # -- parsing
    def module(self, pkg: str, path: str) -> Module:
        key = (pkg, path)
        if key in self.modules:
            return self.modules[key]
        src = self.packages[pkg].files[path].encode("utf-8")
        mod = Module(pkg, path, src)
        self.modules[key] = mod
        tree = self.parser.parse(src)
        for stmt in tree.root_node.named_children:
            self._statement(mod, stmt, exported=False)
        return mod

    def _declare(self, mod: Module, node, exported: bool, into_globals: bool = False):
        kind = node.type
        names: list[tuple[str, str]] = []  # (name, space)
        if kind in ("interface_declaration", "type_alias_declaration"):
            names.append((mod.text(node.child_by_field_name("name")), "type"))
        elif kind in ("class_declaration", "abstract_class_declaration", "enum_declaration"):
            names += [(mod.text(node.child_by_field_name("name")), "type"),
                      (mod.text(node.child_by_field_name("name")), "value")]
        elif kind == "function_signature" or kind == "function_declaration":
            names.append((mod.text(node.child_by_field_name("name")), "value"))
        elif kind in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                if decl.type == "variable_declarator":
                    name = decl.child_by_field_name("name")
                    if name is not None and name.type == "identifier":
                        names.append((mod.text(name), "value"))
                        (mod.values.setdefault(mod.text(name), [])).append(decl)
                        if exported:
                            mod.exports[mod.text(name)] = ("local", mod.text(name))
            return
        for name, space in names:
            if into_globals and space == "type":
                self.globals.setdefault(name, []).append((mod, node))
                continue
            table = mod.types if space == "type" else mod.values
            table.setdefault(name, []).append(node)
            if exported:
                mod.exports[name] = ("local", name)

    def _statement(self, mod: Module, stmt, exported: bool):
        t = stmt.type
        if t == "import_statement":
            source = stmt.child_by_field_name("source")
            spec = _string_value(mod, source) if source is not None else ""
            clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
            if clause is None:
                return
            for part in clause.named_children:
                if part.type == "identifier":
                    mod.imports[mod.text(part)] = (spec, "default")
                elif part.type == "namespace_import":
                    ident = next(c for c in part.named_children if c.type == "identifier")
                    mod.imports[mod.text(ident)] = (spec, "*")
                elif part.type == "named_imports":
                    for s in part.named_children:
                        if s.type != "import_specifier":
                            continue
                        name = mod.text(s.child_by_field_name("name"))
                        alias = s.child_by_field_name("alias")
                        mod.imports[mod.text(alias) if alias is not None else name] = (spec, name)
        elif t == "export_statement":
            decl = stmt.child_by_field_name("declaration")
            source = stmt.child_by_field_name("source")
            spec = _string_value(mod, source) if source is not None else None
            if decl is not None:
                self._statement(mod, decl, exported=True)
                return
            clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
            if clause is not None:
                for s in clause.named_children:
                    if s.type != "export_specifier":
                        continue
                    name = mod.text(s.child_by_field_name("name"))
                    alias = s.child_by_field_name("alias")
                    exported_as = mod.text(alias) if alias is not None else name
                    mod.exports[exported_as] = ("from", spec, name) if spec else ("local", name)
                return
            ns = next((c for c in stmt.named_children if c.type == "namespace_export"), None)
            if ns is not None and spec:
                ident = next((c for c in ns.named_children if c.type in ("identifier", "string")), None)
                if ident is not None:
                    mod.exports[mod.text(ident)] = ("ns", spec)
                return
            if spec and any(c.type == "*" for c in stmt.children):
                mod.stars.append(spec)
        elif t == "ambient_declaration":
            for child in stmt.named_children:
                if child.type == "statement_block":  # declare global { ... }
                    for inner in child.named_children:
                        inner_decl = inner.child_by_field_name("declaration") if inner.type == "export_statement" else inner
                        if inner_decl is not None and inner_decl.type in ("interface_declaration", "type_alias_declaration"):
                            self._declare(mod, inner_decl, False, into_globals=True)
                else:
                    self._statement(mod, child, exported)
        elif t in ("interface_declaration", "type_alias_declaration", "class_declaration",
                   "abstract_class_declaration", "enum_declaration", "function_signature",
                   "function_declaration", "lexical_declaration", "variable_declaration"):
            self._declare(mod, stmt, exported)

    # -- resolution
    def resolve_spec(self, spec: str, mod: Module) -> Module | None:
        if spec.startswith("."):
            path = self.packages[mod.pkg].file(posixpath.join(posixpath.dirname(mod.path), spec))
            return self.module(mod.pkg, path) if path else None
        parts = spec.split("/")
        name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
        rest = parts[2:] if spec.startswith("@") else parts[1:]
        pkg = self.packages.get(name)
        if pkg is None:
            return None
        path = pkg.entry("./" + "/".join(rest) if rest else ".")
        return self.module(name, path) if path else None

    def entry_module(self, spec: str) -> Module | None:
        parts = spec.split("/")
        name = "/".join(parts[:2])
        if name not in self.packages:
            return None
        path = self.packages[name].entry("./" + "/".join(parts[2:]) if len(parts) > 2 else ".")
        return self.module(name, path) if path else None

    def local(self, mod: Module, name: str, space: str, seen=None) -> Sym | None:
        table = mod.types if space == "type" else mod.values
        if name in table:
            return Sym(mod.pkg, mod.path, name, space)
        if name in mod.imports:
            spec, imported = mod.imports[name]
            target = self.resolve_spec(spec, mod)
            if target is None or imported == "*":
                return None
            return self.exported(target, imported, space, seen)
        return None

    def exported(self, mod: Module, name: str, space: str, seen=None) -> Sym | None:
        seen = seen if seen is not None else set()
        key = (mod.pkg, mod.path, name, space)
        if key in seen:
            return None
        seen.add(key)
        how = mod.exports.get(name)
        if how is not None:
            if how[0] == "local":
                return self.local(mod, how[1], space, seen)
            if how[0] == "from":
                target = self.resolve_spec(how[1], mod)
                return self.exported(target, how[2], space, seen) if target else None
            return None
        for spec in mod.stars:
            target = self.resolve_spec(spec, mod)
            if target is not None:
                found = self.exported(target, name, space, seen)
                if found is not None:
                    return found
        return None

    def export_names(self, mod: Module, seen=None) -> list[str]:
        seen = seen if seen is not None else set()
        if (mod.pkg, mod.path) in seen:
            return []
        seen.add((mod.pkg, mod.path))
        names = list(mod.exports)
        for spec in mod.stars:
            target = self.resolve_spec(spec, mod)
            if target is not None:
                names += [n for n in self.export_names(target, seen) if n not in names and n != "default"]
        return names

    def namespace_member(self, mod: Module, ns: str, name: str) -> Sym | None:
        if ns in mod.imports and mod.imports[ns][1] == "*":
            target = self.resolve_spec(mod.imports[ns][0], mod)
            if target is not None:
                return self.exported(target, name, "type")
        return None


# --------------------------------------------------------------------------- type expressions
# Types are hashable tuples:
#   ("prim", name) ("lit", base, value) ("ref", Sym|None, name, args) ("tparam", name) ("this",)
#   ("array", t) ("tuple", ts) ("union", ts) ("inter", ts) ("fn", sigs) ("unknown", why)
#   ("obj", members, calls, index)  members: (name, kind, optional, t), kind prop|getter|method
#   ("sig", tparams, params, ret)   params: (name, t, optional)
#   ("keyof", t) ("lookup", t, key) ("mapped", var, source, value) ("typeof", Sym|None, name)
#   ("pick", t, keys, omit)

UNKNOWN = ("unknown", "")
UNDEF = ("prim", "undefined")
NEVER = ("prim", "never")


class Converter:
    def __init__(self, prog: Program):
        self.prog = prog
        self.decl_cache: dict[Sym, dict] = {}

    def conv(self, node, mod: Module, scope: frozenset) -> tuple:
        if node is None:
            return ("prim", "any")
        t = node.type
        if t in ("type_annotation", "parenthesized_type", "opting_type_annotation",
                 "omitting_type_annotation", "adding_type_annotation", "asserts_annotation",
                 "type_predicate_annotation", "default_type", "constraint"):
            inner = [c for c in node.named_children if c.type != "comment"]
            if len(inner) > 1 and inner[0].type == "ERROR" and "=>" in mod.text(inner[0]):
                # tree-sitter-typescript does not parse a destructured parameter in a function
                # type (``({ id }: { id: string }) => R``): what follows the error is R.
                ret = self.conv(inner[-1], mod, scope)
                return ("fn", (("sig", (), (("_", ("prim", "any"), False),), ret),))
            return self.conv(inner[0] if inner else None, mod, scope)
        if t == "predefined_type":
            return ("prim", mod.text(node))
        if t == "literal_type":
            child = node.named_children[0] if node.named_children else None
            if child is None:
                return UNKNOWN
            if child.type == "string":
                return ("lit", "string", _string_value(mod, child))
            if child.type in ("number", "unary_expression"):
                return ("lit", "number", mod.text(child))
            if child.type in ("true", "false"):
                return ("lit", "boolean", child.type)
            if child.type in ("null", "undefined"):
                return ("prim", child.type)
            return UNKNOWN
        if t in ("undefined", "null"):
            return ("prim", t)
        if t in ("type_identifier", "identifier"):
            name = mod.text(node)
            if _plain(name) in scope:
                return ("tparam", _plain(name))
            return self.ref(mod, name, ())
        if t == "nested_type_identifier":
            return self.nested(mod, node, ())
        if t == "generic_type":
            name_node = node.child_by_field_name("name")
            args_node = node.child_by_field_name("type_arguments")
            args = tuple(self.conv(a, mod, scope) for a in (args_node.named_children if args_node else [])
                         if a.type != "comment")
            if name_node.type == "nested_type_identifier":
                return self.nested(mod, name_node, args)
            return self.ref(mod, mod.text(name_node), args)
        if t == "array_type":
            return ("array", self.conv(node.named_children[0], mod, scope))
        if t == "readonly_type":
            return self.conv(node.named_children[0], mod, scope)
        if t == "tuple_type":
            items = []
            for c in node.named_children:
                if c.type in ("required_parameter", "optional_parameter", "rest_type", "optional_type"):
                    ann = c.child_by_field_name("type") or (c.named_children[-1] if c.named_children else None)
                    items.append(self.conv(ann, mod, scope))
                elif c.type != "comment":
                    items.append(self.conv(c, mod, scope))
            return ("tuple", tuple(items))
        if t in ("rest_type", "optional_type"):
            return self.conv(node.named_children[0], mod, scope)
        if t == "union_type":
            parts: list = []
            for c in node.named_children:
                if c.type == "comment":
                    continue
                sub = self.conv(c, mod, scope)
                parts += list(sub[1]) if sub[0] == "union" else [sub]
            return ("union", tuple(parts))
        if t == "intersection_type":
            parts = []
            for c in node.named_children:
                if c.type == "comment":
                    continue
                sub = self.conv(c, mod, scope)
                parts += list(sub[1]) if sub[0] == "inter" else [sub]
            return ("inter", tuple(parts))
        if t in ("object_type", "interface_body", "class_body"):
            return self.object_type(node, mod, scope)
        if t == "function_type":
            return ("fn", (self.sig(node, mod, scope),))
        if t == "type_query":
            target = node.named_children[0] if node.named_children else None
            if target is not None and target.type == "identifier":
                return ("typeof", self.prog.local(mod, mod.text(target), "value"), mod.text(target))
            return ("unknown", "typeof")
        if t == "index_type_query":
            return ("keyof", self.conv(node.named_children[0], mod, scope))
        if t == "lookup_type":
            kids = [c for c in node.named_children if c.type != "comment"]
            return ("lookup", self.conv(kids[0], mod, scope), self.conv(kids[1], mod, scope))
        if t == "conditional_type":  # read as either branch; ``infer`` variables stay unknown
            infer = set()
            stack = [node.child_by_field_name("right")]
            while stack:
                n = stack.pop()
                if n is None:
                    continue
                if n.type == "infer_type" and n.named_children:
                    infer.add(_plain(mod.text(n.named_children[0])))
                stack += n.named_children
            env = {name: ("unknown", "infer") for name in infer}
            inner = scope | infer
            return ("union", (subst(self.conv(node.child_by_field_name("consequence"), mod, inner), env),
                              subst(self.conv(node.child_by_field_name("alternative"), mod, inner), env)))
        if t == "template_literal_type":
            return ("prim", "string")
        if t == "this_type":
            return ("this",)
        if t == "type_predicate":
            return ("prim", "boolean")
        if t == "constructor_type":
            return ("unknown", "constructor")
        return ("unknown", t)

    def ref(self, mod: Module, name: str, args: tuple) -> tuple:
        return ("ref", self.prog.local(mod, name, "type") or self._global(name), name, args)

    def _global(self, name: str) -> Sym | None:
        found = self.prog.globals.get(name)
        if not found:
            return None
        mod, _node = found[0]
        return Sym(mod.pkg, mod.path, "global:" + name, "type")

    def nested(self, mod: Module, node, args: tuple) -> tuple:
        text = mod.text(node)
        ns, _, name = text.rpartition(".")
        sym = self.prog.namespace_member(mod, ns, name) if "." not in ns else None
        return ("ref", sym, text if sym is None else name, args)

    def object_type(self, node, mod: Module, scope: frozenset) -> tuple:
        members, calls, index = [], [], None
        for m in node.named_children:
            mt = m.type
            if mt in ("property_signature", "public_field_definition"):
                name = self._member_name(mod, m)
                if name is None:
                    continue
                optional = any(c.type == "?" for c in m.children)
                members.append((name, "prop", optional, self.conv(m.child_by_field_name("type"), mod, scope)))
            elif mt in ("method_signature", "method_definition", "abstract_method_signature"):
                name = self._member_name(mod, m)
                if name is None:
                    continue
                tokens = {c.type for c in m.children if not c.is_named}
                optional = "?" in tokens
                if "get" in tokens:
                    ret = m.child_by_field_name("return_type")
                    members.append((name, "getter", optional, self.conv(ret, mod, scope)))
                elif "set" in tokens:
                    continue
                else:
                    members.append((name, "method", optional, ("fn", (self.sig(m, mod, scope),))))
            elif mt == "call_signature":
                calls.append(self.sig(m, mod, scope))
            elif mt == "index_signature":
                clause = next((c for c in m.named_children if c.type == "mapped_type_clause"), None)
                value = m.child_by_field_name("type")
                if clause is not None:
                    var = _plain(mod.text(clause.child_by_field_name("name")))
                    source = self.conv(clause.child_by_field_name("type"), mod, scope)
                    return ("mapped", var, source, self.conv(value, mod, scope | {var}))
                index = self.conv(value, mod, scope)
        return ("obj", tuple(members), tuple(calls), index)

    @staticmethod
    def _member_name(mod: Module, m) -> str | None:
        name = m.child_by_field_name("name")
        if name is None:
            return None
        if name.type == "string":
            return _string_value(mod, name)
        if name.type in ("property_identifier", "identifier", "private_property_identifier", "number"):
            return mod.text(name)
        return None  # computed keys ([Symbol.iterator])

    def sig(self, node, mod: Module, scope: frozenset) -> tuple:
        tparams = self.tparams(node, mod, scope)
        inner = scope | {p for p, _ in tparams}
        params = []
        plist = node.child_by_field_name("parameters")
        for p in (plist.named_children if plist is not None else []):
            if p.type not in ("required_parameter", "optional_parameter"):
                continue
            pattern = p.child_by_field_name("pattern")
            pname = mod.text(pattern) if pattern is not None and pattern.type == "identifier" else "_"
            if pname == "this":
                continue
            params.append((pname, self.conv(p.child_by_field_name("type"), mod, inner),
                           p.type == "optional_parameter"))
        ret_node = node.child_by_field_name("return_type")
        ret = self.conv(ret_node, mod, inner) if ret_node is not None else ("prim", "void")
        return ("sig", tuple(p for p, _ in tparams), tuple(params), ret)

    def tparams(self, node, mod: Module, scope: frozenset) -> list[tuple[str, tuple | None]]:
        tp = node.child_by_field_name("type_parameters")
        out = []
        for p in (tp.named_children if tp is not None else []):
            if p.type != "type_parameter":
                continue
            name = _plain(mod.text(p.child_by_field_name("name")))
            default = p.child_by_field_name("value")
            names = scope | {n for n, _ in out} | {name}
            out.append((name, self.conv(default, mod, names) if default is not None else None))
        return out

    # -- declarations
    def decl(self, sym: Sym) -> dict:
        if sym in self.decl_cache:
            return self.decl_cache[sym]
        self.decl_cache[sym] = {"kind": "pending"}
        if sym.name.startswith("global:"):
            nodes = self.prog.globals[sym.name[7:]]
        else:
            mod = self.prog.module(sym.pkg, sym.path)
            table = mod.types if sym.space == "type" else mod.values
            nodes = [(mod, n) for n in table[sym.name]]
        info = self._decl(sym, nodes)
        self.decl_cache[sym] = info
        return info

    def _decl(self, sym: Sym, nodes) -> dict:
        if sym.space == "value":
            sigs, annotated = [], None
            for mod, n in nodes:
                if n.type in ("function_signature", "function_declaration"):
                    sigs.append(self.sig(n, mod, frozenset()))
                elif n.type == "variable_declarator":
                    annotated = self.conv(n.child_by_field_name("type"), mod, frozenset())
            return {"kind": "value", "type": ("fn", tuple(sigs)) if sigs else (annotated or UNKNOWN)}
        first_mod, first = nodes[0]
        if first.type == "type_alias_declaration":
            tparams = self.tparams(first, first_mod, frozenset())
            scope = frozenset(p for p, _ in tparams)
            return {"kind": "alias", "tparams": tparams,
                    "value": self.conv(first.child_by_field_name("value"), first_mod, scope)}
        if first.type == "enum_declaration":
            return {"kind": "enum"}
        info = {"kind": "interface", "tparams": [], "extends": [], "members": [], "calls": [], "index": None}
        for mod, n in nodes:
            if n.type not in ("interface_declaration", "class_declaration", "abstract_class_declaration"):
                continue
            tparams = self.tparams(n, mod, frozenset())
            if not info["tparams"]:
                info["tparams"] = tparams
            scope = frozenset(p for p, _ in info["tparams"])
            for c in n.named_children:
                if c.type == "extends_type_clause":
                    info["extends"] += [self.conv(x, mod, scope) for x in c.named_children if x.type != "comment"]
                elif c.type == "class_heritage":
                    for clause in c.named_children:
                        info["extends"] += [self.conv(x, mod, scope) for x in clause.named_children
                                            if x.type not in ("comment", "arguments")]
            body = n.child_by_field_name("body")
            if body is not None:
                obj = self.object_type(body, mod, scope)
                if obj[0] == "obj":
                    info["members"] += list(obj[1])
                    info["calls"] += list(obj[2])
                    info["index"] = info["index"] or obj[3]
        return info


def subst(t: tuple, env: dict) -> tuple:
    if not env:
        return t
    k = t[0]
    if k == "tparam":
        return env.get(t[1], t)
    if k in ("prim", "lit", "unknown", "this", "typeof"):
        return t
    if k == "ref":
        return ("ref", t[1], t[2], tuple(subst(a, env) for a in t[3]))
    if k in ("array", "keyof"):
        return (k, subst(t[1], env))
    if k in ("union", "inter", "tuple"):
        return (k, tuple(subst(x, env) for x in t[1]))
    if k == "fn":
        return ("fn", tuple(subst(s, env) for s in t[1]))
    if k == "sig":
        inner = {n: v for n, v in env.items() if n not in t[1]}
        return ("sig", t[1], tuple((n, subst(pt, inner), o) for n, pt, o in t[2]), subst(t[3], inner))
    if k == "obj":
        return ("obj", tuple((n, kind, o, subst(x, env)) for n, kind, o, x in t[1]),
                tuple(subst(s, env) for s in t[2]), subst(t[3], env) if t[3] else None)
    if k == "lookup":
        return ("lookup", subst(t[1], env), subst(t[2], env))
    if k == "mapped":
        inner = {n: v for n, v in env.items() if n != t[1]}
        return ("mapped", t[1], subst(t[2], env), subst(t[3], inner))
    if k == "pick":
        return ("pick", subst(t[1], env), t[2], t[3])
    return t


@dataclass
class Shape:
    members: dict = field(default_factory=dict)  # name -> (kind, optional, type, origin)
    calls: list = field(default_factory=list)
    index: tuple | None = None
    variants: int = 0
    discriminants: list = field(default_factory=list)
    mapped: bool = False
    extends: list = field(default_factory=list)
    union_of: list = field(default_factory=list)
    alias_of: str | None = None


class Evaluator(Converter):
    def __init__(self, prog: Program):
        super().__init__(prog)
        self.shape_cache: dict[tuple, Shape | None] = {}
        self.expand_cache: dict[tuple, tuple] = {}

    def bind(self, tparams, args) -> dict:
        env = {}
        for i, (name, default) in enumerate(tparams):
            if i < len(args):
                env[name] = args[i]
            elif default is not None:
                env[name] = subst(default, env)
            else:
                env[name] = UNKNOWN
        return env

    def expand(self, t: tuple, depth: int = 0) -> tuple:
        """Unfold aliases and the built-in helpers at the top of ``t``."""
        if depth > 40:
            return ("unknown", "recursive")
        if t in self.expand_cache:
            return self.expand_cache[t]
        out = self._expand(t, depth)
        self.expand_cache[t] = out
        return out

    def _expand(self, t: tuple, depth: int) -> tuple:
        k = t[0]
        if k == "ref":
            sym, name, args = t[1], t[2], t[3]
            if sym is None:
                if name in PASS_THROUGH and args:
                    return self.expand(args[0], depth + 1)
                if name == "NonNullable" and args:
                    inner = self.expand(args[0], depth + 1)
                    if inner[0] == "union":
                        return ("union", tuple(p for p in inner[1] if p not in (UNDEF, ("prim", "null"))))
                    return inner
                if name in ("Pick", "Omit") and len(args) == 2:
                    keys = self.literal_keys(args[1])
                    if keys is None:
                        return self.expand(args[0], depth + 1) if name == "Omit" else ("unknown", name)
                    return ("pick", args[0], tuple(sorted(keys)), name == "Omit")
                if name == "Awaited" and args:
                    inner = self.expand(args[0], depth + 1)
                    if inner[0] == "ref" and inner[2] == "Promise" and inner[3]:
                        return self.expand(inner[3][0], depth + 1)
                    return inner if inner[0] != "unknown" else ("unknown", "Awaited")
                if name == "ReturnType" and args:
                    inner = self.expand(args[0], depth + 1)
                    if inner[0] == "fn" and inner[1]:
                        return self.expand(inner[1][0][3], depth + 1)
                    return ("unknown", "ReturnType")
                if name == "Record" and len(args) == 2:
                    return ("obj", (), (), args[1])
                if name in WIDEN_TO_FIRST and args:
                    return self.expand(args[0], depth + 1)
                if name in UNEVALUATED:
                    return ("unknown", name)
                return t
            info = self.decl(sym)
            if info["kind"] == "alias":
                return self.expand(subst(info["value"], self.bind(info["tparams"], args)), depth + 1)
            if info["kind"] == "enum":
                return ("prim", "string")
            if info["kind"] == "pending":
                return ("unknown", "recursive")
            return t
        if k == "typeof":
            if t[1] is None:
                return ("unknown", "typeof")
            return self.expand(self.decl(t[1])["type"], depth + 1)
        if k == "keyof":
            return ("prim", "string")
        if k == "lookup":
            key = self.expand(t[2], depth + 1)
            shape = self.shape(t[1])
            if key[0] == "lit" and shape is not None and key[2] in shape.members:
                return self.expand(shape.members[key[2]][2], depth + 1)
            return ("unknown", "lookup")
        return t

    def literal_keys(self, t: tuple) -> set | None:
        t = self.expand(t)
        if t[0] == "lit":
            return {t[2]}
        if t[0] == "union":
            keys = set()
            for p in t[1]:
                sub = self.literal_keys(p)
                if sub is None:
                    return None
                keys |= sub
            return keys
        if t == ("prim", "never"):
            return set()
        return None

    def shape(self, t: tuple) -> Shape | None:
        """Members of an object-like type (None for primitives, externals, functions-only...)."""
        if t in self.shape_cache:
            return self.shape_cache[t]
        self.shape_cache[t] = None  # recursion guard
        out = self._shape(t)
        self.shape_cache[t] = out
        return out

    def _shape(self, t: tuple) -> Shape | None:
        x = self.expand(t)
        k = x[0]
        if k == "ref" and x[1] is not None:
            info = self.decl(x[1])
            if info["kind"] != "interface":
                return None
            env = self.bind(info["tparams"], x[3])
            shape = Shape()
            for ext in info["extends"]:
                parent = self.shape(subst(ext, env))
                pexp = self.expand(subst(ext, env))
                pname = pexp[1].canonical if pexp[0] == "ref" and pexp[1] is not None else None
                if pname:
                    shape.extends.append(pname)
                if parent is None:
                    continue
                for name, (kind, opt, mt, origin) in parent.members.items():
                    shape.members[name] = (kind, opt, mt, origin or pname)
                shape.calls += parent.calls
                shape.index = shape.index or parent.index
            own: dict = {}
            for name, kind, opt, mt in info["members"]:
                mt = subst(mt, env)
                if name in own and kind == "method" and own[name][0] == "method":  # overloads
                    prev = own[name]
                    own[name] = ("method", prev[1], ("fn", prev[2][1] + mt[1]), None)
                else:
                    own[name] = (kind, opt, mt, None)
            shape.members.update(own)
            shape.calls = [subst(s, env) for s in info["calls"]] + shape.calls
            shape.index = subst(info["index"], env) if info["index"] else shape.index
            return shape
        if k == "obj":
            shape = Shape(calls=list(x[2]), index=x[3])
            for name, kind, opt, mt in x[1]:
                if name in shape.members and kind == "method":
                    prev = shape.members[name]
                    shape.members[name] = ("method", prev[1], ("fn", prev[2][1] + mt[1]), None)
                else:
                    shape.members[name] = (kind, opt, mt, None)
            return shape
        if k == "fn":
            return Shape(calls=list(x[1]))
        if k == "inter":
            shape, any_part = Shape(), False
            for part in x[1]:
                sub = self.shape(part)
                if sub is None:
                    continue
                any_part = True
                shape.members.update(sub.members)
                shape.calls += sub.calls
                shape.index = shape.index or sub.index
                shape.mapped = shape.mapped or sub.mapped
            return shape if any_part else None
        if k == "union":
            parts = [p for p in x[1] if self.expand(p) not in (UNDEF, ("prim", "null"), NEVER)]
            subs = [self.shape(p) for p in parts]
            subs = [s for s in subs if s is not None]
            if not subs:
                return None
            if len(subs) == 1:
                return subs[0]
            shape = Shape(variants=len(subs))
            named = [self.expand(p) for p in parts]
            if all(n[0] == "ref" and n[1] is not None for n in named) and len(named) == len(subs):
                shape.union_of = [n[1].canonical for n in named]
            for sub in subs:
                for name, (kind, opt, mt, _origin) in sub.members.items():
                    if name in shape.members:
                        pk, popt, pmt, _ = shape.members[name]
                        merged = pmt if pmt == mt else ("union", (pmt, mt))
                        shape.members[name] = (pk if pk == kind else "prop", popt or opt, merged, None)
                    else:
                        shape.members[name] = (kind, opt, mt, None)
            for name in list(shape.members):
                if any(name not in s.members for s in subs):
                    kind, _opt, mt, origin = shape.members[name]
                    shape.members[name] = (kind, True, mt, origin)
            for name in shape.members:
                if all(name in s.members and self.is_literalish(s.members[name][2]) for s in subs):
                    shape.discriminants.append(name)
            return shape
        if k == "pick":
            base = self.shape(x[1])
            if base is None:
                return None
            keys, omit = set(x[2]), x[3]
            shape = Shape(calls=base.calls, index=base.index, mapped=base.mapped)
            shape.members = {n: m for n, m in base.members.items() if (n in keys) != omit}
            return shape
        if k == "mapped":
            source = x[2] if x[2][0] == "keyof" else self.expand(x[2])
            if source[0] == "keyof":
                base = self.shape(source[1])
                if base is None:
                    return None
                value = x[3]
                if value[0] == "lookup" and value[2] == ("tparam", x[1]) and value[1] == source[1]:
                    return base
                shape = Shape(mapped=True)
                shape.members = {n: (m[0] if m[0] != "method" else "prop", m[1], ("unknown", "mapped"), None)
                                 for n, m in base.members.items()}
                return shape
            keys = self.literal_keys(source)
            if keys is not None:
                shape = Shape()
                for key in sorted(keys):
                    shape.members[key] = ("prop", False, subst(x[3], {x[1]: ("lit", "string", key)}), None)
                return shape
            return None
        return None

    def is_literalish(self, t: tuple) -> bool:
        x = self.expand(t)
        if x[0] == "lit" or x in (UNDEF, ("prim", "null")):
            return True
        if x[0] == "union":
            return all(self.is_literalish(p) for p in x[1])
        return False


# --------------------------------------------------------------------------- emission

class Emitter:
    """Serializes one generation's types and hooks into JSON-ready dicts."""

    def __init__(self, prog: Program):
        self.prog = prog
        self.ev = Evaluator(prog)
        self.types: dict[str, dict] = {}
        self.claims: dict[str, object] = {}   # emitted name -> identity
        self.queue: list = []
        self.enums: dict[str, list] = {}
        self.unresolved: dict[str, str] = {}
        self.collisions: list[str] = []
        self.first_sym: dict[str, Sym] = {}
        self.duplicates: set[str] = set()

    # -- names
    def claim(self, name: str, identity, target: tuple, this: str | None, kind: str) -> str:
        if name in self.claims:
            if self.claims[name] == identity:
                return name
            for n in range(2, 100):
                alt = f"{name}#{n}"
                if self.claims.get(alt) == identity:
                    return alt
                if alt not in self.claims:
                    self.collisions.append(f"{alt} <- {identity}")
                    name = alt
                    break
        self.claims[name] = identity
        self.queue.append((name, target, this, kind))
        return name

    def named_ref(self, sym: Sym) -> str:
        name = sym.canonical[7:] if sym.canonical.startswith("global:") else sym.canonical
        first = self.first_sym.setdefault(name, sym)
        if first != sym and self.decl_text(first) != self.decl_text(sym):
            self.duplicates.add(f"{name}: {first.path} / {sym.path}")
        info = self.ev.decl(first)
        generic = ("ref", first, first.name, tuple(("tparam", p) for p, _ in info.get("tparams", [])))
        kind = "interface" if info["kind"] == "interface" else "alias"
        return self.claim(name, ("named", name), generic, None, kind)

    def decl_text(self, sym: Sym) -> str:
        """Bundles repeat declarations (core2's runtime chunk copies the types; a class and an
        interface may share a name): one public name is one type, the first one reached."""
        if sym.name.startswith("global:"):
            return sym.name
        mod = self.prog.module(sym.pkg, sym.path)
        nodes = (mod.types if sym.space == "type" else mod.values)[sym.name]
        return "\n".join(re.sub(r"\$\d+\b", "", mod.text(n)) for n in nodes)

    def run(self):
        while self.queue:
            name, target, this, kind = self.queue.pop(0)
            self.types[name] = self.entry(name, target, this or name, kind)

    # -- type entries
    def entry(self, name: str, target: tuple, this: str, kind: str) -> dict:
        out: dict = {"kind": kind}
        if target[0] == "ref" and target[1] is not None:
            info = self.ev.decl(target[1])
            if info.get("tparams"):
                out["type_params"] = [p for p, _ in info["tparams"]]
            if info["kind"] == "alias":
                value = self.ev.expand(target)
                if value[0] == "ref" and value[1] is not None:
                    out["alias_of"] = value[1].canonical
        shape = self.ev.shape(target)
        if shape is None:
            fn = self.ev.expand(target)
            if fn[0] == "fn" and fn[1]:
                out["call"] = self.callable(fn[1], f"{name}()", this)
            else:
                out["unresolved"] = True
                self.unresolved[name] = _why(fn)
            return out
        if shape.extends:
            out["extends"] = sorted(dict.fromkeys(shape.extends))
        if shape.variants:
            out["variants"] = shape.variants
            if shape.union_of:
                out["union_of"] = shape.union_of
            if shape.discriminants:
                out["discriminants"] = shape.discriminants
        if shape.mapped:
            out["mapped"] = True
        props, methods = {}, {}
        for mname, (mkind, optional, mt, origin) in shape.members.items():
            if mname.startswith("__internal_"):
                continue
            where = f"{name}.{mname}"
            origin = origin if origin != name else None
            method = None if mkind == "getter" else self.as_method(mt, where, this)
            if method is not None:
                self.note_unknown(where, method["returns"])
                if optional:
                    method["optional"] = True
                if origin:
                    method["from"] = origin
                methods[mname] = method
            else:
                ref = self.ser(mt, where, this)
                self.note_unknown(where, ref)
                if optional:
                    ref["nullable"] = True
                if mkind == "getter":
                    ref["getter"] = True
                if origin:
                    ref["from"] = origin
                props[mname] = ref
        if props:
            out["properties"] = props
        if methods:
            out["methods"] = methods
        if shape.calls:
            out["call"] = self.callable(shape.calls, f"{name}()", this)
        if shape.index is not None:
            out["index"] = self.ser(shape.index, f"{name}[]", this)
        return out

    def flat(self, t: tuple) -> list:
        """The alternatives of a union, nested anonymous unions flattened, ``never`` dropped."""
        x = self.ev.expand(t)
        if x[0] != "union":
            return [t]
        out = []
        for p in x[1]:
            px = self.ev.expand(p)
            if px == NEVER:
                continue
            named = p[0] == "ref" and p[1] is not None
            for q in (self.flat(p) if px[0] == "union" and not named else [p]):
                if q not in out:
                    out.append(q)
        return out

    def nullish(self, t: tuple) -> bool:
        return self.ev.expand(t) in (UNDEF, ("prim", "null"))

    def note_unknown(self, where: str, ref: dict):
        if ref.get("type") == "unknown" and ref.get("unresolved") not in (None, "", "mapped"):
            self.unresolved.setdefault(where, ref["unresolved"])

    def as_method(self, t: tuple, where: str, this: str) -> dict | None:
        """A method entry when ``t`` is callable (function type, alias of one, call-only interface)."""
        alias = None
        if t[0] == "ref" and t[1] is not None and self.ev.decl(t[1])["kind"] == "alias":
            alias = t[1].canonical
        x = self.ev.expand(t)
        optional = False
        if x[0] == "union":
            every = self.flat(t)
            parts = [p for p in every if not self.nullish(p)]
            optional = len(parts) < len(every)
            sigs = []
            for p in parts:
                s = self.sigs_of(p)
                if s is None:
                    return None
                sigs += [sig for sig in s if sig not in sigs]
            if len(parts) == 1 and parts[0][0] == "ref" and parts[0][1] is not None \
                    and self.ev.decl(parts[0][1])["kind"] == "alias":
                alias = parts[0][1].canonical
        else:
            sigs = self.sigs_of(x)
            if sigs is None:
                return None
            if x[0] == "ref" and x[1] is not None and alias is None:
                alias = x[1].canonical
        entry = self.callable(sigs, f"{where}()", this)
        if alias:
            entry["alias"] = alias
        if optional:
            entry["optional"] = True
        return entry

    def sigs_of(self, t: tuple) -> list | None:
        x = self.ev.expand(t)
        if x[0] == "fn":
            return list(x[1]) or None
        if x[0] == "ref" and x[1] is not None:
            shape = self.ev.shape(x)
            if shape is not None and shape.calls and not shape.members:
                return shape.calls
        return None

    def callable(self, sigs: list, where: str, this: str, with_arg0: bool = False) -> dict:
        rets = []
        for s in sigs:
            ref = self.ser(s[3], where, this)
            is_async = ref.pop("promise", False)
            rets.append((ref, is_async, s))
        ref, is_async, first = rets[0]
        entry: dict = {"returns": ref}
        if is_async:
            entry["async"] = True
        if first[1]:
            blob = json.dumps(ref)
            tps = {}
            for tp in first[1]:
                if f'"type": "{tp}"' in blob:
                    idx = next((i for i, (_n, pt, _o) in enumerate(first[2]) if pt == ("tparam", tp)), None)
                    tps[tp] = idx
            if tps:
                entry["type_params"] = tps
        distinct = []
        for r, a, s in rets:
            item = dict(r, **({"promise": True} if a else {}))
            if with_arg0:
                arg0 = self.ser(s[2][0][1], where, this) if s[2] else {"type": "void"}
                item = {"arg0": arg0, "returns": item}
            if item not in distinct:
                distinct.append(item)
        if len(distinct) > 1:
            entry["overloads"] = distinct
        return entry

    # -- typerefs
    def ser(self, t: tuple, where: str, this: str) -> dict:
        flags: dict = {}
        enum = None
        for _ in range(20):
            if t[0] == "ref" and t[1] is not None:
                info = self.ev.decl(t[1])
                if info["kind"] == "alias":
                    values = self.string_literals(t)
                    if values is not None and len(values) > 0:
                        enum = t[1].canonical
                        self.enums.setdefault(enum, sorted(values))
                        return {"type": "string", "enum": enum, **flags}
                    if self.is_objectish(t) and not self.is_array_or_promise(t):
                        return self.finish(self.ref_of(t, where, this), flags)
            x = self.ev.expand(t)
            k = x[0]
            if k == "union":
                every = self.flat(t)
                x = ("union", tuple(every))
                parts = [p for p in every if not self.nullish(p)]
                if len(parts) < len(every):
                    flags["nullable"] = True
                if ("prim", "void") in (self.ev.expand(p) for p in parts) and len(parts) > 1:
                    parts = [p for p in parts if self.ev.expand(p) != ("prim", "void")]
                    flags["nullable"] = True
                if not parts:
                    return {"type": "null", **flags} if x[1] else {"type": "never"}
                if len(parts) == 1:
                    t = parts[0]
                    continue
                anonymous = [p for p in parts if not (p[0] == "ref" and p[1] is not None)
                             and self.ev.expand(p)[0] in ("obj", "inter", "pick", "mapped")]
                if len(anonymous) >= 2:
                    synth = ("union", tuple(parts))
                    return self.finish({"type": self.claim(where, where, synth, this, "inline")}, flags)
                return self.finish(self.union(parts, where, this), flags)
            if k == "ref" and x[1] is None and x[2] == "Promise":
                flags["promise"] = True
                t = x[3][0] if x[3] else UNKNOWN
                continue
            if k == "ref" and x[1] is None and x[2] in ("Array", "ReadonlyArray"):
                flags["array"] = True
                t = x[3][0] if x[3] else UNKNOWN
                continue
            if k == "array":
                flags["array"] = True
                t = x[1]
                continue
            if k == "tuple":
                flags["array"] = True
                flags["tuple"] = True
                t = ("union", x[1]) if len(set(x[1])) > 1 else (x[1][0] if x[1] else UNKNOWN)
                continue
            return self.finish(self.head(x, where, this), flags)
        return {"type": "unknown", **flags}

    @staticmethod
    def finish(ref: dict, flags: dict) -> dict:
        out = dict(ref)
        for key, value in flags.items():
            out.setdefault(key, value)
        return out

    def head(self, x: tuple, where: str, this: str) -> dict:
        k = x[0]
        if k == "prim":
            return {"type": x[1]}
        if k == "lit":
            if x[1] == "string":
                return {"type": "string", "values": [x[2]]}
            return {"type": x[1]}
        if k == "tparam":
            return {"type": x[1]}
        if k == "this":
            return {"type": this}
        if k == "fn":
            entry = self.callable(list(x[1]), f"{where}()", this) if x[1] else {"returns": {"type": "unknown"}}
            return {"type": "function", **entry}
        if k == "ref":
            if x[1] is None:
                ref = {"type": x[2]}
                if x[3]:
                    ref["args"] = [self.ser(a, where, this) for a in x[3]]
                return ref
            if self.is_objectish(x):
                return self.ref_of(x, where, this)
            sigs = self.sigs_of(x)
            if sigs:
                return {"type": "function", **self.callable(sigs, f"{where}()", this)}
            return {"type": x[1].canonical}
        if k in ("obj", "inter", "pick", "mapped"):
            if self.ev.shape(x) is None:
                return {"type": "unknown", "unresolved": _why(x)}
            if k == "obj" and not x[1] and x[2] and x[3] is None:
                return {"type": "function", **self.callable(list(x[2]), f"{where}()", this)}
            return {"type": self.claim(where, where, x, this, "inline")}
        why = _why(x)
        return {"type": "unknown", "unresolved": why} if why else {"type": "unknown"}

    def ref_of(self, t: tuple, where: str, this: str) -> dict:
        name = self.named_ref(t[1])
        ref = {"type": name}
        info = self.ev.decl(t[1])
        if info.get("tparams"):
            args = list(t[3]) + [d if d is not None else UNKNOWN for _, d in info["tparams"][len(t[3]):]]
            ref["args"] = [self.ser(a, where, this) for a in args]
        return ref

    def union(self, parts: list, where: str, this: str) -> dict:
        refs: list[dict] = []
        nullable = False
        for p in parts:
            ref = self.ser(p, where, this)
            nullable = ref.pop("nullable", False) or nullable
            if ref.get("type") == "boolean" and {"type": "boolean"} in refs:
                continue
            refs.append(ref)
        strings = [r for r in refs if r["type"] == "string" and set(r) <= {"type", "values", "enum"}]
        if len(strings) > 1:
            plain = any("values" not in r and "enum" not in r for r in strings)
            values = sorted({v for r in strings for v in r.get("values", [])})
            merged = {"type": "string"} if plain or any("enum" in r for r in strings) else {"type": "string", "values": values}
            refs = [r for r in refs if r not in strings]
            refs.insert(0, merged)
        numbers = [r for r in refs if r == {"type": "number"}]
        if len(numbers) > 1:
            refs = [r for r in refs if r != {"type": "number"}] + [{"type": "number"}]
        unique: list[dict] = []
        for r in refs:
            if r not in unique:
                unique.append(r)
        if len(unique) > 1:  # an alternative that could not be read adds nothing
            unique = [r for r in unique if r.get("type") != "unknown"] or unique
        if len(unique) > 1:  # prefer real types over "same keys, unknown values" copies
            kept = [r for r in unique if not self.types.get(r["type"], {}).get("mapped")
                    and not self._mapped_pending(r["type"])]
            unique = kept or unique
        out = unique[0] if len(unique) == 1 else {"type": "union", "of": unique}
        return dict(out, nullable=True) if nullable else out

    def _mapped_pending(self, name: str) -> bool:
        for qname, target, _this, _kind in self.queue:
            if qname == name:
                shape = self.ev.shape(target)
                return bool(shape and shape.mapped)
        return False

    def string_literals(self, t: tuple) -> list | None:
        x = self.ev.expand(t)
        if x[0] == "lit" and x[1] == "string":
            return [x[2]]
        if x[0] == "union":
            out = []
            for p in x[1]:
                px = self.ev.expand(p)
                if px in (UNDEF, ("prim", "null")):
                    continue
                sub = self.string_literals(p)
                if sub is None:
                    return None
                out += sub
            return sorted(set(out))
        return None

    def is_objectish(self, t: tuple) -> bool:
        x = self.ev.expand(t)
        if x[0] == "fn":
            return False
        shape = self.ev.shape(x)
        if shape is None:
            return False
        return bool(shape.members or shape.index is not None or shape.variants
                    or (x[0] == "ref" and x[1] is not None and self.ev.decl(x[1])["kind"] == "interface"
                        and not (shape.calls and not shape.members)))

    def is_array_or_promise(self, t: tuple) -> bool:
        x = self.ev.expand(t)
        return x[0] in ("array", "tuple") or (x[0] == "ref" and x[1] is None and x[2] in ("Promise", "Array", "ReadonlyArray"))

    # -- roots
    def add_roots(self, names: list[str]) -> list[str]:
        mod = self.prog.entry_module(TYPES_ENTRY)
        missing = []
        for name in names:
            sym = self.prog.exported(mod, name, "type") if mod else None
            if sym is None:
                missing.append(name)
                continue
            self.named_ref(sym)
        self.run()
        return missing

    def hooks(self, spec: str) -> dict:
        mod = self.prog.entry_module(spec)
        if mod is None:
            return {}
        out = {}
        pkg = "/".join(spec.split("/")[:2])
        for name in sorted(self.prog.export_names(mod)):
            if not HOOK_NAME.match(name) or INTERNAL_HOOK.search(name):
                continue
            sym = self.prog.exported(mod, name, "value")
            if sym is None:
                continue
            value = self.ev.expand(self.ev.decl(sym)["type"])
            sigs = self.sigs_of(value)
            if not sigs:
                continue
            entry = self.callable(sigs, f"{name}()", f"{name}()", with_arg0=len(sigs) > 1)
            self.note_unknown(f"{spec}:{name}()", entry["returns"])
            if sym.pkg != pkg:
                entry["from"] = sym.pkg
            out[name] = entry
        self.run()
        return out


def _why(t: tuple) -> str:
    if t[0] == "unknown":
        return t[1]
    if t[0] == "ref":
        return t[2]
    return t[0]


# --------------------------------------------------------------------------- merging & output

def merge_member(c3: dict | None, c2: dict | None) -> dict:
    if c2 is None:
        return dict(c3, core=3)
    if c3 is None:
        return dict(c2, core=2)
    if c3 == c2:
        return c3
    return dict(c3, core2=c2)


def merge_type(c3: dict | None, c2: dict | None) -> dict:
    if c2 is None:
        return dict(c3, core=3)
    if c3 is None:
        return dict(c2, core=2)
    out: dict = {}
    diff: dict = {}
    for key in sorted(set(c3) | set(c2)):
        a, b = c3.get(key), c2.get(key)
        if key in ("properties", "methods"):
            members = {n: merge_member(a.get(n) if a else None, b.get(n) if b else None)
                       for n in sorted(set(a or {}) | set(b or {}))}
            out[key] = members
        elif a == b:
            out[key] = a
        else:
            if a is not None:
                out[key] = a
            diff[key] = b
    if diff:
        out["core2"] = diff
    return out


def _collect(obj, key: str, out: set):
    if isinstance(obj, dict):
        if isinstance(obj.get(key), str):
            out.add(obj[key])
        for value in obj.values():
            _collect(value, key, out)
    elif isinstance(obj, list):
        for value in obj:
            _collect(value, key, out)


def merge_dicts(c3: dict, c2: dict, fn) -> dict:
    return {k: fn(c3.get(k), c2.get(k)) for k in sorted(set(c3) | set(c2))}


def dumps(obj, level: int = 0) -> str:
    """Indented JSON with small leaves kept on one line (sorted keys, deterministic)."""
    flat = json.dumps(obj, sort_keys=True, ensure_ascii=False)
    if len(flat) + level <= 110 or not isinstance(obj, (dict, list)) or not obj:
        return flat
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(obj, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(obj[k], level + 1)}" for k in sorted(obj)]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    items = [f"{inner}{dumps(v, level + 1)}" for v in obj]
    return "[\n" + ",\n".join(items) + f"\n{pad}]"


def apply_overrides(overrides: list[str]) -> dict[str, dict[str, str]]:
    cores = {core: dict(pins) for core, pins in CORES.items()}
    for spec in overrides:
        name, _, version = spec.rpartition("@")
        if not name or not version:
            raise SystemExit(f"--version wants NAME@VERSION, got {spec!r}")
        major = version.split(".")[0]
        targets = [c for c, pins in cores.items() if name in pins and pins[name].split(".")[0] == major]
        if not targets:
            targets = [c for c, pins in cores.items() if name in pins]
        if len(targets) != 1:
            raise SystemExit(f"--version {spec}: cannot tell which generation it belongs to")
        cores[targets[0]][name] = version
    return cores


def build(cores: dict[str, dict[str, str]], cache: Path | None, log=print) -> dict:
    per_core = {}
    for core, pins in cores.items():
        packages = {name: Package(name, version, fetch_tarball(name, version, cache))
                    for name, version in sorted(pins.items())}
        em = Emitter(Program(packages))
        missing = em.add_roots(ROOT_TYPES)
        hooks = {spec: em.hooks(spec) for spec in HOOK_ENTRIES[core]}
        per_core[core] = (em, hooks)
        log(f"{core}: {len(em.types)} types, {sum(map(len, hooks.values()))} hook exports; "
            f"roots not found: {', '.join(missing) or 'none'}")
        for note in em.collisions:
            log(f"{core}: name collision {note}")
        for note in sorted(em.duplicates):
            log(f"{core}: two declarations of {note} (first kept)")
        for where, why in sorted(em.unresolved.items()):
            log(f"{core}: unresolved {where}: {why}")
    em3, hooks3 = per_core["core3"]
    em2, hooks2 = per_core["core2"]
    types = merge_dicts(em3.types, em2.types, merge_type)
    hooks = {spec: (merge_dicts(hooks3[spec], hooks2[spec], merge_member)
                    if spec in hooks3 and spec in hooks2 else hooks3.get(spec) or hooks2.get(spec))
             for spec in sorted(set(hooks3) | set(hooks2))}
    used: set = set()
    _collect(types, "enum", used)
    _collect(hooks, "enum", used)
    enums = {name: sorted(set(em3.enums.get(name, [])) | set(em2.enums.get(name, [])))
             for name in sorted(used)}
    return {
        "generated_from": {core: dict(sorted(pins.items())) for core, pins in sorted(cores.items())},
        "types": types,
        "entrypoints": {spec: [c for c in ("core2", "core3") if spec in HOOK_ENTRIES[c]]
                        for spec in sorted(set(hooks3) | set(hooks2))},
        "hooks": hooks,
        "enums": enums,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--version", action="append", default=[], metavar="NAME@VERSION",
                        help="override a pinned package version (repeatable)")
    parser.add_argument("--cache", type=Path, help="keep downloaded tarballs in this folder")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out is not up to date")
    args = parser.parse_args(argv)
    data = build(apply_overrides(args.version), args.cache, log=lambda m: print(m, file=sys.stderr))
    text = dumps(data) + "\n"
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: re-run scripts/build_resources.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode())} bytes, {len(data['types'])} types, "
          f"{sum(map(len, data['hooks'].values()))} hook exports)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
