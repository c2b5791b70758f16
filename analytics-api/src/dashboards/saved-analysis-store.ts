// Saved analyses in MySQL (migration 0400): list, read, create, change, delete, always filtered
// by the caller's org path in the statement itself. Never trusts an org path from a request body.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { SavedAnalysis, SavedAnalysisInput } from './schema.ts';
import { OWNED_BY_CALLER, VISIBLE_TO_CALLER } from './visibility.ts';

interface Row extends RowDataPacket {
  id: number;
  org_code: string;
  org_path: string;
  app_id: string;
  model: string;
  name: string;
  query_json: string;
  created_by: string;
  updated_at: Date;
}

/** The caller as the stores need them: their org node and path, and a name for `created_by`. */
export interface Owner {
  readonly orgCode: string;
  readonly orgPath: string;
  readonly name: string;
}

const toSaved = (r: Row, callerPath: string): SavedAnalysis => ({
  id: Number(r.id),
  name: r.name,
  model: r.model,
  appId: r.app_id,
  query: JSON.parse(r.query_json) as Record<string, unknown>,
  orgCode: r.org_code,
  createdBy: r.created_by,
  updatedAt: new Date(r.updated_at).toISOString(),
  editable: r.org_path === callerPath,
});

export async function listSavedAnalyses(pool: Pool, callerPath: string): Promise<SavedAnalysis[]> {
  const [rows] = await pool.query<Row[]>(
    `SELECT * FROM saved_analyses WHERE ${VISIBLE_TO_CALLER} ORDER BY updated_at DESC, id DESC LIMIT 1000`,
    [callerPath],
  );
  return rows.map((r) => toSaved(r, callerPath));
}

export async function getSavedAnalyses(
  pool: Pool,
  callerPath: string,
  ids: readonly number[],
): Promise<SavedAnalysis[]> {
  if (ids.length === 0) return [];
  const [rows] = await pool.query<Row[]>(
    `SELECT * FROM saved_analyses WHERE id IN (?) AND ${VISIBLE_TO_CALLER}`,
    [ids, callerPath],
  );
  return rows.map((r) => toSaved(r, callerPath));
}

export async function insertSavedAnalysis(
  pool: Pool,
  owner: Owner,
  input: SavedAnalysisInput,
): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(
    'INSERT INTO saved_analyses (org_code, org_path, app_id, model, name, query_json, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      owner.orgCode,
      owner.orgPath,
      String(input.query.appId),
      input.model,
      input.name,
      JSON.stringify(input.query),
      owner.name,
    ],
  );
  return result.insertId;
}

/** Returns false when no analysis with that id belongs to the caller's node. */
export async function updateSavedAnalysis(
  pool: Pool,
  callerPath: string,
  id: number,
  input: SavedAnalysisInput,
): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE saved_analyses SET name = ?, model = ?, app_id = ?, query_json = ?, updated_at = CURRENT_TIMESTAMP(3)
     WHERE id = ? AND ${OWNED_BY_CALLER}`,
    [input.name, input.model, String(input.query.appId), JSON.stringify(input.query), id, callerPath],
  );
  return result.affectedRows === 1;
}

export async function deleteSavedAnalysis(pool: Pool, callerPath: string, id: number): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    `DELETE FROM saved_analyses WHERE id = ? AND ${OWNED_BY_CALLER}`,
    [id, callerPath],
  );
  return result.affectedRows === 1;
}
