"""scripts/import-clerk-users.ts: the user (and organization) import, filled into the templates
in `templates/` for the plugins in use."""
from __future__ import annotations

from importlib import resources

from ..plan.facts import OAUTH_PROVIDERS
from .context import Ctx, js


def _template(name: str) -> str:
    return (resources.files(__package__) / "templates" / name).read_text("utf-8")


def render_import_script(ctx: Ctx) -> str:
    facts = ctx.facts
    plugins = ctx.plugins
    text = _template("import-clerk-users.ts")
    imports = []
    if "twoFactor" in plugins:
        imports.append('import { symmetricEncrypt } from "better-auth/crypto";')
    providers = dict(sorted({f"oauth_{k}": v for k, v in OAUTH_PROVIDERS.items()}.items()))
    provider_lines = "\n".join(f"  {k}: {js(v)}," for k, v in providers.items())
    fields = []
    if "username" in plugins:
        fields += ["    if (row.username) {",
                   "      user.username = row.username.toLowerCase();",
                   "      user.displayUsername = row.username;",
                   "    }"]
    if "phoneNumber" in plugins:
        fields += ["    const phone = row.primary_phone_number || list(row.verified_phone_numbers)[0];",
                   "    if (phone) {",
                   "      user.phoneNumber = phone;",
                   "      user.phoneNumberVerified = list(row.verified_phone_numbers).includes(phone);",
                   "    }"]
    if "admin" in plugins:
        fields += ['    user.role = "user"; // ' + ctx.todo("import script: copy app roles kept in Clerk metadata into user.role"),
                   "    user.banned = Boolean(full?.banned);",
                   "    if (full?.lockout_expires_in_seconds) {",
                   "      user.banned = true;",
                   "      user.banExpires = new Date(Date.now() + full.lockout_expires_in_seconds * 1000);",
                   "    }"]
    if "twoFactor" in plugins:
        fields.append("    user.twoFactorEnabled = Boolean(row.totp_secret);")
    for kind, source in (("publicMetadata", "public_metadata"), ("privateMetadata", "private_metadata"),
                         ("unsafeMetadata", "unsafe_metadata")):
        if kind in facts.metadata:
            fields.append(f"    user.{kind} = full?.{source} ?? null; // only the Backend API export has metadata")
    two_factor = ""
    if "twoFactor" in plugins:
        two_factor = "\n".join([
            "",
            "      if (row.totp_secret) {",
            "        // better-auth 1.7 decrypts twoFactor.secret with the auth secret and decodes a \"base32:\"",
            "        // prefix: a raw Clerk secret would make verifyTOTP throw.",
            "        await ctx.adapter.create({",
            '          model: "twoFactor",',
            "          data: {",
            "            userId: id,",
            "            secret: await symmetricEncrypt({ key: ctx.secretConfig, data: `base32:${row.totp_secret}` }),",
            "            // Clerk backup codes cannot be exported: none until the user generates new ones.",
            "            backupCodes: await symmetricEncrypt({ key: ctx.secretConfig, data: JSON.stringify([]) }),",
            "            verified: true,",
            "          },",
            "        });",
            "        stats.totp++;",
            "      }"])
    if ctx.passwords == "evidence":
        passwords = "\n".join([
            "      if (row.password_digest) {",
            '        const hasher = row.password_hasher || "bcrypt";',
            '        if (hasher === "bcrypt" && /^\\$2[aby]\\$/.test(row.password_digest)) {',
            '          // Email/password sign-in looks for a "credential" account whose accountId is the user id.',
            "          await ctx.adapter.create({",
            '            model: "account",',
            '            data: { userId: id, providerId: "credential", accountId: id, password: row.password_digest, '
            "createdAt: now, updatedAt: now },",
            "          });",
            "          stats.passwords++;",
            "        } else {",
            "          // Users imported into Clerk from elsewhere may still have another hasher's digest.",
            "          console.warn(`${id}: password hasher ${hasher} is not bcrypt; this user must reset the password`);",
            "          stats.passwordResets++;",
            "        }",
            "      }", ""])
    else:
        passwords = "\n".join([
            "      // No password sign-in was seen in the code (README, Open questions): digests are counted, not",
            "      // imported. If the count is not 0, users have passwords: add the bcrypt verify to auth.ts first.",
            "      if (row.password_digest) stats.passwordsLeftOut++;", ""])
    org_call, org_fn = "", ""
    if "organization" in plugins:
        org_call = "\n".join([
            "  if (secretKey) Object.assign(stats, await importOrganizations(secretKey));",
            "  else console.warn(\"CLERK_SECRET_KEY is not set: organizations and memberships are not imported.\")"])
        roles = {"org:admin": "admin", "org:member": "member"} | facts.role_names
        role_lines = "\n".join(f"  {js(k)}: {js(v)}," for k, v in sorted(roles.items()))
        org_fn = _template("import-organizations.ts").replace("@@ROLES@@", role_lines)
    text = (text.replace("//@@IMPORTS@@\n", "".join(i + "\n" for i in imports))
            .replace("@@AUTH_IMPORT@@", "../auth")
            .replace("@@PROVIDER_IDS@@", provider_lines)
            .replace("@@USER_FIELDS@@\n", "".join(f + "\n" for f in fields))
            .replace("@@PASSWORDS@@\n", passwords + "\n")
            .replace("@@TWO_FACTOR@@\n", two_factor + "\n" if two_factor else "")
            .replace("@@ORGANIZATIONS_CALL@@\n", org_call + "\n" if org_call else "")
            .replace("@@ORGANIZATIONS@@\n", org_fn))
    return text
