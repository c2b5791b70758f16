// Apps and their SDK write keys (tables from infra migration 0001). A write key is shown once at
// creation and stored as SHA-256; keys are referred to by the first 16 hex digits of that hash.
import { randomBytes } from 'node:crypto';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { sha256Hex } from '../auth/session-store.ts';

export interface AppInfo {
  readonly id: string;
  readonly name: string;
  readonly ownerOrgCode: string;
  readonly defaultBankCode: string;
  readonly timeZone: string;
  readonly retentionDays: number;
}

interface AppRow extends RowDataPacket {
  id: string;
  name: string;
  owner_org_code: string;
  default_bank_code: string;
  time_zone: string;
  retention_days: number;
}

const toInfo = (r: AppRow): AppInfo => ({
  id: r.id,
  name: r.name,
  ownerOrgCode: r.owner_org_code,
  defaultBankCode: r.default_bank_code,
  timeZone: r.time_zone,
  retentionDays: Number(r.retention_days),
});

export async function listApps(pool: Pool): Promise<AppInfo[]> {
  const [rows] = await pool.query<AppRow[]>('SELECT * FROM apps ORDER BY id');
  return rows.map(toInfo);
}

export async function getApp(pool: Pool, id: string): Promise<AppInfo | null> {
  const [rows] = await pool.query<AppRow[]>('SELECT * FROM apps WHERE id = ?', [id]);
  return rows[0] ? toInfo(rows[0]) : null;
}

export async function insertApp(pool: Pool, app: AppInfo): Promise<void> {
  await pool.query(
    'INSERT INTO apps (id, name, owner_org_code, default_bank_code, time_zone, retention_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [app.id, app.name, app.ownerOrgCode, app.defaultBankCode, app.timeZone, app.retentionDays, new Date()],
  );
}

export async function updateApp(
  pool: Pool,
  id: string,
  change: { name?: string; defaultBankCode?: string; retentionDays?: number },
): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [];
  if (change.name !== undefined) sets.push('name = ?') && values.push(change.name);
  if (change.defaultBankCode !== undefined)
    sets.push('default_bank_code = ?') && values.push(change.defaultBankCode);
  if (change.retentionDays !== undefined)
    sets.push('retention_days = ?') && values.push(change.retentionDays);
  if (sets.length > 0) await pool.query(`UPDATE apps SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
}

export interface WriteKeyInfo {
  readonly keyId: string;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export async function createWriteKey(
  pool: Pool,
  appId: string,
  label: string,
): Promise<{ writeKey: string; keyId: string }> {
  const writeKey = `wk_${randomBytes(24).toString('base64url')}`;
  const hash = sha256Hex(writeKey);
  await pool.query('INSERT INTO app_write_keys (key_hash, app_id, label, created_at) VALUES (?, ?, ?, ?)', [
    hash,
    appId,
    label,
    new Date(),
  ]);
  return { writeKey, keyId: hash.slice(0, 16) };
}

export async function listWriteKeys(pool: Pool, appId: string): Promise<WriteKeyInfo[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT key_hash, label, created_at, revoked_at FROM app_write_keys WHERE app_id = ? ORDER BY created_at',
    [appId],
  );
  return rows.map((r) => ({
    keyId: String(r.key_hash).slice(0, 16),
    label: String(r.label),
    createdAt: (r.created_at as Date).toISOString(),
    revokedAt: r.revoked_at ? (r.revoked_at as Date).toISOString() : null,
  }));
}

export async function revokeWriteKey(pool: Pool, appId: string, keyId: string): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    'UPDATE app_write_keys SET revoked_at = ? WHERE app_id = ? AND LEFT(key_hash, 16) = ? AND revoked_at IS NULL',
    [new Date(), appId, keyId],
  );
  return result.affectedRows > 0;
}
