"""Which declaration a name refers to, from the `locals` query's scopes and definitions.

JavaScript rules kept here: `var` and function names hoist to the enclosing function,
`let`/`const`/`class` belong to their block, parameters to their function, and a name
declared anywhere in a scope is visible in the whole scope. Good enough to tell a local
`auth` parameter from Clerk's `auth` import, which is what the scanner needs.
"""
from __future__ import annotations

from typing import Optional

import tree_sitter as ts

from .queries import captures, is_deep

FUNCTIONS = frozenset(
    {"function_declaration", "generator_function_declaration", "function_expression", "generator_function",
     "arrow_function", "method_definition", "program"}
)
PATTERN_PARTS = frozenset(
    {"object_pattern", "array_pattern", "pair_pattern", "rest_pattern", "assignment_pattern",
     "object_assignment_pattern", "shorthand_property_identifier_pattern", "required_parameter",
     "optional_parameter"}
)
TYPE_CONTEXTS = frozenset({"type_annotation", "type_query", "type_arguments", "type_alias_declaration",
                           "interface_declaration"})


class ScopeIndex:
    def __init__(self, lang: str, root: ts.Node):
        found = captures(lang, "locals", root)
        self._scopes = {n.id for n in found.get("local.scope", [])}
        # The root is the module's scope even when the parser gave up on the file as a whole
        # (100 unclosed parentheses: the root is an ERROR node holding intact statements).
        self._scopes.add(root.id)
        # Declarations are placed in their scopes per name, the first time a name is asked
        # about: a file declares many names, and only those bound to Clerk are ever asked.
        self._candidates: dict[bytes, list[ts.Node]] = {}
        for ident in found.get("local.definition", []):
            self._candidates.setdefault(ident.text, []).append(ident)
        self._indexed: set[bytes] = set()
        self._defs: dict[tuple[int, bytes], ts.Node] = {}
        self._definition_ids: set[int] = set()
        self._resolved: dict[int, Optional[ts.Node]] = {}
        # Walks up a tree: `node.parent` costs tree-sitter a walk down from the root, so on a
        # tree thousands of levels deep every step is expensive. Such a tree gets a parent map
        # (one walk), and what each walk finds is memoised for every node it passed.
        self._parents = parent_map(root) if is_deep(lang, root) else None
        self._scope_above: dict[int, Optional[ts.Node]] = {}
        self._type_context: dict[int, bool] = {}

    def parent(self, node: ts.Node) -> Optional[ts.Node]:
        return self._parents.get(node.id) if self._parents is not None else node.parent

    def _nearest_scope_above(self, node: ts.Node) -> Optional[ts.Node]:
        path = []
        current = self.parent(node)
        found: Optional[ts.Node] = None
        while current is not None:
            if current.id in self._scopes:
                found = current
                break
            if current.id in self._scope_above:  # (a node passed before: not itself a scope)
                found = self._scope_above[current.id]
                break
            path.append(current.id)
            current = self.parent(current)
        self._scope_above[node.id] = found
        for node_id in path:  # each passed node has the same scope above it
            self._scope_above[node_id] = found
        return found

    def in_type_context(self, node: ts.Node) -> bool:
        """in_type_context(node), memoised along the walk."""
        path = []
        current = self.parent(node)
        answer = False
        while current is not None:
            if current.id in self._type_context:
                answer = self._type_context[current.id]
                break
            if current.type in TYPE_CONTEXTS:
                answer = True
                break
            if current.type in STATEMENT_BOUNDARIES:
                break
            path.append(current.id)
            current = self.parent(current)
        for node_id in path:
            self._type_context[node_id] = answer
        return answer

    def _index(self, name: bytes) -> None:
        if name in self._indexed:
            return
        self._indexed.add(name)
        for ident in self._candidates.get(name, ()):  # document order: the first declaration wins
            owner = self._owner_scope(ident)
            if owner is None:
                continue
            self._definition_ids.add(ident.id)
            self._defs.setdefault((owner.id, name), ident)

    def _enclosing_scope(self, node: ts.Node, functions_only: bool = False) -> Optional[ts.Node]:
        current = node.parent
        while current is not None:
            if current.id in self._scopes and (not functions_only or current.type in FUNCTIONS):
                return current
            current = current.parent
        return None

    def _owner_scope(self, ident: ts.Node) -> Optional[ts.Node]:
        """The scope an identifier is declared in, or None when it declares nothing."""
        node = ident
        parent = node.parent
        while parent is not None and parent.type in PATTERN_PARTS:
            node, parent = parent, parent.parent
        if parent is None:
            return None
        kind = parent.type
        if kind == "variable_declarator":
            declaration = parent.parent
            is_var = declaration is not None and declaration.type == "variable_declaration"
            return self._enclosing_scope(parent, functions_only=is_var)
        if kind == "formal_parameters":
            return parent.parent
        if kind in ("arrow_function", "catch_clause", "function_expression", "generator_function"):
            return parent  # its own parameter, catch variable or name
        if kind == "for_in_statement":
            has_keyword = any(not c.is_named and c.type in ("const", "let", "var") for c in parent.children)
            return parent if has_keyword else None
        if kind in ("function_declaration", "generator_function_declaration"):
            return self._enclosing_scope(parent, functions_only=True)
        if kind in ("class_declaration", "abstract_class_declaration", "enum_declaration"):
            return self._enclosing_scope(parent)
        if kind in ("import_specifier", "import_clause", "namespace_import", "named_imports"):
            return self._root(parent)
        return None

    @staticmethod
    def _root(node: ts.Node) -> ts.Node:
        while node.parent is not None:
            node = node.parent
        return node

    def is_definition(self, node: ts.Node) -> bool:
        self._index(node.text)
        return node.id in self._definition_ids

    def resolve(self, ref: ts.Node) -> Optional[ts.Node]:
        """The definition `ref` refers to, or None for a global / undeclared name."""
        if ref.id in self._resolved:
            return self._resolved[ref.id]
        name = ref.text
        self._index(name)
        found = None
        current = self._nearest_scope_above(ref)
        while current is not None:
            found = self._defs.get((current.id, name))
            if found is not None:
                break
            current = self._nearest_scope_above(current)
        self._resolved[ref.id] = found
        return found


STATEMENT_BOUNDARIES = frozenset({"expression_statement", "statement_block", "program", "lexical_declaration"})


def in_type_context(node: ts.Node) -> bool:
    current = node.parent
    while current is not None:
        if current.type in TYPE_CONTEXTS:
            return True
        if current.type in STATEMENT_BOUNDARIES:
            return False
        current = current.parent
    return False


def parent_map(root: ts.Node) -> dict[int, ts.Node]:
    """node id -> parent, for every node under `root`, in one walk."""
    parents: dict[int, ts.Node] = {}
    cursor = root.walk()
    stack = [root]
    while True:
        if cursor.goto_first_child():
            node = cursor.node
            parents[node.id] = stack[-1]
            stack.append(node)
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return parents
            stack.pop()
        stack.pop()
        node = cursor.node
        parents[node.id] = stack[-1]
        stack.append(node)
