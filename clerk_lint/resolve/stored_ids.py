"""Columns that hold Clerk ids under neutral names (CLK724): the project pass that follows each
Clerk id a file writes into a table (concepts.clerk_ids.StoredIdWrite, made by the readers) to
the column's declaration, in whichever file declares it:

- a Drizzle table through its binding: the module the writer imported it from (resolved by the
  module resolver when the writer was read), or the writer's own file;
- a Prisma model by its client accessor (`db.post` -> `model Post`), or by its table name
  (`@@map`) for SQL-level writers;
- a Convex table by its key in `defineSchema({...})`; a Clerk id passed to another Convex
  function (`ctx.runMutation(internal.users.upsert, { userId: evt.data.id })`) is followed into
  that function's handler, whose writes are the caller's;
- a SQL table (`CREATE TABLE`, `ALTER TABLE ... ADD COLUMN`) by name;
- a Python model class (Django, SQLAlchemy, SQLModel ...) in the module the writer imported
  it from (resolved by resolve/py_project.py), or the writer's own file.

An index over such a column is reported too (CLK721), unless one of its columns is named after
Clerk (the schema's own reader reported it already). Columns named after Clerk are CLK720
already and are never repeated here. Only files of the scan are read, once each."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Optional, Sequence

from ..classify.classifier import Classifier
from ..concepts.catalog import Catalog
from ..concepts.clerk_ids import NEUTRAL_COLUMN_RULE, StoredIdWrite, is_clerk_column_name, kinds_label, writers_detail
from ..discover.kinds import Candidate
from ..findings import FileAnalysis, FileProblem
from ..readers.source import LineIndex, SourceText
from ..readers.text_analysis import text_span

INDEX_RULE = "CLK721"
JS_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
Read = Callable[[Candidate], tuple[Optional[SourceText], Optional[FileProblem]]]
# (importing file, specifier) -> the project file it names (the module resolver), or None.
Resolve = Callable[[str, str], Optional[str]]
MAX_REEXPORTS = 4  # `@repo/db` -> src/index.ts -> src/schema.ts ...
MAX_CONVEX_HOPS = 3  # an httpAction -> an internalMutation -> a helper mutation
Written = dict[str, list[StoredIdWrite]]  # column -> its writers


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Groups:
    """The writes by where their table is declared."""

    def __init__(self, writes: Iterable[StoredIdWrite], by_relpath: dict[str, Candidate]):
        self.drizzle: dict[str, dict[str, Written]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        self.prisma: dict[str, Written] = defaultdict(lambda: defaultdict(list))
        # (model accessor, relation field) -> the written key of the related model: `connect: { id }`
        self.prisma_relation: dict[tuple[str, str], Written] = defaultdict(lambda: defaultdict(list))
        self.convex: dict[str, Written] = defaultdict(lambda: defaultdict(list))
        self.sql: dict[str, Written] = defaultdict(lambda: defaultdict(list))
        # Python models: declaring file -> class name -> column -> writes
        self.python: dict[str, dict[str, Written]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        self.via: dict[tuple[str, str, str], str] = {}  # (module, binding, column) -> the key it references
        for w in writes:
            if w.orm == "drizzle":
                module = w.module or (str(by_relpath[w.path].path) if w.path in by_relpath else "")
                if module:
                    self.drizzle[module][w.table][w.column].append(w)
            elif w.orm == "prisma":
                self.prisma[_lower_first(w.table)][w.column].append(w)
            elif w.orm == "prisma-relation":
                self.prisma_relation[(_lower_first(w.table), w.module)][w.column].append(w)
            elif w.orm == "convex":
                self.convex[w.table][w.column].append(w)
            elif w.orm == "sql":
                self.sql[w.table.lower()][w.column.lower()].append(w)
            elif w.orm == "python":
                module = w.module or (str(by_relpath[w.path].path) if w.path in by_relpath else "")
                if module:
                    self.python[module][w.table][w.column].append(w)


def _column_finding(classifier: Classifier, catalog: Catalog, node, table: str, column: str, schema: str,
                    writes: list[StoredIdWrite], db_name: str = "", via: str = ""):
    kinds = kinds_label(writes)
    shown = f"{table}.{column}" + (f" (column {db_name})" if db_name and db_name != column else "")
    detail = f"{shown} holds Clerk {kinds + ' ids' if kinds != 'id' else 'ids'}"
    detail += f" (a relation links it to {via})" if via else ""
    detail += f": {writers_detail(writes)}"
    if "session" in kinds:
        detail += " (Clerk sessions are not imported: Better Auth's sessions have ids of their own)"
    writers = ", ".join(dict.fromkeys(f"{w.path}:{w.line}" for w in sorted(writes, key=lambda w: (w.path, w.line))))
    details = (("table", table), ("column", db_name or column), ("field", column), ("schema", schema),
               ("reason", "written" if not via else "relation"), ("kind", kinds), ("writers", writers)) + (
               (("via", via),) if via else ())
    return classifier.finding(catalog.rule(NEUTRAL_COLUMN_RULE), node, symbol=f"{table}.{column}", module="",
                              detail=detail, details=details)


def _index_finding(classifier: Classifier, catalog: Catalog, node, table: str, kind: str, name: str,
                   columns: list[str], written: list[str], schema: str):
    shown = f"{kind} {name}" if name else kind
    detail = f"{shown} on {table}({', '.join(columns)}), a column filled with Clerk ids"
    return classifier.finding(catalog.rule(INDEX_RULE), node, symbol=table, module="", detail=detail,
                              details=(("table", table), ("index", name or kind), ("column", ", ".join(written)),
                                       ("schema", schema), ("reason", "written")))


def _js_findings(source: SourceText, candidate: Candidate, catalog: Catalog, drizzle: dict[str, Written],
                 convex: dict[str, Written], via: Optional[dict[tuple[str, str], str]] = None) -> list:
    from ..readers.ecma.table_declarations import convex_tables, drizzle_table, parse_module

    root = parse_module(source.data, candidate.language)
    classifier = Classifier(catalog, LineIndex(source).locator(candidate.relpath))
    tables = []
    for binding, written in drizzle.items():
        table = drizzle_table(root, binding)
        if table is not None:
            tables.append((binding, table.name, table, written, "orm"))
    if convex:
        for key, table in convex_tables(root).items():
            if key in convex:
                tables.append((key, key, table, convex[key], "convex"))
    out = []
    for binding, name, table, written, schema in tables:
        filled = []
        for column, writes in sorted(written.items()):
            found = table.columns.get(column)
            if found is None or is_clerk_column_name(found[1] or column):
                continue
            filled.append(column)
            out.append(_column_finding(classifier, catalog, found[0], name, column, schema, writes, found[1],
                                       (via or {}).get((binding, column), "") if schema == "orm" else ""))
        for node, builder, index_name, columns in table.indexes:
            hit = [table.columns[c][1] or c for c in columns if c in filled]
            if hit and not any(is_clerk_column_name(c) for c in columns):
                out.append(_index_finding(classifier, catalog, node, name, builder, index_name, columns, hit, schema))
    return out


def _text_findings(source: SourceText, candidate: Candidate, catalog: Catalog, groups: _Groups) -> list:
    from ..readers.schema import (prisma_columns, prisma_indexes, prisma_relation_targets, prisma_table_names,
                                  sql_columns, sql_indexes)

    text = source.text
    classifier = Classifier(catalog, LineIndex(source).locator(candidate.relpath))
    found: dict[tuple[str, str], list[StoredIdWrite]] = {}
    via: dict[tuple[str, str], str] = {}

    if candidate.language == "prisma":
        tables = prisma_table_names(text)
        related: dict[tuple[str, str], list[StoredIdWrite]] = defaultdict(list)  # through relation fields
        if groups.prisma_relation:
            for (model, relation), target in prisma_relation_targets(text).items():
                for column, writes in groups.prisma_relation.get((_lower_first(model), relation), {}).items():
                    related[(target, column)].extend(writes)

        def direct(model: str, name: str, mapped: str) -> list[StoredIdWrite]:
            writes = groups.prisma.get(_lower_first(model), {}).get(name, []) + related.get((model, name), [])
            sql = groups.sql.get(tables.get(model, model).lower(), {})
            return writes + sql.get((mapped or name).lower(), [])

        linked = _prisma_linked(text, direct)

        def written(model: str, name: str, mapped: str) -> bool:
            writes = direct(model, name, mapped)
            if writes:
                found[(model, name)] = writes
            elif (model, name) in linked:
                via[(model, name)], found[(model, name)] = linked[(model, name)]
            return (model, name) in found

        columns = [c for c in prisma_columns(text, written) if c.reason == "written"]
        indexes = prisma_indexes(text, {(c.table, c.name) for c in columns})
        schema = "prisma"
    else:
        def written(table: str, name: str, _mapped: str) -> bool:
            writes = groups.sql.get(table.lower(), {}).get(name.lower(), [])
            if writes:
                found[(table, name)] = writes
            return bool(writes)

        columns = [c for c in sql_columns(text, written) if c.reason == "written"]
        indexes = sql_indexes(text, {(c.table, c.name) for c in columns})
        schema = "sql"
    out = [_column_finding(classifier, catalog, text_span(text, c.start, c.end), c.table, c.name, schema,
                           found[(c.table, c.name)], via=via.get((c.table, c.name), "")) for c in columns]
    filled = {(c.table, c.name) for c in columns}
    for index in indexes:
        hit = [c for c in index.columns if (index.table, c) in filled]
        if hit and not any(is_clerk_column_name(c) for c in index.columns):
            out.append(_index_finding(classifier, catalog, text_span(text, index.start, index.end), index.table,
                                      index.kind, "", list(index.columns), hit, schema))
    return out


def _python_findings(source: SourceText, candidate: Candidate, catalog: Catalog, models: dict[str, Written]) -> list:
    """A Python model's field that code fills with Clerk ids (SQLAlchemy, SQLModel, Django ...)."""
    import ast
    import warnings

    from ..readers.python.models import declared_fields
    from ..readers.text_analysis import Span

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    index = LineIndex(source)
    classifier = Classifier(catalog, index.locator(candidate.relpath))
    out = []
    for model, written in sorted(models.items()):
        fields = declared_fields(tree, model)
        for column, writes in sorted(written.items()):
            node = fields.get(column)
            if node is None or is_clerk_column_name(column) or is_clerk_column_name(node.id):
                continue
            start = index.starts[node.lineno - 1] + node.col_offset
            span = Span(start, index.starts[node.end_lineno - 1] + node.end_col_offset)
            out.append(_column_finding(classifier, catalog, span, model, node.id, "python", writes,
                                       column if column != node.id else ""))
    return out



def _prisma_linked(text: str, direct: Callable[[str, str, str], list[StoredIdWrite]]) -> dict[tuple[str, str], tuple[str, list]]:
    """Fields a relation links to a field code fills with Clerk ids (a foreign key and the key it
    references hold the same ids): (model, field) -> ("Model.field" it is linked to, its writers).
    Fields named after Clerk are CLK720 already and stay out (a link to one is not followed)."""
    from ..readers.schema import prisma_columns, prisma_relations

    links: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for model, field, target, ref in prisma_relations(text):
        links[(model, field)].add((target, ref))
        links[(target, ref)].add((model, field))
    if not links:
        return {}
    seeds: dict[tuple[str, str], list[StoredIdWrite]] = {}

    def collect(model: str, name: str, mapped: str) -> bool:
        writes = direct(model, name, mapped) if (model, name) in links else []
        if writes:
            seeds[(model, name)] = writes
        return False

    named = {(c.table, c.name) for c in prisma_columns(text, collect)}
    out: dict[tuple[str, str], tuple[str, list]] = {}
    for seed, writes in seeds.items():
        pending = [seed]
        while pending:
            for other in links[pending.pop()]:
                if other not in seeds and other not in out and other not in named:
                    out[other] = (f"{seed[0]}.{seed[1]}", writes)
                    pending.append(other)
    return out


def _drizzle_links(groups: _Groups, by_path: dict[str, Candidate], read: Read) -> None:
    """Columns a Drizzle foreign key links to a column filled with Clerk ids (`.references(() =>
    users.id)`, both ways, tables of one module) get that column's writers."""
    from ..readers.ecma.table_declarations import drizzle_references, parse_module

    for module, tables in list(groups.drizzle.items()):
        candidate = by_path.get(module)
        source = read(candidate)[0] if candidate is not None and candidate.language in JS_LANGUAGES else None
        if source is None or b".references(" not in source.data:
            continue
        links: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        for binding, column, target, key in drizzle_references(parse_module(source.data, candidate.language)):
            links[(binding, column)].add((target, key))
            links[(target, key)].add((binding, column))
        seeds = [(b, c) for b, columns in tables.items() for c, writes in columns.items() if writes and (b, c) in links]
        for seed in seeds:
            pending = [seed]
            while pending:
                for binding, column in links[pending.pop()]:
                    if not tables.get(binding, {}).get(column) and not is_clerk_column_name(column):
                        tables[binding][column].extend(tables[seed[0]][seed[1]])
                        groups.via[(module, binding, column)] = f"{seed[0]}.{seed[1]}"
                        pending.append((binding, column))


def _follow_reexports(groups: _Groups, by_path: dict[str, Candidate], read: Read, resolve: Optional[Resolve]) -> None:
    """A table imported from a module that only re-exports it (`export * from "./schema"`, a
    package's index) is looked for where it is declared."""
    from ..readers.ecma.table_declarations import drizzle_table, parse_module, reexport_sources

    pending = [(module, binding) for module, tables in groups.drizzle.items() for binding in list(tables)]
    for _ in range(MAX_REEXPORTS):
        moved = []
        for module, binding in pending:
            candidate = by_path.get(module)
            source = read(candidate)[0] if candidate is not None and candidate.language in JS_LANGUAGES else None
            if source is None:
                continue
            root = parse_module(source.data, candidate.language)
            if drizzle_table(root, binding) is not None or resolve is None:
                continue
            for specifier, name in reexport_sources(root, candidate.language, binding):
                target = resolve(module, specifier)
                if target is not None and target in by_path:
                    written = groups.drizzle[module].pop(binding, {})
                    for column, writes in written.items():
                        groups.drizzle[target][name][column].extend(writes)
                    moved.append((target, name))
                    break
        pending = moved
        if not pending:
            return


def _follow_convex_calls(writes: list[StoredIdWrite], candidates: Sequence[Candidate], read: Read) -> list[StoredIdWrite]:
    """The writes of Convex functions called with Clerk ids (`orm` "convex-fn": `table` is the
    function's path under the functions folder `module`, `users.upsert`), added to `writes`."""
    from ..readers.ecma.stored_ids import handler_writes

    by_relpath = {c.relpath: c for c in candidates if c.language in JS_LANGUAGES}
    out = [w for w in writes if w.orm != "convex-fn"]
    pending = [w for w in writes if w.orm == "convex-fn"]
    done: set[tuple[str, str, str]] = set()
    for _ in range(MAX_CONVEX_HOPS):
        calls: dict[tuple[str, str], list[StoredIdWrite]] = defaultdict(list)
        for w in pending:
            if (w.module, w.table, w.column) not in done:
                done.add((w.module, w.table, w.column))
                calls[(w.module, w.table)].append(w)
        pending = []
        for (folder, function), arguments in calls.items():
            *parts, export = function.split(".")
            stem = "/".join(([folder] if folder else []) + parts)
            candidate = next((by_relpath[stem + ext] for ext in (".ts", ".js", ".tsx", ".jsx", ".mts", ".mjs")
                              if stem + ext in by_relpath), None)
            source = read(candidate)[0] if candidate is not None else None
            if source is None:
                continue
            locate = LineIndex(source).locator(candidate.relpath)
            for w in handler_writes(source.data, candidate.language, candidate.relpath, export, arguments,
                                    lambda node: locate(node).line):
                (pending if w.orm == "convex-fn" else out).append(w)
    return out


def declaration_findings(writes: Sequence[StoredIdWrite], candidates: Sequence[Candidate], catalog: Catalog,
                         read: Read, resolve: Optional[Resolve] = None) -> list[tuple[Candidate, SourceText, FileAnalysis]]:
    """(declaring file, its source, its new findings) for every column the writes fill."""
    if not writes:
        return []
    by_path = {str(c.path): c for c in candidates}
    by_relpath = {c.relpath: c for c in candidates}
    if any(w.orm == "convex-fn" for w in writes):
        writes = _follow_convex_calls(list(writes), candidates, read)
    groups = _Groups(writes, by_relpath)
    _follow_reexports(groups, by_path, read, resolve)
    _drizzle_links(groups, by_path, read)
    wanted: dict[str, Candidate] = {}
    for module, tables in groups.drizzle.items():
        if module in by_path and tables:
            wanted[module] = by_path[module]
    for module, models in groups.python.items():
        if module in by_path and models:
            wanted[module] = by_path[module]
    for c in candidates:
        if (c.language == "prisma" and (groups.prisma or groups.prisma_relation or groups.sql)) \
                or (c.language == "sql" and groups.sql):
            wanted[str(c.path)] = c
    out = []
    for candidate in sorted(wanted.values(), key=lambda c: c.relpath):
        source, _ = read(candidate)
        if source is None:
            continue
        if candidate.language == "python":
            findings = _python_findings(source, candidate, catalog, groups.python.get(str(candidate.path), {}))
        elif candidate.language in JS_LANGUAGES:
            module = str(candidate.path)
            findings = _js_findings(source, candidate, catalog, groups.drizzle.get(module, {}), {},
                                    {(b, c): v for (m, b, c), v in groups.via.items() if m == module})
        else:
            findings = _text_findings(source, candidate, catalog, groups)
        if findings:
            out.append((candidate, source, FileAnalysis(findings=findings)))
    if groups.convex:
        for candidate in candidates:
            # Convex reads its schema from `schema.ts` in the functions folder, and nowhere else.
            if (candidate.language not in JS_LANGUAGES or str(candidate.path) in wanted
                    or candidate.path.stem != "schema"):
                continue
            source, _ = read(candidate)
            if source is None or b"defineSchema" not in source.data:
                continue
            findings = _js_findings(source, candidate, catalog, {}, groups.convex)
            if findings:
                out.append((candidate, source, FileAnalysis(findings=findings)))
    return out
