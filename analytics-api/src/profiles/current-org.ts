// The org codes of persons' current profiles (CURRENT_PROFILES_SQL), for org-scope checks on
// writes. Bound parameters only.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { CURRENT_PROFILES_SQL } from '../identity/current-profiles-sql.ts';

export async function currentOrgOf(
  clickhouse: ClickHouseClient,
  appId: string,
  personIds: readonly number[],
): Promise<Map<number, { bankCode: string; branchCode: string }>> {
  const out = new Map<number, { bankCode: string; branchCode: string }>();
  for (let i = 0; i < personIds.length; i += 10_000) {
    const result = await clickhouse.query({
      query: `SELECT person_id, bank_code, branch_code FROM (${CURRENT_PROFILES_SQL})
              WHERE person_id IN {ids:Array(UInt64)}`,
      query_params: { app: appId, ids: personIds.slice(i, i + 10_000) },
      format: 'JSONEachRow',
    });
    for (const r of await result.json<{ person_id: number; bank_code: string; branch_code: string }>())
      out.set(Number(r.person_id), { bankCode: r.bank_code, branchCode: r.branch_code });
  }
  return out;
}
