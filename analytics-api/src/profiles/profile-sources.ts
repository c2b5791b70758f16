// Reads what a fold needs from ClickHouse for a set of member persons: their profile operations
// (profile_ops is sorted by (app_id, person_id, time), so this is a primary-key range read) and
// their activity aggregates (person_activity, migration 0100). Bound parameters only.
import type { ClickHouseClient, ProfileOp } from '@tally/infra/clickhouse';
import type { StoredOp } from './apply-ops.ts';

export interface StoredOpOf extends StoredOp {
  readonly personId: number;
  readonly bankCode: string;
  readonly branchCode: string;
}

export interface Activity {
  readonly personId: number;
  readonly events: number;
  /** ms since epoch */
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly firstLogin: number | null;
  readonly firstChannel: string;
  readonly firstChannelTime: number;
  readonly bankCode: string;
  readonly branchCode: string;
  readonly orgTime: number;
}

const CHUNK = 5000;
const ms = (v: string) => Date.parse(`${v.replace(' ', 'T')}Z`);

export async function readOps(
  clickhouse: ClickHouseClient,
  appId: string,
  personIds: readonly number[],
): Promise<StoredOpOf[]> {
  const out: StoredOpOf[] = [];
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const result = await clickhouse.query({
      query: `SELECT person_id, op, toUnixTimestamp64Milli(time) AS t, toString(uuid) AS id, props, num_props,
                bank_code, branch_code
              FROM profile_ops
              WHERE app_id = {app:String} AND person_id IN {ids:Array(UInt64)}`,
      query_params: { app: appId, ids: personIds.slice(i, i + CHUNK) },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      person_id: string;
      op: ProfileOp;
      t: string;
      id: string;
      props: Record<string, string>;
      num_props: Record<string, number>;
      bank_code: string;
      branch_code: string;
    }>();
    for (const r of rows)
      out.push({
        personId: Number(r.person_id),
        op: r.op,
        time: Number(r.t),
        uuid: r.id,
        props: r.props,
        num_props: r.num_props,
        bankCode: r.bank_code,
        branchCode: r.branch_code,
      });
  }
  return out;
}

export async function readActivity(
  clickhouse: ClickHouseClient,
  appId: string,
  personIds: readonly number[],
): Promise<Activity[]> {
  const out: Activity[] = [];
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const result = await clickhouse.query({
      query: `SELECT person_id, sum(events) AS n, min(first_seen) AS fs, max(last_seen) AS ls,
                min(first_login) AS fl, argMinMerge(first_channel) AS fc, argMaxMerge(last_org) AS lo
              FROM person_activity
              WHERE app_id = {app:String} AND person_id IN {ids:Array(UInt64)}
              GROUP BY person_id`,
      query_params: { app: appId, ids: personIds.slice(i, i + CHUNK) },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      person_id: string;
      n: string;
      fs: string;
      ls: string;
      fl: string | null;
      fc: [string, string];
      lo: [string, string, string];
    }>();
    for (const r of rows)
      out.push({
        personId: Number(r.person_id),
        events: Number(r.n),
        firstSeen: ms(r.fs),
        lastSeen: ms(r.ls),
        firstLogin: r.fl === null ? null : ms(r.fl),
        firstChannel: r.fc[0],
        firstChannelTime: ms(r.fc[1]),
        bankCode: r.lo[0],
        branchCode: r.lo[1],
        orgTime: ms(r.lo[2]),
      });
  }
  return out;
}
