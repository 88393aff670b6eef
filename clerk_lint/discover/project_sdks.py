"""Which Clerk framework SDKs a file's package depends on: its nearest package.json.

Clerk's Astro, Nuxt, Express and Fastify SDKs (and svelte-clerk for SvelteKit, and Convex set up
with Clerk) hand the auth object to app code through the framework's own objects
(`Astro.locals.auth()`, `event.context.auth()`, `req.auth`, `event.locals.auth()`,
`ctx.auth.getUserIdentity()`), with no
import in the file that reads it. Those reads are only Clerk's when the package depends on the
matching SDK (Lucia, Auth.js, express-jwt and Better Auth fill the same names), so this is the
gate. Light on purpose (no parser): scans ask it before deciding to parse a file.

The manifest is found by walking up from the file's folder to the nearest `package.json` that
declares dependencies (a bare `{"type": "module"}` marker is passed over), stopping at a folder
holding `.git`. Folders and manifests are read once per process (`clear_caches` forgets them).
"""
from __future__ import annotations

import json
import os
import re
from typing import Optional, Union

# SDK package -> the family of framework reads it provides (framework_reads.py).
FRAMEWORK_SDKS = {
    "@clerk/astro": "astro",
    "@clerk/nuxt": "nuxt",
    "@clerk/express": "express",
    "@clerk/clerk-sdk-node": "express",  # legacy: ClerkExpressWithAuth() / ClerkExpressRequireAuth()
    "@clerk/fastify": "fastify",
    "svelte-clerk": "sveltekit",  # community SDK: withClerkHandler() fills event.locals.auth
    "@hono/clerk-auth": "hono",
    "h3-clerk": "nuxt",  # community h3 middleware: withClerkMiddleware() fills event.context.auth  # clerkMiddleware() stores the auth object: c.get("clerkAuth")
    # Convex checks Clerk's JWT and hands its claims to functions as `ctx.auth.getUserIdentity()`:
    # Clerk's only where Convex is set up with Clerk (convex_uses_clerk).
    "convex": "convex",
}
# Convex's auth config (`providers: [{ domain, applicationID }]`), kept in the functions folder.
CONVEX_AUTH_CONFIGS = ("auth.config.ts", "auth.config.js", "auth.config.mjs", "auth.config.cjs", "auth.config.mts")
_CLERK_TEXT = re.compile(rb"clerk", re.IGNORECASE)
_DEP_KEYS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
MAX_LEVELS = 40

# Bytes every such read contains (`locals.auth`, `context.auth`, `req.auth`, `"clerkAuth"`): files without
# them are never looked at for framework reads. `\b` keeps `.authorization` out.
# `const { auth } = event.context` names no `.auth`: a pattern taking `auth` counts too.
AUTH_READ = re.compile(rb"\.auth\b|\.currentUser\b|[\"']clerk(?:Auth)?[\"']|[{,]\s*auth\b[^;={}]*\}\s*=")
# AUTH_READ as three searches that each start with a literal word, which `re` looks for fast
# (the alternation, starting with punctuation, is tried at every `.`, quote and comma: 30x
# slower); what comes before the word is checked by hand. Equal to AUTH_READ.search.
_AUTH_MEMBER = re.compile(rb"\.auth\b|\.currentUser\b")
_CLERK_KEY = re.compile(rb"clerk(?:Auth)?[\"']")  # after a quote
_AUTH_DESTRUCTURED = re.compile(rb"auth\b[^;={}]*\}\s*=")  # after `{` or `,` and spaces
_SPACE = b" \t\n\r\f\v"  # what `\s` takes in a bytes pattern


def reads_auth(data: bytes) -> bool:
    """``AUTH_READ.search(data) is not None``, faster."""
    if b"auth" not in data and b".currentUser" not in data and b"clerk" not in data:
        return False
    if _AUTH_MEMBER.search(data) is not None:
        return True
    if any(data[m.start() - 1:m.start()] in (b'"', b"'") for m in _CLERK_KEY.finditer(data)):
        return True
    found = _AUTH_DESTRUCTURED.search(data)
    while found is not None:  # every start, overlapping: a later `auth` may be the one after `{`
        start = found.start()
        before = start
        while before > 0 and data[before - 1] in _SPACE:
            before -= 1
        if data[before - 1:before] in (b"{", b","):
            return True
        found = _AUTH_DESTRUCTURED.search(data, start + 1)
    return False

_folders: dict[str, Optional[str]] = {}  # folder -> the manifest that applies to it (or None)
_manifests: dict[str, Optional[frozenset[str]]] = {}  # package.json -> its framework SDKs (None: no deps)
_clerk_deps: dict[str, bool] = {}  # package.json -> whether it depends on a Clerk package
_convex_configs: dict[str, Optional[bool]] = {}  # folder -> its Convex auth config names Clerk (None: none there)


def _framework_deps(manifest: str) -> Optional[frozenset[str]]:
    """The framework SDKs a package.json depends on; None when it declares no dependencies."""
    if manifest not in _manifests:
        found: Optional[frozenset[str]] = None
        try:
            with open(manifest, "rb") as fh:
                data = json.loads(fh.read(2_000_000))
            if isinstance(data, dict) and any(isinstance(data.get(k), dict) for k in _DEP_KEYS):
                names = {name for k in _DEP_KEYS if isinstance(data.get(k), dict) for name in data[k]}
                found = frozenset(n for n in names if n in FRAMEWORK_SDKS)
                _clerk_deps[manifest] = any(n.startswith("@clerk/") for n in names)
        except (OSError, ValueError, RecursionError):
            found = None
        _manifests[manifest] = found
    return _manifests[manifest]


def framework_sdks(path: Union[str, os.PathLike, None]) -> frozenset[str]:
    """Clerk framework SDK packages (keys of FRAMEWORK_SDKS) the file's package depends on."""
    if path is None:
        return frozenset()
    folder = os.path.dirname(os.path.abspath(path))
    trail = []
    manifest: Optional[str] = None
    for _ in range(MAX_LEVELS):
        if folder in _folders:
            manifest = _folders[folder]
            break
        trail.append(folder)
        candidate = os.path.join(folder, "package.json")
        if os.path.isfile(candidate) and _framework_deps(candidate) is not None:
            manifest = candidate
            break
        parent = os.path.dirname(folder)
        if parent == folder or os.path.isdir(os.path.join(folder, ".git")):
            break
        folder = parent
    for seen in trail:
        _folders[seen] = manifest
    deps = _framework_deps(manifest) if manifest is not None else None
    if deps and "convex" in deps and not convex_uses_clerk(os.path.dirname(os.path.abspath(path)), manifest):
        deps = deps - {"convex"}
    return deps or frozenset()


def _convex_config(folder: str) -> Optional[bool]:
    """Whether the Convex auth config in `folder` names Clerk (its issuer domain or variable);
    None when the folder has none."""
    if folder not in _convex_configs:
        found: Optional[bool] = None
        for name in CONVEX_AUTH_CONFIGS:
            try:
                with open(os.path.join(folder, name), "rb") as fh:
                    found = bool(_CLERK_TEXT.search(fh.read(200_000)))
                break
            except OSError:
                continue
        _convex_configs[folder] = found
    return _convex_configs[folder]


def convex_uses_clerk(folder: str, manifest: Optional[str]) -> bool:
    """Whether Convex functions in `folder` get Clerk's identity: the nearest Convex auth config
    (this folder up to the package's, or the package's `convex/`) names Clerk (a Convex Auth or
    Auth0 config does not); without one, the package depends on a Clerk SDK (ConvexProviderWithClerk)."""
    top = os.path.dirname(manifest) if manifest is not None else folder
    for _ in range(MAX_LEVELS):
        found = _convex_config(folder)
        if found is not None:
            return found
        if folder == top or os.path.dirname(folder) == folder:
            break
        folder = os.path.dirname(folder)
    found = _convex_config(os.path.join(top, "convex"))
    if found is not None:
        return found
    return manifest is not None and _clerk_deps.get(manifest, False)


def may_read_framework_auth(path: Union[str, os.PathLike, None], data: bytes) -> frozenset[str]:
    """The framework SDKs whose auth reads this file may contain: empty unless its bytes look
    like one and its package depends on a Clerk framework SDK (the byte test comes first)."""
    if not reads_auth(data):
        return frozenset()
    return framework_sdks(path)


def clear_caches() -> None:
    """Forget the folders and manifests read so far (long-running processes, tests)."""
    _folders.clear()
    _manifests.clear()
    _clerk_deps.clear()
    _convex_configs.clear()
