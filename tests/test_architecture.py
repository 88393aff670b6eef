"""The package's import graph keeps the stage shape: no import circle, no reader importing another.

Readers stand side by side and ask shared concepts (clerk_lint/concepts); the only reader a
reader may import is `ecma` from `sfc` (a component's scripts are ECMAScript), plus the shared
text helpers (`source`, `text_analysis`, `prefilter`, `formats/`, and `env_assignments`, the
findings of `NAME=value` lines every env-setting reader makes the same way).
"""
from __future__ import annotations

import ast
import pathlib

import clerk_lint

PACKAGE = pathlib.Path(clerk_lint.__file__).parent
SHARED_READER_MODULES = {"source", "text_analysis", "prefilter", "formats", "env_assignments"}
ALLOWED_READER_PAIRS = {("sfc", "ecma")}

# Sideways imports that predate the stage folders. Empty now: a file kind two readers understand
# is listed with both in readers.READERS. Kept so a new one fails loudly.
KNOWN_SIDEWAYS: set[tuple[str, str]] = set()


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                # `from pkg import module` imports the module, not just the package.
                named = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
                graph[name].update(t for t in named or [target] if t in modules)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in modules)
    return graph


def _reader(module: str):
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "readers" else None


def test_graph_sees_the_package():
    graph = import_graph()
    assert "clerk_lint.scan.driver" in graph
    assert "clerk_lint.scan.per_file" in graph["clerk_lint.scan.parallel"]


def test_no_import_circle():
    graph = import_graph()
    state: dict[str, int] = {}
    circles = []

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append(stack[stack.index(target):] + [target])
            elif not state.get(target):
                visit(target, stack)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if not state.get(module):
            visit(module, [])
    assert circles == []


def test_readers_do_not_import_each_other():
    sideways = set()
    for module, targets in import_graph().items():
        reader = _reader(module)
        for target in targets:
            other = _reader(target)
            if (reader and other and other != reader and other not in SHARED_READER_MODULES
                    and (reader, other) not in ALLOWED_READER_PAIRS):
                sideways.add((module, target))
    assert sideways - KNOWN_SIDEWAYS == set(), "new reader-to-reader import: ask a concepts module"
    assert KNOWN_SIDEWAYS - sideways == set(), "gone: delete it from KNOWN_SIDEWAYS"


def test_stages_import_only_earlier_stages():
    order = ["concepts", "discover", "readers", "classify", "resolve", "scan", "filters", "report",
             "plan", "draft"]
    rank = {stage: i for i, stage in enumerate(order)}
    # Readers hand each match to the classifier (the one way a match becomes a Finding), and a
    # file's inline suppressions are read while its text is still in memory.
    allowed = {("readers", "classify"), ("scan", "filters")}
    backward = []
    for module, targets in import_graph().items():
        stage = module.split(".")[1] if "." in module else None
        for target in targets:
            other = target.split(".")[1] if "." in target else None
            if (stage in rank and other in rank and rank[other] > rank[stage]
                    and (stage, other) not in allowed):
                backward.append((module, target))
    assert backward == []


# A module longer than this says why at its top: a line starting with LONG_MARKER in its
# docstring or leading comments, e.g. "Long because: one state machine; split, it reads worse."
MAX_MODULE_LINES = 500
LONG_MARKER = "Long because:"
# Floors of the longest import chain (modules on the path, the first importing the second...).
# 11 measured (__main__ -> cli -> draft -> draft.auth_ts -> draft.auth_plugins -> draft.context ->
# draft.detect -> resolve.app_database -> readers.ecma.imports -> readers.ecma.queries ->
# readers.ecma.parse), since classify reads readers.ecma.records only; past it a new floor is a choice.
MAX_IMPORT_FLOORS = 11


def _leading_text(source: str) -> list[str]:
    """The module docstring's lines and the comment lines before the first statement."""
    tree = ast.parse(source)
    lines = (ast.get_docstring(tree, clean=True) or "").splitlines()
    first = tree.body[0].lineno if tree.body else len(source.splitlines()) + 1
    lines += [l.lstrip("# ") for l in source.splitlines()[: first - 1] if l.lstrip().startswith("#")]
    return [l.strip() for l in lines]


def test_long_modules_say_why():
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        count = len(source.splitlines())
        if count > MAX_MODULE_LINES and not any(l.startswith(LONG_MARKER) for l in _leading_text(source)):
            unexplained.append(f"{path.relative_to(PACKAGE.parent)}: {count} lines")
    assert unexplained == [], (f"over {MAX_MODULE_LINES} lines: split along a seam, or put a line "
                               f"'{LONG_MARKER} <reason>' in the docstring: " + "; ".join(unexplained))


def longest_import_chain(graph: dict[str, set[str]]) -> list[str]:
    """The longest path through the (circle-free) import graph, as its modules."""
    best: dict[str, list[str]] = {}

    def chain(module: str) -> list[str]:
        if module not in best:
            best[module] = []  # a circle (caught by test_no_import_circle) ends the walk here
            below = max((chain(t) for t in sorted(graph[module]) if t != module), key=len, default=[])
            best[module] = [module, *below]
        return best[module]

    return max((chain(m) for m in sorted(graph)), key=len, default=[])


def test_import_chain_stays_short():
    chain = longest_import_chain(import_graph())
    assert len(chain) <= MAX_IMPORT_FLOORS, f"{len(chain)} floors: " + " -> ".join(chain)


# docs/ARCHITECTURE.md opens with a picture of the folders, one line each; every top-level folder
# of the package has its line, so the picture cannot fall behind the tree.
DOCS = PACKAGE.parent / "docs" / "ARCHITECTURE.md"
README = PACKAGE.parent / "README.md"


def _opening_picture() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    before_sections = text.split("\n## ", 1)[0]
    assert "```" in before_sections, "ARCHITECTURE.md should open with the picture, before any section"
    return before_sections.split("```", 2)[1].splitlines()


def test_architecture_picture_names_every_folder():
    folders = sorted(p.name for p in PACKAGE.iterdir()
                     if p.is_dir() and not p.name.startswith(("_", ".")))
    first_words = [line.split()[0] for line in _opening_picture() if line.split()]
    missing = [f for f in folders if first_words.count(f + "/") != 1]
    assert missing == [], "give each folder one line in the picture that opens docs/ARCHITECTURE.md"


def test_readme_layout_points_at_architecture():
    text = README.read_text(encoding="utf-8")
    at = text.find("How the code is laid out")
    assert at >= 0 and "docs/ARCHITECTURE.md" in text[at: at + 400]
