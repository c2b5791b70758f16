// Brute-force protection for password login, per account and per client address. A key that
// collects too many failures inside the window is locked; each further lockout of the same
// account doubles the lock (15 min, 30 min, ... capped at 24 h). While locked, logins are refused
// before the password is even checked, so a correct guess during a lock teaches nothing.
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

export interface ThrottleRule {
  readonly maxFailures: number;
  readonly windowS: number;
  readonly lockS: number;
  readonly maxLockS: number;
}

// An account is tried from many addresses in a spray attack; an address tries many accounts in a
// stuffing attack. Both limits apply; the address limit is higher because of shared NATs in branches.
export const ACCOUNT_RULE: ThrottleRule = {
  maxFailures: 5,
  windowS: 15 * 60,
  lockS: 15 * 60,
  maxLockS: 86_400,
};
export const ADDRESS_RULE: ThrottleRule = {
  maxFailures: 30,
  windowS: 15 * 60,
  lockS: 15 * 60,
  maxLockS: 86_400,
};

export const accountKey = (username: string) => `user:${username.trim().toLowerCase()}`.slice(0, 200);
export const addressKey = (ip: string) => `ip:${ip}`.slice(0, 200);

interface ThrottleRow extends RowDataPacket {
  throttle_key: string;
  failures: number;
  lockouts: number;
  window_start: Date;
  locked_until: Date | null;
}

/** Seconds until the first of these keys unlocks, or 0 when none is locked. */
export async function lockedForS(pool: Pool, keys: readonly string[], now = new Date()): Promise<number> {
  const [rows] = await pool.query<ThrottleRow[]>(
    'SELECT locked_until FROM login_throttle WHERE throttle_key IN (?) AND locked_until > ?',
    [keys, now],
  );
  let until = 0;
  for (const row of rows) until = Math.max(until, row.locked_until!.getTime());
  return until ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/** Counts one failure; returns true when this failure locked the key. */
export async function recordFailure(
  pool: Pool,
  key: string,
  rule: ThrottleRule,
  now = new Date(),
): Promise<boolean> {
  const conn: PoolConnection = await pool.getConnection();
  try {
    await conn.beginTransaction();
    // Serialise concurrent failures of one key so none is lost (parallel guessing).
    await conn.query(
      'INSERT IGNORE INTO login_throttle (throttle_key, failures, lockouts, window_start) VALUES (?, 0, 0, ?)',
      [key, now],
    );
    const [rows] = await conn.query<ThrottleRow[]>(
      'SELECT failures, lockouts, window_start, locked_until FROM login_throttle WHERE throttle_key = ? FOR UPDATE',
      [key],
    );
    const row = rows[0]!;
    const windowOver = now.getTime() - row.window_start.getTime() > rule.windowS * 1000;
    const failures = windowOver ? 1 : row.failures + 1;
    const windowStart = windowOver ? now : row.window_start;
    let lockedUntil = row.locked_until;
    let lockouts = row.lockouts;
    let locked = false;
    if (failures >= rule.maxFailures) {
      const lockS = Math.min(rule.lockS * 2 ** lockouts, rule.maxLockS);
      lockedUntil = new Date(now.getTime() + lockS * 1000);
      lockouts += 1;
      locked = true;
    }
    await conn.query(
      'UPDATE login_throttle SET failures = ?, lockouts = ?, window_start = ?, locked_until = ? WHERE throttle_key = ?',
      [locked ? 0 : failures, lockouts, locked ? now : windowStart, lockedUntil, key],
    );
    await conn.commit();
    return locked;
  } catch (error) {
    await conn.rollback();
    throw error;
  } finally {
    conn.release();
  }
}

/** A successful login clears the account's failures (the address keeps its count). */
export async function clearAccount(pool: Pool, key: string): Promise<void> {
  await pool.query('DELETE FROM login_throttle WHERE throttle_key = ?', [key]);
}
