"""Parse source with tree-sitter. Grammars are loaded on first use, one parser per language."""
from __future__ import annotations

from functools import lru_cache

import tree_sitter as ts


@lru_cache(maxsize=None)
def language(name: str) -> ts.Language:
    """The tree-sitter Language for 'javascript', 'typescript' or 'tsx'."""
    if name == "javascript":
        import tree_sitter_javascript as grammar

        return ts.Language(grammar.language())
    import tree_sitter_typescript as grammar

    if name == "typescript":
        return ts.Language(grammar.language_typescript())
    if name == "tsx":
        return ts.Language(grammar.language_tsx())
    raise ValueError(f"no tree-sitter grammar for {name!r}")


@lru_cache(maxsize=None)
def _parser(name: str) -> ts.Parser:
    return ts.Parser(language(name))


def parse(data: bytes, lang: str) -> ts.Tree:
    return _parser(lang).parse(data)
