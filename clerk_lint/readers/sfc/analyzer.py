"""Single-file components: Vue (`.vue`), Astro (`.astro`) and Svelte (`.svelte`).

The script parts go through the JS/TS pipeline unchanged. Each one is analysed from a copy of
the file's bytes in which everything outside that part is blanked to spaces (newlines kept), so
byte offsets, lines and columns are those of the original file and every finding points into
it:

* Vue: all top-level `<script>` / `<script setup>` blocks together (they form one module),
  TypeScript / TSX / JavaScript after their `lang`.
* Astro: the frontmatter between the leading `---` fences (TypeScript), and each `<script>` of
  the template on its own (its own module; `is:inline` scripts as JavaScript).
* Svelte: the top-level `<script>` and `<script module>` / `<script context="module">` blocks
  together (the instance script sees the module script's imports), TypeScript when one has
  `lang="ts"`. The rest of the file (`{#if}` blocks, `{@render}`) is template, never parsed.

Component tags of the template are uses too: a tag whose name (PascalCase, or kebab-case in
Vue) resolves to a Clerk import of the script (the frontmatter in Astro, either script in Svelte) is reported with the
rule of that export, e.g. `<UserButton />` or `<user-button>`.

Nuxt: when the project's `nuxt.config.*` lists `@clerk/nuxt` in `modules`, Clerk's components
and composables are auto-imported into every `.vue` file. Calls of those composables without
an import (and without a declaration of the same name at the top of the script or a project
composable of that name) and tags of those components (unless the project's `components/`
folder has its own) are reported as uses of `@clerk/nuxt/composables` /
`@clerk/nuxt/components`. The config is found by walking up from the file's folder to the
nearest `nuxt.config.*` (stopping at a folder with a `package.json` but no Nuxt config) and is
read once per folder.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional

from ...concepts.catalog import Catalog, Rule, is_clerk_module
from ...classify.classifier import Classifier
from ...discover.kinds import Candidate
from ...findings import FileAnalysis, Finding, Location
from ..ecma.analyzer import MARKERS, analyze_js
from ..ecma.imports import DEFAULT, NAMESPACE, find_imports, text
from ..ecma.parse import parse
from ...discover.project_sdks import may_read_framework_auth
from ..source import LineIndex, SourceText

# --------------------------------------------------------------------------- blocks

# Block scanning is linear: each opening is paired with the next closing by `find`, never by a
# backtracking regex (a file of unclosed `<script` or `<!--` must not cost quadratic time).
_OPEN = {b"script": re.compile(rb"<script\b", re.IGNORECASE), b"style": re.compile(rb"<style\b", re.IGNORECASE)}
_CLOSE = {b"script": re.compile(rb"</script\s*>", re.IGNORECASE), b"style": re.compile(rb"</style\s*>", re.IGNORECASE)}
_TEMPLATE_OPEN = re.compile(rb"<template\b(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_TEMPLATE_CLOSE = re.compile(rb"</template\s*>", re.IGNORECASE)
_ATTR = re.compile(rb"""([:@\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_FRONTMATTER = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*---[ \t]*\r?\n(?P<body>.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)
_TAG = re.compile(rb"<(?P<name>[A-Za-z][A-Za-z0-9_.-]*)")

_VUE_LANGS = {"ts": "typescript", "typescript": "typescript", "tsx": "tsx", "js": "javascript",
              "javascript": "javascript", "jsx": "javascript", "": "javascript"}


@dataclass(frozen=True)
class Block:
    start: int  # byte offsets of the block's body in the file
    end: int
    lang: str


@dataclass(frozen=True)
class TagNode:
    """Enough of a tree-sitter node for a locator and a Classifier: a byte range."""

    start_byte: int
    end_byte: int


def _attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(raw):
        value = next((g for g in m.groups()[1:] if g is not None), b"")
        out[m.group(1).decode("ascii", "replace").lower()] = value.decode("utf-8", "replace")
    return out


def _blank(data: bytes, spans: Iterable[tuple[int, int]]) -> bytes:
    """`data` with every byte outside `spans` replaced by a space (newlines kept)."""
    out = bytearray(b" " * len(data))
    for start, end in spans:
        out[start:end] = data[start:end]
    for index in _newlines(data):
        out[index] = 0x0A
    return bytes(out)


def _newlines(data: bytes) -> list[int]:
    out, pos = [], data.find(b"\n")
    while pos != -1:
        out.append(pos)
        pos = data.find(b"\n", pos + 1)
    return out


_NOT_NEWLINE = re.compile(rb"[^\n]")


def _mask(data: bytes, spans: Iterable[tuple[int, int]]) -> bytes:
    """`data` with the bytes inside `spans` replaced by spaces (newlines kept)."""
    out = bytearray(data)
    for start, end in spans:
        out[start:end] = _NOT_NEWLINE.sub(b" ", data[start:end])
    return bytes(out)


def _comment_spans(data: bytes, start: int = 0, end: Optional[int] = None) -> list[tuple[int, int]]:
    """`<!-- ... -->` ranges in [start, end); an unclosed comment runs to `end`."""
    end = len(data) if end is None else end
    out = []
    pos = data.find(b"<!--", start, end)
    while pos != -1:
        close = data.find(b"-->", pos + 4, end)
        if close == -1:
            out.append((pos, end))
            break
        out.append((pos, close + 3))
        pos = data.find(b"<!--", close + 3, end)
    return out


@dataclass(frozen=True)
class Element:
    start: int  # `<`
    body_start: int  # after the opening tag's `>`
    body_end: int  # the closing tag's `<`
    end: int  # after the closing tag
    attrs: bytes


def elements(data: bytes, tag: bytes, start: int = 0, end: Optional[int] = None) -> list[Element]:
    """`<tag ...>...</tag>` elements in [start, end) whose body is raw text (script, style)."""
    end = len(data) if end is None else end
    out = []
    pos = start
    while True:
        opening = _OPEN[tag].search(data, pos, end)
        if opening is None:
            break
        head_end = _tag_end(data, opening.end(), end)
        if head_end > end or data[head_end - 1:head_end] != b">":
            break
        closing = _CLOSE[tag].search(data, head_end, end)
        if closing is None:
            break  # no later element can be closed either
        out.append(Element(opening.start(), head_end, closing.start(), closing.end(),
                           data[opening.end():head_end - 1]))
        pos = closing.end()
    return out


def vue_blocks(data: bytes) -> tuple[list[Block], Optional[tuple[int, int]]]:
    """The script blocks of a Vue SFC and the byte range of its template (or None)."""
    plain = _mask(data, _comment_spans(data))
    blocks: list[Block] = []
    taken: list[tuple[int, int]] = []
    for element in elements(plain, b"script"):
        attrs = _attrs(element.attrs)
        taken.append((element.start, element.end))
        if "src" in attrs:
            continue
        lang = _VUE_LANGS.get(attrs.get("lang", "").strip().lower())
        if lang is not None:
            blocks.append(Block(element.body_start, element.body_end, lang))
    langs = {b.lang for b in blocks}
    if len(langs) > 1:  # Vue requires one lang for both blocks; parse all as the richest one
        shared = "tsx" if "tsx" in langs else "typescript"
        blocks = [Block(b.start, b.end, shared) for b in blocks]
    taken += [(e.start, e.end) for e in elements(plain, b"style")]
    outside = _mask(plain, taken)
    opening = _TEMPLATE_OPEN.search(outside)
    if opening is None or _attrs(opening.group("attrs")).get("lang", "html") not in ("html", ""):
        return blocks, None
    closings = list(_TEMPLATE_CLOSE.finditer(outside, opening.end()))
    end = closings[-1].start() if closings else len(data)
    return blocks, (opening.end(), end)


def astro_blocks(data: bytes) -> tuple[list[Block], list[Block], tuple[int, int]]:
    """(frontmatter block(s), template <script> blocks, template range) of an Astro file."""
    front: list[Block] = []
    template_start = 0
    m = _FRONTMATTER.match(data)
    if m is not None:
        front.append(Block(m.start("body"), m.end("body"), "typescript"))
        template_start = m.end()
    plain = _mask(data, _comment_spans(data, template_start))
    scripts: list[Block] = []
    for element in elements(plain, b"script", template_start):
        attrs = _attrs(element.attrs)
        if "src" in attrs:
            continue
        kind = attrs.get("type", "module").strip().lower()
        if kind not in ("module", "text/javascript", "application/javascript", "text/typescript", ""):
            continue  # JSON, templates, ...
        lang = "javascript" if "is:inline" in attrs else "typescript"
        scripts.append(Block(element.body_start, element.body_end, lang))
    return front, scripts, (template_start, len(data))


_SVELTE_HEAD = (re.compile(rb"<svelte:head\b", re.IGNORECASE), re.compile(rb"</svelte:head\s*>", re.IGNORECASE))
_SCRIPT_TYPES = ("", "module", "text/javascript", "application/javascript", "text/typescript", "text/ts")


def svelte_blocks(data: bytes) -> tuple[list[Block], list[tuple[int, int]]]:
    """The component script blocks of a Svelte file (one module) and the spans the template
    scan skips (every script and style element)."""
    plain = _mask(data, _comment_spans(data))
    # Scripts inside <svelte:head> are the page's own browser scripts, not the component's.
    heads = []
    for opening in _SVELTE_HEAD[0].finditer(plain):
        closing = _SVELTE_HEAD[1].search(plain, opening.end())
        heads.append((opening.start(), closing.end() if closing else len(plain)))
    blocks: list[Block] = []
    hidden: list[tuple[int, int]] = []
    for element in elements(plain, b"script"):
        hidden.append((element.start, element.end))
        attrs = _attrs(element.attrs)
        kind = attrs.get("type", "").strip().lower()
        if "src" in attrs or kind not in _SCRIPT_TYPES or any(s <= element.start < e for s, e in heads):
            continue
        ts = attrs.get("lang", "").strip().lower() in ("ts", "typescript") or kind in ("text/typescript", "text/ts")
        blocks.append(Block(element.body_start, element.body_end, "typescript" if ts else "javascript"))
    if any(b.lang == "typescript" for b in blocks):  # TS is a superset: parse both as TS
        blocks = [Block(b.start, b.end, "typescript") for b in blocks]
    hidden += [(e.start, e.end) for e in elements(plain, b"style")]
    return blocks, hidden


# --------------------------------------------------------------------------- template tags


MAX_TAG_BYTES = 20_000
# The rest of an opening tag: attribute text, quoted values and `{...}` expressions (two levels
# of nesting), up to the `>` that closes it. A bare `<` means the tag was never closed.
# Possessive repeats: no backtracking on bad input.
_TAG_REST = re.compile(
    rb"""(?:[^<>"'`{]++|"[^"]*+"|'[^']*+'|`[^`]*+`|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+>""")


def _tag_end(data: bytes, index: int, end: Optional[int] = None) -> int:
    """One past the `>` that closes the opening tag whose name ends at `index` (quotes and
    `{...}` attribute expressions skipped); the end of the line when the tag is not closed
    within MAX_TAG_BYTES."""
    limit = min(len(data) if end is None else end, index + MAX_TAG_BYTES)
    m = _TAG_REST.match(data, index, limit)
    if m is not None:
        return m.end()
    line_end = data.find(b"\n", index, limit)
    return line_end if line_end != -1 else limit


@dataclass(frozen=True)
class Tag:
    name: str
    start: int  # the `<`
    name_end: int
    text: bytes  # the template with comments and hidden spans masked (to find the tag's end)

    @property
    def end(self) -> int:
        return _tag_end(self.text, self.name_end)


def template_tags(data: bytes, start: int, end: int, hidden: Iterable[tuple[int, int]] = (),
                  wanted: Optional[frozenset[str]] = None) -> list[Tag]:
    """Each opening tag in [start, end), outside comments and the `hidden` spans (script and
    style bodies); only tags named in `wanted` (or whose `Namespace.` is) when it is given."""
    if wanted is not None and not wanted:
        return []
    masked = _mask(data, list(hidden) + _comment_spans(data, start, end))
    out = []
    for m in _TAG.finditer(masked, start, end):
        name = m.group("name").decode("ascii")
        if wanted is None or name in wanted or name.partition(".")[0] in wanted:
            out.append(Tag(name, m.start(), m.end(), masked))
    return out


def _hyphenate(name: str) -> str:
    return re.sub(r"\B([A-Z])", r"-\1", name).lower()


def tag_spellings(names: Iterable[str], kebab: bool) -> frozenset[str]:
    """How templates may write the given script names (`UserButton`; in Vue also
    `user-button` and `userButton`)."""
    out: set[str] = set()
    for name in names:
        out.add(name)
        if kebab:
            out.update({_hyphenate(name), name[:1].lower() + name[1:]})
    return frozenset(out)


def _camelize(name: str) -> str:
    return re.sub(r"-(\w)", lambda m: m.group(1).upper(), name)


def tag_candidates(name: str, kebab: bool) -> list[str]:
    """Script names a template tag can refer to: itself, and for Vue its camelCase and
    PascalCase forms (`user-button` -> `userButton`, `UserButton`)."""
    out = [name]
    if kebab:
        camel = _camelize(name)
        out += [camel, camel[:1].upper() + camel[1:]]
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- Nuxt


@dataclass(frozen=True)
class NuxtClerk:
    root: str  # folder of nuxt.config.*
    components_module: str
    composables_module: str
    components: frozenset[str]  # Clerk component names the module registers
    composables: frozenset[str]
    local_components: frozenset[str]  # the project's own components (they win over Clerk's)
    local_composables: frozenset[str]


# Control components of @clerk/nuxt 1.x / 2.x (Core 2); Core 3 replaced them with <Show>, so the
# current surface no longer lists them, but projects on those majors still render them.
NUXT_CORE2_COMPONENTS = frozenset({"SignedIn", "SignedOut", "Protect"})
NUXT_CONFIGS = ("nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs", "nuxt.config.mts", "nuxt.config.cjs")
# Nuxt modules that auto-import Clerk's components and composables, and where their names live.
NUXT_MODULES = {
    "@clerk/nuxt": ("@clerk/nuxt/components", "@clerk/nuxt/composables"),
    "vue-clerk/nuxt": ("vue-clerk", "vue-clerk"),
}


def _config_modules(data: bytes) -> set[str]:
    """Module names listed in `modules: [...]` of a Nuxt config (strings, `[name, options]`
    pairs, or identifiers bound to a default import)."""
    lang = "typescript"
    root = parse(data, lang).root_node
    imported = {text(n.local): d.source for d in find_imports(lang, root) for n in d.names
                if n.local is not None and n.imported in (DEFAULT, NAMESPACE)}
    found: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type != "pair":
            continue
        key = node.child_by_field_name("key")
        value = node.child_by_field_name("value")
        if key is None or value is None or text(key).strip("\"'") != "modules" or value.type != "array":
            continue
        for item in value.named_children:
            if item.type == "array" and item.named_children:
                item = item.named_children[0]
            if item.type == "string":
                found.add(text(item)[1:-1])
            elif item.type == "identifier" and text(item) in imported:
                found.add(imported[text(item)])
    return found


def _stems(folder: Path, suffixes: tuple[str, ...], limit: int = 5000) -> frozenset[str]:
    """File stems under `folder` (recursively) with one of `suffixes`; Nuxt also names nested
    components by their path (`components/base/Button.vue` -> `BaseButton`)."""
    out: set[str] = set()
    if not folder.is_dir():
        return frozenset()
    count = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".nuxt", ".output")]
        prefix = "".join(p[:1].upper() + _camelize(p)[1:] for p in Path(dirpath).relative_to(folder).parts)
        for name in filenames:
            stem, dot, suffix = name.rpartition(".")
            if not dot or "." + suffix not in suffixes:
                continue
            stem = stem.split(".")[0]  # Comp.client.vue, Comp.server.vue
            pascal = stem[:1].upper() + _camelize(stem)[1:]
            out.update({stem, pascal, prefix + pascal})
            count += 1
            if count >= limit:
                return frozenset(out)
    return frozenset(out)


def _surface_names(catalog: Catalog, module: str, kind: str) -> frozenset[str]:
    entries = catalog.surface.get("entrypoints", {}).get(module, {})
    return frozenset(name for name, entry in entries.items() if entry and entry[0] == kind)


@lru_cache(maxsize=256)
def _nuxt_config_in(folder: str) -> tuple[Optional[str], bool]:
    """(path of the Nuxt config in `folder` or None, whether the walk stops here)."""
    for name in NUXT_CONFIGS:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path, True
    stop = os.path.isfile(os.path.join(folder, "package.json")) or os.path.isdir(os.path.join(folder, ".git"))
    return None, stop


@lru_cache(maxsize=64)
def _nuxt_project(config_path: str, mtime_ns: int) -> Optional[tuple[str, str, str]]:
    """(root, components module, composables module) when the config enables a Clerk module."""
    try:
        with open(config_path, "rb") as fh:
            data = fh.read(1_000_000)
    except OSError:
        return None
    modules = _config_modules(data)
    for name, (components, composables) in NUXT_MODULES.items():
        if name in modules:
            return os.path.dirname(config_path), components, composables
    return None


@lru_cache(maxsize=64)
def _local_names(root: str) -> tuple[frozenset[str], frozenset[str]]:
    base = Path(root)
    components = _stems(base / "components", (".vue", ".ts", ".tsx", ".js", ".jsx")) | \
        _stems(base / "app" / "components", (".vue", ".ts", ".tsx", ".js", ".jsx"))
    code = (".ts", ".js", ".mts", ".mjs")
    composables = frozenset().union(*(_stems(base / d, code) for d in
                                      ("composables", "utils", "app/composables", "app/utils")))
    return components, composables


def nuxt_clerk_for(path: Path, catalog: Catalog, max_levels: int = 40) -> Optional[NuxtClerk]:
    """The Clerk Nuxt setup that applies to the file at `path`, or None."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(max_levels):
        config, stop = _nuxt_config_in(folder)
        if config is not None:
            try:
                mtime = os.stat(config).st_mtime_ns
            except OSError:
                return None
            found = _nuxt_project(config, mtime)
            if found is None:
                return None
            root, components_module, composables_module = found
            local_components, local_composables = _local_names(root)
            return NuxtClerk(
                root=root, components_module=components_module, composables_module=composables_module,
                components=_surface_names(catalog, "@clerk/nuxt/components", "component") | NUXT_CORE2_COMPONENTS,
                composables=_surface_names(catalog, "@clerk/nuxt/composables", "hook"),
                local_components=local_components, local_composables=local_composables,
            )
        parent = os.path.dirname(folder)
        if stop or parent == folder:
            return None
        folder = parent
    return None


def clear_caches() -> None:
    """Forget the Nuxt configs and project folders read so far (long-running processes)."""
    for fn in (_nuxt_config_in, _nuxt_project, _local_names):
        fn.cache_clear()


# --------------------------------------------------------------------------- analysis

def _top_level_names(root) -> set[str]:
    """Names declared at the top of a module (a declaration of `useUser` shadows the auto-import)."""
    out: set[str] = set()
    for node in root.named_children:
        if node.type == "export_statement":
            node = node.child_by_field_name("declaration") or node
        if node.type in ("function_declaration", "generator_function_declaration", "class_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                out.add(text(name))
        elif node.type in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                if declarator.type == "variable_declarator":
                    name = declarator.child_by_field_name("name")
                    if name is not None:
                        out.update(text(n) for n in _identifiers(name))
    return out


def _identifiers(pattern) -> list:
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [pattern]
    out = []
    for child in pattern.named_children:
        if child.type == "pair_pattern":
            value = child.child_by_field_name("value")
            if value is not None:
                out += _identifiers(value)
        else:
            out += _identifiers(child)
    return out


def _imports(data: bytes, lang: str) -> tuple[dict[str, tuple[str, str]], set[str], set[str]]:
    """For one script module: Clerk-bound local names -> (module, export), every imported local
    name, and the names declared at its top level."""
    root = parse(data, lang).root_node
    clerk: dict[str, tuple[str, str]] = {}
    imported: set[str] = set()
    for decl in find_imports(lang, root):
        for name in decl.names:
            if name.local is None:
                continue
            local = text(name.local)
            imported.add(local)
            if is_clerk_module(decl.source) and not decl.type_only and not name.is_type:
                clerk[local] = (decl.source, name.imported)
    return clerk, imported, _top_level_names(root)


def _rule_for(catalog: Catalog, module: str, export: str) -> Optional[Rule]:
    return catalog.rule_for_chain(module, export, frozenset()) or catalog.rule_for_export(module, export)


class SfcAnalysis:
    """One SFC file: runs the script blocks through the JS pipeline and adds template uses."""

    def __init__(self, source: SourceText, relpath: str, catalog: Catalog):
        self.source = source
        self.data = source.data
        self.relpath = relpath
        self.catalog = catalog
        self.result = FileAnalysis()
        base = LineIndex(source).locator(relpath)
        limit = len(self.data)
        synthetic = Location(relpath, 0, 0, 0, 0, "")

        def locate(node) -> Location:
            # Bytes past the end of the file belong to the auto-import line added for Nuxt.
            return synthetic if node.start_byte >= limit else base(node)

        self.locate: Callable = locate
        self.classifier = Classifier(catalog, locate)
        self._rules: dict[tuple[str, str], Optional[Rule]] = {}

    def script(self, blocks: list[Block], auto_imports: str = "", *, sdks: frozenset[str] = frozenset(),
               astro_global: bool = False) -> None:
        """Analyse `blocks` (one module) with the JS pipeline; `auto_imports` is an import
        statement appended after the end of the file for names Nuxt imports implicitly;
        `sdks` / `astro_global` as for analyze_js (Astro frontmatter reads `Astro.locals`)."""
        if not blocks:
            return
        padded = _blank(self.data, [(b.start, b.end) for b in blocks])
        if auto_imports:
            padded += b"\n;" + auto_imports.encode("utf-8") + b"\n"
        analysis = analyze_js(padded, self.relpath, blocks[0].lang, self.catalog, self.locate,
                              sdks=sdks, astro_global=astro_global)
        self.result.findings.extend(f for f in analysis.findings if f.location.line > 0)
        self.result.problems.extend(analysis.problems)

    def tag_finding(self, module: str, export: str, tag: Tag) -> None:
        key = (module, export)
        if key not in self._rules:
            self._rules[key] = _rule_for(self.catalog, module, export)
        rule = self._rules[key]
        if rule is None:
            return
        node = TagNode(tag.start, tag.end)
        self.result.findings.append(self.classifier.finding(rule, node, symbol=export, module=module))

    def template(self, tags: list[Tag], clerk: dict[str, tuple[str, str]], *, kebab: bool,
                 nuxt: Optional[NuxtClerk] = None, shadowed: frozenset[str] = frozenset()) -> None:
        for tag in tags:
            head, _, member = tag.name.partition(".")
            if member:  # <Clerk.SignIn> on a namespace import
                origin = clerk.get(head)
                if origin is not None and origin[1] == NAMESPACE:
                    self.tag_finding(origin[0], member, tag)
                continue
            candidates = tag_candidates(tag.name, kebab)
            origin = next((clerk[c] for c in candidates if c in clerk), None)
            if origin is not None:
                if origin[1] != NAMESPACE:
                    self.tag_finding(origin[0], origin[1], tag)
                continue
            if nuxt is None or any(c in shadowed or c in nuxt.local_components for c in candidates):
                continue
            auto = next((c for c in candidates if c in nuxt.components), None)
            if auto is not None:
                self.tag_finding(nuxt.components_module, auto, tag)


def _analyze_vue(sfc: SfcAnalysis, path: Optional[Path]) -> None:
    data = sfc.data
    blocks, template = vue_blocks(data)
    nuxt = nuxt_clerk_for(path, sfc.catalog) if path is not None else None
    lang = blocks[0].lang if blocks else "typescript"
    script_data = _blank(data, [(b.start, b.end) for b in blocks]) if blocks else b""
    clerk, imported, declared = _imports(script_data, lang) if blocks else ({}, set(), set())
    auto = ""
    if nuxt is not None and blocks:
        script_text = b"".join(data[b.start:b.end] for b in blocks)
        names = sorted(
            n for n in nuxt.composables
            if n not in imported and n not in declared and n not in nuxt.local_composables
            and re.search(rb"\b" + re.escape(n.encode()) + rb"\b", script_text)
        )
        if names:
            auto = f'import {{ {", ".join(names)} }} from "{nuxt.composables_module}";'
    sfc.script(blocks, auto)
    if template is not None:
        hidden = [(b.start, b.end) for b in blocks]
        wanted = tag_spellings(list(clerk) + (sorted(nuxt.components) if nuxt is not None else []), kebab=True)
        tags = template_tags(data, template[0], template[1], hidden, wanted)
        sfc.template(tags, clerk, kebab=True, nuxt=nuxt, shadowed=frozenset(imported | declared))


def _analyze_astro(sfc: SfcAnalysis, sdks: frozenset[str] = frozenset()) -> None:
    data = sfc.data
    front, scripts, (start, end) = astro_blocks(data)
    clerk: dict[str, tuple[str, str]] = {}
    if front:
        # Only the frontmatter runs on the server with `Astro` in scope; <script> tags run in the browser.
        sfc.script(front, sdks=sdks, astro_global=True)
        clerk, _, _ = _imports(_blank(data, [(b.start, b.end) for b in front]), "typescript")
    for block in scripts:
        sfc.script([block])
    styles = [(e.start, e.end) for e in elements(data, b"style", start, end)]
    hidden = [(b.start, b.end) for b in scripts] + styles
    sfc.template(template_tags(data, start, end, hidden, tag_spellings(clerk, kebab=False)), clerk, kebab=False)


def _analyze_svelte(sfc: SfcAnalysis) -> None:
    data = sfc.data
    blocks, hidden = svelte_blocks(data)
    clerk: dict[str, tuple[str, str]] = {}
    if blocks:
        sfc.script(blocks)
        clerk, _, _ = _imports(_blank(data, [(b.start, b.end) for b in blocks]), blocks[0].lang)
    tags = template_tags(data, 0, len(data), hidden, tag_spellings(clerk, kebab=False))
    sfc.template(tags, clerk, kebab=False)


def analyze(source: SourceText, candidate: Candidate, catalog: Catalog, context: object = None) -> FileAnalysis:
    is_vue = candidate.language == "vue"
    path = Path(candidate.path) if candidate.path is not None else None
    # `Astro.locals.auth()` needs no import: it is Clerk's when the package depends on @clerk/astro.
    # Svelte components get no framework reads (`locals` lives in server files only).
    astro = candidate.language == "astro"
    sdks = may_read_framework_auth(path, source.data) & {"@clerk/astro"} if astro else frozenset()
    if not MARKERS.search(source.data) and not sdks:
        # Only a Nuxt project with Clerk's module can use Clerk without naming it.
        if not is_vue or path is None or nuxt_clerk_for(path, catalog) is None:
            return FileAnalysis()
    sfc = SfcAnalysis(source, candidate.relpath, catalog)
    if is_vue:
        _analyze_vue(sfc, path)
    elif astro:
        _analyze_astro(sfc, sdks)
    else:
        _analyze_svelte(sfc)
    sfc.result.findings.sort(key=Finding.sort_key)
    return sfc.result
