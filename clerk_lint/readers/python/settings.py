"""Clerk's variables where a Python app declares its settings, classified by concepts/env_vars
as every other reader does:

- pydantic-settings ``BaseSettings`` fields: the env name a field reads (its name upper-cased
  after ``env_prefix`` from ``model_config = SettingsConfigDict(...)`` or ``class Config``, or
  its ``Field(alias=...)`` / ``validation_alias=`` / ``env=``), a read (CLK845);
- settings modules (Django ``settings.py``, Flask config classes, plain modules) giving a Clerk
  variable a literal value (``CLERK_SECRET_KEY = "sk_live_..."``): the value is set in code,
  reported with the .env rules (CLK710-CLK713, value redacted), like a .env line.
"""
from __future__ import annotations

import ast
import re
from typing import Optional

from ...concepts.env_vars import is_clerk_env_name
from .labels import string_value
from .vocabulary import ENV_READ, SETTINGS_BASES, env_advice

_ALIAS_KEYWORDS = ("alias", "validation_alias", "env")
# A constant in code counts as a Clerk setting when its name says which one, or its value is Clerk's.
_SETTING = re.compile(r"CLERK_(?:\w+_)?(?:KEY|SECRET|PUBLISHABLE|PK|SK|WEBHOOK|SIGNING|SVIX|JWT|JWKS|PEM|ISSUER|DOMAIN"
                      r"|PROXY|SATELLITE|FRONTEND|API|SIGN_IN|SIGN_UP|AFTER|REDIRECT|INSTANCE|AUTHORIZED|AUDIENCE)")
_CLERK_VALUE = re.compile(r"(?:sk|pk)_(?:live|test)_|whsec_|https?://(?:[\w-]+\.)*clerk\.|[\w-]+\.clerk\.accounts\.dev")


def settings_fields(f) -> None:
    """CLK845 for the Clerk fields of each BaseSettings class of the file (PyFile `f`)."""
    for node in f.b.nodes:
        if type(node) is not ast.ClassDef:
            continue
        bases = [f.b.value(base) for base in node.bases]
        if not any(v is not None and SETTINGS_BASES.match(v.path) for v in bases):
            continue
        prefix = _env_prefix(node)
        for stmt in node.body:
            if type(stmt) is not ast.AnnAssign or type(stmt.target) is not ast.Name:
                continue
            alias = _alias(stmt.value)
            name = (alias or prefix + stmt.target.id).upper()
            if is_clerk_env_name(name, f.catalog):
                f.add(ENV_READ, stmt.target, symbol=name, package="pydantic-settings",
                      detail=env_advice(name), details=(("env", name),))


def _env_prefix(cls: ast.ClassDef) -> str:
    for stmt in cls.body:
        if type(stmt) in (ast.Assign, ast.AnnAssign):
            targets = stmt.targets if type(stmt) is ast.Assign else [stmt.target]
            if any(type(t) is ast.Name and t.id == "model_config" for t in targets) and type(stmt.value) is ast.Call:
                for kw in stmt.value.keywords:
                    if kw.arg == "env_prefix" and string_value(kw.value) is not None:
                        return string_value(kw.value)
                if type(stmt.value) is ast.Call and stmt.value.args and type(stmt.value.args[0]) is ast.Dict:
                    for k, v in zip(stmt.value.args[0].keys, stmt.value.args[0].values):
                        if k is not None and string_value(k) == "env_prefix" and string_value(v) is not None:
                            return string_value(v)
        elif type(stmt) is ast.ClassDef and stmt.name == "Config":  # pydantic v1
            for inner in stmt.body:
                if type(inner) is ast.Assign and any(type(t) is ast.Name and t.id == "env_prefix" for t in inner.targets):
                    return string_value(inner.value) or ""
    return ""


def _alias(value) -> Optional[str]:
    """`Field(alias="CLERK_SECRET_KEY")`, `validation_alias=AliasChoices("CLERK_KEY", ...)` (the first)."""
    if type(value) is not ast.Call:
        return None
    for kw in value.keywords:
        if kw.arg in _ALIAS_KEYWORDS:
            found = string_value(kw.value)
            if found is None and type(kw.value) is ast.Call and kw.value.args:
                found = string_value(kw.value.args[0])
            if found:
                return found
    return None


def literal_settings(f) -> list:
    """Module- and class-level `CLERK_X = "literal"` (a settings module setting the value), as
    the .env rules report them (built here from concepts/ alone: the shared env_assignments
    step loads the tree-sitter classifier, which a Python scan does not need)."""
    from dataclasses import replace

    from ...concepts.env_vars import (OTHER_RULE, PUBLISHABLE_RULE, advice_for, classify, display_value,
                                      instance_kind, looks_opaque, publishable_key_host, unprefixed)
    from ...concepts.secrets import is_secret_name, looks_secret, mask_span, redact_line
    from ...findings import Finding

    out = []
    data = f.source.data
    for node in f.b.nodes:
        if type(node) is not ast.Assign or len(node.targets) != 1 or type(node.targets[0]) is not ast.Name:
            continue
        if type(f.b.parents.get(node)) not in (ast.Module, ast.ClassDef):
            continue
        target, value = node.targets[0], string_value(node.value)
        if value is None or target.id != target.id.upper() or not is_clerk_env_name(target.id, f.catalog):
            continue
        if target.id not in f.catalog.env_vars and not _SETTING.search(target.id) and not _CLERK_VALUE.match(value):
            continue  # `CLERK_NAME = "Bob"` in a payroll app: a clerk, not Clerk
        code = classify(target.id, value, f.catalog, file_has_clerk=True)
        if code is None:
            continue
        rule = f.catalog.rule(code)
        shown = display_value(target.id, value)
        instance = instance_kind(value)
        host = publishable_key_host(value) if code == PUBLISHABLE_RULE else ""
        if host:
            instance = instance + (f", Frontend API {host}" if instance else f"Frontend API {host}")
        detail = shown + (f", {instance}" if instance else "")
        details = [("variable", target.id), ("value", shown)] + ([("instance", instance)] if instance else [])
        if code == OTHER_RULE:
            tip = advice_for(unprefixed(target.id))
            details.append(("advice", tip))
            detail = f"{shown}: {tip}"
        start, end = f.b.span(target)
        location = f.index.location(f.relpath, start, end)
        line = location.source_line
        if is_secret_name(target.id) or looks_secret(value) or looks_opaque(value.strip()):
            vstart, vend = f.b.span(node.value)
            line_start = start - len(data[:start].rsplit(b"\n", 1)[-1])
            if node.value.lineno == target.lineno:
                a = len(data[line_start:vstart].decode("utf-8", "replace"))
                b = len(data[line_start:vend].decode("utf-8", "replace"))
                line = mask_span(line, a, min(b, len(line)))
        out.append(Finding(
            code=rule.code, rule_name=rule.name, symbol=target.id, package="", category=rule.category,
            difficulty=rule.difficulty, better_auth=rule.better_auth, effort_hours=rule.effort_hours,
            message=rule.format_message(symbol=target.id, package="", detail=detail),
            location=replace(location, source_line=redact_line(line)), details=tuple(details)))
    return out
