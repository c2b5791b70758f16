// Staff accounts in MySQL: plain reads and writes, no permission logic (staff-admin.ts decides
// who may call these). Never returns password hashes.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { parseRoles } from '../auth/resolve-principal.ts';
import type { Role } from '../permissions/role-matrix.ts';

export interface StaffInfo {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly orgCode: string;
  readonly orgPath: string;
  readonly roles: Role[];
  readonly disabled: boolean;
  readonly createdAt: string;
}

interface StaffRow extends RowDataPacket {
  id: number | string;
  username: string;
  display_name: string;
  org_code: string;
  path: string;
  roles: string;
  disabled_at: Date | null;
  created_at: Date;
}

const SELECT = `SELECT s.id, s.username, s.display_name, s.org_code, o.path, s.roles, s.disabled_at, s.created_at
  FROM staff s JOIN orgs o ON o.code = s.org_code`;

function toInfo(row: StaffRow): StaffInfo {
  return {
    id: String(row.id),
    username: row.username,
    displayName: row.display_name,
    orgCode: row.org_code,
    orgPath: row.path,
    roles: parseRoles(row.roles),
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function getStaff(pool: Pool, id: string): Promise<StaffInfo | null> {
  const [rows] = await pool.query<StaffRow[]>(`${SELECT} WHERE s.id = ?`, [id]);
  return rows[0] ? toInfo(rows[0]) : null;
}

export async function listStaffUnder(pool: Pool, orgPattern: string, limit = 5000): Promise<StaffInfo[]> {
  const [rows] = await pool.query<StaffRow[]>(`${SELECT} WHERE o.path LIKE ? ORDER BY s.id LIMIT ?`, [
    orgPattern,
    limit,
  ]);
  return rows.map(toInfo);
}

export async function insertStaff(
  pool: Pool,
  input: {
    username: string;
    displayName: string;
    orgCode: string;
    roles: readonly Role[];
    passwordHash: string;
  },
): Promise<string> {
  const now = new Date();
  const [result] = await pool.query<ResultSetHeader>(
    'INSERT INTO staff (username, display_name, org_code, roles, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [input.username, input.displayName, input.orgCode, input.roles.join(','), input.passwordHash, now, now],
  );
  return String(result.insertId);
}

export async function updateStaffRow(
  pool: Pool,
  id: string,
  change: { displayName?: string; roles?: readonly Role[]; disabled?: boolean; passwordHash?: string },
): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [];
  if (change.displayName !== undefined) {
    sets.push('display_name = ?');
    values.push(change.displayName);
  }
  if (change.roles !== undefined) {
    sets.push('roles = ?');
    values.push(change.roles.join(','));
  }
  if (change.disabled !== undefined) {
    sets.push('disabled_at = ?');
    values.push(change.disabled ? new Date() : null);
  }
  if (change.passwordHash !== undefined) {
    sets.push('password_hash = ?', 'password_changed_at = ?');
    values.push(change.passwordHash, new Date());
  }
  if (sets.length === 0) return;
  await pool.query(`UPDATE staff SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
}

export async function passwordHashOf(pool: Pool, id: string): Promise<string | null> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT password_hash FROM staff WHERE id = ?', [id]);
  return rows[0] ? String(rows[0].password_hash) : null;
}
