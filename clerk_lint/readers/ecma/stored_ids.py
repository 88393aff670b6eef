"""Where a file puts a Clerk id into a table column, or compares a column with one: the
StoredIdWrite records of concepts/clerk_ids, made from the file's Clerk values (the resolver's
uses whose value ends in `userId`, `orgId`, `.id` of a Clerk user ...).

Write shapes, by how the table is named:
- Drizzle `db.insert(posts).values({ authorId: userId })`, `.values([...])`, `db.update(posts)
  .set({...})`, and filters `eq(posts.authorId, userId)`: the table object's binding (imported
  from the schema module, or declared in this file);
- Prisma `db.post.create({ data: {...} })`, `createMany`, `update`, `upsert({ create, update })`
  and `where: { ownerId: userId }`: the model accessor;
- Convex `ctx.db.insert("posts", {...})` and filters `.withIndex("by_owner", (q) => q.eq("owner",
  id))`, `.filter((q) => q.eq(q.field("owner"), id))` of `ctx.db.query("posts")`: the table key;
  an argument of another Convex function (`ctx.runMutation(internal.users.upsert, { userId })`),
  followed into that function's handler by the project pass (handler_writes);
- Supabase `.from("posts").insert({...})` / `.upsert` / `.update`, Kysely `insertInto("posts")
  .values({...})` / `updateTable("posts").set({...})`, Knex `knex("posts").insert({...})`: the
  SQL table name.
The column declarations are found by the project pass (resolve/stored_ids.py)."""
from __future__ import annotations

from typing import Callable, Iterable, Optional

import tree_sitter as ts

from ...concepts.clerk_ids import StoredIdWrite, id_kind, is_clerk_column_name
from . import convex_ids
from .bindings import value_of
from .records import Use, ImportDecl, text
from .parse import parse

# Wrappers a value keeps its identity through: `userId!`, `(userId)`, `userId as string`,
# `await getId()`, `userId ?? ""`, `String(userId)`.
_TRANSPARENT = frozenset({"non_null_expression", "parenthesized_expression", "as_expression",
                          "satisfies_expression", "await_expression", "type_assertion"})
_PRISMA_WRITES = frozenset({"create", "createMany", "createManyAndReturn", "update", "updateMany", "upsert"})
_PRISMA_READS = frozenset({"findFirst", "findFirstOrThrow", "findUnique", "findUniqueOrThrow", "findMany",
                           "count", "delete", "deleteMany", "update", "updateMany", "upsert", "aggregate"})
_PRISMA_PAYLOADS = {"data": "write", "create": "write", "update": "write", "where": "filter"}
_PRISMA_LOGIC = frozenset({"AND", "OR", "NOT"})
_PRISMA_RELATION_OPS = frozenset({"connect", "connectOrCreate", "is", "isNot", "some", "every", "none"})
_MAX_FILTER_DEPTH = 4
_DRIZZLE_FILTERS = frozenset({"eq", "ne", "inArray"})
_SQL_WRITES = frozenset({"insert", "upsert", "update"})
_SQL_TABLE_CALLS = frozenset({"from", "insertInto", "updateTable", "table", "into"})

Resolve = Callable[[str], Optional[str]]


def _id_values(uses: Iterable[Use]) -> dict[int, tuple[ts.Node, str, str]]:
    """Node id of each expression holding a Clerk id -> (node, kind, source text)."""
    out: dict[int, tuple[ts.Node, str, str]] = {}
    for use in uses:
        value = value_of(use)
        if value is None:
            continue
        kind = id_kind(value.chain)
        if not kind:
            continue
        node = use.top if use.top is not None else use.ref
        out[node.id] = (node, kind, text(node))
    return out


def _identity_values(root: ts.Node, data: bytes) -> dict[int, tuple[ts.Node, str, str]]:
    """Convex: `identity.subject` of `const identity = await ctx.auth.getUserIdentity()` (and
    of a variable holding it), the signed-in user's id as Convex's auth provider issued it."""
    out: dict[int, tuple[ts.Node, str, str]] = {}
    if b"getUserIdentity" not in data:
        return out
    for call in _calls_named(root, "getUserIdentity"):
        holder = call.parent
        while holder is not None and holder.type in _TRANSPARENT:
            holder = holder.parent
        if holder is not None and holder.type == "member_expression" and text(holder.child_by_field_name("property")) == "subject":
            out[holder.id] = (holder, "user", text(holder))  # (await ctx.auth.getUserIdentity())?.subject
            continue
        if holder is None or holder.type != "variable_declarator" or holder.child_by_field_name("name").type != "identifier":
            continue
        # `const identity = await ...`: its `.subject` reads (their own names: convex_ids.spread)
        for read in _member_reads(_enclosing_function(holder), text(holder.child_by_field_name("name")), "subject"):
            out[read.id] = (read, "user", text(read))
    return out


def _payload_values(root: ts.Node, events: set[str]) -> dict[int, tuple[ts.Node, str, str]]:
    """In a handler of Clerk's webhook payloads (`events`: the Clerk events the file branches on):
    `evt.data.id` (or `id` of `const { id } = evt.data`) of the event whose `evt.type` it
    compares or switches on (or keeps: `const eventType = evt.type`), the id of the user /
    organization the event is about."""
    out: dict[int, tuple[ts.Node, str, str]] = {}
    families = {e.split(".", 1)[0] for e in events}
    kind = "user" if families == {"user"} else "organization" if families == {"organization"} else "id"
    holders: set[str] = set()
    stack = [root]
    nodes = []
    patterns = []  # const { id } = evt.data
    while stack:
        node = stack.pop()
        if node.type == "variable_declarator" and getattr(node.child_by_field_name("name"), "type", "") == "object_pattern":
            patterns.append(node)
        if node.type == "member_expression":
            nodes.append(node)
            if text(node.child_by_field_name("property")) == "type":
                obj = node.child_by_field_name("object")
                parent = node.parent
                while parent is not None and parent.type in _TRANSPARENT:
                    parent = parent.parent
                if obj is not None and obj.type == "identifier" and parent is not None and parent.type in (
                        "switch_statement", "binary_expression", "parenthesized_expression", "variable_declarator"):
                    holders.add(text(obj))
        stack.extend(node.named_children)
    for node in nodes:
        obj = node.child_by_field_name("object")
        if text(node.child_by_field_name("property")) == "id" and obj is not None and obj.type == "member_expression" \
                and text(obj.child_by_field_name("property")) == "data" and text(obj.child_by_field_name("object")) in holders:
            parent = node.parent
            if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == node:
                continue  # evt.data.id.length: not the id itself
            out[node.id] = (node, _branch_kind(node, events) or kind, text(node))
    for declarator in patterns:
        value = declarator.child_by_field_name("value")
        while value is not None and value.type in _TRANSPARENT:
            value = value.named_children[0] if value.named_children else None
        if value is None or value.type != "member_expression" or text(value.child_by_field_name("property")) != "data" \
                or text(value.child_by_field_name("object")) not in holders:
            continue
        pattern = declarator.child_by_field_name("name")
        for prop in pattern.named_children:
            alias = prop if prop.type == "shorthand_property_identifier_pattern" and text(prop) == "id" else (
                prop.child_by_field_name("value") if prop.type == "pair_pattern"
                and text(prop.child_by_field_name("key")) == "id" else None)
            if alias is None or alias.type not in ("identifier", "shorthand_property_identifier_pattern"):
                continue
            found = _branch_kind(declarator, events) or kind
            for read in convex_ids.reads_of(convex_ids.scope_of(declarator), text(alias), skip=pattern):
                out[read.id] = (read, found, text(alias))
    return out


_EVENT_KINDS = {"user": "user", "organization": "organization", "session": "session",
                "organizationMembership": "membership", "organizationInvitation": "invitation"}


def _branch_kind(node: ts.Node, events: set[str]) -> str:
    """The kind of id `evt.data.id` is in the `case` / `if` branch around it (`case "user.created":`)."""
    while node is not None:
        if node.type == "switch_case":
            value = node.child_by_field_name("value")
            event = text(value)[1:-1] if value is not None and value.type == "string" else ""
            if event in events:
                return _EVENT_KINDS.get(event.split(".", 1)[0], "id")
        if node.type == "if_statement":
            condition = text(node.child_by_field_name("condition"))
            found = [e for e in events if f'"{e}"' in condition or f"'{e}'" in condition]
            if len(found) == 1:
                return _EVENT_KINDS.get(found[0].split(".", 1)[0], "id")
        node = node.parent
    return ""


def _calls_named(root: ts.Node, method: str) -> list[ts.Node]:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" and text(fn.child_by_field_name("property")) == method:
                out.append(node)
        stack.extend(node.named_children)
    return out


def _enclosing_function(node: ts.Node) -> ts.Node:
    while node.parent is not None and node.type not in ("arrow_function", "function_declaration", "function_expression",
                                                        "method_definition"):
        node = node.parent
    return node


def _identifiers(scope: ts.Node, name: str) -> Iterable[ts.Node]:
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier") and text(node) == name:
            yield node
        stack.extend(node.named_children)


def _member_reads(scope: ts.Node, name: str, member: str) -> Iterable[ts.Node]:
    for ident in _identifiers(scope, name):
        parent = ident.parent
        if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == ident \
                and text(parent.child_by_field_name("property")) == member:
            yield parent


def _holder(node: ts.Node) -> tuple[Optional[ts.Node], ts.Node]:
    """(the pair or shorthand property the value sits in, the outermost wrapper), or (None, node)."""
    while True:
        parent = node.parent
        if parent is None:
            return None, node
        kind = parent.type
        if kind in _TRANSPARENT:
            node = parent
        elif kind == "binary_expression" and text(parent.child_by_field_name("operator")) in ("??", "||"):
            node = parent
        elif kind == "ternary_expression" and parent.child_by_field_name("condition") != node:
            node = parent  # identity ? identity.subject : null
        elif kind == "arguments" and parent.parent is not None and text(parent.parent.child_by_field_name("function")) == "String":
            node = parent.parent
        elif kind == "pair" and parent.child_by_field_name("value") == node:
            return parent, node
        elif node.type == "shorthand_property_identifier" and kind == "object":
            return node, node
        else:
            return None, node


def _key(prop: ts.Node) -> str:
    if prop.type == "shorthand_property_identifier":
        return text(prop)
    key = prop.child_by_field_name("key")
    return text(key).strip("\"'`") if key is not None else ""


def _callee(call: ts.Node) -> tuple[str, Optional[ts.Node]]:
    """(method or function name, the object it is called on or None)."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return "", None
    if fn.type == "member_expression":
        return text(fn.child_by_field_name("property")), fn.child_by_field_name("object")
    return text(fn), None


def _args(call: ts.Node) -> list[ts.Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def _string(node: Optional[ts.Node]) -> str:
    if node is not None and node.type == "string":
        return text(node)[1:-1]
    return ""


def _call_of_argument(obj: ts.Node) -> Optional[ts.Node]:
    """The call an object is passed to (directly or in an array argument)."""
    parent = obj.parent
    if parent is not None and parent.type == "array":
        parent = parent.parent
    if parent is None or parent.type != "arguments" or parent.parent is None or parent.parent.type != "call_expression":
        return None
    return parent.parent


def _chain_calls(obj: Optional[ts.Node]) -> Iterable[ts.Node]:
    """The calls down a builder chain: `db.insert(t).values` -> insert(t), ..."""
    node = obj
    while node is not None:
        if node.type == "call_expression":
            yield node
            fn = node.child_by_field_name("function")
            node = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else fn
        elif node.type in ("member_expression", "await_expression", "parenthesized_expression", "non_null_expression"):
            node = node.child_by_field_name("object") if node.type == "member_expression" else (
                node.named_children[0] if node.named_children else None)
        else:
            return


class _Tables:
    """Resolves a table object (`posts`, `schema.posts`) to (module, export name)."""

    def __init__(self, imports: list[ImportDecl], resolve: Optional[Resolve], relpath: str = ""):
        self.named: dict[str, tuple[str, str]] = {}
        self.namespaces: dict[str, str] = {}
        self.convex_api = convex_ids.convex_api_dirs(imports, relpath)  # `internal` -> functions folder
        if resolve is None:
            return
        for decl in imports:
            if decl.type_only:
                continue
            for name in decl.names:
                if name.local is None or name.is_type:
                    continue
                target = None
                if name.imported == "*":
                    target = resolve(decl.source)
                    if target is not None:
                        self.namespaces[text(name.local)] = target
                    continue
                target = resolve(decl.source)
                if target is not None:
                    self.named[text(name.local)] = (target, name.imported)

    def of(self, node: ts.Node) -> Optional[tuple[str, str]]:
        if node.type == "identifier":
            return self.named.get(text(node), ("", text(node)))
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = text(node.child_by_field_name("property"))
            if obj is not None and obj.type == "identifier" and text(obj) in self.namespaces:
                return self.namespaces[text(obj)], prop
        return None


def _payload_target(obj: ts.Node, tables: _Tables) -> Optional[tuple[str, str, str, str]]:
    """(orm, table, module, mode) of the object literal `obj` when it is a write payload or filter."""
    call = _call_of_argument(obj)
    if call is not None:
        method, receiver = _callee(call)
        args = _args(call)
        if method in ("values", "set"):
            for inner in _chain_calls(receiver):
                name, _ = _callee(inner)
                inner_args = _args(inner)
                if name in ("insert", "update") and inner_args:
                    found = tables.of(inner_args[0])
                    if found is not None:
                        return "drizzle", found[1], found[0], "write"
                    return None
                if name in ("insertInto", "updateTable") and _string(inner_args[0] if inner_args else None):
                    return "sql", _string(inner_args[0]), "", "write"
            return None
        if method == "insert" and len(args) >= 2 and args[1] == obj and _string(args[0]):
            return "convex", _string(args[0]), "", "write"  # ctx.db.insert("posts", {...})
        function = convex_ids.convex_call_target(obj, call, tables.convex_api) if tables.convex_api else None
        if function is not None:
            return "convex-fn", function[1], function[0], "write"  # ctx.runMutation(internal.users.upsert, {...})
        if method in _SQL_WRITES and args and (args[0] == obj or (args[0].type == "array" and obj.parent == args[0])):
            for inner in _chain_calls(receiver):
                name, _ = _callee(inner)
                first = _string((_args(inner) or [None])[0])
                if first and (name in _SQL_TABLE_CALLS or inner.child_by_field_name("function").type == "identifier"):
                    return "sql", first, "", "write"  # .from("posts").insert(...), knex("posts").insert(...)
            return None
        if method == "where" and args and args[0] == obj:
            for inner in _chain_calls(receiver):
                first = _string((_args(inner) or [None])[0])
                if first:
                    return "sql", first, "", "filter"
            return None
    # Prisma: { data: {...} } / { where: {...} } / upsert's { create, update } argument of db.post.create(...)
    nested = False  # inside a filter's `AND: [...]` / `OR` / `NOT` or a compound key `userId_postId: {...}`
    relation = ""  # `author: { connect: { id } }`, `where: { author: { id } }`: the relation field
    for _ in range(_MAX_FILTER_DEPTH):
        pair = obj.parent.parent if obj.parent is not None and obj.parent.type == "array" else obj.parent
        if pair is None or pair.type != "pair" or pair.parent is None or pair.parent.type != "object":
            return None
        key = _key(pair)
        if key in _PRISMA_LOGIC or (key not in _PRISMA_PAYLOADS and _compound_key(key, obj)):
            obj, nested = pair.parent, True
            continue
        around = _enclosing_pair(pair.parent)
        if key == "where" and around is not None and _key(around) == "connectOrCreate":
            obj = pair.parent
            continue
        if key in _PRISMA_RELATION_OPS and not relation and around is not None and around.parent.type == "object":
            relation, obj = _key(around), around.parent
            continue
        if key not in _PRISMA_PAYLOADS and not relation and pair.child_by_field_name("value") == obj:
            relation, obj, nested = key, pair.parent, True  # where: { author: { id: userId } }
            continue
        if pair.child_by_field_name("value") != obj:
            return None
        break
    else:
        return None
    mode = _PRISMA_PAYLOADS.get(key)
    if nested and mode != "filter" and not (relation and key != "where" and mode == "write"):
        return None
    outer = pair.parent
    call = _call_of_argument(outer) if outer is not None and outer.type == "object" else None
    if mode is None or call is None:
        return None
    method, receiver = _callee(call)
    if method not in (_PRISMA_WRITES if mode == "write" else _PRISMA_READS):
        return None
    if receiver is None or receiver.type != "member_expression":
        return None
    model = text(receiver.child_by_field_name("property"))
    if not model or not model[0].isalpha():
        return None
    return ("prisma-relation", model, relation, mode) if relation else ("prisma", model, "", mode)


def _enclosing_pair(obj: ts.Node) -> Optional[ts.Node]:
    parent = obj.parent
    return parent if parent is not None and parent.type == "pair" and parent.child_by_field_name("value") == obj else None


def _compound_key(key: str, obj: ts.Node) -> bool:
    """`memberId_teamId: { memberId, teamId }`: Prisma's name of a compound unique key."""
    keys = [_key(p) for p in obj.named_children if p.type in ("pair", "shorthand_property_identifier")]
    return len(keys) > 1 and sorted(key.split("_")) == sorted("_".join(keys).split("_"))


def _drizzle_filter(call: ts.Node, value: ts.Node, tables: _Tables) -> Optional[tuple[str, str, str]]:
    """`eq(posts.authorId, userId)`: (table, module, column)."""
    name, receiver = _callee(call)
    args = _args(call)
    if name not in _DRIZZLE_FILTERS or receiver is not None or len(args) != 2 or args[1] != value:
        return None
    column = args[0]
    if column.type != "member_expression":
        return None
    found = tables.of(column.child_by_field_name("object"))
    if found is None:
        return None
    return found[1], found[0], text(column.child_by_field_name("property"))


def _writes(values: dict[int, tuple[ts.Node, str, str]], tables: _Tables, relpath: str,
            line_of: Callable[[ts.Node], int], identity: set[int]) -> list[StoredIdWrite]:
    out: list[StoredIdWrite] = []
    seen: set[tuple] = set()
    for node, kind, shown in sorted(values.values(), key=lambda v: v[0].start_byte):
        prop, outer = _holder(node)
        record = None
        if prop is not None and prop.parent is not None:
            column = _key(prop)
            target = _payload_target(prop.parent, tables)
            if target is not None and column:
                orm, table, module, mode = target
                record = (orm, table, module, column, mode)
        elif outer.parent is not None and outer.parent.type == "arguments" and outer.parent.parent is not None:
            hit = _drizzle_filter(outer.parent.parent, outer, tables)
            if hit is not None:
                record = ("drizzle", hit[0], hit[1], hit[2], "filter")
            else:
                found = convex_ids.convex_filter(outer.parent.parent, outer)
                if found is not None:
                    record = ("convex", found[0], "", found[1], "filter")
        if record is None or is_clerk_column_name(record[3]):
            continue
        orm, table, module, column, mode = record
        write = StoredIdWrite(orm, table, column, kind, " ".join(shown.split()).rstrip("!"), relpath, line_of(node), mode,
                              module, "convex-identity" if node.id in identity else "clerk")
        if write not in seen:
            seen.add(write)
            out.append(write)
    return out


def id_writes(uses: Iterable[Use], imports: list[ImportDecl], resolve: Optional[Resolve], relpath: str,
              line_of: Callable[[ts.Node], int], root: Optional[ts.Node] = None,
              data: bytes = b"", events: Optional[set[str]] = None,
              typed_events: frozenset[str] = frozenset()) -> list[StoredIdWrite]:
    """The file's writes of Clerk ids into columns not named after Clerk (those are CLK720 already).
    `events`: the Clerk webhook events the file handles from raw payloads (CLK604);
    `typed_events`: those it handles through Clerk's helpers (CLK602)."""
    values = _id_values(uses)
    if events or typed_events:  # `evt.data.id` of a WebhookEvent: the kind of the event branch around it
        for key, (node, kind, shown) in list(values.items()):
            if kind == "id":
                values[key] = (node, _branch_kind(node, set(events or ()) | typed_events) or kind, shown)
    identity = _identity_values(root, data) if root is not None else {}
    values.update(identity)
    if events and root is not None:
        for key, value in _payload_values(root, events).items():
            if key not in values or values[key][1] == "id":  # the event's branch names the kind
                values[key] = value
    if not values:
        return []
    identity_ids = set(identity)
    if root is not None:
        origin: dict[int, int] = {}
        values = convex_ids.spread(root, values, origin)
        identity_ids |= {k for k, source in origin.items() if source in identity}  # names of Convex's identity
    return _writes(values, _Tables(imports, resolve, relpath), relpath, line_of, identity_ids)


def handler_writes(data: bytes, language: str, relpath: str, export: str, arguments: list[StoredIdWrite],
                   line_of: Callable[[ts.Node], int]) -> list[StoredIdWrite]:
    """The writes of the Convex function `export` declared in this file, called elsewhere with
    Clerk ids as `arguments` (their `column` is the argument's key)."""
    root = parse(data, language).root_node
    found = convex_ids.handler_params(root, export)
    if found is None:
        return []
    handler, param = found
    values: dict[int, tuple[ts.Node, str, str]] = {}
    identity: set[int] = set()
    for arg in arguments:
        for read in convex_ids.argument_reads(handler, param, arg.column):
            values[read.id] = (read, arg.kind, text(read))
            if arg.source == "convex-identity":
                identity.add(read.id)
    if not values:
        return []
    origin: dict[int, int] = {}
    spread = convex_ids.spread(root, values, origin)
    identity |= {k for k, source in origin.items() if source in identity}
    return _writes(spread, _Tables([], None, relpath), relpath, line_of, identity)
