// Password login: throttle check, constant-cost verification, session creation, audit. Failures
// say only "wrong username or password" whatever the cause, so usernames cannot be enumerated.
import type { FastifyRequest } from 'fastify';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { writeAudit } from '../audit/audit-log.ts';
import { ApiError } from '../errors/catalogue.ts';
import type { OrgTier } from '../orgs/org-tiers.ts';
import type { Principal } from '../permissions/principal.ts';
import { permissionsOfRoles } from '../permissions/role-matrix.ts';
import {
  ACCOUNT_RULE,
  ADDRESS_RULE,
  accountKey,
  addressKey,
  clearAccount,
  lockedForS,
  recordFailure,
} from './login-throttle.ts';
import { timingDummyHash, verifyPassword } from './password.ts';
import { parseRoles } from './resolve-principal.ts';
import { createSession, csrfTokenFor, type NewSession } from './session-store.ts';

interface LoginRow extends RowDataPacket {
  id: number | string;
  username: string;
  password_hash: string;
  disabled_at: Date | null;
  roles: string;
  org_code: string;
  tier: OrgTier;
  path: string;
}

export async function login(
  request: FastifyRequest,
  username: string,
  password: string,
): Promise<{ principal: Principal; session: NewSession }> {
  const pool: Pool = request.server.metadata.pool;
  const ip = request.ip;
  const keys = [accountKey(username), addressKey(ip)];
  const [rows] = await pool.query<LoginRow[]>(
    `SELECT s.id, s.username, s.password_hash, s.disabled_at, s.roles, s.org_code, o.tier, o.path
       FROM staff s JOIN orgs o ON o.code = s.org_code WHERE s.username = ?`,
    [username],
  );
  const staff = rows[0];
  const actor = {
    kind: staff ? ('staff' as const) : ('anonymous' as const),
    id: staff ? String(staff.id) : '',
    name: username.slice(0, 200),
    orgPath: staff?.path ?? '',
  };
  const lockedS = await lockedForS(pool, keys);
  if (lockedS > 0) {
    await writeAudit(pool, { actor, ip, action: 'auth.login_locked', details: { retryAfterS: lockedS } });
    throw new ApiError('LOGIN_LOCKED', `retry in ${lockedS} s`, undefined, {
      'retry-after': String(lockedS),
    });
  }
  const ok = await verifyPassword(staff?.password_hash ?? (await timingDummyHash()), password);
  if (!staff || !ok || staff.disabled_at !== null) {
    const accountLocked = await recordFailure(pool, keys[0]!, ACCOUNT_RULE);
    const addressLocked = await recordFailure(pool, keys[1]!, ADDRESS_RULE);
    await writeAudit(pool, {
      actor,
      ip,
      action: 'auth.login_failed',
      details: {
        reason: !staff ? 'unknown_user' : staff.disabled_at ? 'disabled' : 'wrong_password',
        ...(accountLocked ? { accountLocked: true } : {}),
        ...(addressLocked ? { addressLocked: true } : {}),
      },
    });
    throw new ApiError('LOGIN_FAILED');
  }
  await clearAccount(pool, keys[0]!);
  const staffId = String(staff.id);
  const session = await createSession(pool, staffId, request.server.config.session.ttlS, {
    ip,
    userAgent: String(request.headers['user-agent'] ?? ''),
  });
  await writeAudit(pool, { actor, ip, action: 'auth.login', details: {} });
  const roles = parseRoles(staff.roles);
  const principal: Principal = {
    kind: 'staff',
    id: staffId,
    name: staff.username,
    orgCode: staff.org_code,
    orgPath: staff.path,
    orgTier: staff.tier,
    roles,
    permissions: permissionsOfRoles(roles),
    csrfToken: csrfTokenFor(request.server.keyring.csrfKey, session.tokenHash),
    sessionHash: session.tokenHash,
  };
  return { principal, session };
}
