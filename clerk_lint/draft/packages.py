"""npm packages the drafts import, with the versions they were written and type-checked against
(better-auth 1.7.25 and the separately versioned plugins of the same release line)."""
from __future__ import annotations

BETTER_AUTH_VERSION = "1.7.25"

# package -> version spec to install
PACKAGES: dict[str, str] = {
    "better-auth": BETTER_AUTH_VERSION,
    "@better-auth/passkey": "1.7.6",
    "@better-auth/sso": "1.7.5",
    "@better-auth/stripe": "1.7.6",
    "@better-auth/api-key": "1.7.5",
    "stripe": "^22.0.0",           # @better-auth/stripe 1.7.6 peer: stripe ^18 .. ^22
    "bcryptjs": "^3.0.2",          # ships its own types
    "pg": "^8.13.0",
    "@types/pg": "^8.11.0",
    "mysql2": "^3.11.0",
    "mongodb": "^6.10.0",
    "@prisma/client": "^6.0.0",
    "drizzle-orm": "^0.45.2",
    "postgres": "^3.4.0",
    "@neondatabase/serverless": "^1.0.0",
    "@planetscale/database": "^1.19.0",
    "@libsql/client": "^0.15.0",
    "@libsql/kysely-libsql": "^0.4.1",
}

# Plugins published outside the better-auth package: server import, client import.
SEPARATE_PLUGINS = {
    "passkey": ("@better-auth/passkey", "@better-auth/passkey/client"),
    "sso": ("@better-auth/sso", "@better-auth/sso/client"),
    "stripe": ("@better-auth/stripe", "@better-auth/stripe/client"),
    "apiKey": ("@better-auth/api-key", "@better-auth/api-key/client"),
}

# Packages only the check environment needs (the app already has them): typescript, tsx (runs the
# import script), Node types and the framework packages the handler and middleware drafts import.
TYPECHECK_ONLY: dict[str, str] = {
    "typescript": "~5.9.0",
    "tsx": "^4.19.0",
    "@types/node": "^20.0.0",
    "next": "^15.0.0",
    "react": "^19.0.0",
    "react-dom": "^19.0.0",
    "@types/react": "^19.0.0",
    "vue": "^3.5.0",
    "express": "^5.0.0",
    "@types/express": "^5.0.0",
}

NPM_INSTALL_FLAGS = ("--no-audit", "--no-fund", "--legacy-peer-deps")
