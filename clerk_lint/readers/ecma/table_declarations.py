"""Where a JS/TS schema declares a given table's column: a Drizzle table object by its binding
(`export const posts = pgTable("posts", { authorId: text("author_id") }, (t) => [...])`, the
callback-columns form `pgTable("posts", (d) => ({ ... }))`, `createTable` of pgTableCreator)
and a Convex table by its key (`defineSchema({ posts: defineTable({ owner: v.string() }) })`).
Asked by the project pass over columns filled with Clerk ids (resolve/stored_ids.py), which
knows the table from the code writing into it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional

import tree_sitter as ts

from .records import text
from .parse import parse
from .schema_checks import index_parts


@dataclass
class TableColumns:
    """One table's declaration: its columns' pairs by key, its indexes."""

    name: str  # the SQL name when the declaration gives one, else the binding / key
    columns: dict[str, tuple[ts.Node, str]] = field(default_factory=dict)  # key -> (pair, database name)
    indexes: list[tuple[ts.Node, str, str, list[str]]] = field(default_factory=list)  # (node, builder, name, columns)


def _object_of(node: Optional[ts.Node]) -> Optional[ts.Node]:
    """An object literal, or the object an arrow function returns (`(d) => ({ ... })`)."""
    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[0] if node.named_children else None
    if node is None:
        return None
    if node.type == "object":
        return node
    if node.type == "arrow_function":
        return _object_of(node.child_by_field_name("body"))
    return None


def _columns(obj: ts.Node) -> dict[str, tuple[ts.Node, str]]:
    out = {}
    for pair in obj.named_children:
        if pair.type != "pair":
            continue
        key = text(pair.child_by_field_name("key")).strip("\"'`")
        value = pair.child_by_field_name("value")
        db_name = ""
        inner = value
        while inner is not None and inner.type == "call_expression":  # text("author_id").notNull() -> text("author_id")
            fn = inner.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" and fn.child_by_field_name("object").type == "call_expression":
                inner = fn.child_by_field_name("object")
                continue
            args = inner.child_by_field_name("arguments")
            first = next((c for c in args.named_children if c.type != "comment"), None) if args is not None else None
            db_name = text(first)[1:-1] if first is not None and first.type == "string" else ""
            break
        out[key] = (pair, db_name)
    return out


def _indexes(node: Optional[ts.Node]) -> list[tuple[ts.Node, str, str, list[str]]]:
    """Index calls inside a node (Drizzle's extra-config callback, a Convex `.index` chain)."""
    out = []
    if node is None:
        return out
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            parts = index_parts(current)
            if parts is not None:
                builder, name, columns, target = parts
                out.append((target, builder, name, columns))
        stack.extend(current.named_children)
    return sorted(out, key=lambda item: item[0].start_byte)


def _declarator_values(root: ts.Node) -> Iterator[tuple[str, ts.Node]]:
    """(name, value) of the file's top-level `const name = value` (exported or not)."""
    for statement in root.named_children:
        declaration = statement.child_by_field_name("declaration") if statement.type == "export_statement" else statement
        if declaration is None or declaration.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in declaration.named_children:
            if declarator.type == "variable_declarator":
                value = declarator.child_by_field_name("value")
                if value is not None:
                    yield text(declarator.child_by_field_name("name")), value


def drizzle_table(root: ts.Node, binding: str) -> Optional[TableColumns]:
    """The Drizzle table bound to `binding` at the top of the file, or None."""
    for name, value in _declarator_values(root):
        if name != binding or value.type != "call_expression":
            continue
        args = value.child_by_field_name("arguments")
        items = [c for c in args.named_children if c.type != "comment"] if args is not None else []
        if len(items) < 2:
            return None
        obj = _object_of(items[1])
        if obj is None:
            return None
        sql_name = text(items[0])[1:-1] if items[0].type == "string" else binding
        return TableColumns(sql_name, _columns(obj), _indexes(items[2]) if len(items) > 2 else [])
    return None


def _method_calls(root: ts.Node, method: str) -> Iterator[ts.Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" and text(fn.child_by_field_name("property")) == method:
                yield node
        stack.extend(node.named_children)


def drizzle_references(root: ts.Node) -> Iterator[tuple[str, str, str, str]]:
    """(table binding, column key, referenced binding, referenced key) of the file's foreign keys:
    `authorId: text("author_id").references(() => users.id)` in `posts` -> (posts, authorId, users, id)."""
    for name, value in _declarator_values(root):
        table = drizzle_table(root, name) if value.type == "call_expression" else None
        for key, (pair, _db) in (table.columns.items() if table is not None else ()):
            for call in _method_calls(pair, "references"):
                args = call.child_by_field_name("arguments")
                first = next((c for c in args.named_children if c.type != "comment"), None) if args is not None else None
                body = first.child_by_field_name("body") if first is not None and first.type == "arrow_function" else None
                if body is not None and body.type == "member_expression" \
                        and body.child_by_field_name("object").type == "identifier":
                    yield name, key, text(body.child_by_field_name("object")), text(body.child_by_field_name("property"))


def convex_tables(root: ts.Node) -> dict[str, TableColumns]:
    """The tables of a Convex `defineSchema({...})`, by key, with their `.index(...)` chains."""
    values = dict(_declarator_values(root))
    out: dict[str, TableColumns] = {}
    for call in captures_calls(root, "defineSchema"):
        args = call.child_by_field_name("arguments")
        obj = next((c for c in args.named_children if c.type == "object"), None) if args is not None else None
        if obj is None:
            continue
        for prop in obj.named_children:
            if prop.type == "pair":
                key, table = text(prop.child_by_field_name("key")).strip("\"'`"), prop.child_by_field_name("value")
            elif prop.type == "shorthand_property_identifier":
                key, table = text(prop), values.get(text(prop))
            else:
                continue
            define = _define_table(table)
            if define is None:
                continue
            args = define.child_by_field_name("arguments")
            fields = next((c for c in args.named_children if c.type == "object"), None) if args is not None else None
            if fields is not None:
                out[key] = TableColumns(key, _columns(fields), _indexes(table))
    return out


def _define_table(node: Optional[ts.Node]) -> Optional[ts.Node]:
    """The defineTable(...) call at the bottom of `defineTable({...}).index(...).index(...)`."""
    while node is not None and node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and text(fn) == "defineTable":
            return node
        node = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
    return None


def captures_calls(root: ts.Node, name: str) -> list[ts.Node]:
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and text(fn) == name:
                out.append(node)
        stack.extend(node.named_children)
    return out


def parse_module(data: bytes, lang: str) -> ts.Node:
    return parse(data, lang).root_node


def reexport_sources(root: ts.Node, lang: str, binding: str) -> list[tuple[str, str]]:
    """Where a module that does not declare `binding` re-exports it from: (specifier, name there)
    for `export { posts } from "./schema"`, `export { t as posts } from ...` and `export * from`."""
    from .imports import find_imports

    out = []
    for decl in find_imports(lang, root):
        if decl.kind != "reexport":
            continue
        for name in decl.names:
            if name.exported_as == binding and name.imported != "*":
                out.append((decl.source, name.imported))
            elif name.imported == "*" and name.exported_as in ("", "*"):  # `export * from` (not `* as ns`)
                out.append((decl.source, binding))
        if not decl.names:
            out.append((decl.source, binding))
    return out
