"""Component tags in a template (`<UserButton />`, `<user-button>`), and the spellings a Clerk
component may take there."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .blocks import TAG_START, comment_spans, mask_spans, tag_end
from ..ecma.nuxt import camelize




@dataclass(frozen=True)
class Tag:
    name: str
    start: int  # the `<`
    name_end: int
    text: bytes  # the template with comments and hidden spans masked (to find the tag's end)

    @property
    def end(self) -> int:
        return tag_end(self.text, self.name_end)


def template_tags(data: bytes, start: int, end: int, hidden: Iterable[tuple[int, int]] = (),
                  wanted: Optional[frozenset[str]] = None) -> list[Tag]:
    """Each opening tag in [start, end), outside comments and the `hidden` spans (script and
    style bodies); only tags named in `wanted` (or whose `Namespace.` is) when it is given."""
    if wanted is not None and not wanted:
        return []
    masked = mask_spans(data, list(hidden) + comment_spans(data, start, end))
    out = []
    for m in TAG_START.finditer(masked, start, end):
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



def tag_candidates(name: str, kebab: bool) -> list[str]:
    """Script names a template tag can refer to: itself, and for Vue its camelCase and
    PascalCase forms (`user-button` -> `userButton`, `UserButton`)."""
    out = [name]
    if kebab:
        camel = camelize(name)
        out += [camel, camel[:1].upper() + camel[1:]]
    return list(dict.fromkeys(out))
