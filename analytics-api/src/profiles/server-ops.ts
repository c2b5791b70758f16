// Profile operations that do not come from an SDK: the identity API's server-side operations and
// the CSV import. They are written to profile_ops like SDK operations (same log, same fold, same
// exactly-once uuid index) and then folded at once, so the caller reads its own write.
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient, ProfileOp, ProfileOpRow } from '@tally/infra/clickhouse';
import type { PropertyProtector } from '../crypto/property-protector.ts';

export type PropertyInput = string | number | boolean | readonly string[];

export interface ServerOp {
  readonly op: ProfileOp;
  readonly personId: number;
  readonly loginId: string;
  readonly properties: Readonly<Record<string, PropertyInput>>;
  /** ms since epoch; defaults to now. */
  readonly time?: number;
  readonly uuid?: string;
  readonly bankCode?: string;
  readonly branchCode?: string;
}

/** Same split as the collector's: numbers to num_props, lists as JSON arrays, booleans as text. */
export function splitProperties(properties: Readonly<Record<string, PropertyInput>>) {
  const props: Record<string, string> = Object.create(null);
  const numProps: Record<string, number> = Object.create(null);
  for (const [key, value] of Object.entries(properties)) {
    if (typeof value === 'number') numProps[key] = value;
    else if (typeof value === 'boolean') props[key] = value ? 'true' : 'false';
    else if (typeof value === 'string') props[key] = value;
    else props[key] = JSON.stringify(value);
  }
  return { props, numProps };
}

export function toOpRow(appId: string, op: ServerOp, now: number): ProfileOpRow {
  const { props, numProps } = splitProperties(op.properties);
  return {
    app_id: appId,
    op: op.op,
    time: op.time ?? now,
    receive_time: now,
    uuid: op.uuid ?? randomUUID(),
    distinct_id: '',
    login_id: op.loginId,
    person_id: op.personId,
    bank_code: op.bankCode ?? '',
    branch_code: op.branchCode ?? '',
    props,
    num_props: numProps,
  };
}

/** Inserts the rows with their sensitive properties encrypted, as the collector's writer does. */
export async function insertOps(
  clickhouse: ClickHouseClient,
  sensitive: PropertyProtector,
  rows: readonly ProfileOpRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await clickhouse.insert({
    table: 'profile_ops',
    values: await sensitive.protect(rows),
    format: 'JSONEachRow',
  });
}

/** Which of these uuids are stored already (the exactly-once index, migration 0005). */
export async function storedUuids(
  clickhouse: ClickHouseClient,
  uuids: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < uuids.length; i += 4000) {
    const result = await clickhouse.query({
      query: 'SELECT DISTINCT toString(uuid) AS stored FROM event_uuids WHERE uuid IN {uuids:Array(UUID)}',
      query_params: { uuids: uuids.slice(i, i + 4000) },
      format: 'JSONEachRow',
    });
    for (const row of await result.json<{ stored: string }>()) found.add(row.stored);
  }
  return found;
}
