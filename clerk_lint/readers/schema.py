"""Database schemas: Prisma schema files and SQL migrations.

Apps mirror Clerk users into their own tables and key rows by Clerk's ids (`user_2x…`,
`org_2x…`). Every such column is data the migration must carry over: either the Clerk id is
kept as Better Auth's `user.id` (the migration script creates users with their Clerk id) and the
column becomes a foreign key to `user`, or it is remapped to the new ids. Supabase row-level
security policies that read the Clerk session token's claims are rewritten too.

Rules: CLK720 clerk-id-column (Prisma fields, SQL columns), CLK721 clerk-id-index (Prisma
`@@index` / `@@unique` / `@@id`, SQL `CREATE INDEX` and `UNIQUE (...)` constraints), CLK733
supabase-clerk-third-party-auth (RLS policies and functions that read Clerk's JWT claims).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from ..concepts.catalog import Catalog
from ..concepts.clerk_ids import comment_mentions_clerk, is_clerk_column_name
from ..classify.classifier import Classifier
from ..discover.kinds import Candidate
from ..findings import FileAnalysis, Finding
from .formats.sql_statements import split_sql
from .source import SourceText
from .text_analysis import marked_classifier, text_span

COLUMN_RULE, INDEX_RULE, SUPABASE_RULE = "CLK720", "CLK721", "CLK733"


# --------------------------------------------------------------------------- prisma


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    type: str
    start: int  # str offsets of the name
    end: int
    reason: str  # name | map | comment | jwt-default
    attributes: str = ""


_PRISMA_BLOCK = re.compile(r"^\s*(model|type|view)\s+(\w+)\s*\{")
_PRISMA_FIELD = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z_]\w*)\s+(?P<type>[A-Za-z_][\w.]*(?:\([^)]*\))?(?:\[\])?\??)\s*(?P<rest>.*)$")
_PRISMA_MAP = re.compile(r"@map\(\s*(?:name\s*:\s*)?\"([^\"]+)\"")


# A column the caller knows holds Clerk ids although nothing in the schema says so (code writes
# Clerk ids into it: resolve/stored_ids.py): (table or model, column, its @map name) -> bool.
Written = Callable[[str, str, str], bool]


def prisma_columns(text: str, written: Optional[Written] = None) -> Iterator[Column]:
    model = None
    offset = 0
    pending_doc = ""  # comment lines right above a field
    for raw in text.split("\n"):
        line_start = offset
        offset += len(raw) + 1
        stripped = raw.strip()
        if model is None:
            m = _PRISMA_BLOCK.match(raw)
            if m:
                model = m.group(2)
                pending_doc = ""
            continue
        if stripped.startswith("}"):
            model = None
            continue
        if stripped.startswith("//"):
            pending_doc += " " + stripped
            continue
        if not stripped or stripped.startswith("@@"):
            pending_doc = ""
            continue
        code, _, comment = raw.partition("//")
        m = _PRISMA_FIELD.match(code)
        if not m:
            pending_doc = ""
            continue
        name, rest = m.group("name"), m.group("rest")
        mapped = _PRISMA_MAP.search(rest)
        reason = ""
        if is_clerk_column_name(name):
            reason = "name"
        elif mapped and is_clerk_column_name(mapped.group(1)):
            reason = "map"
        elif comment_mentions_clerk(comment) or comment_mentions_clerk(pending_doc):
            reason = "comment"
        elif written is not None and written(model, name, mapped.group(1) if mapped else ""):
            reason = "written"
        pending_doc = ""
        if reason:
            yield Column(model, name, m.group("type"), line_start + m.start("name"), line_start + m.end("name"),
                         reason, rest.strip())


# --------------------------------------------------------------------------- SQL
# (statements are split by formats/sql_statements.py)

_IDENT = r'(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_$]*)'
_QNAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_CREATE_TABLE = re.compile(
    rf"^\s*create\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?(?:temp(?:orary)?\s+|unlogged\s+)?table\s+"
    rf"(?:if\s+not\s+exists\s+)?(?P<table>{_QNAME})\s*\(",
    re.IGNORECASE,
)
_ALTER_TABLE = re.compile(
    rf"^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?P<table>{_QNAME})\s+(?P<body>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ADD_COLUMN = re.compile(
    rf"\badd\s+(?:column\s+)?(?:if\s+not\s+exists\s+)?(?P<name>{_IDENT})\s+(?P<type>[A-Za-z_][\w ]*?(?:\([^)]*\))?)(?=[\s,]|$)",
    re.IGNORECASE,
)
_RENAME_COLUMN = re.compile(rf"\brename\s+(?:column\s+)?{_IDENT}\s+to\s+(?P<name>{_IDENT})", re.IGNORECASE)
_CONSTRAINT_WORDS = {"constraint", "primary", "unique", "foreign", "check", "exclude", "like", "index", "key",
                     "fulltext", "spatial", "period"}
_NOT_COLUMN_AFTER_ADD = {"constraint", "primary", "unique", "foreign", "check", "exclude", "index", "key"}
# The token's subject, i.e. the Clerk user id, read inside the database (Supabase third-party
# auth, or the requesting_user_id() helper from Clerk's Supabase guide).
_JWT_READ = re.compile(r"auth\s*\.\s*jwt\s*\(\s*\)|request\.jwt\.claim|requesting_user_id\s*\(", re.IGNORECASE)
_JWT_SUB = re.compile(r"->>?\s*'sub'|requesting_user_id\s*\(", re.IGNORECASE)
_POLICY = re.compile(rf"^\s*(?:create|alter)\s+policy\s+(?P<name>{_IDENT})\s+on\s+(?P<table>{_QNAME})", re.IGNORECASE)
_FUNCTION = re.compile(rf"^\s*create\s+(?:or\s+replace\s+)?function\s+(?P<name>{_QNAME})", re.IGNORECASE)


def _unquote(ident: str) -> str:
    ident = ident.strip()
    if ident[:1] in ('"', "`", "[") and len(ident) >= 2:
        return ident[1:-1].replace('""', '"')
    return ident


def _top_level_parts(body: str, base: int) -> Iterator[tuple[str, int]]:
    """Split `body` on commas outside parentheses; yields (part, str offset of part)."""
    depth = 0
    start = 0
    i = 0
    quote = ""
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in ("'", '"', "`"):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                yield body[start:i], base + start
                return
            depth -= 1
        elif ch == "," and depth == 0:
            yield body[start:i], base + start
            start = i + 1
        i += 1
    yield body[start:], base + start


def _line_comment(text: str, offset: int) -> str:
    """The `-- comment` on the line holding `offset` in the original text."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start:line_end if line_end != -1 else len(text)]
    idx = line.find("--")
    return line[idx:] if idx != -1 else ""


_PRISMA_RELATION = re.compile(r"@relation\((?=[^)]*\bfields\s*:\s*\[(?P<fields>[^\]]*)\])"
                              r"(?=[^)]*\breferences\s*:\s*\[(?P<refs>[^\]]*)\])")


def _prisma_model_lines(text: str) -> Iterator[tuple[str, Optional[str]]]:
    """(model, None) where each `model X {` block opens, then (model, line) for each line in it."""
    model = None
    for raw in text.split("\n"):
        if model is None:
            m = _PRISMA_BLOCK.match(raw)
            if m and m.group(1) == "model":
                model = m.group(2)
                yield model, None
            continue
        if raw.strip().startswith("}"):
            model = None
            continue
        yield model, raw


def prisma_relations(text: str) -> Iterator[tuple[str, str, str, str]]:
    """(model, field, referenced model, referenced field) of each foreign key:
    `author User @relation(fields: [authorId], references: [id])` -> (Post, authorId, User, id)."""
    for model, raw in _prisma_model_lines(text):
        if raw is None:
            continue
        code = raw.partition("//")[0]
        field = _PRISMA_FIELD.match(code)
        relation = _PRISMA_RELATION.search(code)
        if not field or not relation:
            continue
        target = field.group("type").rstrip("?").removesuffix("[]")
        names = [f.strip() for f in relation.group("fields").split(",") if f.strip()]
        refs = [r.strip() for r in relation.group("refs").split(",") if r.strip()]
        for name, ref in zip(names, refs):
            yield model, name, target, ref


def prisma_relation_targets(text: str) -> dict[tuple[str, str], str]:
    """(model, relation field) -> the model it points at: `author User @relation(...)`, `posts Post[]`."""
    fields: list[tuple[str, str, str]] = []
    models: set[str] = set()
    for model, raw in _prisma_model_lines(text):
        if raw is None:
            models.add(model)
            continue
        field = _PRISMA_FIELD.match(raw.partition("//")[0])
        if field:
            fields.append((model, field.group("name"), field.group("type").rstrip("?").removesuffix("[]")))
    return {(m, name): target for m, name, target in fields if target in models}


def prisma_table_names(text: str) -> dict[str, str]:
    """Model -> the table it is stored in (`@@map("posts")`, else the model's name)."""
    out: dict[str, str] = {}
    for model, raw in _prisma_model_lines(text):
        if raw is None:
            out[model] = model
            continue
        m = re.match(r'\s*@@map\(\s*(?:name\s*:\s*)?"([^"]+)"', raw)
        if m:
            out[model] = m.group(1)
    return out


def sql_columns(text: str, written: Optional[Written] = None) -> Iterator[Column]:
    for stmt in split_sql(text):
        m = _CREATE_TABLE.match(stmt.text)
        if m:
            table = _unquote(m.group("table").split(".")[-1])
            open_paren = m.end()
            for part, offset in _top_level_parts(stmt.text[open_paren:], stmt.start + open_paren):
                col = re.match(rf"\s*(?P<name>{_IDENT})\s*(?P<type>[^\s,]*)", part)
                if not col or col.group("name").lower() in _CONSTRAINT_WORDS:
                    continue
                column = _sql_column(text, table, col.group("name"), col.group("type"), part,
                                     offset + col.start("name"), written)
                if column:
                    yield column
            continue
        m = _ALTER_TABLE.match(stmt.text)
        if m:
            table = _unquote(m.group("table").split(".")[-1])
            body_start = stmt.start + m.start("body")
            for add in _ADD_COLUMN.finditer(m.group("body")):
                if _unquote(add.group("name")).lower() in _NOT_COLUMN_AFTER_ADD:
                    continue
                rest = m.group("body")[add.start():]
                rest = rest.split(",", 1)[0]
                column = _sql_column(text, table, add.group("name"), add.group("type"), rest,
                                     body_start + add.start("name"), written)
                if column:
                    yield column
            for ren in _RENAME_COLUMN.finditer(m.group("body")):
                name = _unquote(ren.group("name"))
                if is_clerk_column_name(name):
                    start = body_start + ren.start("name")
                    yield Column(table, name, "", start, start + len(ren.group("name")), "name", "renamed")


def _sql_column(text: str, table: str, raw_name: str, type_: str, definition: str, start: int,
                written: Optional[Written] = None) -> Optional[Column]:
    name = _unquote(raw_name)
    reason = ""
    if is_clerk_column_name(name):
        reason = "name"
    elif _JWT_SUB.search(definition):
        reason = "jwt-default"
    elif comment_mentions_clerk(_line_comment(text, start)):
        reason = "comment"
    elif written is not None and written(table, name, ""):
        reason = "written"
    if not reason:
        return None
    return Column(table, name, type_.strip(), start, start + len(raw_name), reason,
                  " ".join(definition.split())[:120])


@dataclass(frozen=True)
class JwtUse:
    kind: str  # policy | function
    name: str
    table: str
    start: int
    end: int
    claims: tuple[str, ...]


_CLAIM = re.compile(r"->>?\s*'([A-Za-z_.]+)'")


def sql_jwt_uses(text: str) -> Iterator[JwtUse]:
    """RLS policies and SQL functions that read the caller's JWT claims, in a file that is
    about Clerk (it names Clerk, or keys rows by the token's `sub`)."""
    about_clerk: Optional[bool] = None  # worked out on first need
    for stmt in split_sql(text):
        if not _JWT_READ.search(stmt.text):
            continue
        if not _JWT_SUB.search(stmt.text):
            if about_clerk is None:
                about_clerk = comment_mentions_clerk(text) or any(is_clerk_column_name(c.name)
                                                                    for c in sql_columns(text))
            if not about_clerk:
                continue
        claims = tuple(dict.fromkeys(_CLAIM.findall(stmt.text))) or (("sub",) if _JWT_SUB.search(stmt.text) else ())
        m = _POLICY.match(stmt.text)
        if m:
            start = stmt.start + m.start("name")
            yield JwtUse("policy", _unquote(m.group("name")), _unquote(m.group("table").split(".")[-1]), start,
                         start + len(m.group("name")), claims)
            continue
        m = _FUNCTION.match(stmt.text)
        if m:
            start = stmt.start + m.start("name")
            yield JwtUse("function", m.group("name"), "", start, start + len(m.group("name")), claims)


# --------------------------------------------------------------------------- indexes


@dataclass(frozen=True)
class Index:
    table: str
    kind: str  # @@index | @@unique | @@id | index | unique index | unique
    columns: tuple[str, ...]
    start: int  # str offsets of the first Clerk-id column named in it
    end: int


_PRISMA_INDEX = re.compile(r"^\s*(?P<kind>@@(?:index|unique|id))\s*\(\s*(?:fields\s*:\s*)?\[(?P<cols>[^\]]*)\]")
_SQL_CREATE_INDEX = re.compile(
    rf"^\s*create\s+(?P<unique>unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(?:{_QNAME}\s+)?"
    rf"on\s+(?:only\s+)?(?P<table>{_QNAME})\s*(?:using\s+\w+\s*)?\((?P<cols>[^;]*)\)", re.IGNORECASE | re.DOTALL)
_SQL_UNIQUE = re.compile(r"\b(?P<kind>unique|primary\s+key)\s*(?:key\s*)?\((?P<cols>[^)]*)\)", re.IGNORECASE)


def prisma_indexes(text: str, clerk_fields: set[tuple[str, str]]) -> Iterator[Index]:
    model = None
    offset = 0
    for raw in text.split("\n"):
        line_start = offset
        offset += len(raw) + 1
        if model is None:
            m = _PRISMA_BLOCK.match(raw)
            model = m.group(2) if m else None
            continue
        if raw.strip().startswith("}"):
            model = None
            continue
        m = _PRISMA_INDEX.match(raw.split("//", 1)[0])
        if m:
            yield from _index(model, m.group("kind"), m.group("cols"), line_start + m.start("cols"), clerk_fields)


def sql_indexes(text: str, clerk_columns: set[tuple[str, str]]) -> Iterator[Index]:
    for stmt in split_sql(text):
        m = _SQL_CREATE_INDEX.match(stmt.text)
        if m:
            table = _unquote(m.group("table").split(".")[-1])
            kind = "unique index" if m.group("unique") else "index"
            yield from _index(table, kind, m.group("cols"), stmt.start + m.start("cols"), clerk_columns)
            continue
        create, alter = _CREATE_TABLE.match(stmt.text), _ALTER_TABLE.match(stmt.text)
        if create or alter:
            table = _unquote((create or alter).group("table").split(".")[-1])
            for u in _SQL_UNIQUE.finditer(stmt.text):
                kind = "unique" if u.group("kind").lower() == "unique" else "primary key"
                yield from _index(table, kind, u.group("cols"), stmt.start + u.start("cols"), clerk_columns)


def _index(table: str, kind: str, cols: str, base: int, known: set[tuple[str, str]]) -> Iterator[Index]:
    """The index when one of its columns holds Clerk ids (named after Clerk, or found so in this file)."""
    names, first = [], None
    for m in re.finditer(r'[A-Za-z_][\w$]*|"[^"]+"|`[^`]+`', cols):
        word = m.group(0)
        if word.lower() in ("sort", "asc", "desc", "length", "ops", "nulls", "first", "last", "collate"):
            continue
        name = _unquote(word)
        names.append(name)
        if first is None and (is_clerk_column_name(name) or (table, name) in known):
            first = (base + m.start(), base + m.end())
    if first is not None:
        yield Index(table, kind, tuple(names), first[0], first[1])


def index_findings(indexes: Iterator[Index], text: str, catalog: Catalog, classifier: Classifier,
                   kind: str) -> list[Finding]:
    rule = catalog.rule(INDEX_RULE)
    out = []
    for index in indexes:
        detail = f"{index.kind} on {index.table}({', '.join(index.columns)})"
        out.append(classifier.finding(rule, text_span(text, index.start, index.end), symbol=index.table,
                                      module="", detail=detail,
                                      details=(("table", index.table), ("index", index.kind),
                                               ("column", ", ".join(index.columns)), ("schema", kind))))
    return out


# --------------------------------------------------------------------------- analyzer


_REASONS = {
    "name": "named after Clerk",
    "map": "mapped to a Clerk-named column",
    "comment": "its comment says it holds Clerk ids",
    "jwt-default": "filled from the JWT subject (the Clerk user id)",
}


def column_findings(columns: Iterator[Column], text: str, catalog: Catalog, classifier: Classifier,
                    kind: str) -> list[Finding]:
    rule = catalog.rule(COLUMN_RULE)
    out = []
    for col in columns:
        attrs = col.attributes.lower()
        key = "primary key" if ("@id" in attrs or "primary key" in attrs) else "unique" if (
            "@unique" in attrs or " unique" in f" {attrs}") else ""
        detail = f"{col.table}.{col.name}" + (f" {col.type}" if col.type else "") + (f" ({key})" if key else "")
        detail += f", {_REASONS[col.reason]}" if col.reason != "name" else ""
        details = (("table", col.table), ("column", col.name), ("type", col.type), ("schema", kind),
                   ("reason", col.reason)) + ((("key", key),) if key else ())
        span = text_span(text, col.start, col.end)
        out.append(classifier.finding(rule, span, symbol=f"{col.table}.{col.name}", module="", detail=detail,
                                      details=details))
    return out


def jwt_findings(uses: Iterator[JwtUse], text: str, catalog: Catalog, classifier: Classifier) -> list[Finding]:
    rule = catalog.rule(SUPABASE_RULE)
    out = []
    for use in uses:
        claims = ", ".join(use.claims) or "claims"
        what = f"policy {use.name} on {use.table}" if use.kind == "policy" else f"function {use.name}()"
        detail = f"{what} reads the Clerk token's {claims}"
        span = text_span(text, use.start, use.end)
        out.append(classifier.finding(rule, span, symbol=use.name, module="", detail=detail,
                                      details=(("kind", use.kind), ("name", use.name), ("table", use.table),
                                               ("claims", ", ".join(use.claims)))))
    return out


_MARKERS = re.compile(r"clerk|auth\s*\.\s*jwt|request\.jwt|requesting_user_id", re.IGNORECASE)


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    result = FileAnalysis()
    classifier = marked_classifier(source, candidate, catalog, _MARKERS)
    if classifier is None:
        return result
    text = source.text
    if candidate.language == "prisma":
        columns = list(prisma_columns(text))
        result.findings.extend(column_findings(iter(columns), text, catalog, classifier, "prisma"))
        known = {(c.table, c.name) for c in columns}
        result.findings.extend(index_findings(prisma_indexes(text, known), text, catalog, classifier, "prisma"))
    elif candidate.language == "sql":
        columns = list(sql_columns(text))
        result.findings.extend(column_findings(iter(columns), text, catalog, classifier, "sql"))
        known = {(c.table, c.name) for c in columns}
        result.findings.extend(index_findings(sql_indexes(text, known), text, catalog, classifier, "sql"))
        result.findings.extend(jwt_findings(sql_jwt_uses(text), text, catalog, classifier))
    return result
