// Drafted by clerk-lint from the Clerk usage it found (better-auth 1.7.25).
// A starting point: read every TODO, then move the file where your app keeps its auth code.

// Organization access control: Clerk's org roles and permissions as code, shared by the
// organization() server plugin (auth.ts) and organizationClient() (auth-client.ts).
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";

// Statements: Better Auth's defaults (organization, member, invitation, team, ac) plus one per
// Clerk permission feature (org:<feature>:<action> -> <feature>: [<action>]).
export const statement = {
  ...defaultStatements,
} as const;

export const ac = createAccessControl(statement);

// Better Auth's creator role (Clerk makes the creator org:admin; auth.ts sets creatorRole)
export const ownerRole = ac.newRole({ ...ownerAc.statements });
// Clerk org:admin, seen at packages/auth/src/hooks.ts:13
export const adminRole = ac.newRole({ ...adminAc.statements });
// Clerk org:member
export const memberRole = ac.newRole({ ...memberAc.statements });

export const roles = {
  owner: ownerRole,
  admin: adminRole,
  member: memberRole,
};
