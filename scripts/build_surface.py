"""Condense the Clerk API surface catalog into the data file clerk-lint ships.

Usage: python scripts/build_surface.py PATH/TO/clerk-api-surface.json

The reference catalog is ~900 KB of names, kinds and type lists; the scanner needs
only value exports (with kind and deprecation), the legacy names of older majors,
env var names, webhook events and the backend client's resources.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "clerk_lint" / "data" / "clerk_surface.json"


def _values(entry: dict) -> dict:
    out = {}
    for value in entry.get("values", []):
        flags = [f for f in ("deprecated", "removed_stub") if value.get(f)]
        out[value["name"]] = [value["kind"], *flags]
    return out


def main(src: str) -> None:
    surface = json.loads(Path(src).read_text())
    entrypoints: dict[str, dict] = {}
    type_names: set[str] = set()
    for package in surface["packages"].values():
        for spec, entry in package["entrypoints"].items():
            entrypoints[spec] = _values(entry)
            type_names.update(t if isinstance(t, str) else t["name"] for t in entry.get("types", []))
    legacy: dict[str, dict] = {}
    for pkg, versions in surface.get("legacy_versions", {}).items():
        for version, data in versions.items():
            for spec, entry in data.get("entrypoints", {}).items():
                for name, kind in _values(entry).items():
                    if name not in entrypoints.get(spec, {}):
                        legacy.setdefault(spec, {}).setdefault(name, [*kind, f"legacy:{version}"])
    out = {
        "generated_from": surface.get("generated_from"),
        "entrypoints": entrypoints,
        "legacy": legacy,
        "type_names": sorted(type_names),
        "env_vars": surface["env_vars"],
        "webhook_events": sorted(e["type"] for e in surface["webhook_events_detail"]),
        "backend_resources": {
            name: sorted(res.get("methods", []))
            for name, res in surface["backend_api_client"]["resources"].items()
        },
        "auth_return_members": surface["nextjs_server_auth"]["auth_return_members"],
        "python": surface["python"],
    }
    OUT.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(entrypoints)} entry points)")


if __name__ == "__main__":
    main(sys.argv[1])
