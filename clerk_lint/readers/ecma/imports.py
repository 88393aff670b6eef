"""Read the import statements the `imports` query found into plain records.

Covers `import` (default, named, aliased, namespace, type-only, side effect),
`require()` (plain, destructured, `.member`), `await import()` (plain, destructured)
and re-exports (`export {a as b} from`, `export * from`, `export * as ns from`).
"""
from __future__ import annotations

from typing import Iterator, Optional

import tree_sitter as ts

from .queries import captures
from .records import DEFAULT, NAMESPACE, ImportDecl, ImportedName, declared_by, text

def _has_token(node: ts.Node, token: str) -> bool:
    return any(not c.is_named and c.type == token for c in node.children)


def pattern_names(pattern: ts.Node, arrays: bool = False) -> list[tuple[tuple[str, ...], ts.Node]]:
    """Identifiers a declaration pattern binds, each with the member path it reads:
    `{ a, b: { c } }` -> [((".a",), a), ((".b", ".c"), c)]. Array patterns bind nothing
    unless `arrays` (`const [a, { b }] = ...` -> [((".0",), a), ((".1", ".b"), b)]): Clerk
    APIs return objects, only a value the app put in an array is read back by position."""
    out: list[tuple[tuple[str, ...], ts.Node]] = []
    stack: list[tuple[tuple[str, ...], ts.Node]] = [((), pattern)]
    while stack:
        path, node = stack.pop()
        kind = node.type
        if kind == "identifier":
            out.append((path, node))
        elif kind == "object_pattern":
            for child in node.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    out.append(((*path, "." + text(child)), child))
                elif child.type == "object_assignment_pattern":
                    left = child.child_by_field_name("left")
                    if left is not None:
                        stack.append(((*path, "." + text(left)), left if left.type != "shorthand_property_identifier_pattern" else left))
                elif child.type == "pair_pattern":
                    key = child.child_by_field_name("key")
                    value = child.child_by_field_name("value")
                    if key is not None and value is not None:
                        key_text = text(key).strip("\"'`")
                        stack.append(((*path, "." + key_text), value))
                elif child.type == "rest_pattern":
                    inner = child.named_children[0] if child.named_children else None
                    if inner is not None:
                        stack.append((path, inner))
        elif kind == "shorthand_property_identifier_pattern":
            out.append((path, node))
        elif kind == "array_pattern" and arrays:
            position = 0
            for child in node.named_children:
                if child.type == "comment":
                    continue
                if child.type != "rest_pattern":
                    stack.append(((*path, f".{position}"), child))
                position += 1
        elif kind == "assignment_pattern":
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append((path, left))
    out.sort(key=lambda item: item[1].start_byte)
    return out


def _names_from_binding(call: ts.Node) -> list[ImportedName]:
    """Names bound by `const x = require("m")`, `const {a: b} = await import("m")`, `require("m").a`."""
    node = call
    member = ""
    parent = node.parent
    if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == node:
        prop = parent.child_by_field_name("property")
        member = text(prop) if prop is not None else ""
        node = parent
    pattern = declared_by(node)
    if pattern is None:
        return []
    names = []
    for path, ident in pattern_names(pattern):
        steps = ((("." + member),) if member else ()) + path
        if not steps:
            names.append(ImportedName(NAMESPACE, ident))
        else:
            # The first member names the export; deeper members stay on the binding's path,
            # which the resolver does not need for imports (rare: `const {a: {b}} = require()`).
            names.append(ImportedName(steps[0][1:], ident))
    return names


def _specifiers(clause: ts.Node, kind: str) -> Iterator[tuple[ts.Node, ts.Node, Optional[ts.Node]]]:
    """(specifier, name, alias or None) of each `kind` specifier in an import or export clause."""
    for spec in clause.named_children:
        if spec.type != kind:
            continue
        name = spec.child_by_field_name("name")
        if name is not None:
            yield spec, name, spec.child_by_field_name("alias")


def _import_statement(node: ts.Node, source: str) -> ImportDecl:
    decl = ImportDecl(node=node, source=source, kind="import", type_only=_has_token(node, "type"))
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                decl.names.append(ImportedName(DEFAULT, part))
            elif part.type == "namespace_import":
                ident = next((c for c in part.named_children if c.type == "identifier"), None)
                decl.names.append(ImportedName(NAMESPACE, ident))
            elif part.type == "named_imports":
                decl.names.extend(
                    ImportedName(text(name).strip("\"'"), alias or name, is_type=_has_token(spec, "type"))
                    for spec, name, alias in _specifiers(part, "import_specifier")
                )
    return decl


def _reexport(node: ts.Node, source: str) -> ImportDecl:
    decl = ImportDecl(node=node, source=source, kind="reexport", type_only=_has_token(node, "type"))
    clause = next((c for c in node.named_children if c.type == "export_clause"), None)
    namespace = next((c for c in node.named_children if c.type == "namespace_export"), None)
    if clause is not None:
        decl.names.extend(
            ImportedName(text(name), None, is_type=_has_token(spec, "type"), exported_as=text(alias or name))
            for spec, name, alias in _specifiers(clause, "export_specifier")
        )
    elif namespace is not None:
        ident = next((c for c in namespace.named_children), None)
        decl.names.append(ImportedName(NAMESPACE, None, exported_as=text(ident) if ident is not None else ""))
    else:
        decl.names.append(ImportedName(NAMESPACE, None, exported_as=NAMESPACE))  # export * from
    return decl


def find_imports(lang: str, root: ts.Node) -> list[ImportDecl]:
    # Captures, not matches: the imports query then runs in the same pass over the tree as
    # the other whole-tree queries (queries.TREE_PURPOSES); each source is read back here.
    found = captures(lang, "imports", root)
    decls: list[ImportDecl] = []
    for node in found.get("import", ()):
        decls.append(_import_statement(node, _fragment(node.child_by_field_name("source"))))
    for node in found.get("reexport", ()):
        decls.append(_reexport(node, _fragment(node.child_by_field_name("source"))))
    for kind in ("require", "dynamic"):
        for call in found.get(kind, ()):
            arguments = call.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
            decls.append(ImportDecl(node=_statement_of(call), source=_fragment(first), kind=kind,
                                    names=_names_from_binding(call)))
    decls.sort(key=lambda d: d.node.start_byte)
    return decls


def _fragment(string: Optional[ts.Node]) -> str:
    """The text of a string literal's first fragment (the query only captures strings that have one)."""
    for child in string.named_children if string is not None else ():
        if child.type == "string_fragment":
            return text(child)
    return ""


def _statement_of(node: ts.Node) -> ts.Node:
    """The enclosing declaration or expression statement (what a reader sees as 'the import')."""
    current = node
    while current.parent is not None and current.parent.type not in ("program", "statement_block"):
        current = current.parent
    return current
