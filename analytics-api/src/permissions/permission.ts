// The catalogue of permissions a route can require. Every analytics-api route declares exactly
// one in its options (`config: { permission: 'analysis.run' }`); the permissions plugin refuses to
// start the app if a route has none, and checks it on every request against the caller's roles.
import type {} from 'fastify';

export const PERMISSIONS = [
  'public', // no login needed (login itself, health, OpenAPI)
  'session', // any logged-in caller (whoami, logout, own password)
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
] as const;

export type Permission = (typeof PERMISSIONS)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
}
