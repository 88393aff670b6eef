"""Where a JS/TS file holds a framework object that Clerk's SDK fills with the auth object.

No import names these values: `Astro.locals.auth()` (Astro), `event.context.auth()` (Nuxt),
`req.auth` / `req.auth()` (Express, the legacy Node SDK), `request.auth` (Fastify) and
`event.locals.auth()` (SvelteKit with svelte-clerk) are
reached through the request the framework passes to app code. This module only says which
parameters (and, in `.astro` frontmatter, which global) hold such an object, and which member
paths on it lead to Clerk; `bindings.Resolver.framework_uses` follows them. The caller decides,
from the package's dependencies (project_sdks.py), which families apply: nothing here runs for
a package without the SDK.

Parameters count only where the framework hands over its request object: Astro endpoint
exports (`GET`, `POST` ...), `onRequest`, `defineMiddleware` / `sequence` / `clerkMiddleware`
callbacks and action handlers; SvelteKit `load`, `actions` and endpoint exports, functions typed
`PageServerLoad` / `RequestHandler` / `RequestEvent` ..., and the `{ event }` of `handle` hooks;
Nuxt `defineEventHandler` callbacks and `H3Event` parameters; Convex function handlers
(`query`, `mutation`, `action`, their `internal*` forms, `httpAction` and the app's own builders)
and parameters typed `QueryCtx` / `MutationCtx` / `ActionCtx`;
Express / Fastify route handlers and middleware (a function passed to `.get()`, `.use()` ...,
or shaped like one: `(req, res)`, `(req: Request, ...)`). A variable that merely has one of
these names is never one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

import tree_sitter as ts

from .records import TRANSPARENT, named_descendants, text
from ...discover.project_sdks import FRAMEWORK_SDKS

# Member paths from the framework object to Clerk's value, per family.
ASTRO_PATHS = frozenset({(".locals", ".auth"), (".locals", ".currentUser")})
NUXT_PATHS = frozenset({(".context", ".auth")})
REQUEST_PATHS = frozenset({(".auth",)})
SVELTEKIT_PATHS = frozenset({(".locals", ".auth")})
SVELTEKIT_HOOK_PATHS = frozenset({(".event", ".locals", ".auth")})  # handle({ event, resolve })
CONVEX_PATHS = frozenset({(".auth", ".getUserIdentity")})

FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration",
                       "generator_function_declaration", "method_definition"})

ASTRO_EXPORTS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "ALL", "OPTIONS", "HEAD", "onRequest"})
# callee name -> index of the parameter holding Astro's APIContext
ASTRO_CALLBACKS = {"defineMiddleware": 0, "sequence": 0, "clerkMiddleware": 1}
ASTRO_TYPES = re.compile(r"\b(?:APIContext|AstroGlobal)\b")
ASTRO_ROUTE_TYPES = re.compile(r"\b(?:APIRoute|MiddlewareHandler)\b")
# SvelteKit: exports of +page.server / +layout.server / +server files whose first parameter is
# the RequestEvent, and of hooks.server files whose input holds it as `event`.
SVELTEKIT_EXPORTS = frozenset({"load", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "fallback"})
SVELTEKIT_HOOKS = frozenset({"handle", "handleError", "handleFetch"})
SVELTEKIT_TYPES = re.compile(r"\b(?:RequestEvent|ServerLoadEvent|PageServerLoadEvent|LayoutServerLoadEvent)\b")
SVELTEKIT_ROUTE_TYPES = re.compile(r"\b(?:PageServerLoad|LayoutServerLoad|ServerLoad|RequestHandler|Action)\b")
SVELTEKIT_HOOK_TYPES = re.compile(r"\b(?:Handle|HandleServerError|HandleFetch)\b")
SVELTEKIT_ACTIONS_TYPES = re.compile(r"\bActions\b")
NUXT_CALLBACKS = frozenset({"defineEventHandler", "eventHandler", "defineCachedEventHandler", "clerkMiddleware",
                            "defineRequestMiddleware"})
NUXT_TYPES = re.compile(r"\bH3Event\b")
# Convex function builders (`query`, `internalMutation`, `httpAction`) and the app's own built on
# them (`authedQuery = customQuery(...)`, `zMutation`): their handler's first parameter is the ctx.
CONVEX_BUILDERS = re.compile(r"^(?:[a-z]\w*)?(?:[qQ]uery|[mM]utation|[aA]ction)$")
CONVEX_TYPES = re.compile(r"\b(?:Generic)?(?:Query|Mutation|Action)Ctx\b")
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "use", "options", "head",
                           "addHook", "route"})
REQUEST_NAMES = frozenset({"req", "request", "_req", "_request"})
RESPONSE_NAMES = frozenset({"res", "response", "reply", "resp", "_res", "_response", "_reply"})
REQUEST_TYPES = re.compile(r"\b(?:Request|FastifyRequest|WithAuthProp|RequireAuthProp|LooseAuthProp)\b")
RESPONSE_TYPES = re.compile(r"\b(?:Response|FastifyReply)\b")
ERROR_NAMES = frozenset({"err", "error", "e", "_err", "_error", "_e", "ex"})



@dataclass(frozen=True)
class Root:
    """A binding pattern (a parameter, or the name of a global) holding a framework object."""

    node: Optional[ts.Node]  # identifier or object pattern; None for a global
    name: str  # the global's name ("Astro"), or "" for a parameter
    module: str
    paths: frozenset[tuple[str, ...]]


def _param(node: ts.Node) -> tuple[Optional[ts.Node], str]:
    """(binding pattern, type annotation text) of one formal parameter."""
    type_text = ""
    if node.type in ("required_parameter", "optional_parameter"):
        annotation = node.child_by_field_name("type")
        type_text = text(annotation) if annotation is not None else ""
        node = node.child_by_field_name("pattern") or node
    if node.type == "assignment_pattern":
        node = node.child_by_field_name("left") or node
    if node.type in ("identifier", "object_pattern"):
        return node, type_text
    return None, type_text


def _params(fn: ts.Node) -> list[tuple[Optional[ts.Node], str]]:
    single = fn.child_by_field_name("parameter")
    if single is not None:
        return [_param(single)]
    params = fn.child_by_field_name("parameters")
    if params is None:
        return []
    return [_param(p) for p in params.named_children if p.type != "comment"]


def _outer(node: ts.Node) -> ts.Node:
    """The expression a value stands for once parentheses and `as` / `satisfies` are peeled."""
    while node.parent is not None and node.parent.type in TRANSPARENT:
        node = node.parent
    return node


def _callee_name(call: ts.Node) -> tuple[str, bool]:
    """(name, is a member call) of a call's callee: `defineEventHandler` -> (that, False),
    `router.get` -> ("get", True)."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return "", False
    if fn.type == "identifier":
        return text(fn), False
    if fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return (text(prop) if prop is not None else ""), True
    return "", False


def _call_of_argument(value: ts.Node) -> Optional[ts.Node]:
    """The call that receives `value` as an argument, directly or as a property of an object
    argument (`defineEventHandler({ handler })`, `fastify.route({ handler })`)."""
    node = _outer(value)
    parent = node.parent
    if parent is not None and parent.type == "pair":
        key = parent.child_by_field_name("key")
        if key is None or text(key).strip("\"'") not in ("handler", "preHandler", "onRequest"):
            return None
        obj = parent.parent
        if obj is None or obj.type != "object":
            return None
        node = _outer(obj)
        parent = node.parent
    if parent is not None and parent.type == "arguments" and parent.parent is not None \
            and parent.parent.type == "call_expression":
        return parent.parent
    return None


def _declared_name(fn: ts.Node) -> tuple[str, str, bool]:
    """(name, declared type text, exported) of the function's own declaration or the variable
    it initialises; ("", "", False) otherwise."""
    if fn.type in ("function_declaration", "generator_function_declaration"):
        name = fn.child_by_field_name("name")
        exported = fn.parent is not None and fn.parent.type == "export_statement"
        return (text(name) if name is not None else ""), "", exported
    node = _outer(fn)
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
        name = parent.child_by_field_name("name")
        annotation = parent.child_by_field_name("type")
        decl = parent.parent
        exported = decl is not None and decl.parent is not None and decl.parent.type == "export_statement"
        return (text(name) if name is not None else ""), (text(annotation) if annotation is not None else ""), exported
    return "", "", False


def _typed_param(params: list, types: re.Pattern) -> Optional[int]:
    """The first parameter whose type annotation names one of the framework's types."""
    for index, (_, type_text) in enumerate(params):
        if type_text and types.search(type_text):
            return index
    return None


def _astro_index(fn: ts.Node, params: list) -> Optional[int]:
    name, declared_type, exported = _declared_name(fn)
    if exported and name in ASTRO_EXPORTS:
        return 0
    if declared_type and ASTRO_ROUTE_TYPES.search(declared_type):
        return 0
    call = _call_of_argument(fn)
    if call is not None:
        callee, member = _callee_name(call)
        if not member and callee in ASTRO_CALLBACKS:
            return ASTRO_CALLBACKS[callee]
        if not member and callee == "defineAction":
            return 1  # defineAction({ handler: (input, context) => ... })
    return _typed_param(params, ASTRO_TYPES)


def _action_holder(fn: ts.Node) -> tuple[str, str, bool]:
    """(name, declared type, exported) of the variable whose object literal holds `fn` as a
    method or property value (`export const actions = { default: async (event) => ... }`)."""
    if fn.type == "method_definition":
        obj = fn.parent
    else:
        node = _outer(fn)
        pair = node.parent
        if pair is None or pair.type != "pair" or pair.child_by_field_name("value") != node:
            return "", "", False
        obj = pair.parent
    if obj is None or obj.type != "object":
        return "", "", False
    return _declared_name(obj)


def _sveltekit_index(fn: ts.Node, params: list) -> Optional[int]:
    """The RequestEvent parameter of a SvelteKit load function, form action or endpoint."""
    name, declared_type, exported = _declared_name(fn)
    if exported and name in SVELTEKIT_EXPORTS:
        return 0
    if declared_type and SVELTEKIT_ROUTE_TYPES.search(declared_type) and not SVELTEKIT_HOOK_TYPES.search(declared_type):
        return 0
    holder, holder_type, holder_exported = _action_holder(fn)
    if holder_exported and holder == "actions" or holder_type and SVELTEKIT_ACTIONS_TYPES.search(holder_type):
        return 0
    return _typed_param(params, SVELTEKIT_TYPES)


def _sveltekit_hook_index(fn: ts.Node, params: list) -> Optional[int]:
    """The `{ event, resolve }` input of a SvelteKit server hook (`handle`, and the functions
    `sequence()` composes)."""
    name, declared_type, exported = _declared_name(fn)
    if exported and name in SVELTEKIT_HOOKS:
        return 0
    if declared_type and SVELTEKIT_HOOK_TYPES.search(declared_type):
        return 0
    call = _call_of_argument(fn)
    if call is not None and _callee_name(call) == ("sequence", False):
        return 0
    if params[0][1] and SVELTEKIT_HOOK_TYPES.search(params[0][1]):
        return 0
    first = params[0][0]
    if first is not None and first.type == "object_pattern" and {"event", "resolve"} <= _pattern_keys(first):
        return 0  # `async function guard({ event, resolve })`, later passed to sequence() by name
    return None


def _pattern_keys(pattern: ts.Node) -> set[str]:
    out = set()
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            out.add(text(child))
        elif child.type in ("pair_pattern", "object_assignment_pattern"):
            key = child.child_by_field_name("key") or child.child_by_field_name("left")
            if key is not None:
                out.add(text(key))
    return out


def _nuxt_index(fn: ts.Node, params: list) -> Optional[int]:
    call = _call_of_argument(fn)
    if call is not None:
        callee, member = _callee_name(call)
        if not member and callee in NUXT_CALLBACKS:
            return 0
    return _typed_param(params, NUXT_TYPES)


def _convex_index(fn: ts.Node, params: list) -> Optional[int]:
    """The ctx parameter of a Convex function (`query({ handler: async (ctx, args) => ... })`,
    `handler(ctx) { ... }` as a method, `httpAction(async (ctx, req) => ...)`) or of a helper
    typed with Convex's ctx types (`(ctx: QueryCtx) => ...`)."""
    if fn.type == "method_definition":
        name = fn.child_by_field_name("name")
        obj = fn.parent
        if name is not None and text(name) == "handler" and obj is not None and obj.type == "object":
            holder = _outer(obj).parent
            call = holder.parent if holder is not None and holder.type == "arguments" else None
            if call is not None and call.type == "call_expression" and CONVEX_BUILDERS.match(_callee_name(call)[0]):
                return 0
    else:
        call = _call_of_argument(fn)
        if call is not None and CONVEX_BUILDERS.match(_callee_name(call)[0]):
            return 0
    return _typed_param(params, CONVEX_TYPES)


def _request_index(fn: ts.Node, params: list) -> Optional[int]:
    """The request parameter of an Express / Fastify handler or middleware."""
    if not params:
        return None
    names = [text(p) if p is not None and p.type == "identifier" else "" for p, _ in params]
    start = 1 if len(params) == 4 and names[0] in ERROR_NAMES else 0  # (err, req, res, next)
    call = _call_of_argument(fn)
    if call is not None:
        callee, member = _callee_name(call)
        # One-parameter callbacks of `.use()` are often not middleware (axios interceptors' `config.auth`).
        if member and callee in ROUTE_METHODS and (len(params) > start + 1 or names[start] in REQUEST_NAMES):
            return start
    rest = params[start + 1:]
    if rest and (names[start + 1] in RESPONSE_NAMES or RESPONSE_TYPES.search(rest[0][1] or "")):
        return start
    if REQUEST_TYPES.search(params[start][1] or "") and len(params) >= 2:
        return start
    return None


def roots(root: ts.Node, sdks: Iterable[str], *, astro_global: bool = False) -> list[Root]:
    """Framework objects in the tree for the Clerk SDKs the package depends on (keys of
    project_sdks.FRAMEWORK_SDKS): parameters of the functions the framework calls, and `Astro`
    in frontmatter. Findings name the SDK (`@clerk/express` over the legacy Node SDK)."""
    modules: dict[str, str] = {}
    for sdk, family in FRAMEWORK_SDKS.items():
        if sdk in sdks:
            modules.setdefault(family, sdk)
    families = frozenset(modules)
    out: list[Root] = []
    if astro_global and "astro" in families:
        out.append(Root(None, "Astro", modules["astro"], ASTRO_PATHS))
    checks = []
    if "astro" in families:
        checks.append((_astro_index, modules["astro"], ASTRO_PATHS))
    if "nuxt" in families:
        checks.append((_nuxt_index, modules["nuxt"], NUXT_PATHS))
    if "sveltekit" in families:
        checks.append((_sveltekit_hook_index, modules["sveltekit"], SVELTEKIT_HOOK_PATHS))
        checks.append((_sveltekit_index, modules["sveltekit"], SVELTEKIT_PATHS))
    if "convex" in families:
        checks.append((_convex_index, modules["convex"], CONVEX_PATHS))
    for family in ("express", "fastify"):
        if family in families:
            checks.append((_request_index, modules[family], REQUEST_PATHS))
    if not checks:
        return out
    for node in named_descendants(root):
        if node.type not in FUNCTIONS:
            continue
        params = _params(node)
        if not params:
            continue
        for check, module, paths in checks:
            index = check(node, params)
            if index is not None and index < len(params) and params[index][0] is not None:
                out.append(Root(params[index][0], "", module, paths))
                break
    return out
