"""The Python reader's entry point: parse a file with ``ast``, walk it, or fall back to its
import lines when it cannot be parsed.

Python rules live in ``rules/python.toml`` (codes CLK800-CLK859). Most of them match the
dotted *path* of a call or subscript (see ``syntax.Val``) against the rule's ``chains`` globs
(``path_rules.py``). Some of these rules add a condition (a Clerk URL or key flowing into
``jwt.decode``; a Clerk env var name read from ``os.environ``: ``checks.py``); the rest are
found by walking the tree (``walker.py``: imports, string literals, webhook event
comparisons; ``wrappers.py``: wrappers used as FastAPI dependencies, decorators, middleware).

Files are parsed with the standard library's ``ast`` (about 100x cheaper than libcst with its
scope metadata). libcst is imported only for a file the running interpreter cannot parse:
it still parses syntax of newer Pythons, which lets the statements this interpreter does
understand be analysed (see ``_newer_syntax``). This module stays cheap to import (the scan
asks it for ``MARKERS`` before any Python file is read): the walker is loaded on first use.
"""
from __future__ import annotations

import ast
import re
import sys
import warnings
from typing import Optional

from ...concepts.catalog import Catalog
from ...concepts.webhook_events import PAYLOAD_MARKERS
from ...discover.kinds import Candidate
from ...findings import FileAnalysis, FileProblem, Finding
from ..prefilter import substring_test
from ..source import LineIndex, SourceText
from .vocabulary import module_code

# A file that mentions none of these cannot match any Python rule (cheap byte test).
# Also the words of Clerk's webhook payloads: a handler of them may name neither Clerk nor svix.
MARKERS = re.compile(rb"clerk|svix|jwks|jose|jwt|" + PAYLOAD_MARKERS.pattern, re.IGNORECASE)
# Files without a marker hold nothing to report; scan.scan_file asks this before decoding.
may_matter = substring_test(MARKERS)


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    if not may_matter(source.data) and getattr(context, "python_export", None) is None:
        return FileAnalysis()  # (the project pass asks about files importing Clerk-backed modules)
    index = LineIndex(source)
    depth = _bracket_depth(source.data)
    if depth > MAX_BRACKET_DEPTH:
        # CPython's tokenizer refuses these itself; say why in words rather than its message.
        return _fallback(source, candidate, catalog, index,
                         f"brackets nested {depth} deep (Python allows {MAX_BRACKET_DEPTH}): "
                         "only import lines were scanned")
    problems: list[FileProblem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not ours to print
            tree = ast.parse(source.text, type_comments=False)
    except (RecursionError, MemoryError):
        return _fallback(source, candidate, catalog, index,
                         "expressions nested too deeply to parse: only import lines were scanned")
    except (SyntaxError, ValueError) as exc:
        error_line = getattr(exc, "lineno", None)
        tree, reason = _newer_syntax(source, error_line)
        if tree is None:
            from .recovery import recover

            tree, skipped = recover(source.text, error_line)
            if tree is None:
                return _fallback(source, candidate, catalog, index, reason)
            reason = (f"not valid Python (syntax error at line {error_line}): line{'s' if '-' in skipped else ''} "
                      f"{skipped} skipped, the statements before and after were scanned")
        if reason:
            problems.append(FileProblem(candidate.relpath, reason, "parse-partial", partial=True))
    from .scopes import TooDeep
    from .walker import PyFile
    try:
        result = PyFile(tree, source, candidate, catalog, index, context).run()
    except TooDeep as exc:
        return _fallback(source, candidate, catalog, index, f"{exc}: only import lines were scanned")
    except RecursionError:
        return _fallback(source, candidate, catalog, index,
                         "too deeply nested to analyse: only import lines were scanned")
    result.problems[:0] = problems
    if b"lerk" in source.data or b"LERK" in source.data:
        from .carried_ids import carried_ids, named_in_messages

        taken = {f.location.line for f in result.findings}
        result.findings.extend(named_in_messages(tree, source, candidate.relpath, catalog, index, taken))
        taken |= {f.location.line for f in result.findings}
        result.findings.extend(carried_ids(tree, source, candidate.relpath, catalog, index, taken))
    return result


MAX_BRACKET_DEPTH = 200  # CPython's tokenizer limit (MAXLEVEL)
_BRACKETS = re.compile(rb"[()\[\]{}]")


def _bracket_depth(data: bytes) -> int:
    """Deepest bracket nesting in the file (brackets inside strings and comments count too,
    which only errs on the side of the import-only fallback)."""
    opens = data.count(b"(") + data.count(b"[") + data.count(b"{")
    if opens <= MAX_BRACKET_DEPTH:
        return opens
    depth = deepest = 0
    for m in _BRACKETS.finditer(data):
        if m.group() in b"([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


_LONG_LINE = 5000


def _newer_syntax(source: SourceText, error_line: Optional[int]) -> tuple[Optional[ast.Module], str]:
    """(tree, problem reason) for a file `ast` rejected, or (None, fallback reason).

    CPython parses only its own grammar, so a file using a newer Python's syntax (PEP 695
    `type X = ...`, PEP 701 f-strings under 3.11) fails as a whole. libcst parses every
    Python 3 grammar: it splits the module into top-level statements, each of which `ast`
    parses on its own, padded with newlines so that line numbers stay the file's."""
    text = source.text
    if any(len(line) > _LONG_LINE for line in text.splitlines()):
        # libcst's native parser can overflow the C stack (killing the process) on an
        # expression chain deep enough to fit on such a line.
        return None, (f"not valid Python for this interpreter, with lines over {_LONG_LINE} characters: "
                      "only import lines were scanned")
    try:
        import libcst as cst
    except ImportError:  # pragma: no cover - libcst is a dependency
        return None, "not valid Python for this interpreter (libcst is not installed): only import lines were scanned"
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        line = error_line or exc.raw_line  # CPython's line is the more precise one (indent limits ...)
        return None, f"not valid Python 3 (syntax error at line {line}): only import lines were scanned"
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, f"libcst could not parse the file ({type(exc).__name__}): only import lines were scanned"
    chunks = [module.code_for_node(stmt) for stmt in module.body]
    header = "".join(module.code_for_node(line) for line in module.header)
    whole = header + "".join(chunks) + "".join(module.code_for_node(line) for line in module.footer)
    if whole != text and whole != text + "\n":  # (libcst adds the missing final newline)
        return None, "not valid Python for this interpreter: only import lines were scanned"
    body: list[ast.stmt] = []
    skipped: list[tuple[int, int]] = []
    line = 1 + header.count("\n")
    for stmt, chunk in zip(module.body, chunks):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                body.extend(ast.parse("\n" * (line - 1) + chunk, type_comments=False).body)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            first = line + len(stmt.leading_lines)
            skipped.append((first, max(first, line + chunk.rstrip("\n").count("\n"))))
        line += chunk.count("\n")
    if not skipped:
        return ast.Module(body=body, type_ignores=[]), ""
    where = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in skipped)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    plural = "s" if len(skipped) > 1 or skipped[0][0] != skipped[0][1] else ""
    return ast.Module(body=body, type_ignores=[]), (
        f"uses syntax newer than Python {version} (or invalid) on line{plural} {where}: "
        "those statements were skipped")


_IMPORT_LINE = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<from>[\w.]+)[ \t]+import\b(?P<names>[^\n#;]*)"
    r"|import[ \t]+(?P<mods>[\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*))",
    re.MULTILINE,
)


def _fallback(source: SourceText, candidate: Candidate, catalog: Catalog, index: LineIndex,
              reason: str) -> FileAnalysis:
    """Imports only, found line by line, for files that cannot be parsed (or are too deep)."""
    result = FileAnalysis(problems=[FileProblem(candidate.relpath, reason, "parse-partial", partial=True)])
    text = source.text
    for m in _IMPORT_LINE.finditer(text):
        if m.group("from"):
            modules = [m.group("from")]
            names = m.group("names").strip().strip("()").strip()
        else:
            modules = [part.split()[0] for part in m.group("mods").split(",")]
            names = ""
        for module in modules:
            code = module_code(module.split(".", 1)[0], candidate)
            if code is None:
                continue
            rule = catalog.rule(code)
            detail = names or module
            start = len(text[:m.start()].encode("utf-8"))
            start += len(m.group(0)) - len(m.group(0).lstrip())
            end = len(text[:m.end()].encode("utf-8"))
            result.findings.append(Finding(
                code=rule.code, rule_name=rule.name, symbol=detail, package=module, category=rule.category,
                difficulty=rule.difficulty, better_auth=rule.better_auth, effort_hours=rule.effort_hours,
                message=rule.format_message(symbol=detail, package=module, detail=detail),
                location=index.location(candidate.relpath, start, end), details=(("names", detail),),
            ))
            break
    return result
