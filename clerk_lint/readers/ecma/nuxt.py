"""Nuxt's auto-imports: whether a project's nuxt.config lists @clerk/nuxt, and the project's own
components and composables that shadow Clerk's. Asked by the ECMAScript reader (`.ts` / `.js`
composables, route middleware, plugins, server handlers) and by the SFC reader (`.vue`)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Union

from ...concepts.catalog import Catalog


def camelize(name: str) -> str:
    """kebab-case -> camelCase (`base-button` -> `baseButton`)."""
    return re.sub(r"-(\w)", lambda m: m.group(1).upper(), name)


@dataclass(frozen=True)
class NuxtClerk:
    root: str  # folder of nuxt.config.*
    components_module: str
    composables_module: str
    components: frozenset[str]  # Clerk component names the module registers
    composables: frozenset[str]
    local_components: frozenset[str]  # the project's own components (they win over Clerk's)
    local_composables: frozenset[str]


# Control components of @clerk/nuxt 1.x / 2.x (Core 2); Core 3 replaced them with <Show>, so the
# current surface no longer lists them, but projects on those majors still render them.
NUXT_CORE2_COMPONENTS = frozenset({"SignedIn", "SignedOut", "Protect"})
NUXT_CONFIGS = ("nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs", "nuxt.config.mts", "nuxt.config.cjs")
# Nuxt modules that auto-import Clerk's components and composables, and where their names live.
NUXT_MODULES = {
    "@clerk/nuxt": ("@clerk/nuxt/components", "@clerk/nuxt/composables"),
    "vue-clerk/nuxt": ("vue-clerk", "vue-clerk"),
}


def _config_modules(data: bytes) -> set[str]:
    """Module names listed in `modules: [...]` of a Nuxt config (strings, `[name, options]`
    pairs, or identifiers bound to a default import)."""
    # Imported here: the scan's prefilter asks this module about every .ts file, and a run over
    # files without Clerk must not load tree-sitter.
    from .imports import find_imports
    from .records import DEFAULT, NAMESPACE, named_descendants, text
    from .parse import parse

    lang = "typescript"
    root = parse(data, lang).root_node
    imported = {text(n.local): d.source for d in find_imports(lang, root) for n in d.names
                if n.local is not None and n.imported in (DEFAULT, NAMESPACE)}
    found: set[str] = set()
    for node in named_descendants(root):
        if node.type != "pair":
            continue
        key = node.child_by_field_name("key")
        value = node.child_by_field_name("value")
        if key is None or value is None or text(key).strip("\"'") != "modules" or value.type != "array":
            continue
        for item in value.named_children:
            if item.type == "array" and item.named_children:
                item = item.named_children[0]
            if item.type == "string":
                found.add(text(item)[1:-1])
            elif item.type == "identifier" and text(item) in imported:
                found.add(imported[text(item)])
    return found


def _stems(folder: Path, suffixes: tuple[str, ...], limit: int = 5000) -> frozenset[str]:
    """File stems under `folder` (recursively) with one of `suffixes`; Nuxt also names nested
    components by their path (`components/base/Button.vue` -> `BaseButton`)."""
    out: set[str] = set()
    if not folder.is_dir():
        return frozenset()
    count = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".nuxt", ".output")]
        prefix = "".join(p[:1].upper() + camelize(p)[1:] for p in Path(dirpath).relative_to(folder).parts)
        for name in filenames:
            stem, dot, suffix = name.rpartition(".")
            if not dot or "." + suffix not in suffixes:
                continue
            stem = stem.split(".")[0]  # Comp.client.vue, Comp.server.vue
            pascal = stem[:1].upper() + camelize(stem)[1:]
            out.update({stem, pascal, prefix + pascal})
            count += 1
            if count >= limit:
                return frozenset(out)
    return frozenset(out)


def _surface_names(catalog: Catalog, module: str, kind: str) -> frozenset[str]:
    entries = catalog.surface.get("entrypoints", {}).get(module, {})
    return frozenset(name for name, entry in entries.items() if entry and entry[0] == kind)


@lru_cache(maxsize=256)
def _nuxt_config_in(folder: str) -> tuple[Optional[str], bool]:
    """(path of the Nuxt config in `folder` or None, whether the walk stops here)."""
    for name in NUXT_CONFIGS:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path, True
    stop = os.path.isfile(os.path.join(folder, "package.json")) or os.path.isdir(os.path.join(folder, ".git"))
    return None, stop


@lru_cache(maxsize=64)
def _nuxt_project(config_path: str, mtime_ns: int) -> Optional[tuple[str, str, str]]:
    """(root, components module, composables module) when the config enables a Clerk module."""
    try:
        with open(config_path, "rb") as fh:
            data = fh.read(1_000_000)
    except OSError:
        return None
    modules = _config_modules(data)
    for name, (components, composables) in NUXT_MODULES.items():
        if name in modules:
            return os.path.dirname(config_path), components, composables
    return None


@lru_cache(maxsize=64)
def _local_names(root: str) -> tuple[frozenset[str], frozenset[str]]:
    base = Path(root)
    components = _stems(base / "components", (".vue", ".ts", ".tsx", ".js", ".jsx")) | \
        _stems(base / "app" / "components", (".vue", ".ts", ".tsx", ".js", ".jsx"))
    code = (".ts", ".js", ".mts", ".mjs")
    composables = frozenset().union(*(_stems(base / d, code) for d in
                                      ("composables", "utils", "app/composables", "app/utils")))
    return components, composables


def _clerk_project(path: Union[str, os.PathLike], max_levels: int = 40) -> Optional[tuple[str, str, str]]:
    """(root, components module, composables module) of the Nuxt app with a Clerk module that
    the file at `path` belongs to, or None."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(max_levels):
        config, stop = _nuxt_config_in(folder)
        if config is not None:
            try:
                mtime = os.stat(config).st_mtime_ns
            except OSError:
                return None
            return _nuxt_project(config, mtime)
        parent = os.path.dirname(folder)
        if stop or parent == folder:
            return None
        folder = parent
    return None


def nuxt_clerk_for(path: Path, catalog: Catalog, max_levels: int = 40) -> Optional[NuxtClerk]:
    """The Clerk Nuxt setup that applies to the file at `path`, or None."""
    found = _clerk_project(path, max_levels)
    if found is None:
        return None
    root, components_module, composables_module = found
    local_components, local_composables = _local_names(root)
    return NuxtClerk(
        root=root, components_module=components_module, composables_module=composables_module,
        components=_surface_names(catalog, "@clerk/nuxt/components", "component") | NUXT_CORE2_COMPONENTS,
        composables=_surface_names(catalog, "@clerk/nuxt/composables", "hook"),
        local_components=local_components, local_composables=local_composables,
    )


def clear_caches() -> None:
    """Forget the Nuxt configs and project folders read so far (long-running processes)."""
    for fn in (_nuxt_config_in, _nuxt_project, _local_names):
        fn.cache_clear()


# Server code (Nitro: the `server/` folder of a Nuxt app) gets Clerk's server helper, app code
# the composables; a name the file imports or declares itself is its own.
NUXT_SERVER_NAMES = ("clerkClient",)
# @clerk/nuxt also auto-imports its route matcher (app route middleware and server code).
NUXT_HELPERS = ("createRouteMatcher",)
# Byte test before any folder is looked at: a call of a Clerk composable (the Vue SDK's `use*`
# names; nuxt_clerk_for narrows them to the SDK's own list) or of the server helper.
_MAY_USE = re.compile(rb"\b(?:use(?:Auth|User|Clerk|Session|SessionList|Organization|OrganizationList|SignIn|SignUp"
                      rb"|Reverification|SSO|OAuth)|clerkClient|createRouteMatcher)\s*\(")
# _MAY_USE as two searches, each with a literal start `re` looks for fast (4x: a leading `\b`
# or an alternation of different words hides it); the word boundary is checked by hand.
_MAY_USE_FAST = (re.compile(rb"use(?:Auth|User|Clerk|Session|SessionList|Organization|OrganizationList|SignIn|SignUp"
                            rb"|Reverification|SSO|OAuth)\s*\("),
                 re.compile(rb"(?:clerkClient|createRouteMatcher)\s*\("))
_WORD_BYTE = re.compile(rb"\w")


def _may_use(data: bytes) -> bool:
    """``_MAY_USE.search(data) is not None``, faster."""
    for pattern in _MAY_USE_FAST:
        for found in pattern.finditer(data):
            if found.start() == 0 or not _WORD_BYTE.match(data, found.start() - 1):
                return True
    return False


def may_auto_import(path: Union[str, os.PathLike, None], data: bytes) -> bool:
    """Whether a `.ts` / `.js` file may call Clerk's Nuxt auto-imports: it calls one of their
    names and belongs to a Nuxt app whose config lists a Clerk module (no catalog needed)."""
    return path is not None and _may_use(data) and _clerk_project(path) is not None


def _own_name(data: bytes, name: str) -> bool:
    """Whether the file imports or declares `name` itself (then it is not the auto-import)."""
    word = re.escape(name.encode())
    return re.search(rb"\bimport\b[^;]*?\b" + word + rb"\b[^;]*?\bfrom\b|"
                     rb"\b(?:function\*?|const|let|var|class)\s+" + word + rb"\b", data) is not None


def auto_import_line(path: Optional[Path], data: bytes, catalog: Catalog) -> str:
    """An import statement for the Clerk names a `.ts` / `.js` module of a Nuxt app with Clerk's
    module calls without importing them (composables in app code, `clerkClient` in server code),
    or "" (not such a project, or no such name)."""
    if path is None or not _may_use(data):
        return ""
    nuxt = nuxt_clerk_for(path, catalog)
    if nuxt is None:
        return ""
    try:
        relative = Path(os.path.abspath(path)).relative_to(nuxt.root).parts
    except ValueError:
        return ""
    official = nuxt.composables_module == "@clerk/nuxt/composables"  # vue-clerk's module has no helpers
    if relative[:1] == ("server",):
        if not official:
            return ""
        groups = [("@clerk/nuxt/server", NUXT_SERVER_NAMES + NUXT_HELPERS)]
    else:
        groups = [(nuxt.composables_module, tuple(n for n in sorted(nuxt.composables) if n not in nuxt.local_composables))]
        if official:
            groups.append(("@clerk/nuxt/server", tuple(n for n in NUXT_HELPERS if n not in nuxt.local_composables)))
    lines = []
    for module, names in groups:
        used = [n for n in names if re.search(rb"\b" + re.escape(n.encode()) + rb"\s*\(", data) and not _own_name(data, n)]
        if used:
            lines.append(f'import {{ {", ".join(used)} }} from "{module}";')
    return " ".join(lines)
