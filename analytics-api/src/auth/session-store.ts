// Server-side staff sessions: a random 256-bit token goes to the browser in a cookie, only its
// SHA-256 is stored. A session ends at its absolute expiry, after an idle period, on logout, when
// the staff member is disabled, or when their password changes. Never stores the raw token.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { OrgTier } from '../orgs/org-tiers.ts';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export interface NewSession {
  readonly token: string;
  readonly tokenHash: string;
  readonly expiresAt: Date;
}

export async function createSession(
  pool: Pool,
  staffId: string,
  ttlS: number,
  client: { ip: string; userAgent: string },
  now = new Date(),
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const tokenHash = sha256Hex(token);
  const expiresAt = new Date(now.getTime() + ttlS * 1000);
  await pool.query(
    'INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [tokenHash, staffId, now, now, expiresAt, client.ip.slice(0, 64), client.userAgent.slice(0, 300)],
  );
  return { token, tokenHash, expiresAt };
}

export interface ActiveSession {
  readonly tokenHash: string;
  readonly staffId: string;
  readonly username: string;
  readonly roles: string;
  readonly orgCode: string;
  readonly orgPath: string;
  readonly orgTier: OrgTier;
}

interface SessionRow extends RowDataPacket {
  staff_id: number | string;
  username: string;
  roles: string;
  org_code: string;
  path: string;
  tier: OrgTier;
  last_seen_at: Date;
}

/** The live session for a token hash, or null (unknown, expired, idle, revoked, staff disabled). */
export async function findActiveSession(
  pool: Pool,
  tokenHash: string,
  idleTtlS: number,
  now = new Date(),
): Promise<ActiveSession | null> {
  const [rows] = await pool.query<SessionRow[]>(
    `SELECT s.staff_id, s.last_seen_at, st.username, st.roles, st.org_code, o.path, o.tier
       FROM staff_sessions s
       JOIN staff st ON st.id = s.staff_id
       JOIN orgs o ON o.code = st.org_code
      WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND s.last_seen_at > ?
        AND st.disabled_at IS NULL`,
    [tokenHash, now, new Date(now.getTime() - idleTtlS * 1000)],
  );
  const row = rows[0];
  if (!row) return null;
  // Sliding idle window, written at most once a minute so reads do not turn into writes.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000)
    await pool.query('UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?', [now, tokenHash]);
  return {
    tokenHash,
    staffId: String(row.staff_id),
    username: row.username,
    roles: row.roles,
    orgCode: row.org_code,
    orgPath: row.path,
    orgTier: row.tier,
  };
}

export async function revokeSession(pool: Pool, tokenHash: string, now = new Date()): Promise<void> {
  await pool.query('UPDATE staff_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL', [
    now,
    tokenHash,
  ]);
}

/** Ends every session of a staff member except (optionally) the one making the change. */
export async function revokeStaffSessions(
  pool: Pool,
  staffId: string,
  exceptTokenHash = '',
  now = new Date(),
): Promise<void> {
  await pool.query(
    'UPDATE staff_sessions SET revoked_at = ? WHERE staff_id = ? AND token_hash <> ? AND revoked_at IS NULL',
    [now, staffId, exceptTokenHash],
  );
}

/** The CSRF token of a session: derived, so nothing extra is stored and it dies with the session. */
export function csrfTokenFor(csrfKey: Buffer, tokenHash: string): string {
  return createHmac('sha256', csrfKey).update(tokenHash).digest('base64url');
}
