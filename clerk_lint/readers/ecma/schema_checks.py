"""Checks the ECMAScript reader runs on captures of queries/ecma/database.scm and
queries/typescript/database.scm: ORM schema fields that hold Clerk ids (CLK720), and the
indexes and unique constraints over them (CLK721)."""
from __future__ import annotations

import re

from ...concepts.catalog import Catalog
from ...concepts.clerk_ids import is_clerk_column_name

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


# Keys of a Convex function definition (`mutation({ args, returns, handler })`) whose objects
# validate the function's arguments and result, not a table's fields.
_FUNCTION_VALIDATORS = frozenset({"args", "returns"})


def _in_function_validators(pair) -> bool:
    """Whether a field pair sits in `args: {...}` / `returns: v.object({...})` of a call's object."""
    node = pair.parent
    for _ in range(8):
        if node is None:
            return False
        if node.type == "pair" and _js_text(node.child_by_field_name("key")).strip("\"'") in _FUNCTION_VALIDATORS:
            holder = node.parent
            return holder is not None and holder.type == "object" and holder.parent is not None \
                and holder.parent.type == "arguments"
        if node.type in ("statement_block", "program", "class_body"):
            return False
        node = node.parent
    return False


def _table_name(obj) -> str:
    """The table an object of columns belongs to: pgTable("users", {...}) -> users;
    users: defineTable({...}) -> users; const UserSchema = new Schema({...}) -> UserSchema."""
    node = obj
    for _ in range(10):
        came_from, node = node, node.parent
        if node is None:
            return ""
        if node.type == "call_expression" and node.child_by_field_name("function") == came_from:
            continue  # a method chained on the table (`defineTable({...}).index("by_x", [...])`)
        if node.type == "member_expression":
            continue
        if node.type == "pair" and came_from.type == "call_expression":
            return _js_text(node.child_by_field_name("key")).strip("\"'")  # users: defineTable({...}).index(...)
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
        if _in_function_validators(parent):
            return ""  # a Convex function's argument: it carries the id (CLK726), stores nothing
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



_DRIZZLE_INDEXES = frozenset({"index", "uniqueIndex", "unique", "primaryKey"})


def js_clerk_id_index(node, catalog: Catalog):
    """`database.clerk-id-index`: an index or unique constraint over a Clerk-id column: Drizzle
    `index("x").on(t.clerkUserId)` / `uniqueIndex` / `unique().on(...)`, Convex
    `.index("by_clerkId", ["clerkId"])`, Mongoose `clerkId: { type: String, index: true }`."""
    if node.type == "pair":
        field = node.parent.parent if node.parent is not None else None  # { ... } -> the field's pair
        if field is None or field.type != "pair":
            return ""
        key = _js_text(field.child_by_field_name("key")).strip("\"'`")
        if not is_clerk_column_name(key):
            return ""
        kind = _js_text(node.child_by_field_name("key"))
        return (f"{key} ({kind})", node, (("column", key), ("index", kind), ("schema", "orm")))
    parts = index_parts(node)
    if parts is None:
        return ""
    builder_name, index_name, columns, target = parts
    mapped = _mapped_names(node) if builder_name in _DRIZZLE_INDEXES else {}
    clerk = [c for c in columns if is_clerk_column_name(c) or is_clerk_column_name(mapped.get(c, ""))]
    if not clerk:
        return ""
    shown = f"{builder_name} {index_name}" if index_name else builder_name
    return (f"{shown} on {', '.join(columns)}", target,
            (("index", index_name or builder_name), ("column", ", ".join(clerk)), ("schema", "orm")))


def _mapped_names(index) -> dict[str, str]:
    """Column key -> database name of the Drizzle table an index callback belongs to
    (`userId: text("clerk_user_id")`), found up the tree from the index call."""
    node = index
    for _ in range(12):
        node = node.parent
        if node is None:
            return {}
        if node.type == "arguments":
            items = [c for c in node.named_children if c.type != "comment"]
            columns = items[1] if len(items) >= 3 else None
            while columns is not None and columns.type in ("arrow_function", "parenthesized_expression"):
                columns = columns.child_by_field_name("body") if columns.type == "arrow_function" else (
                    columns.named_children[0] if columns.named_children else None)
            if columns is not None and columns.type == "object" and not (items[1].start_byte <= index.start_byte < items[1].end_byte):
                out = {}
                for pair in columns.named_children:
                    if pair.type == "pair":
                        is_column, db_name = _column_definition(pair.child_by_field_name("value"))
                        if is_column and db_name:
                            out[_js_text(pair.child_by_field_name("key")).strip("\"'`")] = db_name
                return out
    return {}


def index_parts(node):
    """(builder, index name, columns, node to report) of a Drizzle `index("x").on(t.a, t.b)` /
    `uniqueIndex` / `unique().on` call or a Convex `.index("by_a", ["a"])` call, else None."""
    fn = node.child_by_field_name("function")
    method = _js_text(fn.child_by_field_name("property")) if fn is not None else ""
    args = node.child_by_field_name("arguments")
    if args is None:
        return None
    items = [c for c in args.named_children if c.type != "comment"]
    if method == "on":
        builder = fn.child_by_field_name("object")
        inner = _innermost_call(builder) if builder is not None and builder.type == "call_expression" else None
        name_node = inner.child_by_field_name("function") if inner is not None else None
        builder_name = _js_text(name_node.child_by_field_name("property") if name_node is not None
                                and name_node.type == "member_expression" else name_node)
        if builder_name not in _DRIZZLE_INDEXES:
            return None
        columns = [_js_text(c.child_by_field_name("property")) if c.type == "member_expression" else _js_text(c)
                   for c in items]
        return builder_name, _first_string_arg(inner), columns, inner  # chained calls start lines above
    if method == "index" and len(items) >= 2 and items[0].type == "string" and items[1].type == "array":
        columns = [_js_text(c)[1:-1] for c in items[1].named_children if c.type == "string"]
        return "index", _js_text(items[0])[1:-1], columns, fn.child_by_field_name("property")
    return None
