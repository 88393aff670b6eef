"""Turn resolved uses and imports into findings by consulting the rule catalog."""
from __future__ import annotations

from typing import Callable, Optional

import tree_sitter as ts

from ..readers.ecma.records import Use, ImportDecl, text
from ..concepts.catalog import Catalog, Rule
from ..concepts.webhook_events import is_svix_module
from ..findings import Finding, Location

IMPORT_RULE, TYPE_IMPORT_RULE, REEXPORT_RULE = "CLK001", "CLK002", "CLK003"
WEBHOOK_RULE = "CLK601"

# Argument keys whose values are worth carrying into the finding (template names,
# permissions, plans): they feed the plan's open questions and the draft config.
DETAIL_KEYS = ("template", "permission", "role", "plan", "feature")

Locate = Callable[[ts.Node], Location]


def _string_value(node: ts.Node) -> Optional[str]:
    if node.type == "string":
        return text(node)[1:-1]
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return text(node)[1:-1]
    return None


def call_arg_facts(arguments: Optional[ts.Node]) -> dict[str, str]:
    """Keys of the first object argument, with literal values where they are literal."""
    if arguments is None:
        return {}
    first = next((c for c in arguments.named_children if c.type != "comment"), None)
    if first is None or first.type != "object":
        return {}
    facts: dict[str, str] = {}
    for prop in first.named_children:
        if prop.type == "pair":
            key = prop.child_by_field_name("key")
            value = prop.child_by_field_name("value")
            if key is None:
                continue
            literal = _string_value(value) if value is not None else None
            facts[text(key).strip("\"'`")] = literal if literal is not None else ""
        elif prop.type == "shorthand_property_identifier":
            facts[text(prop)] = ""
    return facts


def _detail(facts: dict[str, str]) -> str:
    parts = [f"{k}={facts[k]}" if facts[k] else k for k in DETAIL_KEYS if k in facts]
    return ", ".join(parts)


class Classifier:
    def __init__(self, catalog: Catalog, locate: Locate):
        self.catalog = catalog
        self.locate = locate

    def finding(self, rule: Rule, node: ts.Node, *, symbol: str, module: str, detail: str = "",
                details: tuple = (), via: tuple = (), related: tuple = ()) -> Finding:
        message = rule.format_message(symbol=symbol, package=module, detail=detail)
        if via:
            via = (*via, symbol)  # reporters show the chain: getTenantId -> auth
        return Finding(
            code=rule.code, rule_name=rule.name, symbol=symbol, package=module, category=rule.category,
            difficulty=rule.difficulty, better_auth=rule.better_auth, effort_hours=rule.effort_hours,
            message=message, location=self.locate(node), via=via, related=related, details=details,
        )

    def import_finding(self, decl: ImportDecl) -> Finding:
        code = REEXPORT_RULE if decl.kind == "reexport" else TYPE_IMPORT_RULE if decl.all_types else IMPORT_RULE
        if is_svix_module(decl.source):
            code = WEBHOOK_RULE  # svix is Svix's library, not Clerk's: its import is part of the webhook route
        if decl.kind == "reexport":
            names = [n.imported if n.imported == n.exported_as else f"{n.imported} as {n.exported_as}"
                     for n in decl.names]
        else:
            names = [n.imported for n in decl.names]
        detail = ", ".join(names) if names else "side effect"
        return self.finding(self.catalog.rule(code), decl.node, symbol=detail, module=decl.source,
                            detail=detail, details=(("names", detail),))

    def use_finding(self, use: Use) -> Optional[Finding]:
        if use.framework:
            return self._framework_finding(use)
        if use.origin.wrapper is not None:
            return self._wrapper_finding(use)
        origin = use.origin
        if use.reexport:
            if not origin.direct:
                return None
            rule = self.catalog.rule(REEXPORT_RULE)
            return self.finding(rule, use.ref, symbol=origin.export, module=origin.module, detail=origin.export,
                                via=origin.via, related=origin.related)
        finding = self._chain_finding(use, first=0 if origin.direct else 1)
        if finding is not None:
            return finding
        if not origin.direct:
            return None
        rule = self.catalog.rule_for_export(origin.module, origin.export)
        if rule is None:
            return None
        if use.jsx is not None:
            node, symbol = use.jsx, origin.export
        elif use.steps and use.steps[0].op == "()":
            node, symbol = use.steps[0].node, origin.export
        else:
            node, symbol = use.ref, origin.export
        facts = call_arg_facts(use.steps[0].arguments) if use.steps and use.steps[0].op == "()" else {}
        return self.finding(rule, node, symbol=symbol, module=origin.module, detail=_detail(facts),
                            details=tuple(sorted(facts.items())), via=origin.via, related=origin.related)

    def _chain_finding(self, use: Use, first: int) -> Optional[Finding]:
        """Chain rules, shortest prefix first. A derived value is only interesting past the
        point it was bound (`first` = 1): its own declaration was reported already."""
        origin = use.origin
        if first and not use.steps and use.destructured:
            # A name bound to a read (`const { userId } = await auth()`): each read of it.
            rule = self.catalog.rule_for_chain(origin.module, origin.chain, frozenset())
            if rule is not None and rule.after_binding:
                return self.finding(rule, use.ref, symbol=origin.chain, module=origin.module, detail="",
                                    details=(), via=origin.via, related=origin.related)
            return None
        for count in range(first, len(use.steps) + 1):
            if count == 0:
                node, arguments = use.ref, None
            else:
                step = use.steps[count - 1]
                node, arguments = step.node, step.arguments
            facts = call_arg_facts(arguments) if arguments is not None else {}
            chain = use.prefix_chain(count)
            rule = self.catalog.rule_for_chain(origin.module, chain, frozenset(facts))
            if rule is not None and rule.after_binding and origin.direct and use.steps[0].op == "()":
                continue
            if rule is not None:
                detail = _detail(facts)
                return self.finding(rule, node, symbol=chain, module=origin.module, detail=detail,
                                    details=tuple(sorted(facts.items())), via=origin.via, related=origin.related)
        return None

    def _framework_finding(self, use: Use) -> Optional[Finding]:
        """`Astro.locals.auth()`, `event.context.auth()`, `req.auth.userId`: the read itself
        is the finding (the call when it is called); what the code does with the result right
        away (`.has({ role })`, `.userId`, `.protect()`) goes into the details."""
        origin = use.origin
        called = bool(use.steps) and use.steps[0].op == "()"
        symbol = origin.export + ("()" if called else "")
        rule = self.catalog.rule_for_chain(origin.module, symbol, frozenset())
        if rule is None:
            return None
        rest = use.steps[1:] if called else use.steps
        details: list[tuple[str, str]] = [("form", "call" if called else "property")]
        facts: dict[str, str] = {}
        if rest and rest[0].op.startswith("."):
            details.append(("member", rest[0].op[1:]))
            if len(rest) > 1 and rest[1].op == "()":
                facts = call_arg_facts(rest[1].arguments)
                details += sorted(facts.items())
        node = use.steps[0].node if called else use.ref
        return self.finding(rule, node, symbol=symbol, module=origin.module, detail=_detail(facts),
                            details=tuple(details))

    def _wrapper_finding(self, use: Use) -> Optional[Finding]:
        """A use of an app wrapper of a Clerk API: the wrapped API's rule, marked indirect."""
        wrapper = use.origin.wrapper
        called = bool(use.steps) and use.steps[0].op == "()"
        if called and wrapper.result is not None and len(use.steps) > 1:
            # `(await getSessionUser()).publicMetadata`: the member read is the finding.
            past_call = Use(use.ref, wrapper.result, use.steps[1:], None, use.top, up=use.up)
            finding = self._chain_finding(past_call, first=1)
            if finding is not None:
                return finding
        elif called and wrapper.fields and len(use.steps) > 2:
            # `useMe().user.publicMetadata`: a Clerk field of the returned object, read further.
            field = next((o for n, o in wrapper.fields if "." + n == use.steps[1].op), None)
            if field is not None:
                finding = self._chain_finding(Use(use.ref, field, use.steps[2:], None, use.top, up=use.up), first=1)
                if finding is not None:
                    return finding
        if use.reexport:
            node = use.ref
        elif use.jsx is not None:
            node = use.jsx
        elif called:
            node = use.steps[0].node
        else:
            node = use.ref
        return self.finding(self.catalog.rule(wrapper.code), node, symbol=wrapper.symbol, module=wrapper.module,
                            via=wrapper.names, related=wrapper.definitions)
