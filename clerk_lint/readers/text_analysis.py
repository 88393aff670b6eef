"""What the analyzers of files read as plain text (manifests, .env, schemas, configs) share:
the marker test that skips a file, the classifier that locates its findings, and spans
made from character offsets."""
from __future__ import annotations

import re
from typing import NamedTuple, Optional

from ..concepts.catalog import Catalog
from ..classify.classifier import Classifier
from ..discover.kinds import Candidate
from .source import LineIndex, SourceText


class Span(NamedTuple):
    """The part of a tree-sitter node a Location is made from."""
    start_byte: int
    end_byte: int


def _byte_offset(text: str, index: int) -> int:
    return index if text.isascii() else len(text[:index].encode("utf-8"))


def text_span(text: str, start: int, end: int) -> Span:
    """Character offsets into `text` as a byte span."""
    return Span(_byte_offset(text, start), _byte_offset(text, end))


def marked_classifier(source: SourceText, candidate: Candidate, catalog: Catalog,
                      markers: re.Pattern) -> Optional[Classifier]:
    """None when the file's text never matches `markers` (it cannot hold a finding), else the
    classifier that makes findings located in it."""
    if not markers.search(source.text):
        return None
    return Classifier(catalog, LineIndex(source).locator(candidate.relpath))
