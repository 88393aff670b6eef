"""Checks the ECMAScript reader runs on captures of queries/ecma/strings.scm and config.scm:
Clerk hosts in JS/TS configs (CLK730), Convex's auth config trusting Clerk (CLK731), the Expo
config plugin (CLK732). Each returns "" (no hit) or (detail, node to report, details)."""
from __future__ import annotations

from ...concepts.catalog import Catalog
from ...concepts.clerk_hosts import clerk_hosts, host_detail
from ...concepts.env_vars import is_clerk_env_name

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



# Nuxt modules that set Clerk up (auto-imports, plugin, server middleware).
NUXT_CLERK_MODULES = frozenset({"@clerk/nuxt", "vue-clerk/nuxt"})


def _in_nuxt_config(node) -> bool:
    """The node sits in the object given to `defineNuxtConfig(...)`."""
    while node is not None:
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and _node_text(fn) == "defineNuxtConfig":
                return True
        node = node.parent
    return False


def js_nuxt_clerk(node, catalog: Catalog):
    """`config.nuxt-clerk`: `@clerk/nuxt` in a Nuxt config's `modules`, or the module's
    options (`clerk: { signInUrl, appearance }`, also `runtimeConfig.public.clerk`)."""
    if node.type == "object":
        if not _in_nuxt_config(node):
            return ""
        keys = [_pair_key(p) for p in node.named_children if p.type == "pair"]
        shown = ", ".join(keys) if keys else "no options"
        return (f"clerk options ({shown})", node.parent, (("package", "@clerk/nuxt"), ("options", ",".join(keys))))
    name = _node_text(node)
    if name not in NUXT_CLERK_MODULES:
        return ""
    target = node.parent if node.parent is not None else node
    return (name, target, (("package", name),))
