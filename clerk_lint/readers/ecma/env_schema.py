"""Env schemas declaring Clerk's variables: the keys of the objects t3-env's createEnv (server,
client, shared), zod / valibot / joi objects, envalid's cleanEnv and envsafe validate, e.g.
`CLERK_SECRET_KEY: z.string().min(1)`. Captured by queries/ecma/env.scm (`clerk-env-schema-key`:
an object key whose value is a call); only upper-case Clerk variable names count, so an app's
own camelCase or snake_case settings stay silent. The line mapping the variable to
`process.env` is a read (CLK714)."""
from __future__ import annotations

from ...concepts.catalog import Catalog
from ...concepts.env_vars import PUBLISHABLE_RULE, READ_ADVICE, SECRET_RULE, advice_for, classify, is_clerk_env_name, unprefixed

# What the schema declares instead, by kind of Clerk variable.
SCHEMA_ADVICE = {
    **READ_ADVICE,
    SECRET_RULE: "declare BETTER_AUTH_SECRET (server) and BETTER_AUTH_URL instead",
    PUBLISHABLE_RULE: "declare the client's auth URL instead (e.g. NEXT_PUBLIC_BETTER_AUTH_URL), when the client is on another origin",
}


def js_env_schema_key(node, catalog: Catalog):
    name = node.text.decode("utf-8", errors="replace") if node.text is not None else ""
    if not name or name != name.upper() or not is_clerk_env_name(name, catalog):
        return ""
    pair = node.parent if node.type == "property_identifier" else node.parent.parent
    code = classify(name, "", catalog, file_has_clerk=True)
    advice = SCHEMA_ADVICE.get(code) or advice_for(unprefixed(name))
    return (f"{name}: {advice}", pair.child_by_field_name("key") or node, (("variable", name), ("kind", code or "")))
