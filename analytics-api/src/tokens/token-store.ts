// API tokens for machines: `tly_` + 256 random bits, shown once at creation, stored as SHA-256.
// A token acts for one org node with a fixed list of permissions until it expires or is revoked.
// Never stores or logs the raw token.
import { randomBytes } from 'node:crypto';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { sha256Hex } from '../auth/session-store.ts';
import type { OrgTier } from '../orgs/org-tiers.ts';
import { PERMISSIONS, type Permission } from '../permissions/permission.ts';

export const TOKEN_PREFIX = 'tly_';

export interface TokenInfo {
  readonly id: string;
  readonly label: string;
  readonly orgCode: string;
  readonly scopes: Permission[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

interface TokenRow extends RowDataPacket {
  id: number | string;
  label: string;
  org_code: string;
  scopes: string;
  created_by: number | string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export function parseScopes(text: string): Permission[] {
  const known = new Set<string>(PERMISSIONS);
  return text.split(',').filter((s): s is Permission => known.has(s));
}

function toInfo(row: TokenRow): TokenInfo {
  return {
    id: String(row.id),
    label: row.label,
    orgCode: row.org_code,
    scopes: parseScopes(row.scopes),
    createdBy: String(row.created_by),
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

export async function createToken(
  pool: Pool,
  input: {
    label: string;
    orgCode: string;
    scopes: readonly Permission[];
    createdBy: string;
    expiresAt: Date;
  },
): Promise<{ token: string; info: TokenInfo }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const now = new Date();
  const [result] = await pool.query<ResultSetHeader>(
    'INSERT INTO api_tokens (token_hash, label, org_code, scopes, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      sha256Hex(token),
      input.label,
      input.orgCode,
      input.scopes.join(','),
      input.createdBy,
      now,
      input.expiresAt,
    ],
  );
  const info = await getToken(pool, String(result.insertId));
  return { token, info: info! };
}

export async function getToken(pool: Pool, id: string): Promise<TokenInfo | null> {
  const [rows] = await pool.query<TokenRow[]>('SELECT * FROM api_tokens WHERE id = ?', [id]);
  return rows[0] ? toInfo(rows[0]) : null;
}

/** Tokens bound to org nodes under `orgPath`, newest first. */
export async function listTokens(pool: Pool, orgPattern: string): Promise<TokenInfo[]> {
  const [rows] = await pool.query<TokenRow[]>(
    `SELECT t.* FROM api_tokens t JOIN orgs o ON o.code = t.org_code
      WHERE o.path LIKE ? ORDER BY t.id DESC LIMIT 1000`,
    [orgPattern],
  );
  return rows.map(toInfo);
}

export async function revokeToken(pool: Pool, id: string, now = new Date()): Promise<void> {
  await pool.query('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
}

export interface ActiveToken {
  readonly id: string;
  readonly label: string;
  readonly scopes: readonly Permission[];
  readonly orgCode: string;
  readonly orgPath: string;
  readonly orgTier: OrgTier;
}

interface ActiveRow extends RowDataPacket {
  id: number | string;
  label: string;
  scopes: string;
  org_code: string;
  path: string;
  tier: OrgTier;
  last_used_at: Date | null;
}

export async function findActiveToken(
  pool: Pool,
  token: string,
  now = new Date(),
): Promise<ActiveToken | null> {
  const [rows] = await pool.query<ActiveRow[]>(
    `SELECT t.id, t.label, t.scopes, t.org_code, t.last_used_at, o.path, o.tier
       FROM api_tokens t JOIN orgs o ON o.code = t.org_code
      WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?`,
    [sha256Hex(token), now],
  );
  const row = rows[0];
  if (!row) return null;
  // Last use is for admins reviewing stale tokens; minute precision is enough.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000)
    await pool.query('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [now, row.id]);
  return {
    id: String(row.id),
    label: row.label,
    scopes: parseScopes(row.scopes),
    orgCode: row.org_code,
    orgPath: row.path,
    orgTier: row.tier,
  };
}

/** True when the value is an app's SDK write key (those may only write events, at the collector). */
export async function isWriteKey(pool: Pool, value: string): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 FROM app_write_keys WHERE key_hash = ?', [
    sha256Hex(value),
  ]);
  return rows.length > 0;
}
