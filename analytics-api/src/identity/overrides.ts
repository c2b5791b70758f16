// Writes device -> customer attributions to ClickHouse's person_overrides, which every analysis
// joins to count a device's anonymous events for the customer who first logged in on it.
// The version is derived from the login time (earlier login = higher version), so writers need
// no coordination: whatever order they write in, ReplacingMergeTree keeps the earliest login's
// attribution, and rewriting the same attribution is harmless.
import type { ClickHouseClient } from '@tally/infra/clickhouse';

export interface Attribution {
  readonly appId: string;
  readonly devicePersonId: number;
  readonly customerPersonId: number;
  readonly loginTime: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function overrideVersion(loginTime: number): number {
  return MAX_SAFE - loginTime;
}

export async function writeOverrides(
  clickhouse: ClickHouseClient,
  attributions: readonly Attribution[],
): Promise<void> {
  if (attributions.length === 0) return;
  await clickhouse.insert({
    table: 'person_overrides',
    format: 'JSONEachRow',
    values: attributions.map((a) => ({
      app_id: a.appId,
      old_person_id: a.devicePersonId,
      new_person_id: a.customerPersonId,
      version: overrideVersion(a.loginTime),
      is_deleted: 0,
    })),
  });
}
