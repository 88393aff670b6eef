"""What every draft file is rendered from (`Ctx`: the plan's facts, the detected project, the
plugins) and what it collects while they render (TODOs, packages, env variables), plus the small
TypeScript helpers the renderers share."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..plan.facts import Facts, locations
from .detect import Project

HEADER = ("// Drafted by clerk-lint from the Clerk usage it found (better-auth {version}).\n"
          "// A starting point: read every TODO, then move the file where your app keeps its auth code.\n")


@dataclass
class Ctx:
    facts: Facts
    project: Project
    plugins: list[str]
    todos: list[str] = field(default_factory=list)
    packages: set[str] = field(default_factory=set)
    env: dict[str, str] = field(default_factory=dict)  # name -> comment
    questions: list[str] = field(default_factory=list)  # README "Open questions"

    def ask(self, question: str) -> None:
        if question not in self.questions:
            self.questions.append(question)

    @property
    def passwords(self) -> str:
        """Password sign-in: "evidence" (the code shows it), "assumed" (no method is named in code, so
        the drafted pages offer it) or "none" (other methods only)."""
        if self.facts.has("passwords"):
            return "evidence"
        other = [m for m in ("emailOTP", "magicLink") if m in self.plugins] or self.facts.providers
        return "none" if other else "assumed"

    def todo(self, text: str) -> str:
        if text not in self.todos:
            self.todos.append(text)
        return f"TODO: {text}"

    def need(self, package: str) -> None:
        self.packages.add(package)

    @property
    def client_only(self) -> bool:
        """A browser app with no server framework: the auth server is a separate service."""
        return self.project.server == "generic" and self.project.client_module != "better-auth/client"


def js_ident(name: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_$]", "_", name)
    return ident if ident and not ident[0].isdigit() else f"_{ident}"


def js(value) -> str:
    return json.dumps(value)


def js_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name) else js(name)


def found_at(findings) -> str:
    locs = locations(findings)
    return ", ".join(locs[:4]) + (f" (+{len(locs) - 4} more)" if len(locs) > 4 else "")


def env_name(provider: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", provider.upper())
