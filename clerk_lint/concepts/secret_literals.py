"""Secret-shaped literals written into source or config: Clerk secret keys, Svix signing
secrets, PEM private keys (CLK715 where a reader finds one)."""
from __future__ import annotations

import re

from .secrets import redact_value

SECRET_LITERAL = re.compile(
    r"\b(?P<sk>sk_(?:live|test)_)[A-Za-z0-9]{16,}|\b(?P<wh>whsec_)[A-Za-z0-9+/=]{16,}"
    r"|(?P<pem>-----BEGIN [A-Z ]*PRIVATE KEY-----)"
)
# The prefixes a literal may end with when the rest of the key follows in another (`"sk_live_" + "…"`).
SECRET_PREFIXES = ("sk_live_", "sk_test_", "whsec_")
# Bytes every such literal contains (lower-cased): files without them skip the per-string test.
_SECRET_WORDS = (b"sk_live_", b"sk_test_", b"whsec_", b"private key-----")


def may_hold_secret_literal(lowered: bytes) -> bool:
    """Whether a file (its bytes, lower-cased) can hold a secret-shaped literal."""
    return any(word in lowered for word in _SECRET_WORDS)
# Names that say the literal belongs to another vendor that uses the same prefixes.
_OTHER_VENDOR = re.compile(r"stripe|resend|svix_app|lemon|paddle", re.IGNORECASE)



def secret_literals(text: str, name: str = ""):
    """(start, end, detail, details) of each secret-shaped literal in `text`, none when `name`
    (what the literal is bound to) says another vendor. Shared by the ECMAScript and deploy-env readers."""
    if _OTHER_VENDOR.search(name):
        return
    for m in SECRET_LITERAL.finditer(text):
        kind = "secret key" if m.group("sk") else "webhook signing secret" if m.group("wh") else "private key"
        shown = redact_value(m.group(0))
        where = f" in {name}" if name else ""
        yield m.start(), m.end(), f"{kind} {shown}{where}", (("kind", kind), ("value", shown), ("name", name))

