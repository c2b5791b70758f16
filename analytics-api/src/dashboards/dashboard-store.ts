// Dashboards in MySQL (migration 0400): list, read, create, change, delete, filtered by the
// caller's org path in every statement (see visibility.ts). Never decides permissions by role:
// the routes have done that; this file only knows the org tree.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Owner } from './saved-analysis-store.ts';
import type { Card, Dashboard, DashboardInput, TimeRange } from './schema.ts';
import { OWNED_BY_CALLER, VISIBLE_TO_CALLER } from './visibility.ts';

interface Row extends RowDataPacket {
  id: number;
  org_code: string;
  org_path: string;
  name: string;
  description: string;
  cards_json: string;
  time_range_json: string;
  refresh_seconds: number;
  system_key: string | null;
  org_name: string | null;
  created_by: string;
  updated_at: Date;
}

// The owner's name comes along so staff below see "吉林省农村信用社联合社", not just "U00" (their
// own org list holds only their subtree).
const COLUMNS = '*, (SELECT o.name FROM orgs AS o WHERE o.code = dashboards.org_code) AS org_name';

const toDashboard = (r: Row, callerPath: string): Dashboard => ({
  id: Number(r.id),
  name: r.name,
  description: r.description,
  cards: JSON.parse(r.cards_json) as Card[],
  timeRange: JSON.parse(r.time_range_json) as TimeRange,
  refreshSeconds: Number(r.refresh_seconds),
  orgCode: r.org_code,
  orgName: r.org_name ?? r.org_code,
  systemKey: r.system_key,
  createdBy: r.created_by,
  updatedAt: new Date(r.updated_at).toISOString(),
  editable: r.org_path === callerPath,
});

export async function listDashboards(pool: Pool, callerPath: string): Promise<Dashboard[]> {
  // Boards of higher tiers first (shorter paths), so the union's overview leads the list.
  const [rows] = await pool.query<Row[]>(
    `SELECT ${COLUMNS} FROM dashboards WHERE ${VISIBLE_TO_CALLER} ORDER BY CHAR_LENGTH(org_path), name, id LIMIT 1000`,
    [callerPath],
  );
  return rows.map((r) => toDashboard(r, callerPath));
}

export async function getDashboard(pool: Pool, callerPath: string, id: number): Promise<Dashboard | null> {
  const [rows] = await pool.query<Row[]>(
    `SELECT ${COLUMNS} FROM dashboards WHERE id = ? AND ${VISIBLE_TO_CALLER}`,
    [id, callerPath],
  );
  return rows[0] ? toDashboard(rows[0], callerPath) : null;
}

export async function insertDashboard(
  pool: Pool,
  owner: Owner,
  input: DashboardInput,
  systemKey: string | null = null,
): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(
    `INSERT INTO dashboards (org_code, org_path, name, description, cards_json, time_range_json, refresh_seconds, system_key, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      owner.orgCode,
      owner.orgPath,
      input.name,
      input.description ?? '',
      JSON.stringify(input.cards),
      JSON.stringify(input.timeRange),
      input.refreshSeconds ?? 0,
      systemKey,
      owner.name,
    ],
  );
  return result.insertId;
}

export async function updateDashboard(
  pool: Pool,
  callerPath: string,
  id: number,
  input: DashboardInput,
): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE dashboards SET name = ?, description = ?, cards_json = ?, time_range_json = ?, refresh_seconds = ?,
       updated_at = CURRENT_TIMESTAMP(3)
     WHERE id = ? AND ${OWNED_BY_CALLER}`,
    [
      input.name,
      input.description ?? '',
      JSON.stringify(input.cards),
      JSON.stringify(input.timeRange),
      input.refreshSeconds ?? 0,
      id,
      callerPath,
    ],
  );
  return result.affectedRows === 1;
}

export async function deleteDashboard(pool: Pool, callerPath: string, id: number): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    `DELETE FROM dashboards WHERE id = ? AND ${OWNED_BY_CALLER}`,
    [id, callerPath],
  );
  return result.affectedRows === 1;
}

export async function hasSystemDashboard(pool: Pool, systemKey: string, orgCode: string): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT 1 FROM dashboards WHERE system_key = ? AND org_code = ? LIMIT 1',
    [systemKey, orgCode],
  );
  return rows.length > 0;
}
