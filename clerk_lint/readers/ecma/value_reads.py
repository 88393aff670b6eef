"""What code reads off Clerk values it holds (uses from bindings.py, typed by value_flow.py):
fields of Clerk's user / organization / session objects that Better Auth names differently
(concepts/clerk_fields), fields of a verified Clerk webhook event's payload, and session tokens
sent on to other code (an `Authorization` header, a fetch helper, a prop)."""
from __future__ import annotations

from typing import Optional

import tree_sitter as ts

from ...concepts import clerk_fields
from ...concepts.webhook_events import event_rest
from .records import TRANSPARENT, FieldRead, PayloadRead, TokenSent, Use, plain_parent, text
from .imports import pattern_names


def _ops(use: Use) -> list[str]:
    return [step.op for step in use.steps]


def _typed(use: Use) -> bool:
    """A Clerk value itself (value_flow follows the same ones), not a wrapper or an app object."""
    return use.origin.wrapper is None and not use.origin.app and not use.origin.fields and not use.framework


_LOG_DEPTH = 6  # a log line's field read sits a few levels under its console.* call


def in_log_call(node: ts.Node, up=plain_parent, depth: int = _LOG_DEPTH) -> bool:
    """Inside a `console.*(...)` call: a log line, not code that depends on the value."""
    for _ in range(depth):  # bounded: deep expressions would make this quadratic
        if node is None or node.type.endswith(("statement", "declaration")):
            return False
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            target = callee.child_by_field_name("object") if callee is not None and callee.type == "member_expression" else None
            if target is not None and target.type == "identifier" and text(target) == "console":
                return True
        node = up(node)
    return False


def field_reads(use: Use) -> list[FieldRead]:
    """The fields of a Clerk user / organization / session object this use reads that Better
    Auth names differently or lacks (`user.fullName`, `organization.membersCount`): the first
    along its chain, or each one a destructuring declaration takes."""
    if not _typed(use):
        return []
    ops = _ops(use)
    taken = _destructured_fields(use, ops)
    if taken:
        return taken
    read = _chain_field(use, ops)
    return [read] if read is not None else []


def _chain_field(use: Use, ops: list[str]) -> Optional[FieldRead]:
    origin = use.origin
    for index, op in enumerate(ops):
        if not op.startswith(".") or op == ".value":
            continue
        if index + 1 < len(ops) and ops[index + 1] == "()":
            continue  # a method call: member_calls reports it
        owner = clerk_fields.owner_of(origin.module, origin.export, (*origin.path, *ops[:index]))
        if owner is not None and clerk_fields.counterpart(owner, op[1:]) is not None:
            node = use.steps[index].node
            return None if in_log_call(node, use.up) else FieldRead(owner, op[1:], node)
    return None


def _destructured_fields(use: Use, ops: list[str]) -> list[FieldRead]:
    """`const { fullName, imageUrl } = user`: the declaration reads the fields."""
    pattern, statement = _declared_pattern(use)
    if pattern is None:
        return []
    origin = use.origin
    out = []
    for path, _ in pattern_names(pattern):
        if not path:
            continue
        owner = clerk_fields.owner_of(origin.module, origin.export, (*origin.path, *ops, *path[:-1]))
        if owner is not None and clerk_fields.counterpart(owner, path[-1][1:]) is not None:
            out.append(FieldRead(owner, path[-1][1:], statement))
    return out


def _declared_pattern(use: Use) -> tuple[Optional[ts.Node], Optional[ts.Node]]:
    """(the object pattern, its declaration) when the use's value is destructured right here."""
    up = use.up
    node = use.top
    declarator = up(node) if node is not None else None
    while declarator is not None and declarator.type in TRANSPARENT:
        node, declarator = declarator, up(declarator)
    if declarator is None or declarator.type != "variable_declarator" or declarator.child_by_field_name("value") != node:
        return None, None
    pattern = declarator.child_by_field_name("name")
    if pattern is None or pattern.type != "object_pattern":
        return None, None
    declaration = up(declarator)
    return pattern, declaration if declaration is not None else declarator


def payload_read(use: Use) -> Optional[PayloadRead]:
    """A field of a verified Clerk webhook event's `data` read here: `evt.data.first_name`,
    `data.email_addresses?.[0]` after `const { data } = evt`, `const { id, first_name } =
    evt.data` (at the declaration), or a destructured field read further (`email_addresses[0]`)."""
    if not _typed(use) or in_log_call(use.top if use.top is not None else use.ref, use.up):
        return None
    origin = use.origin
    ops = _ops(use)
    full = event_rest(origin.module, origin.export, (*origin.path, *ops))
    if full is None:
        return None
    in_steps = min(len(full), len(ops))  # the ops past the event that this use applies itself
    rest, offset = full[:len(full) - in_steps], len(ops) - in_steps
    if full == (".type",) and not rest:
        return _type_read(use.steps[offset].node, use.up)
    if full[:1] != (".data",):
        return _destructuring(use, full) if not full else None
    if len(full) == 1:
        return _destructuring(use, full)
    if len(rest) >= 2:  # a destructured field: only what is read further depends on the payload's shape
        if not use.destructured or not use.steps or ops[0] == "()":
            return None
        return PayloadRead(rest[1][1:], use.steps[0].node)
    step = use.steps[offset + 1 - len(rest)]
    return PayloadRead(step.op[1:], step.node) if step.op.startswith(".") and step.op[1:] != "?" else None


def _type_read(node: ts.Node, up=plain_parent) -> Optional[PayloadRead]:
    """`const eventType = evt.type`: the event's type taken for later branches. Compared in
    place (`evt.type === "user.created"`, `switch (evt.type)`) it is the event finding's."""
    parent = up(node)
    while parent is not None and parent.type in TRANSPARENT:
        parent = up(parent)
    if parent is None or parent.type in ("binary_expression", "switch_statement") \
            or parent.type == "arguments" and (call := up(parent)) is not None and text(call).startswith("["):
        return None
    return PayloadRead("type", node)


def _destructuring(use: Use, full: tuple[str, ...]) -> Optional[PayloadRead]:
    """`const { id, first_name } = evt.data` / `const { type, data } = evt`: the declaration."""
    pattern, statement = _declared_pattern(use)
    if pattern is None:
        return None
    names = [path[0][1:] for path, _ in pattern_names(pattern) if path]
    if not full:  # the event itself: only its `data` matters here
        if "data" not in names:
            return None
        names = ["data"]
    return PayloadRead(", ".join(dict.fromkeys(names)), statement)


# -- session tokens sent on ------------------------------------------------------------

HEADER_KEYS = frozenset({"authorization"})


def _is_token(use: Use) -> bool:
    chain = use.origin.chain + "".join(_ops(use))
    return chain.endswith(".getToken()") or chain == "getToken()"


def _key(node: Optional[ts.Node]) -> str:
    """The name a pair key or a member / subscript target stands for, lower-case."""
    if node is None:
        return ""
    if node.type == "member_expression":
        node = node.child_by_field_name("property")
    elif node.type == "subscript_expression":
        node = node.child_by_field_name("index")
    return text(node).strip("\"'`").lower() if node is not None else ""


def _outer(node: ts.Node, up=plain_parent) -> ts.Node:
    """Up through wrappers that keep the value: `await`, `as`, `!`, `token ?? ""`, `a ? token : b`
    (a few levels: `up` may be `.parent`, which walks down from the root)."""
    for _ in range(_LOG_DEPTH):
        parent = up(node)
        if parent is None:
            break
        if parent.type in TRANSPARENT or parent.type == "ternary_expression" and parent.child_by_field_name("condition") != node:
            node = parent
        elif parent.type == "binary_expression" and text(parent.child_by_field_name("operator")) in ("||", "??"):
            node = parent
        else:
            break
    return node


def token_sent(use: Use) -> Optional[TokenSent]:
    """The session token from `getToken()` put where another service reads it: an
    `Authorization` header (`Bearer ${token}`, `headers.Authorization = ...`), an argument of
    a call (a fetch helper, an API client), a JSX prop. Plain checks (`if (!token)`) and logs
    are not: the token itself goes away, these lines only test it."""
    up = use.up
    if not _typed(use) or use.top is None or not _is_token(use) or in_log_call(use.top, up):
        return None
    node = _outer(use.top, up)
    parent = up(node)
    if parent is not None and parent.type == "template_substitution":
        string = up(parent)
        template = _outer(string, up)
        if text(string).lstrip("`").lower().startswith("bearer"):
            return TokenSent("Authorization header", template)
        node, parent = template, up(template)
    if parent is not None and parent.type == "binary_expression" and text(parent.child_by_field_name("operator")) == "+":
        other = parent.child_by_field_name("left")
        if other is not None and text(other).strip("\"'`").lower().startswith("bearer"):
            return TokenSent("Authorization header", parent)
        return None
    if parent is None:
        return None
    if parent.type == "pair" and parent.child_by_field_name("value") == node:
        return TokenSent("Authorization header", parent) if _key(parent.child_by_field_name("key")) in HEADER_KEYS else None
    if parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
        left = parent.child_by_field_name("left")
        return TokenSent("Authorization header", parent) if _key(left) in HEADER_KEYS else None
    if parent.type == "arguments":
        call = up(parent)
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is None:
            return None
        return TokenSent(f"passed to {text(callee)}", call)
    attribute = up(parent) if parent.type == "jsx_expression" else None
    if attribute is not None and attribute.type == "jsx_attribute":
        name = attribute.named_children[0]
        return TokenSent(f"prop {text(name)}", attribute)
    return None


# -- dependency lists ------------------------------------------------------------------

# React hooks whose last argument lists the values they re-run on (`[isLoaded, userId]`)
DEPS_HOOKS = frozenset({"useEffect", "useLayoutEffect", "useInsertionEffect", "useMemo", "useCallback",
                        "useImperativeHandle"})


def in_dependency_list(node: ts.Node, up=plain_parent) -> bool:
    """`}, [isLoaded, getToken]);`: an entry of a React hook's dependency list. It only names the
    value; the reads inside the hook's callback are the lines that depend on it."""
    array = up(node)
    while array is not None and (array.type in TRANSPARENT or array.type == "member_expression"
                                 and array.child_by_field_name("object") == node):
        node, array = array, up(array)  # `isLoaded.value`, `auth.isSignedIn`
    arguments = up(array) if array is not None and array.type == "array" else None
    call = up(arguments) if arguments is not None and arguments.type == "arguments" else None
    if call is None or call.type != "call_expression" or arguments.named_children[-1] != array:
        return False
    callee = call.child_by_field_name("function")
    if callee is not None and callee.type == "member_expression":  # React.useEffect
        callee = callee.child_by_field_name("property")
    return callee is not None and text(callee) in DEPS_HOOKS


# -- presence checks of a hook's resource ----------------------------------------------------

# Client hooks and the resource each hands out (null until loaded / signed out).
RESOURCE_HOOKS = {"useUser": ".user", "useOrganization": ".organization", "useSession": ".session"}
_NULL = frozenset({"null", "undefined"})


def _tested(node: ts.Node, up, depth: int = 0) -> bool:
    """Whether the value of `node` is only tested for presence: `!x`, `if (x)`, `x ? a : b`,
    `x && <A />`, `x === null`."""
    parent = up(node)
    while parent is not None and parent.type in TRANSPARENT:
        node, parent = parent, up(parent)
    if parent is None or depth > _LOG_DEPTH:
        return False
    if parent.type == "unary_expression":
        return text(parent.child_by_field_name("operator")) == "!"
    if parent.type in ("if_statement", "while_statement", "do_statement"):
        return parent.child_by_field_name("condition") == node
    if parent.type == "ternary_expression":
        return parent.child_by_field_name("condition") == node
    if parent.type == "binary_expression":
        operator = text(parent.child_by_field_name("operator"))
        if operator in ("&&", "||"):
            # `x && y` tests x; otherwise a side is tested when the whole is (`if (!a || !x)`),
            # `user || guest` being a value
            return operator == "&&" and parent.child_by_field_name("left") == node or _tested(parent, up, depth + 1)
        if operator in ("===", "!==", "==", "!="):
            other = parent.child_by_field_name("right" if parent.child_by_field_name("left") == node else "left")
            return other is not None and text(other) in _NULL
    return False


def presence_check(use: Use) -> Optional[tuple[str, ts.Node]]:
    """`if (!user) return null`, `{user && <Profile />}`, `organization.value ? ... : ...` where
    the value is the resource a Clerk hook hands out (`useUser().user`, `useOrganization()
    .organization`, `useSession().session`, or their Vue refs): (the chain, the expression tested).
    Better Auth's `useSession().data` (and `useActiveOrganization().data`) replaces the test."""
    if not _typed(use) or use.top is None or in_log_call(use.top, use.up):
        return None
    chain = (*use.origin.path, *_ops(use))
    if chain[-1:] == (".value",):
        chain = chain[:-1]
    if chain != ("()", RESOURCE_HOOKS.get(use.origin.export)):
        return None
    if not _tested(use.top, use.up):
        return None
    return use.origin.export + "".join(chain), use.top
