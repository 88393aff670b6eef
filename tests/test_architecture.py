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
