// Who may create and change which staff account. An admin acts only inside their own org subtree,
// grants only roles whose permissions they hold themselves, cannot touch an account more powerful
// than they are, and cannot change their own roles or disable themselves. Every change is audited.
import type { FastifyRequest } from 'fastify';
import type { Pool } from 'mysql2/promise';
import { assertPasswordPolicy, hashPassword, verifyPassword } from '../auth/password.ts';
import { revokeStaffSessions } from '../auth/session-store.ts';
// The request/instance decorators (principal, audit, metadata, cookies) are declared there.
import type {} from '../core-decorators.ts';
import { ApiError } from '../errors/catalogue.ts';
import { getOrg, isWithin } from '../orgs/org-store.ts';
import type { Principal } from '../permissions/principal.ts';
import { canGrantRole, type Role } from '../permissions/role-matrix.ts';
import { getStaff, insertStaff, passwordHashOf, type StaffInfo, updateStaffRow } from './staff-store.ts';

export interface NewStaff {
  readonly username: string;
  readonly displayName?: string;
  readonly orgCode: string;
  readonly roles: readonly Role[];
  readonly password: string;
}

/**
 * Creates a staff account with no permission check: the bootstrap path for the first platform
 * admin (seed, CLI). Request handlers use createStaffAs.
 */
export async function createStaff(pool: Pool, input: NewStaff): Promise<string> {
  assertPasswordPolicy(input.password, input.username);
  const org = await getOrg(pool, input.orgCode);
  if (!org) throw new ApiError('ORG_NOT_FOUND', input.orgCode, 'orgCode');
  if (input.roles.includes('platform_admin') && org.tier !== 'union')
    throw new ApiError('PLATFORM_ADMIN_NOT_UNION');
  try {
    return await insertStaff(pool, {
      username: input.username,
      displayName: input.displayName ?? '',
      orgCode: input.orgCode,
      roles: [...new Set(input.roles)],
      passwordHash: await hashPassword(input.password),
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY')
      throw new ApiError('STAFF_EXISTS', undefined, 'username');
    throw error;
  }
}

function assertGrantable(actor: Principal, roles: readonly Role[]): void {
  for (const role of roles)
    if (!canGrantRole(actor.permissions, role)) throw new ApiError('ROLE_NOT_GRANTABLE', role, 'roles');
}

/** The account, if the actor may manage it (inside their subtree, no role beyond theirs). */
export async function manageableStaff(actor: Principal, pool: Pool, id: string): Promise<StaffInfo> {
  const target = await getStaff(pool, id);
  // Out-of-subtree accounts answer like missing ones, so ids cannot be probed across banks.
  if (!target || !isWithin(actor.orgPath, target.orgPath)) throw new ApiError('STAFF_NOT_FOUND');
  if (!target.roles.every((r) => canGrantRole(actor.permissions, r)))
    throw new ApiError('STAFF_OUT_OF_SCOPE');
  return target;
}

export async function createStaffAs(request: FastifyRequest, input: NewStaff): Promise<StaffInfo> {
  const actor = request.principal;
  const pool = request.server.metadata.pool;
  // The permissions plugin has already checked body.orgCode against the actor's subtree.
  assertGrantable(actor, input.roles);
  const id = await createStaff(pool, input);
  await request.audit('staff.create', {
    staffId: id,
    username: input.username,
    orgCode: input.orgCode,
    roles: input.roles,
  });
  return (await getStaff(pool, id))!;
}

export async function updateStaffAs(
  request: FastifyRequest,
  id: string,
  change: { displayName?: string; roles?: readonly Role[]; disabled?: boolean },
): Promise<StaffInfo> {
  const actor = request.principal;
  const pool = request.server.metadata.pool;
  const target = await manageableStaff(actor, pool, id);
  if (
    actor.kind === 'staff' &&
    actor.id === target.id &&
    (change.roles !== undefined || change.disabled !== undefined)
  )
    throw new ApiError('STAFF_OUT_OF_SCOPE', 'ask another admin to change your own roles or status');
  if (change.roles) {
    assertGrantable(actor, change.roles);
    if (change.roles.includes('platform_admin') && (await getOrg(pool, target.orgCode))?.tier !== 'union')
      throw new ApiError('PLATFORM_ADMIN_NOT_UNION');
  }
  await updateStaffRow(pool, id, change);
  if (change.disabled === true || change.roles !== undefined) await revokeStaffSessions(pool, id);
  await request.audit('staff.update', {
    staffId: id,
    username: target.username,
    before: { roles: target.roles, disabled: target.disabled },
    change,
  });
  return (await getStaff(pool, id))!;
}

export async function resetPasswordAs(
  request: FastifyRequest,
  id: string,
  newPassword: string,
): Promise<void> {
  const pool = request.server.metadata.pool;
  const target = await manageableStaff(request.principal, pool, id);
  assertPasswordPolicy(newPassword, target.username);
  await updateStaffRow(pool, id, { passwordHash: await hashPassword(newPassword) });
  await revokeStaffSessions(pool, id);
  await request.audit('staff.password_reset', { staffId: id, username: target.username });
}

export async function changeOwnPassword(
  request: FastifyRequest,
  current: string,
  next: string,
): Promise<void> {
  const pool = request.server.metadata.pool;
  const me = request.principal;
  const hash = await passwordHashOf(pool, me.id);
  if (!hash || !(await verifyPassword(hash, current))) {
    await request.audit('auth.password_change_failed', {});
    throw new ApiError('PASSWORD_WRONG', undefined, 'currentPassword');
  }
  assertPasswordPolicy(next, me.name);
  await updateStaffRow(pool, me.id, { passwordHash: await hashPassword(next) });
  // Other browsers logged in as this account (perhaps an attacker's) are logged out.
  await revokeStaffSessions(pool, me.id, me.sessionHash ?? '');
  await request.audit('auth.password_change', {});
}
