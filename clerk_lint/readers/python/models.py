"""Python models that keep Clerk ids (CLK722): fields of SQLAlchemy / Flask-SQLAlchemy /
SQLModel, Django, Tortoise, Peewee, MongoEngine, Pydantic, Beanie and ODMantic classes, and
columns named in `Table(...)` or an Alembic `op.add_column`; and indexes or unique constraints
over them (CLK723). Whether a name means Clerk ids is concepts/clerk_ids' call, as for the
Prisma / SQL / Drizzle readers."""
from __future__ import annotations

import ast
import re
from typing import Callable, Optional

from ...concepts.clerk_ids import is_clerk_column_name
from .vocabulary import SETTINGS_BASES as _SETTINGS

FIELD, INDEX = "CLK722", "CLK723"

# Calls that declare a column or a model field, by the dotted path of what is called.
_FIELD_CALL = re.compile(
    r"^(?:sqlalchemy(?:\.\w+)*\.(?:Column|mapped_column)"
    r"|flask_sqlalchemy\.SQLAlchemy\(\)\.(?:Column|mapped_column)"
    r"|(?:[\w.]+\.)?db\.(?:Column|mapped_column)"  # Flask's `db` imported from the app package
    r"|sqlmodel\.(?:Field|Column)"
    r"|django\.db\.models(?:\.\w+)*\.\w*Field"
    r"|django\.contrib\.postgres\.fields\.\w*Field"
    r"|tortoise(?:\.\w+)*\.fields\.\w*Field"
    r"|peewee\.\w*Field"
    r"|mongoengine(?:\.\w+)*\.\w*Field"
    r"|pydantic(?:\.\w+)*\.Field|odmantic\.Field)$")
# Bases that make a class a model: its annotated attributes are fields even without a call.
_MODEL_BASE = re.compile(
    r"^(?:pydantic(?:\.\w+)*\.BaseModel|sqlmodel\.SQLModel|beanie(?:\.\w+)*\.Document"
    r"|odmantic(?:\.\w+)*\.(?:Model|EmbeddedModel)"
    r"|sqlalchemy(?:\.\w+)*\.DeclarativeBase(?:NoMeta)?|sqlalchemy(?:\.\w+)*\.declarative_base\(\)"
    r"|sqlalchemy(?:\.\w+)*\.registry\(\)\.generate_base\(\)"
    r"|flask_sqlalchemy\.SQLAlchemy\(\)\.Model|(?:[\w.]+\.)?db\.Model"
    r"|django\.db\.models\.Model|tortoise(?:\.\w+)*\.Model|peewee\.Model|mongoengine(?:\.\w+)*\.\w*Document)$")
_TABLE_CALL = re.compile(r"^sqlalchemy(?:\.\w+)*\.Table$|^alembic\.op\.(?:create_table|add_column)$")
_MAPPED = re.compile(r"^sqlalchemy(?:\.\w+)*\.Mapped$")
_INDEXED = re.compile(r"^beanie(?:\.\w+)*\.Indexed$")
# Index and constraint calls -> the positional arguments that name the index or table, not columns.
_INDEX_CALL = (
    (re.compile(r"^sqlalchemy(?:\.\w+)*\.Index$"), 1),
    (re.compile(r"^sqlalchemy(?:\.\w+)*\.(?:UniqueConstraint|PrimaryKeyConstraint)$"), 0),
    (re.compile(r"^alembic\.op\.(?:create_index|create_unique_constraint|create_primary_key)$"), 2),
    (re.compile(r"^django\.db\.models(?:\.\w+)*\.(?:Index|UniqueConstraint)$"), 0),
)
# Keywords of a field call that give the stored column's own name.
_COLUMN_NAME_KEYWORDS = ("name", "db_column", "source_field", "column_name", "db_field", "alias",
                         "validation_alias", "serialization_alias", "key_name")
_INDEX_KEYWORDS = ("fields", "columns", "expressions")
_META_INDEX_NAMES = frozenset({"unique_together", "index_together", "indexes"})
_FLAGS = (("primary_key", "primary key"), ("unique", "unique"), ("index", "indexed"), ("db_index", "indexed"))
_LIBRARY = (("sqlalchemy", "SQLAlchemy"), ("flask_sqlalchemy", "SQLAlchemy"), ("sqlmodel", "SQLModel"),
            ("django", "Django"), ("tortoise", "Tortoise"), ("peewee", "Peewee"), ("mongoengine", "MongoEngine"),
            ("pydantic", "Pydantic"), ("beanie", "Beanie"), ("odmantic", "ODMantic"), ("alembic", "Alembic"))

Add = Callable[..., object]


def _library(path: str) -> str:
    top = path.split(".", 1)[0]
    return next((label for module, label in _LIBRARY if top == module), "SQLAlchemy" if path.endswith(
        ("db.Column", "db.mapped_column", "db.Model")) else "")


def _is_sqlalchemy(path: str) -> bool:
    return path.startswith(("sqlalchemy", "flask_sqlalchemy")) or path.endswith(("db.Column", "db.mapped_column"))


def _strings(node) -> list[ast.Constant]:
    if type(node) is ast.Constant and type(node.value) is str:
        return [node]
    if type(node) in (ast.List, ast.Tuple, ast.Set):
        return [s for element in node.elts for s in _strings(element)]
    return []


def _flags(call: Optional[ast.Call]) -> list[str]:
    if call is None:
        return []
    out = []
    for keyword in call.keywords:
        for arg, label in _FLAGS:
            if keyword.arg == arg and type(keyword.value) is ast.Constant and keyword.value.value is True:
                if label not in out:
                    out.append(label)
    return out


class ModelFields:
    """One pass over a parsed file's classes and calls; `parents` maps a node to its parent,
    `value(node)` resolves a node to the imported API it is bound to (bindings.Bindings.value),
    `add` records a finding."""

    def __init__(self, nodes: list, parents: dict, value: Callable, add: Add):
        self.nodes, self.parents, self.value, self.add = nodes, parents, value, add
        self.model_classes: dict[str, str] = {}  # local class name -> library label
        self.reported: set[int] = set()  # field calls already reported as a class attribute
        self.tables: dict[str, str] = {}  # class name -> its __tablename__

    def _path(self, node) -> str:
        val = self.value(node)
        return val.path if val is not None else ""

    def run(self) -> None:
        classes = [n for n in self.nodes if type(n) is ast.ClassDef]
        for cls in classes:
            for stmt in cls.body:
                if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name \
                        and stmt.targets[0].id == "__tablename__" and type(stmt.value) is ast.Constant:
                    self.tables[cls.name] = str(stmt.value.value)
        self._find_models(classes)
        for cls in classes:
            self._class_fields(cls)
        for node in self.nodes:
            if type(node) is ast.Call:
                self._standalone_column(node)
                self._index_call(node)

    def _find_models(self, classes: list) -> None:
        changed = True
        while changed:  # a model's subclasses are models (class Profile(TimestampedBase))
            changed = False
            for cls in classes:
                if cls.name in self.model_classes:
                    continue
                for base in cls.bases:
                    path = self._path(base)
                    label = _library(path) if _MODEL_BASE.match(path) else self.model_classes.get(
                        base.id if type(base) is ast.Name else "")
                    if label:
                        self.model_classes[cls.name] = label
                        changed = True
                        break

    def _field_call(self, node) -> tuple[Optional[ast.Call], str]:
        """The field-declaring call a class attribute's value is (or wraps, `Optional` aside)."""
        if type(node) is ast.Call:
            path = self._path(node.func)
            if _FIELD_CALL.match(path):
                return node, path
        return None, ""

    def _class_fields(self, cls: ast.ClassDef) -> None:
        if any(_SETTINGS.match(self._path(base)) for base in cls.bases):
            return  # a settings class: its aliases are env names (settings.py), not columns
        label = self.model_classes.get(cls.name, "")
        table = self.tables.get(cls.name, cls.name)
        for stmt in cls.body:
            if type(stmt) is ast.ClassDef and stmt.name in ("Meta", "Settings"):
                self._meta_indexes(stmt, table)
                continue
            if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name:
                target, annotation, value = stmt.target, stmt.annotation, stmt.value
            elif type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:
                target, annotation, value = stmt.targets[0], None, stmt.value
            else:
                continue
            call, path = self._field_call(value)
            mapped = annotation is not None and type(annotation) is ast.Subscript and bool(
                _MAPPED.match(self._path(annotation.value)))
            indexed = self._indexed(annotation)
            if call is None and not mapped and not (label and annotation is not None):
                continue
            kind = _library(path) if call is not None else ("SQLAlchemy" if mapped else label)
            self._report_field(target, target.id, call, table, kind, ["indexed"] if indexed else [])

    def _indexed(self, annotation) -> bool:
        """Beanie's `clerk_id: Indexed(str, unique=True)` (also inside Annotated[...])."""
        if annotation is None:
            return False
        for node in ast.walk(annotation):
            if type(node) is ast.Call and _INDEXED.match(self._path(node.func)):
                return True
        return False

    def _column_name(self, call: Optional[ast.Call]) -> Optional[ast.AST]:
        if call is None:
            return None
        # Only SQLAlchemy's first argument is the column name (Django's is a label, Pydantic's a default).
        first = call.args[0] if call.args else None
        if _is_sqlalchemy(self._path(call.func)) and type(first) is ast.Constant and type(first.value) is str:
            return first
        for keyword in call.keywords:
            if keyword.arg in _COLUMN_NAME_KEYWORDS and type(keyword.value) is ast.Constant \
                    and type(keyword.value.value) is str:
                return keyword.value
        return None

    def _report_field(self, node, attribute: str, call: Optional[ast.Call], table: str, kind: str,
                      extra: list[str]) -> None:
        column_node = self._column_name(call)
        column = column_node.value if column_node is not None else ""
        if not (is_clerk_column_name(attribute) or (column and is_clerk_column_name(column))):
            return
        if call is not None:
            self.reported.add(id(call))
        flags = extra + [f for f in _flags(call) if f not in extra]
        stored = f" (column {column})" if column and column != attribute else ""
        detail = f"{table}.{attribute}{stored}" + (f", {kind} field" if kind else "") + (
            f", {', '.join(flags)}" if flags else "")
        details = (("table", table), ("column", column or attribute), ("field", attribute), ("schema", kind)) + (
            (("key", flags[0]),) if flags else ())
        self.add(FIELD, node, symbol=f"{table}.{attribute}", package=kind, detail=detail, details=details)

    def _standalone_column(self, call: ast.Call) -> None:
        """`Column("clerk_user_id", String)` in `Table(...)` or `op.add_column("users", ...)`."""
        if id(call) in self.reported:
            return
        path = self._path(call.func)
        if not _FIELD_CALL.match(path) or not _is_sqlalchemy(path):
            return
        name = self._column_name(call)
        if name is None or name is not (call.args[0] if call.args else None):
            return
        if not is_clerk_column_name(name.value):
            return
        table = self._table_of(call)
        flags = _flags(call)
        detail = (f"{table}.{name.value}" if table else name.value) + ", SQLAlchemy column" + (
            f", {', '.join(flags)}" if flags else "")
        details = (("table", table), ("column", name.value), ("schema", "SQLAlchemy")) + (
            (("key", flags[0]),) if flags else ())
        self.add(FIELD, name, symbol=f"{table}.{name.value}" if table else name.value, package="SQLAlchemy",
                 detail=detail, details=details)

    def _table_of(self, node) -> str:
        """The table a standalone column or index belongs to: the enclosing `Table("users", ...)`,
        `op.create_table` / `op.add_column("users", ...)`, or the model class around `__table_args__`."""
        parent = self.parents.get(node)
        while parent is not None:
            if type(parent) is ast.Call:
                path = self._path(parent.func)
                if _TABLE_CALL.match(path) or path.endswith("db.Table"):
                    first = parent.args[0] if parent.args else None
                    if type(first) is ast.Constant and type(first.value) is str:
                        return first.value
            elif type(parent) is ast.ClassDef:
                return self.tables.get(parent.name, parent.name)
            elif isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return ""
            parent = self.parents.get(parent)
        return ""

    def _index_call(self, call: ast.Call) -> None:
        path = self._path(call.func)
        for pattern, skip in _INDEX_CALL:
            if pattern.match(path):
                break
        else:
            return
        names: list[str] = []
        for arg in call.args[skip:]:
            names.extend(s.value for s in _strings(arg))
            names.extend(self._attribute_names(arg))
        for keyword in call.keywords:
            if keyword.arg in _INDEX_KEYWORDS:
                names.extend(s.value for s in _strings(keyword.value))
        if path.startswith("alembic") and len(call.args) > 1 and type(call.args[1]) is ast.Constant:
            table = str(call.args[1].value)
        else:
            table = self._table_of(call)
        self._report_index(call, names, path.rsplit(".", 1)[-1], table)

    def _attribute_names(self, node) -> list[str]:
        """`User.clerk_id` / `cls.clerk_id` / `text("lower(clerk_id)")` aside: attribute names."""
        if type(node) is ast.Attribute:
            return [node.attr]
        if type(node) in (ast.List, ast.Tuple):
            return [n for element in node.elts for n in self._attribute_names(element)]
        return []

    def _meta_indexes(self, meta: ast.ClassDef, table: str) -> None:
        """Django `Meta.unique_together` / `index_together`, Beanie `Settings.indexes`."""
        for stmt in meta.body:
            if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name \
                    and stmt.targets[0].id in _META_INDEX_NAMES:
                names = [s.value for s in _strings(stmt.value)]
                self._report_index(stmt.value, names, stmt.targets[0].id, table)

    def _report_index(self, node, names: list[str], kind: str, table: str) -> None:
        clerk = [n for n in names if is_clerk_column_name(n)]
        if not clerk:
            return
        where = f" on {table}" if table else ""
        detail = f"{kind}{where}({', '.join(names)})"
        self.add(INDEX, node, symbol=", ".join(clerk), package="", detail=detail,
                 details=(("table", table), ("index", kind), ("columns", ", ".join(names))))


def declared_fields(tree: ast.Module, class_name: str) -> dict[str, ast.AST]:
    """field name -> the node declaring it (its target name) in the module-level class
    `class_name` and the classes of this module it derives from; a Django ForeignKey `owner`
    is also `owner_id`. For the project pass that reports neutral columns (CLK724)."""
    classes = {n.name: n for n in tree.body if type(n) is ast.ClassDef}
    out: dict[str, ast.AST] = {}
    seen = set()
    pending = [class_name]
    while pending:
        name = pending.pop()
        cls = classes.get(name)
        if cls is None or name in seen:
            continue
        seen.add(name)
        for stmt in cls.body:
            if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name:
                target, value = stmt.target, stmt.value
            elif type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:
                target, value = stmt.targets[0], stmt.value
            else:
                continue
            out.setdefault(target.id, target)
            if type(value) is ast.Call and type(value.func) in (ast.Name, ast.Attribute) and (
                    getattr(value.func, "attr", None) or getattr(value.func, "id", "")) in ("ForeignKey", "OneToOneField"):
                out.setdefault(target.id + "_id", target)
        pending.extend(b.id for b in cls.bases if type(b) is ast.Name)
    return out
