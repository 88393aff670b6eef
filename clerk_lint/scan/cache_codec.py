"""Cache entries as JSON: plain data and a fixed list of the project's own dataclasses, nothing a
file could turn into code (a shared CI cache must not be able to run anything in a scan).

An entry is ["clerk-lint-cache", key, value]. JSON values map one to one: lists stay arrays;
every JSON object is a tag, so nothing in the data can pose as one: {"t": [...]} a tuple,
{"d": [[key, value], ...]} a dict (any key type), {"c": "Name", "f": [[field, value], ...]} one
of the dataclasses in ALLOWED with exactly its fields. Anything else cannot be written (the
entry is not stored) and cannot be read (the entry is a miss).
"""
from __future__ import annotations

import dataclasses
import importlib
import json
from typing import Any

# name -> module: the only classes an entry may hold
ALLOWED: dict[str, str] = {
    "Finding": "clerk_lint.findings",
    "Location": "clerk_lint.findings",
    "BetterAuth": "clerk_lint.findings",
    "FileProblem": "clerk_lint.findings",
    "FileAnalysis": "clerk_lint.findings",
    "StoredIdWrite": "clerk_lint.concepts.clerk_ids",
    "ModuleSummary": "clerk_lint.readers.ecma.exports",
    "Origin": "clerk_lint.readers.ecma.records",
    "Wrapper": "clerk_lint.readers.ecma.records",
}
_PLAIN = (str, int, float, bool, type(None))
_classes: dict[str, tuple[type, frozenset]] = {}


class CodecError(ValueError):
    """A value outside the format, or an entry that is not one."""


def _class(name: str) -> tuple[type, frozenset]:
    """The class and its field names."""
    known = _classes.get(name)
    if known is None:
        module = ALLOWED.get(name)
        if module is None:
            raise CodecError(f"class {name!r} not allowed")
        cls = getattr(importlib.import_module(module), name)
        known = _classes[name] = (cls, frozenset(f.name for f in dataclasses.fields(cls)))
    return known


def _instance(name: str, pairs: list) -> Any:
    """The dataclass with exactly these fields, filled in without its constructor (frozen ones
    set each field through object.__setattr__, several times slower; the values were the
    instance's own fields when stored)."""
    cls, names = _class(name)
    values = {str(field): value for field, value in pairs}
    if values.keys() != names:
        raise CodecError(f"{name}: other fields")
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


def to_data(value: Any) -> Any:
    if isinstance(value, _PLAIN):
        return value
    kind = type(value)
    if kind is list:
        return [to_data(v) for v in value]
    if kind is tuple:
        return {"t": [to_data(v) for v in value]}
    if kind is dict:
        return {"d": [[to_data(k), to_data(v)] for k, v in value.items()]}
    name = kind.__name__
    if ALLOWED.get(name) == kind.__module__ and dataclasses.is_dataclass(value):
        return {"c": name, "f": [[f.name, to_data(getattr(value, f.name))] for f in dataclasses.fields(value)]}
    raise CodecError(f"cannot store a {kind.__module__}.{kind.__qualname__}")


def _tag(obj: dict) -> Any:
    """One JSON object, its contents already decoded (json calls this innermost first)."""
    if len(obj) == 1:
        if type(obj.get("t")) is list:
            return tuple(obj["t"])
        if type(obj.get("d")) is list:
            try:
                return {key: value for key, value in obj["d"]}
            except (TypeError, ValueError):  # an unhashable key, a pair that is not one
                raise CodecError("not an entry") from None
    elif len(obj) == 2 and type(obj.get("c")) is str and type(obj.get("f")) is list:
        try:
            return _instance(obj["c"], obj["f"])
        except (TypeError, ValueError) as exc:  # a pair that is not one
            raise CodecError(str(exc)) from None
    raise CodecError("not an entry")


MAGIC = "clerk-lint-cache"


def dumps(key: str, value: Any) -> bytes:
    """The entry's bytes: the key it was stored under, and the value."""
    return json.dumps([MAGIC, key, to_data(value)], separators=(",", ":")).encode("ascii")


def loads(key: str, data: bytes) -> Any:
    """The value stored under `key`; CodecError when the bytes are not an entry or the entry
    records another key (moved or copied from elsewhere in the cache)."""
    head = f'["{MAGIC}","{key}",'.encode("ascii")
    if not data.startswith(head):  # checked before decoding anything
        raise CodecError("entry of another key")
    try:
        entry = json.loads(data, object_hook=_tag)
    except (ValueError, RecursionError):
        raise CodecError("not an entry") from None
    if type(entry) is not list or len(entry) != 3 or entry[:2] != [MAGIC, key]:
        raise CodecError("entry of another key")
    return entry[2]
