// Changes to the org tree: create, rename, move. Tier rules (org-tiers.ts) keep the tree four
// levels deep and every branch under a bank. Moves rewrite the materialised path of the whole
// subtree in one transaction. Permission checks (inside the caller's subtree) are the caller's
// job: these functions take an `allowedPath` and refuse anything outside it.
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { ApiError } from '../errors/catalogue.ts';
import { getOrg, isWithin, type OrgNode, subtreePattern } from './org-store.ts';
import { type OrgTier, PARENT_TIERS } from './org-tiers.ts';

export interface NewOrg {
  readonly code: string;
  readonly name: string;
  readonly tier: OrgTier;
  readonly parentCode: string | null;
}

type Db = Pool | PoolConnection;

/** Path and bank code of a new node under `parent` (null only for the union). */
export function placeUnder(org: NewOrg, parent: OrgNode | null): { path: string; bankCode: string } {
  if (org.tier === 'union') {
    if (parent) throw new ApiError('ORG_PARENT_INVALID', 'the union is the root', 'parentCode');
    return { path: `/${org.code}/`, bankCode: '' };
  }
  if (!parent || !PARENT_TIERS[org.tier].includes(parent.tier))
    throw new ApiError(
      'ORG_PARENT_INVALID',
      `a ${org.tier} cannot sit under ${parent ? `a ${parent.tier}` : 'nothing'}`,
      'parentCode',
    );
  return {
    path: `${parent.path}${org.code}/`,
    bankCode: org.tier === 'bank' ? org.code : org.tier === 'branch' ? parent.bankCode : '',
  };
}

export async function insertOrg(db: Db, org: NewOrg, parent: OrgNode | null): Promise<void> {
  const { path, bankCode } = placeUnder(org, parent);
  if (org.tier === 'union') {
    const [rows] = await db.query<RowDataPacket[]>("SELECT code FROM orgs WHERE tier = 'union'");
    if (rows.length > 0) throw new ApiError('ORG_PARENT_INVALID', 'there is already a union', 'tier');
  }
  try {
    await db.query(
      'INSERT INTO orgs (code, name, tier, parent_code, path, bank_code) VALUES (?, ?, ?, ?, ?, ?)',
      [org.code, org.name, org.tier, parent?.code ?? null, path, bankCode],
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY')
      throw new ApiError('ORG_EXISTS', org.code, 'code');
    throw error;
  }
}

/** Creates a node whose parent lies inside `allowedPath` ('' = bootstrap, anywhere). */
export async function createOrg(pool: Pool, org: NewOrg, allowedPath = ''): Promise<OrgNode> {
  const parent = org.parentCode ? await getOrg(pool, org.parentCode) : null;
  if (org.parentCode && (!parent || (allowedPath && !isWithin(allowedPath, parent.path))))
    throw new ApiError('ORG_OUT_OF_SCOPE', org.parentCode, 'parentCode');
  if (allowedPath && org.tier === 'union')
    throw new ApiError('ORG_PARENT_INVALID', 'the union exists already', 'tier');
  await insertOrg(pool, org, parent);
  return (await getOrg(pool, org.code))!;
}

export async function renameOrg(
  pool: Pool,
  code: string,
  name: string,
  allowedPath: string,
): Promise<OrgNode> {
  const node = await getOrg(pool, code);
  if (!node || !isWithin(allowedPath, node.path)) throw new ApiError('ORG_OUT_OF_SCOPE', code, 'code');
  await pool.query('UPDATE orgs SET name = ? WHERE code = ?', [name, code]);
  return { ...node, name };
}

/** Moves a node (and its subtree) under a new parent; both must lie inside `allowedPath`. */
export async function moveOrg(
  pool: Pool,
  code: string,
  parentCode: string,
  allowedPath: string,
): Promise<OrgNode> {
  const node = await getOrg(pool, code);
  const parent = await getOrg(pool, parentCode);
  // The caller's own node cannot move: its new parent would be outside or inside itself.
  if (!node || !isWithin(allowedPath, node.path) || node.path === allowedPath)
    throw new ApiError('ORG_OUT_OF_SCOPE', code, 'code');
  if (!parent || !isWithin(allowedPath, parent.path))
    throw new ApiError('ORG_OUT_OF_SCOPE', parentCode, 'parentCode');
  if (isWithin(node.path, parent.path)) throw new ApiError('ORG_MOVE_INVALID', undefined, 'parentCode');
  const { path, bankCode } = placeUnder(node, parent);
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await conn.query('UPDATE orgs SET parent_code = ?, bank_code = ? WHERE code = ?', [
      parent.code,
      bankCode,
      code,
    ]);
    // A branch that changes bank carries nothing below it; a bank's descendants keep their bank.
    await conn.query('UPDATE orgs SET path = CONCAT(?, SUBSTRING(path, ?)) WHERE path LIKE ?', [
      path,
      node.path.length + 1,
      subtreePattern(node.path),
    ]);
    await conn.commit();
  } catch (error) {
    await conn.rollback();
    throw error;
  } finally {
    conn.release();
  }
  return (await getOrg(pool, code))!;
}
