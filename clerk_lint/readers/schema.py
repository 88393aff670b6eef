"""Database schemas: Prisma schema files and SQL migrations.

Apps mirror Clerk users into their own tables and key rows by Clerk's ids (`user_2x…`,
`org_2x…`). Every such column is data the migration must carry over: either the Clerk id is
kept as Better Auth's `user.id` (the migration script creates users with their Clerk id) and the
column becomes a foreign key to `user`, or it is remapped to the new ids. Supabase row-level
security policies that read the Clerk session token's claims are rewritten too.

Rules: CLK720 clerk-id-column (Prisma fields, SQL columns), CLK733
supabase-clerk-third-party-auth (RLS policies and functions that read Clerk's JWT claims).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from ..concepts.catalog import Catalog
from ..classify.classifier import Classifier
from ..discover.walk import Candidate
from ..findings import FileAnalysis, Finding
from .source import SourceText
from .text_analysis import marked_classifier, text_span

COLUMN_RULE, SUPABASE_RULE = "CLK720", "CLK733"


# --------------------------------------------------------------------------- names


def name_tokens(name: str) -> list[str]:
    """`clerkUserId` -> [clerk, user, id]; `clerk_org_id` -> [clerk, org, id]; `ClerkID` -> [clerk, id]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


_GLUED = re.compile(r"^clerk(?:id|ids|userid|orgid|organizationid|uid|user|org|sub|sessionid)?$")


def is_clerk_column_name(name: str) -> bool:
    """A column or field named after Clerk: clerkId, clerk_user_id, clerkOrgId, clerkid,
    ClerkUserID, is_clerk_user ... (but not clerkenwell or bookclerk)."""
    return any(_GLUED.match(t) for t in name_tokens(name))


_CLERK_WORD = re.compile(r"\bclerk\b", re.IGNORECASE)


def comment_mentions_clerk(comment: str) -> bool:
    return bool(_CLERK_WORD.search(comment))


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


def prisma_columns(text: str) -> Iterator[Column]:
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
        pending_doc = ""
        if reason:
            yield Column(model, name, m.group("type"), line_start + m.start("name"), line_start + m.end("name"),
                         reason, rest.strip())


# --------------------------------------------------------------------------- SQL


_SQL_SPECIAL = re.compile(r"--|/\*|['\"`$;]")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_]\w*)?\$")


@dataclass(frozen=True)
class Statement:
    text: str  # with comments blanked out (same length as the source slice)
    start: int  # str offset in the file


def split_sql(text: str) -> Iterator[Statement]:
    """Statements separated by top-level semicolons. Comments are blanked (replaced by spaces,
    so offsets still match the source); quotes, quoted identifiers and dollar-quoted bodies are
    kept whole."""
    out = []
    i = 0
    n = len(text)
    start = 0
    while i < n:
        special = _SQL_SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        if special.start() > i:  # ordinary text up to the next quote, comment, dollar or semicolon
            out.append(text[i:special.start()])
            i = special.start()
        ch = text[i]
        if text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j == -1 else j
            out.append(" " * (j - i))
            i = j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j == -1 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if ch in ("'", '"', "`"):
            j = i + 1
            while True:
                j = text.find(ch, j)
                if j == -1:
                    j = n
                    break
                if j + 1 < n and text[j + 1] == ch:  # a doubled quote inside the literal
                    j += 2
                    continue
                j += 1
                break
            out.append(text[i:j])
            i = j
            continue
        if ch == "$":
            m = _DOLLAR_TAG.match(text, i)
            if m:
                tag = m.group(0)
                j = text.find(tag, i + len(tag))
                j = n if j == -1 else j + len(tag)
                out.append(text[i:j])
                i = j
                continue
        if ch == ";":
            body = "".join(out)
            if body.strip():
                yield Statement(body, start)
            out = []
            i += 1
            start = i
            continue
        out.append(ch)
        i += 1
    body = "".join(out)
    if body.strip():
        yield Statement(body, start)


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


def sql_columns(text: str) -> Iterator[Column]:
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
                                     offset + col.start("name"))
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
                                     body_start + add.start("name"))
                if column:
                    yield column
            for ren in _RENAME_COLUMN.finditer(m.group("body")):
                name = _unquote(ren.group("name"))
                if is_clerk_column_name(name):
                    start = body_start + ren.start("name")
                    yield Column(table, name, "", start, start + len(ren.group("name")), "name", "renamed")


def _sql_column(text: str, table: str, raw_name: str, type_: str, definition: str, start: int) -> Optional[Column]:
    name = _unquote(raw_name)
    reason = ""
    if is_clerk_column_name(name):
        reason = "name"
    elif _JWT_SUB.search(definition):
        reason = "jwt-default"
    elif comment_mentions_clerk(_line_comment(text, start)):
        reason = "comment"
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
                about_clerk = bool(_CLERK_WORD.search(text)) or any(is_clerk_column_name(c.name)
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
        result.findings.extend(column_findings(prisma_columns(text), text, catalog, classifier, "prisma"))
    elif candidate.language == "sql":
        result.findings.extend(column_findings(sql_columns(text), text, catalog, classifier, "sql"))
        result.findings.extend(jwt_findings(sql_jwt_uses(text), text, catalog, classifier))
    return result


# --------------------------------------------------------------------------- JS/TS ORM schemas
# Called by the JS analyzer for captures of queries/ecma/database.scm (Drizzle, Convex,
# Mongoose, Sequelize object schemas) and queries/typescript/database.scm (decorated entity
# fields: TypeORM, MikroORM, Typegoose, NestJS GraphQL). Returns "" or (detail, node, details).

# Column builders of Drizzle (pg-core, mysql-core, sqlite-core) and the callback form t.text().
COLUMN_BUILDERS = frozenset({
    "text", "varchar", "char", "uuid", "integer", "int", "bigint", "serial", "bigserial", "smallint",
    "numeric", "decimal", "real", "doublePrecision", "boolean", "timestamp", "date", "json", "jsonb",
    "citext", "tinytext", "mediumtext", "longtext", "binary", "varbinary", "blob", "mysqlEnum", "pgEnum",
})
# Objects whose members are column / field types: Convex validators, Sequelize, Mongoose.
_TYPE_OBJECTS = re.compile(r"^(?:v|DataTypes|Sequelize|Schema\.Types|mongoose\.Schema\.Types|Types|SchemaTypes)$")
_TYPE_IDENTIFIERS = frozenset({"String", "Number", "Buffer", "ObjectId"})
_ENTITY_DECORATORS = re.compile(r"^(?:Column|PrimaryColumn|PrimaryGeneratedColumn|Index|Prop|Property|Field|"
                                r"ManyToOne|JoinColumn|Unique)$")


def _js_text(node) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def _innermost_call(call):
    """text("clerk_id").notNull().unique() -> the text("clerk_id") call."""
    while True:
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "member_expression":
            obj = fn.child_by_field_name("object")
            if obj is not None and obj.type == "call_expression":
                call = obj
                continue
        return call


def _first_string_arg(call) -> str:
    args = call.child_by_field_name("arguments")
    if args is None:
        return ""
    first = next((c for c in args.named_children if c.type != "comment"), None)
    if first is not None and first.type == "string":
        return _js_text(first)[1:-1]
    return ""


def _column_definition(value) -> tuple[bool, str]:
    """(whether `value` defines a column / field, the database column name it gives)."""
    if value is None:
        return False, ""
    if value.type == "call_expression":
        call = _innermost_call(value)
        fn = call.child_by_field_name("function")
        if fn is None:
            return False, ""
        if fn.type == "identifier" and _js_text(fn) in COLUMN_BUILDERS:
            return True, _first_string_arg(call)
        if fn.type == "member_expression":
            obj = _js_text(fn.child_by_field_name("object"))
            prop = _js_text(fn.child_by_field_name("property"))
            if _TYPE_OBJECTS.match(obj) or (prop in COLUMN_BUILDERS and re.fullmatch(r"[a-z]\w{0,2}", obj)):
                return True, _first_string_arg(call)
        return False, ""
    if value.type == "identifier":
        return _js_text(value) in _TYPE_IDENTIFIERS, ""
    if value.type == "member_expression":
        return bool(_TYPE_OBJECTS.match(_js_text(value.child_by_field_name("object")))), ""
    if value.type == "array":
        items = [c for c in value.named_children if c.type != "comment"]
        return len(items) == 1 and _column_definition(items[0])[0], ""
    if value.type == "object":
        for pair in value.named_children:
            if pair.type == "pair" and _js_text(pair.child_by_field_name("key")).strip("\"'") == "type":
                return True, ""
    return False, ""


def _table_name(obj) -> str:
    """The table an object of columns belongs to: pgTable("users", {...}) -> users;
    users: defineTable({...}) -> users; const UserSchema = new Schema({...}) -> UserSchema."""
    node = obj
    for _ in range(6):
        node = node.parent
        if node is None:
            return ""
        if node.type in ("call_expression", "new_expression"):
            name = _first_string_arg(node) if node.type == "call_expression" else ""
            if name:
                return name
            up = node.parent
            if up is not None and up.type == "pair":
                return _js_text(up.child_by_field_name("key")).strip("\"'")
            if up is not None and up.type == "variable_declarator":
                return _js_text(up.child_by_field_name("name"))
        if node.type == "variable_declarator":
            return _js_text(node.child_by_field_name("name"))
        if node.type in ("class_declaration", "class"):
            return _js_text(node.child_by_field_name("name"))
    return ""


def js_clerk_id_column(node, catalog: Catalog):
    """`database.clerk-id-column`: an ORM schema field named after Clerk (clerkId: text(),
    clerkUserId: v.string(), clerkId: { type: String }), or a column builder given a Clerk
    column name (userId: text("clerk_user_id")), or a decorated entity field (@Column() clerkId)."""
    parent = node.parent
    if parent is None:
        return ""
    if parent.type == "pair":
        key = _js_text(node).strip("\"'`")
        is_column, db_name = _column_definition(parent.child_by_field_name("value"))
        if not is_column or not (is_clerk_column_name(key) or (db_name and is_clerk_column_name(db_name))):
            return ""
        table = _table_name(parent.parent) if parent.parent is not None else ""
        column = db_name or key
        shown = f"{table}.{key}" if table else key
        detail = shown + (f" (column {db_name})" if db_name and db_name != key else "")
        return (detail, parent, (("table", table), ("column", column), ("field", key), ("schema", "orm")))
    if parent.type in ("public_field_definition", "field_definition"):
        key = _js_text(node)
        decorators = [d for d in parent.named_children if d.type == "decorator"]
        names = []
        for d in decorators:
            expr = d.named_children[0] if d.named_children else None
            fn = expr.child_by_field_name("function") if expr is not None and expr.type == "call_expression" else expr
            names.append((_js_text(fn), expr))
        if not any(_ENTITY_DECORATORS.match(n) for n, _ in names):
            return ""
        mapped = ""
        for _, expr in names:
            if expr is not None and expr.type == "call_expression":
                m = re.search(r"\bname\s*:\s*[\"']([^\"']+)", _js_text(expr.child_by_field_name("arguments")))
                if m:
                    mapped = m.group(1)
        if not (is_clerk_column_name(key) or (mapped and is_clerk_column_name(mapped))):
            return ""
        table = _table_name(parent)
        shown = f"{table}.{key}" if table else key
        return (shown + (f" (column {mapped})" if mapped else ""), node,
                (("table", table), ("column", mapped or key), ("field", key), ("schema", "orm")))
    return ""
