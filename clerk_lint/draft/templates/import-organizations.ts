
interface ClerkOrganization {
  id: string;
  name: string;
  slug?: string | null;
  image_url?: string | null;
  public_metadata?: Record<string, unknown> | null;
  created_at?: number;
}

interface ClerkMembership {
  role: string;
  created_at?: number;
  public_user_data?: { user_id: string } | null;
}

/** Clerk role key -> Better Auth role (permissions.ts); others lose their "org:" prefix. */
const ROLES: Record<string, string> = {
@@ROLES@@
};

/** Organizations and memberships from the Backend API (the official guide does not cover them). */
async function importOrganizations(secretKey: string): Promise<{ organizations: number; members: number }> {
  const ctx = await auth.$context;
  const counts = { organizations: 0, members: 0 };
  const now = new Date();
  for (const org of await clerkList<ClerkOrganization>("/organizations", secretKey, 100)) {
    const existing = await ctx.adapter.findOne({ model: "organization", where: [{ field: "id", value: org.id }] });
    if (!existing) {
      await ctx.adapter.create({
        model: "organization",
        forceAllowId: true,
        data: {
          id: org.id,
          name: org.name,
          slug: org.slug || org.id,
          logo: org.image_url || null,
          metadata: org.public_metadata ? JSON.stringify(org.public_metadata) : null,
          createdAt: toDate(org.created_at, now),
        },
      });
      counts.organizations++;
    }
    for (const membership of await clerkList<ClerkMembership>(`/organizations/${org.id}/memberships`, secretKey, 100)) {
      const userId = membership.public_user_data?.user_id;
      if (!userId) continue;
      const member = await ctx.adapter.findOne({
        model: "member",
        where: [
          { field: "organizationId", value: org.id },
          { field: "userId", value: userId },
        ],
      });
      if (member) continue;
      await ctx.adapter.create({
        model: "member",
        data: {
          organizationId: org.id,
          userId,
          role: ROLES[membership.role] ?? membership.role.replace(/^org:/, ""),
          createdAt: toDate(membership.created_at, now),
        },
      });
      counts.members++;
    }
  }
  // Pending invitations are not copied: re-send them after cutover (authClient.organization.inviteMember).
  return counts;
}
