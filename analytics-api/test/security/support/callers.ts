// Staff for every role at every tier of the demo tree (plus the second bank's staff), created
// directly in the database and logged in through the real login route.
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'mysql2/promise';
import type { Role } from '../../../src/permissions/role-matrix.ts';
import { DEMO_PASSWORD } from '../../../src/staff/seed-demo.ts';
import { createStaff } from '../../../src/staff/staff-admin.ts';
import { type Caller, loginAs } from './sessions.ts';

export interface TieredCaller extends Caller {
  readonly role: Role;
  readonly orgCode: string;
  readonly csrf: string;
  readonly cookie: string;
}

// Union, prefecture P01, bank B001 and its branch B001-01 on one side; bank B002 (under P02) on
// the other, so every scope check has a neighbour it must not see.
export const TIERS = ['U00', 'P01', 'B001', 'B001-01', 'B002'] as const;
const BUSINESS_ROLES: readonly Role[] = ['org_admin', 'analyst', 'operator', 'viewer'];

export async function createTieredCallers(app: FastifyInstance, pool: Pool): Promise<TieredCaller[]> {
  const specs: Array<{ username: string; orgCode: string; role: Role }> = [
    { username: 't.platform', orgCode: 'U00', role: 'platform_admin' },
  ];
  for (const orgCode of TIERS)
    for (const role of BUSINESS_ROLES)
      specs.push({ username: `t.${orgCode}.${role}`.toLowerCase(), orgCode, role });
  const callers: TieredCaller[] = [];
  for (const spec of specs) {
    await createStaff(pool, {
      username: spec.username,
      orgCode: spec.orgCode,
      roles: [spec.role],
      password: DEMO_PASSWORD,
    });
    const session = await loginAs(app, spec.username);
    callers.push({ ...session, role: spec.role, orgCode: spec.orgCode });
  }
  return callers;
}

/** Fresh sessions for the same accounts (after a test that logged them out). */
export async function reloginAll(
  app: FastifyInstance,
  callers: readonly TieredCaller[],
): Promise<TieredCaller[]> {
  const out: TieredCaller[] = [];
  for (const c of callers) out.push({ ...(await loginAs(app, c.name)), role: c.role, orgCode: c.orgCode });
  return out;
}
