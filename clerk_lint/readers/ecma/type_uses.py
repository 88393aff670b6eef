"""TypeScript type positions that depend on Clerk (CLK004, CLK005).

CLK004: every place a type imported from a Clerk module is named (`user: UserResource`,
`as OrganizationResource`, `extends SignInResource`, `Clerk.UserResource`,
`ReturnType<typeof getAuth>`). CLK005: the interfaces Clerk reads from `declare global`
(`CustomJwtSessionClaims`, `UserPublicMetadata` ...), which need no import at all.
"""
from __future__ import annotations

from typing import Iterable

import tree_sitter as ts

from ...classify.classifier import Classifier
from ...findings import Finding
from .records import NAMESPACE, ImportDecl, text
from .queries import captures
from .scopes import ScopeIndex

TYPE_USE_RULE, GLOBAL_AUGMENTATION_RULE = "CLK004", "CLK005"
# Global interfaces Clerk's types merge into (session claims, metadata, authorization keys).
CLERK_GLOBAL_INTERFACES = frozenset({
    "CustomJwtSessionClaims", "UserPublicMetadata", "UserPrivateMetadata", "UserUnsafeMetadata",
    "OrganizationPublicMetadata", "OrganizationPrivateMetadata", "OrganizationMembershipPublicMetadata",
    "OrganizationInvitationPublicMetadata", "OrganizationInvitationPrivateMetadata",
    "SignUpUnsafeMetadata", "ClerkAuthorization", "ClerkJWTClaims",
})
# Where a type_identifier declares a name instead of using one.
DECLARING = frozenset({"interface_declaration", "type_alias_declaration", "class_declaration",
                       "abstract_class_declaration", "type_parameter", "enum_declaration"})


def may_augment_clerk_globals(data: bytes) -> bool:
    return b"declare global" in data


def _declares(node: ts.Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in DECLARING and parent.child_by_field_name("name") == node


def type_use_findings(lang: str, root: ts.Node, imports: Iterable[ImportDecl], scopes: ScopeIndex,
                      classifier: Classifier) -> list[Finding]:
    found = captures(lang, "types", root)
    if not found:
        return []
    types: dict[bytes, tuple[str, str]] = {}  # local name -> (module, export)
    namespaces: dict[bytes, str] = {}
    values: dict[int, tuple[str, str]] = {}  # value import definition id -> (module, export)
    for decl in imports:
        for name in decl.names:
            if name.local is None:
                continue
            if name.imported == NAMESPACE:
                namespaces[name.local.text] = decl.source
                continue
            types[name.local.text] = (decl.source, name.imported)
            if not name.is_type and not decl.type_only:
                values[name.local.id] = (decl.source, name.imported)
    declared_here = {n.text for n in found.get("type-name", ()) if _declares(n)}
    rule = classifier.catalog.rule(TYPE_USE_RULE)
    out: list[Finding] = []

    def report(node: ts.Node, module: str, symbol: str) -> None:
        out.append(classifier.finding(rule, node, symbol=symbol, module=module, detail=symbol,
                                      details=(("type", symbol),)))

    for node in found.get("type-name", ()):
        hit = types.get(node.text)
        parent = node.parent
        if hit is None or node.text in declared_here or _declares(node) \
                or (parent is not None and parent.type == "nested_type_identifier"):
            continue
        report(node, hit[0], hit[1])
    for node in found.get("nested-type", ()):
        module_node = node.child_by_field_name("module")
        name = node.child_by_field_name("name")
        module = namespaces.get(module_node.text) if module_node is not None else None
        if module is not None and name is not None:
            report(node, module, text(name))
    for node in found.get("type-of", ()):
        definition = scopes.resolve(node)
        hit = values.get(definition.id) if definition is not None else None
        if hit is not None and node.parent is not None:
            report(node.parent, hit[0], f"typeof {hit[1]}")
    return out


def global_augmentation_findings(lang: str, root: ts.Node, classifier: Classifier) -> list[Finding]:
    rule = classifier.catalog.rule(GLOBAL_AUGMENTATION_RULE)
    out = []
    for node in captures(lang, "types", root).get("global-interface", ()):
        name = text(node)
        block = node.parent.parent if node.parent is not None else None
        ambient = block.parent if block is not None else None
        if name not in CLERK_GLOBAL_INTERFACES or ambient is None \
                or not any(c.type == "global" or text(c) == "global" for c in ambient.children if not c.is_named):
            continue
        out.append(classifier.finding(rule, node.parent, symbol=name, module="", detail=name,
                                      details=(("interface", name),)))
    return out

