"""Helpers shared by the analyzer tests: write a snippet into a folder and scan the folder."""
from __future__ import annotations

from pathlib import Path

from cli_helpers import write

from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.findings import ScanResult
from clerk_lint.scan.driver import run_scan

CATALOG = load_catalog()


def scan_snippet(root: Path, name: str, text: str) -> ScanResult:
    """Write `text` to root/name and scan all of root (files written before are scanned too)."""
    return run_scan([write(root, {name: text})], CATALOG)


def ecma_sources(*shapes: bytes) -> list[tuple[bytes, str]]:
    """(bytes, grammar) of every JS/TS fixture file, then each of `shapes` as JavaScript and as
    TSX: the inputs a fast path is held equal to its specification on."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    grammar = {".tsx": "tsx", ".jsx": "tsx", ".ts": "typescript", ".js": "javascript", ".mjs": "javascript"}
    out = [(p.read_bytes(), grammar[p.suffix]) for p in sorted(fixtures.rglob("*")) if p.suffix in grammar]
    return out + [(data, lang) for data in shapes for lang in ("javascript", "tsx")]
