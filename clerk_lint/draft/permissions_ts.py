"""permissions.ts: Clerk's organization roles and permissions as a Better Auth access control."""
from __future__ import annotations

from ..plan.facts import DEFAULT_ORG_ROLES
from .context import HEADER, Ctx, found_at, js, js_ident, js_key
from .packages import BETTER_AUTH_VERSION


def role_identifier(role: str) -> str:
    return js_ident(role) + "Role"


def render_permissions(ctx: Ctx) -> str:
    facts = ctx.facts
    perms = facts.custom_permissions
    roles = facts.role_names  # clerk key -> better auth name
    names = list(DEFAULT_ORG_ROLES) + sorted({r for r in roles.values() if r not in DEFAULT_ORG_ROLES})
    clerk_for = {}
    for clerk_key, name in roles.items():
        clerk_for.setdefault(name, []).append(clerk_key)
    lines = [HEADER.format(version=BETTER_AUTH_VERSION),
             "// Organization access control: Clerk's org roles and permissions as code, shared by the",
             "// organization() server plugin (auth.ts) and organizationClient() (auth-client.ts).",
             'import { createAccessControl } from "better-auth/plugins/access";',
             'import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";',
             ""]
    lines.append("// Statements: Better Auth's defaults (organization, member, invitation, team, ac) plus one per")
    lines.append("// Clerk permission feature (org:<feature>:<action> -> <feature>: [<action>]).")
    lines.append("export const statement = {")
    lines.append("  ...defaultStatements,")
    for feature, actions in perms.items():
        evidence = [f for p, ev in facts.permissions.items() if p.split(":")[-2:-1] == [feature] for f in ev]
        lines.append(f"  {js_key(feature)}: {js(actions)}, // checked at {found_at(evidence)}")
    lines.append("} as const;")
    lines.append("")
    lines.append("export const ac = createAccessControl(statement);")
    lines.append("")
    if perms or any(r not in DEFAULT_ORG_ROLES for r in names):
        lines.append("// " + ctx.todo("permissions.ts: which role holds which permission is configured in the Clerk "
                                      "dashboard (Organizations -> Roles & Permissions); copy that assignment here."))
    all_custom = ", ".join(f"{js_key(k)}: {js(v)}" for k, v in perms.items())
    base = {"owner": "ownerAc", "admin": "adminAc", "member": "memberAc"}
    for name in names:
        spread = f"...{base.get(name, 'memberAc')}.statements"
        grants = all_custom if name in ("owner", "admin") else ""
        body = ", ".join(x for x in (spread, grants) if x)
        origin = ", ".join(clerk_for.get(name, []))
        if name == "owner":
            note = "Better Auth's creator role (Clerk makes the creator org:admin; auth.ts sets creatorRole)"
        elif origin:
            note = f"Clerk {origin}" + (f", seen at {found_at(facts.roles[origin.split(', ')[0]])}"
                                        if origin.split(", ")[0] in facts.roles else "")
        else:
            note = "Clerk org:" + name
        if name not in base:
            note += "; custom role: grant its permissions"
        lines.append(f"// {note}")
        lines.append(f"export const {role_identifier(name)} = ac.newRole({{ {body} }});")
    lines.append("")
    lines.append("export const roles = {")
    for name in names:
        lines.append(f"  {js_key(name)}: {role_identifier(name)},")
    lines.append("};")
    return "\n".join(lines) + "\n"
