// Imports an org tree from CSV (`code,name,tier,parent_code`, header required), all or nothing:
// every row is validated and placed before anything is written, parents may come later in the
// file than their children, and existing codes are renamed in place (moves go through the move
// API, so an import can never silently re-home a subtree).
import { parse } from 'csv-parse/sync';
import type { Pool } from 'mysql2/promise';
import { ApiError } from '../errors/catalogue.ts';
import { insertOrg } from './org-admin.ts';
import { getOrg, isWithin, type OrgNode } from './org-store.ts';
import { ORG_CODE_PATTERN, ORG_TIERS, type OrgTier } from './org-tiers.ts';

export const MAX_CSV_ROWS = 20_000;
const CODE = new RegExp(ORG_CODE_PATTERN);

interface CsvOrg {
  readonly line: number;
  readonly code: string;
  readonly name: string;
  readonly tier: OrgTier;
  readonly parentCode: string | null;
}

function fail(line: number, detail: string): never {
  throw new ApiError('ORG_CSV_INVALID', `line ${line}: ${detail}`, 'csv');
}

export function parseOrgCsv(text: string): CsvOrg[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      max_record_size: 4096,
    });
  } catch (error) {
    throw new ApiError('ORG_CSV_INVALID', (error as Error).message.slice(0, 200), 'csv');
  }
  if (records.length > MAX_CSV_ROWS) fail(MAX_CSV_ROWS + 2, `more than ${MAX_CSV_ROWS} rows`);
  return records.map((r, i) => {
    const line = i + 2;
    const code = r.code ?? '';
    const name = r.name ?? '';
    const tier = r.tier ?? '';
    const parentCode = r.parent_code ?? '';
    if (!CODE.test(code)) fail(line, `code "${code.slice(0, 70)}" must match ${ORG_CODE_PATTERN}`);
    if (!name || name.length > 200) fail(line, 'name must be 1-200 characters');
    if (!(ORG_TIERS as readonly string[]).includes(tier))
      fail(line, `tier must be one of ${ORG_TIERS.join(', ')}`);
    if (parentCode && !CODE.test(parentCode)) fail(line, `parent_code must match ${ORG_CODE_PATTERN}`);
    return { line, code, name, tier: tier as OrgTier, parentCode: parentCode || null };
  });
}

/**
 * Applies parsed rows; new nodes must land inside `allowedPath` ('' = bootstrap, anywhere).
 * Returns how many nodes were created and renamed.
 */
export async function importOrgCsv(
  pool: Pool,
  text: string,
  allowedPath = '',
): Promise<{ created: number; renamed: number }> {
  const rows = parseOrgCsv(text);
  const inFile = new Map<string, CsvOrg>();
  for (const row of rows) {
    if (inFile.has(row.code)) fail(row.line, `code ${row.code} appears twice`);
    inFile.set(row.code, row);
  }
  // Place parents before children (plan only: nothing is written until every row is known good).
  const placed = new Map<string, OrgNode>();
  const plan: Array<{ row: CsvOrg; parent: OrgNode | null; existing: OrgNode | null }> = [];
  const resolve = async (row: CsvOrg, depth: number): Promise<OrgNode> => {
    const done = placed.get(row.code);
    if (done) return done;
    if (depth > 4) fail(row.line, 'parents form a cycle or the tree is deeper than four tiers');
    const parentRow = row.parentCode ? inFile.get(row.parentCode) : undefined;
    const parent = row.parentCode
      ? parentRow
        ? await resolve(parentRow, depth + 1)
        : await getOrg(pool, row.parentCode)
      : null;
    if (row.parentCode && !parent)
      fail(row.line, `parent ${row.parentCode} is neither in the file nor in the tree`);
    const existing = await getOrg(pool, row.code);
    if (existing && (existing.tier !== row.tier || existing.parentCode !== row.parentCode))
      fail(row.line, `${row.code} exists with another tier or parent; use the move API`);
    const path = existing?.path ?? (parent ? `${parent.path}${row.code}/` : `/${row.code}/`);
    if (allowedPath && !(isWithin(allowedPath, path) && path !== allowedPath))
      fail(row.line, `${row.code} would be outside your part of the tree`);
    const node: OrgNode = existing ?? {
      code: row.code,
      name: row.name,
      tier: row.tier,
      parentCode: row.parentCode,
      path,
      bankCode: row.tier === 'bank' ? row.code : row.tier === 'branch' ? (parent?.bankCode ?? '') : '',
    };
    placed.set(row.code, node);
    plan.push({ row, parent, existing });
    return node;
  };
  for (const row of rows) await resolve(row, 0);

  const conn = await pool.getConnection();
  let created = 0;
  let renamed = 0;
  try {
    await conn.beginTransaction();
    for (const { row, parent, existing } of plan) {
      if (existing) {
        if (existing.name !== row.name) {
          await conn.query('UPDATE orgs SET name = ? WHERE code = ?', [row.name, row.code]);
          renamed += 1;
        }
        continue;
      }
      try {
        await insertOrg(conn, row, parent);
      } catch (error) {
        if (error instanceof ApiError) fail(row.line, error.message);
        throw error;
      }
      created += 1;
    }
    await conn.commit();
  } catch (error) {
    await conn.rollback();
    throw error;
  } finally {
    conn.release();
  }
  return { created, renamed };
}
