"""Clerk session tokens an app verifies itself (jsonwebtoken / jose with a Clerk key, or
@clerk/backend's verifyToken), stored on the request and read in other modules' handlers."""
from __future__ import annotations

from cli_helpers import write

from scan_helpers import CATALOG
from clerk_lint.scan.driver import run_scan

MIDDLEWARE = """import jwt from "jsonwebtoken";

export function requireUser(req, res, next) {
  const token = (req.headers.authorization || "").replace("Bearer ", "");
  const decoded = jwt.verify(token, process.env.CLERK_PEM_PUBLIC_KEY, { algorithms: ["RS256"] });
  req.auth = { userId: decoded.sub };
  next();
}

// Not Clerk: the partner's own HMAC tokens, kept under another key.
export function requirePartner(req, res, next) {
  const claims = jwt.verify(req.headers["x-partner"], process.env.PARTNER_SECRET);
  req.partner = { id: claims.sub };
  next();
}
"""

CONTROLLER = """import { db } from "../db.js";

export async function listOrders(req, res) {
  const { userId } = req.auth;
  if (!userId) return res.status(401).end();
  res.json(await db.orders.find({ owner: userId }));
}

export function partnerOrders(req, res) {
  const { id } = req.partner;
  res.json({ partner: id });
}
"""

JOSE = """import { importSPKI, jwtVerify } from "jose";

const PEM = process.env.CLERK_JWT_KEY;

export async function callerId(token) {
  const key = await importSPKI(PEM, "RS256");
  const { payload } = await jwtVerify(token, key);
  return payload.sub;
}

export async function partnerId(token, secret) {
  const { payload } = await jwtVerify(token, secret);
  return payload.sub;
}
"""


def _lines(result, path):
    return sorted((f.location.line, f.code) for f in result.findings if f.location.path == path)


def test_token_verified_with_a_clerk_key_is_followed_into_other_modules(tmp_path):
    root = write(tmp_path, {
        "package.json": '{ "name": "api", "type": "module", "dependencies": { "jsonwebtoken": "^9.0.0", "jose": "^5.0.0" } }',
        "src/middleware/auth.js": MIDDLEWARE,
        "src/routes/orders.js": CONTROLLER,
        "src/lib/tokens.js": JOSE,
        "src/db.js": "export const db = { orders: { find: async (q) => q } };\n",
    })
    result = run_scan([root], CATALOG)
    assert (6, "CLK511") in _lines(result, "src/middleware/auth.js")
    assert (6, "CLK512") in _lines(result, "src/middleware/auth.js")
    assert all(line < 10 or code == "CLK714" for line, code in _lines(result, "src/middleware/auth.js"))
    assert _lines(result, "src/routes/orders.js") == [(4, "CLK513"), (5, "CLK511"), (6, "CLK511")]
    assert [(l, c) for l, c in _lines(result, "src/lib/tokens.js") if c != "CLK714"] == [(8, "CLK511")]
