"""The nearest folder, from a start folder up, for which a test gives an answer (the nearest
package.json, tsconfig, workspace root ...), memoised for every folder on the way."""
from __future__ import annotations

import os
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


def nearest_upward(folder: str, memo: dict[str, Optional[T]], found: Callable[[str], Optional[T]],
                   is_last: Callable[[str], bool] = lambda _: False) -> Optional[T]:
    """The first non-None ``found(dir)`` from ``folder`` up to the file-system root, or to the
    first folder for which ``is_last(dir)`` holds (asked, then the walk ends). Every folder
    passed gets the answer in ``memo``, so sibling files cost one dict lookup."""
    chain = []
    cur = folder
    result: Optional[T] = None
    while True:
        if cur in memo:
            result = memo[cur]
            break
        chain.append(cur)
        result = found(cur)
        if result is not None or is_last(cur):
            break
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    for c in chain:
        memo[c] = result
    return result
