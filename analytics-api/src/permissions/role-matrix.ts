// Which permissions each staff role holds: the checked-in matrix auditors read (docs/security.md
// renders the same table). Changing a cell here changes who may do what everywhere; the
// authorisation matrix test (test/security/authorisation-matrix.test.ts) pins every cell.
import type { Permission } from './permission.ts';

export const ROLES = ['platform_admin', 'org_admin', 'analyst', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

// Everyone who can log in may use the public routes and their own session.
const BASE: readonly Permission[] = ['public', 'session'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  // The union's operators of the platform itself: apps, write keys, everything else.
  platform_admin: [
    ...BASE,
    'analysis.run',
    'analysis.export',
    'data.unmask',
    'metadata.read',
    'metadata.manage',
    'profile.read',
    'profile.write',
    'identity.manage',
    'data.delete',
    'org.manage',
    'staff.manage',
    'token.manage',
    'app.manage',
    'audit.read',
    'cohort.manage',
    'dashboard.manage',
    'campaign.manage',
  ],
  // Admin of one org node's subtree: users, sub-orgs, tokens, audit, and all business use.
  org_admin: [
    ...BASE,
    'analysis.run',
    'analysis.export',
    'data.unmask',
    'metadata.read',
    'metadata.manage',
    'profile.read',
    'profile.write',
    'identity.manage',
    'data.delete',
    'org.manage',
    'staff.manage',
    'token.manage',
    'audit.read',
    'cohort.manage',
    'dashboard.manage',
    'campaign.manage',
  ],
  // Business analysts: analyses, detail export (masked), groups and boards; no campaigns.
  analyst: [
    ...BASE,
    'analysis.run',
    'analysis.export',
    'metadata.read',
    'profile.read',
    'cohort.manage',
    'dashboard.manage',
  ],
  // Operations staff: groups, tags and campaigns; analyses to evaluate them; no detail export.
  operator: [
    ...BASE,
    'analysis.run',
    'metadata.read',
    'profile.read',
    'profile.write',
    'cohort.manage',
    'campaign.manage',
  ],
  // Read-only: dashboards (which run analyses) and the event catalogue.
  viewer: [...BASE, 'analysis.run', 'metadata.read'],
};

export function permissionsOfRoles(roles: readonly Role[]): ReadonlySet<Permission> {
  const out = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role]) out.add(p);
  return out;
}

/** A granter may hand out a role only if every permission of that role is already theirs. */
export function canGrantRole(granter: ReadonlySet<Permission>, role: Role): boolean {
  return ROLE_PERMISSIONS[role].every((p) => granter.has(p));
}
