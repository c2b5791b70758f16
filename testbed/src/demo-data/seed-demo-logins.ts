// Demo logins on the demo data: the API's demo org tree and staff (seedDemoOrgAndStaff: one
// account per role and tier), then the rest of the generated province (~110 banks and their
// branches) so that every bank and branch code stamped on demo events is a node of the org tree
// and scoping works for each of them. The seeded nodes win where the two trees differ (B002 sits
// under P02 and B003 directly under the union in the seeded tree); the differences are returned
// so the loader can print them. Idempotent. Never for production databases.
import { importOrgCsv } from '@tally/analytics-api/org-csv';
import { type DemoAccount, seedDemoOrgAndStaff } from '@tally/analytics-api/seed-demo';
import type { MetadataDb } from '@tally/infra/mysql';
import type { DemoProvince } from './org-tree.ts';

export interface DemoLogins {
  readonly accounts: readonly DemoAccount[];
  /** Org nodes created from the generated province (0 when already seeded). */
  readonly provinceNodesCreated: number;
  /** Generated nodes whose parent differs in the seeded tree: "B002: P01 -> P02". */
  readonly differences: readonly string[];
}

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** `province`: the one the demo events were generated with (`generateDemoData(...).province`). */
export async function seedDemoLogins(metadata: MetadataDb, province: DemoProvince): Promise<DemoLogins> {
  const accounts = await seedDemoOrgAndStaff(metadata);
  const [rows] = (await metadata.pool.query('SELECT code, parent_code FROM orgs')) as unknown as [
    Array<{ code: string; parent_code: string | null }>,
  ];
  const existing = new Map(rows.map((r) => [r.code, r.parent_code ?? null]));
  const differences = province.orgs
    .filter((o) => existing.has(o.code) && existing.get(o.code) !== o.parentCode)
    .map((o) => `${o.code}: ${o.parentCode ?? '-'} -> ${existing.get(o.code) ?? '-'}`);
  const missing = province.orgs.filter((o) => !existing.has(o.code));
  let provinceNodesCreated = 0;
  if (missing.length > 0) {
    const csv = [
      'code,name,tier,parent_code',
      ...missing.map((o) => [o.code, csvField(o.name), o.tier, o.parentCode ?? ''].join(',')),
    ].join('\n');
    provinceNodesCreated = (await importOrgCsv(metadata.pool, csv)).created;
  }
  return { accounts, provinceNodesCreated, differences };
}
