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

A Vue template's expressions (`{{ user?.fullName }}`, `:src`, `v-if`, `@click`) are analysed
with its scripts, as statements at their own offsets (template_code.py).

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

import re
from pathlib import Path
from typing import Callable, Optional

from ...concepts.catalog import Catalog, Rule, is_clerk_module
from ...classify.classifier import Classifier
from ...discover.kinds import Candidate
from ...findings import FileAnalysis, FileProblem, Finding, Location
from ..ecma.analyzer import MARKERS, analyze_js
from ..ecma.imports import find_imports
from ..ecma.records import NAMESPACE, text
from ..ecma.parse import parse
from ...discover.project_sdks import may_read_framework_auth
from ..source import LineIndex, SourceText
from .blocks import (Block, TagNode, blank_outside, astro_blocks, comment_spans, elements, svelte_blocks,
                     unclosed_reason, vue_blocks)
from .template_code import overlay, overlay_braces
from .template_tags import Tag, tag_candidates, tag_spellings, template_tags
from ..ecma.nuxt import NuxtClerk, nuxt_clerk_for


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
               astro_global: bool = False, template: Optional[tuple[int, int]] = None,
               hidden: list[tuple[int, int]] = ()) -> None:
        """Analyse `blocks` (one module) with the JS pipeline; `auto_imports` is an import
        statement appended after the end of the file for names Nuxt imports implicitly;
        `sdks` / `astro_global` as for analyze_js (Astro frontmatter reads `Astro.locals`);
        `template`: a Vue template's or an Astro body's range, whose expressions join the module
        (template_code); `hidden`: the parts of an Astro body that are not template."""
        if not blocks:
            return
        padded = blank_outside(self.data, [(b.start, b.end) for b in blocks])
        if template is not None and astro_global:
            padded = overlay_braces(padded, self.data, template, hidden, blocks[0].lang)
        elif template is not None:
            padded = overlay(padded, self.data, template, [(b.start, b.end) for b in blocks], blocks[0].lang)
        if auto_imports:
            padded += b"\n;" + auto_imports.encode("utf-8") + b"\n"
        analysis = analyze_js(padded, self.relpath, blocks[0].lang, self.catalog, self.locate,
                              sdks=sdks, astro_global=astro_global)
        self.result.findings.extend(f for f in analysis.findings if f.location.line > 0)
        unclosed = unclosed_reason(self.data, blocks, "frontmatter" if astro_global else "script")
        if unclosed:  # first: its reason leads the file's one report
            self.result.problems.append(FileProblem(self.relpath, unclosed, "parse-partial", partial=True))
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
    script_data = blank_outside(data, [(b.start, b.end) for b in blocks]) if blocks else b""
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
    sfc.script(blocks, auto, template=template)
    if template is not None:
        hidden = [(b.start, b.end) for b in blocks]
        wanted = tag_spellings(list(clerk) + (sorted(nuxt.components) if nuxt is not None else []), kebab=True)
        tags = template_tags(data, template[0], template[1], hidden, wanted)
        sfc.template(tags, clerk, kebab=True, nuxt=nuxt, shadowed=frozenset(imported | declared))


def _analyze_astro(sfc: SfcAnalysis, sdks: frozenset[str] = frozenset()) -> None:
    data = sfc.data
    front, scripts, (start, end) = astro_blocks(data)
    clerk: dict[str, tuple[str, str]] = {}
    styles = [(e.start, e.end) for e in elements(data, b"style", start, end)]
    hidden = [(b.start, b.end) for b in scripts] + styles
    if front:
        # Only the frontmatter runs on the server with `Astro` in scope; <script> tags run in the browser.
        # The body's expressions are rendered with the frontmatter's values.
        sfc.script(front, sdks=sdks, astro_global=True, template=(start, end),
                   hidden=hidden + comment_spans(data, start, end))
        clerk, _, _ = _imports(blank_outside(data, [(b.start, b.end) for b in front]), "typescript")
    for block in scripts:
        sfc.script([block])
    sfc.template(template_tags(data, start, end, hidden, tag_spellings(clerk, kebab=False)), clerk, kebab=False)


def _analyze_svelte(sfc: SfcAnalysis) -> None:
    data = sfc.data
    blocks, hidden = svelte_blocks(data)
    clerk: dict[str, tuple[str, str]] = {}
    if blocks:
        sfc.script(blocks)
        clerk, _, _ = _imports(blank_outside(data, [(b.start, b.end) for b in blocks]), blocks[0].lang)
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
