// Reads of the org tree that every other part relies on: one node, a node's subtree, and the
// OrgScope a node may see. Writes live in org-admin.ts. Never trusts a caller-supplied path:
// paths are always read from the table.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { OrgScope } from '../permissions/org-scope.ts';
import type { OrgTier } from './org-tiers.ts';

export interface OrgNode {
  readonly code: string;
  readonly name: string;
  readonly tier: OrgTier;
  readonly parentCode: string | null;
  /** `/U00/P01/B001/`: the codes from the root down to this node. */
  readonly path: string;
  /** This node's bank (itself for a bank); '' above the bank tier. */
  readonly bankCode: string;
}

interface OrgRow extends RowDataPacket {
  code: string;
  name: string;
  tier: OrgTier;
  parent_code: string | null;
  path: string;
  bank_code: string;
}

export const ORG_COLUMNS = 'code, name, tier, parent_code, path, bank_code';

export function toOrgNode(row: OrgRow): OrgNode {
  return {
    code: row.code,
    name: row.name,
    tier: row.tier,
    parentCode: row.parent_code,
    path: row.path,
    bankCode: row.bank_code,
  };
}

/** LIKE pattern matching `path` and everything below it (wildcards in the path escaped). */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, '\\$&')}%`;
}

/** True when `path` is `ancestorPath` itself or below it. */
export function isWithin(ancestorPath: string, path: string): boolean {
  return ancestorPath !== '' && path.startsWith(ancestorPath);
}

export async function getOrg(pool: Pool, code: string): Promise<OrgNode | null> {
  const [rows] = await pool.query<OrgRow[]>(`SELECT ${ORG_COLUMNS} FROM orgs WHERE code = ?`, [code]);
  return rows[0] ? toOrgNode(rows[0]) : null;
}

/** The node and all its descendants, parents before children. */
export async function listSubtree(pool: Pool, path: string, limit = 10_000): Promise<OrgNode[]> {
  const [rows] = await pool.query<OrgRow[]>(
    `SELECT ${ORG_COLUMNS} FROM orgs WHERE path LIKE ? ORDER BY CHAR_LENGTH(path), code LIMIT ?`,
    [subtreePattern(path), limit],
  );
  return rows.map(toOrgNode);
}

/** The rows an org node may see, as the OrgScope every query builder applies. */
export function orgScopeForNode(node: OrgNode, banksBelow: readonly string[]): OrgScope {
  switch (node.tier) {
    // The union sees every bank, including rows whose bank is not known yet.
    case 'union':
      return { bankCodes: 'all' };
    case 'prefecture':
      return { bankCodes: banksBelow };
    case 'bank':
      return { bankCodes: [node.code] };
    case 'branch':
      return { bankCodes: [node.bankCode], branchCodes: [node.code] };
  }
}

export async function banksBelow(pool: Pool, path: string): Promise<string[]> {
  const [rows] = await pool.query<OrgRow[]>(
    "SELECT code FROM orgs WHERE tier = 'bank' AND path LIKE ? ORDER BY code",
    [subtreePattern(path)],
  );
  return rows.map((r) => r.code);
}

/**
 * The OrgScope of an org node, for other parts (campaign runners, schedulers) that act on behalf
 * of a node outside a request. An unknown code sees nothing.
 */
export async function orgScopeForOrg(db: { readonly pool: Pool }, orgCode: string): Promise<OrgScope> {
  const node = await getOrg(db.pool, orgCode);
  if (!node) return { bankCodes: [] };
  return orgScopeForNode(node, node.tier === 'prefecture' ? await banksBelow(db.pool, node.path) : []);
}
