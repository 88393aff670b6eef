"""Time the shared YAML line reader against YAML libraries that keep positions (compose nodes
carry line / column marks), on the fixture apps' YAML files and on one large workflow.

    python bench/yaml_readers.py [--repeat 20]

PyYAML (with and without libyaml) and ruamel.yaml are timed when they are importable; neither
is a dependency of clerk-lint. The numbers behind "One YAML reader" in docs/ARCHITECTURE.md.
"""
from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clerk_lint.readers import deploy_env  # noqa: E402
from clerk_lint.readers.formats.yaml_lines import yaml_lines  # noqa: E402


def corpus() -> dict[str, list[str]]:
    files = sorted({p for pattern in ("**/*.yml", "**/*.yaml", "**/.github/**/*.yml")
                    for p in (ROOT / "fixtures").glob(pattern)})
    texts = [p.read_text(encoding="utf-8") for p in files]
    workflow = (ROOT / "fixtures/nextjs-app-router/.github/workflows/ci.yml").read_text(encoding="utf-8")
    jobs = workflow.split("jobs:\n", 1)[1]
    big = "name: big\njobs:\n" + "".join(
        jobs.replace("  test:", f"  test{i}:").replace("  deploy:", f"  deploy{i}:") for i in range(50))
    return {f"fixture YAML files ({len(texts)}, {sum(map(len, texts))} bytes in all)": texts,
            f"one workflow of {len(big) // 1024} KB ({big.count(chr(10))} lines)": [big]}


def readers() -> dict[str, object]:
    out = {
        "shared line reader (formats.yaml_lines)": lambda t: list(yaml_lines(t)),
        "  + deploy_env's per-line pass (what a scan runs)": lambda t: list(deploy_env._lines("github-actions", t)),
    }
    try:
        yaml = importlib.import_module("yaml")
        if getattr(yaml, "__with_libyaml__", False):
            out["PyYAML compose, libyaml (CSafeLoader)"] = lambda t: yaml.compose(t, Loader=yaml.CSafeLoader)
        out["PyYAML compose, pure Python (SafeLoader)"] = lambda t: yaml.compose(t, Loader=yaml.SafeLoader)
    except ImportError:
        pass
    try:
        ruamel = importlib.import_module("ruamel.yaml")
        loader = ruamel.YAML(typ="rt")
        out["ruamel.yaml compose (round-trip, keeps comments)"] = loader.compose
    except ImportError:
        pass
    return out


def import_ms(module: str) -> float:
    """Milliseconds a fresh interpreter spends importing `module` (median of 5)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(5):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if done.returncode:
            return float("nan")
        runs.append(float(done.stdout) * 1000)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for name, texts in corpus().items():
        print(name)
        for label, read in readers().items():
            samples = []
            for _ in range(7):
                start = time.perf_counter()
                for _ in range(args.repeat):
                    for text in texts:
                        read(text)
                samples.append((time.perf_counter() - start) / args.repeat / len(texts))
            print(f"  {label:52s} {statistics.median(samples) * 1e6:9.0f} us per file")
    print("import time, fresh interpreter:")
    for module in ("clerk_lint.readers.formats.yaml_lines", "yaml", "ruamel.yaml"):
        print(f"  {module:52s} {import_ms(module):9.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
