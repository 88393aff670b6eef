"""The conditional path rules of the Python reader: a call matched by its path is a finding
only when Clerk configuration flows into it (a Clerk key or JWKS URL into ``jwt.decode``, a
Backend API URL into an HTTP client, a Clerk env name into ``os.environ``). Each check takes
the file being walked (``walker.PyFile``), the node and its value, and returns
(symbol, detail, details) or None.
"""
from __future__ import annotations

import ast
import re

from . import webhooks
from .labels import CLERK_ENV_NAME, string_value
from .syntax import call_args
from .vocabulary import (BACKEND_LABELS, FRONTEND_LABELS, HTTP_BACKEND, HTTP_VERBS, JWKS, JWT_DECODE,
                         WEBHOOK_LABELS, env_advice)



def labels_of_args(f, call) -> frozenset[str]:
    labels: set[str] = set()
    if type(call) is ast.Call:
        for arg in call.args:
            labels |= f.b.taint(arg)
        for kw in call.keywords:
            labels |= f.b.taint(kw.value)
    return frozenset(labels)


def check_CLK820(f, node, val):
    """jwt.decode & co: only when a Clerk key / JWKS / issuer flows into the arguments."""
    labels = labels_of_args(f, node) - WEBHOOK_LABELS
    if not labels:
        return None
    return "", val.top, (("library", val.top),)


def is_http(f, path: str) -> bool:
    return any(r.code == HTTP_BACKEND for r in f.path_rules.matching(path))


def http_parts(f, node, val):
    """(method, url expression, labels of url + headers + receiver) of an HTTP client call."""
    if type(node) is not ast.Call:
        return None
    m = re.search(r"([A-Za-z_]\w*)\(\)$", val.chain)
    verb = m.group(1) if m else ""
    positional, keywords = call_args(node)
    if val.top == "urllib":
        # urllib.request.Request(url, data=None, headers={}, method=None) / urlopen(url_or_request)
        if verb not in ("Request", "urlopen"):
            return None
        url = keywords.get("url", positional[0] if positional else None)
        origin = f.b.assigned_value(url) if url is not None else None
        if verb == "urlopen" and type(origin) is ast.Call:
            inner = f.b.value(origin)
            if inner is not None and inner.chain.endswith("Request()"):
                return None  # reported at the Request(...) itself
        method_expr = keywords.get("method")
        if method_expr is not None:
            method = string_value(method_expr) or "?"
        else:
            method = "POST" if "data" in keywords or len(positional) > 1 else "GET"
    elif verb.lower() not in HTTP_VERBS:
        return None
    elif verb.lower() in ("request", "stream"):
        method_expr = keywords.get("method", positional[0] if positional else None)
        method = (string_value(method_expr) or "?") if method_expr is not None else "?"
        url = keywords.get("url", positional[1] if len(positional) > 1 else None)
    else:
        method = verb
        url = keywords.get("url", positional[0] if positional else None)
    labels = set(f.b.taint(url))
    for key in ("headers", "auth"):
        if key in keywords:
            labels |= f.b.taint(keywords[key])
    receiver = node.func.value if type(node.func) is ast.Attribute else None
    base = ""
    if receiver is not None:
        labels |= f.b.taint(receiver)
        origin = f.b.assigned_value(receiver)
        if type(origin) is ast.Call:
            base_expr = call_args(origin)[1].get("base_url")
            if base_expr is not None:
                base = f.b.render(base_expr)
    return method.upper(), url, frozenset(labels), base


def url_detail(f, method: str, url, base: str, backend: bool = True) -> str:
    text = f.b.render(url) if url is not None else ""
    if not re.match(r"[a-z]+://", text) and base:
        text = base.rstrip("/") + "/" + text.lstrip("/")
    host = re.search(r"api\.clerk\.(?:com|dev)(?:/v1)?", text)
    if not backend:
        return f"{method} {text.split('?', 1)[0]}".strip()
    if host:
        path = text[host.end():] or "/"
    else:
        # `{CLERK_API_URL}/users/...`: an unresolved base; keep the path after it
        path = re.sub(r"^[a-z]+://", "", re.sub(r"^\{[^{}]*\}(?=/)", "", text))
    path = path.split("?", 1)[0]
    if path and not path.startswith("/") and host:
        path = "/" + path
    return f"{method} {path}".strip()


def check_CLK821(f, node, val):
    """A JWKS client built from a Clerk URL, or a hand-written fetch of Clerk's JWKS."""
    if is_http(f, val.path):
        parts = http_parts(f, node, val)
        if parts is None:
            return None
        method, url, labels, base = parts
        if labels & BACKEND_LABELS or not labels & FRONTEND_LABELS:
            return None
        detail = url_detail(f, method, url, base, backend=False)
        return "", detail, (("request", detail),)
    labels = labels_of_args(f, node) - WEBHOOK_LABELS
    if not labels:
        return None
    positional, keywords = call_args(node)
    source = positional[0] if positional else next(iter(keywords.values()), None)
    detail = f.b.render(source).split("?", 1)[0] if source is not None else val.top
    return "", detail, (("source", detail),)


def check_CLK830(f, node, val):
    parts = http_parts(f, node, val)
    if parts is None:
        return None
    method, url, labels, base = parts
    if not labels & BACKEND_LABELS:
        return None
    detail = url_detail(f, method, url, base)
    return "", detail, (("request", detail),)


def unresolved_http(f, node) -> None:
    """`session.get(url)` on a receiver we cannot resolve: only a literal Clerk URL counts."""
    func = node.func
    if type(func) is not ast.Attribute or func.attr not in HTTP_VERBS - {"request", "stream"}:
        return
    positional, keywords = call_args(node)
    url = keywords.get("url", positional[0] if positional else None)
    if url is None:
        return
    labels = f.b.taint(url)
    method = func.attr.upper()
    if "url:backend" in labels:
        code = HTTP_BACKEND
    elif "url:frontend" in labels and method == "GET":
        code = JWKS
    else:
        return
    detail = url_detail(f, method, url, "", backend=code == HTTP_BACKEND)
    if code == JWKS and f.inside(node, (JWT_DECODE, JWKS)):
        return
    if f.add(code, node, symbol=f.b.code(func), package="", detail=detail, details=(("request", detail),)):
        f.site_spans.append(f.span(node))
        f.site_codes.append(code)


def check_CLK841(f, node, val):
    if not webhooks.has_clerk_context(f.relpath, f.source.text, f.clerk_signal):
        return None
    if not labels_of_args(f, node) & WEBHOOK_LABELS:
        return None
    return "", "", ()


def check_CLK845(f, node, val):
    if type(node) is ast.Subscript:
        key = node.slice
        if type(key) in (ast.Tuple, ast.Slice):
            return None
    else:
        positional, keywords = call_args(node)
        key = positional[0] if positional else keywords.get("key")
    name = string_value(key) if key is not None else None
    if not name or not (CLERK_ENV_NAME.match(name) or name in f.catalog.env_vars):
        return None
    return name, env_advice(name), (("env", name),)


# rule code -> its condition; a path rule not listed here is a finding wherever it matches.
CHECKS = {
    "CLK820": check_CLK820,
    "CLK821": check_CLK821,
    "CLK830": check_CLK830,
    "CLK841": check_CLK841,
    "CLK845": check_CLK845,
}
