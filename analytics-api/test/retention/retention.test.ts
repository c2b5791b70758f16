// Per-app retention on the real chdb engine: back-dated events and profile operations of two
// apps with different periods; the TTL removes expired rows at merge time (OPTIMIZE FINAL forces
// one), applyRetention removes them at once, and rows inside the period survive both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRetentionTtl } from '../../src/retention/apply-retention.ts';
import { retentionTtlExpression } from '../../src/retention/retention-ttl.ts';
import { type ApiStack, startApiStack } from '../security/support/api-stack.ts';
import { loginAs } from '../security/support/sessions.ts';

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
  const platform = await loginAs(stack.app, 'admin');
  for (const [id, retentionDays] of [
    ['short', 30],
    ['long', 365],
  ] as const) {
    const res = await platform.request({
      method: 'POST',
      url: '/v1/apps',
      payload: { id, name: id, ownerOrgCode: 'U00', retentionDays },
    });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(async () => {
  await stack?.stop();
});

const DAY = 86_400_000;
const at = (daysAgo: number) =>
  new Date(Date.now() - daysAgo * DAY).toISOString().replace('T', ' ').replace('Z', '');

async function insertBackDated(tag: string, rows: Array<[appId: string, daysAgo: number]>) {
  await stack.clickhouse.insert({
    table: 'events',
    format: 'JSONEachRow',
    values: rows.map(([app_id, daysAgo], i) => ({
      app_id,
      event: 'view',
      time: at(daysAgo),
      receive_time: at(0),
      uuid: crypto.randomUUID(),
      distinct_id: `${tag}-${app_id}-${daysAgo}-${i}`,
      bank_code: 'B001',
    })),
  });
  await stack.clickhouse.insert({
    table: 'profile_ops',
    format: 'JSONEachRow',
    values: rows.map(([app_id, daysAgo], i) => ({
      app_id,
      op: 'set',
      time: at(daysAgo),
      receive_time: at(0),
      uuid: crypto.randomUUID(),
      distinct_id: `${tag}-${app_id}-${daysAgo}-${i}`,
    })),
  });
}

async function remaining(table: string, tag: string): Promise<string[]> {
  const res = await stack.clickhouse.query({
    query: `SELECT distinct_id FROM ${table} WHERE startsWith(distinct_id, {tag:String}) ORDER BY distinct_id`,
    query_params: { tag: `${tag}-` },
    format: 'JSONEachRow',
  });
  return (await res.json<{ distinct_id: string }>()).map((r) => r.distinct_id);
}

/** Polls an assertion: ClickHouse applies TTL in background merges and mutations. */
async function eventually(check: () => Promise<void>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function mutationCount(): Promise<number> {
  const res = await stack.clickhouse.query({
    query:
      "SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND table IN ('events', 'profile_ops')",
    format: 'JSONEachRow',
  });
  return Number((await res.json<{ n: number }>())[0]!.n);
}

const ROWS: Array<[string, number]> = [
  ['short', 40],
  ['short', 10],
  ['long', 40],
  ['long', 400],
  ['unknown-app', 400],
  ['unknown-app', 800],
];
// Hand-derived: short keeps < 30 days, long < 365, apps not in the table the 730-day default.
const KEPT = (tag: string) => [`${tag}-long-40-2`, `${tag}-short-10-1`, `${tag}-unknown-app-400-4`];

describe('retention', () => {
  it('builds one TTL expression grouping apps by period', () => {
    expect(
      retentionTtlExpression([
        { appId: 'a', days: 30 },
        { appId: 'b', days: 90 },
        { appId: 'c', days: 30 },
        { appId: 'd', days: 730 },
      ]),
    ).toBe("toDateTime(time) + toIntervalDay(multiIf(app_id IN ('a', 'c'), 30, app_id IN ('b'), 90, 730))");
    expect(() => retentionTtlExpression([{ appId: "x') OR 1=1 --", days: 30 }])).toThrow(
      /not a valid app id/,
    );
    expect(() => retentionTtlExpression([{ appId: 'x', days: 0 }])).toThrow(/retention/);
  });

  it('sets the TTL on the event tables', async () => {
    await syncRetentionTtl(stack.clickhouse, stack.metadata.pool);
    for (const table of ['events', 'profile_ops']) {
      const res = await stack.clickhouse.query({
        query: `SHOW CREATE TABLE ${table}`,
        format: 'TabSeparatedRaw',
      });
      // ClickHouse prints the expression back with extra parentheses; compare without them.
      const text = (await res.text()).replace(/[()]/g, '');
      expect(text).toContain(
        "TTL toDateTimetime + toIntervalDaymultiIfapp_id IN 'short', 30, app_id IN 'long', 365, 730",
      );
    }
  });

  it('removes back-dated rows by itself (TTL on insert or in a background merge)', async () => {
    await insertBackDated('ins', ROWS);
    await eventually(async () => {
      expect(await remaining('events', 'ins')).toEqual(KEPT('ins'));
      expect(await remaining('profile_ops', 'ins')).toEqual(KEPT('ins'));
    });
  });

  it('re-evaluates stored rows when a period is shortened', async () => {
    const platform = await loginAs(stack.app, 'admin');
    // "long" drops from 365 to 35 days: its stored 40-day-old row expires.
    expect(
      (await platform.request({ method: 'PATCH', url: '/v1/apps/long', payload: { retentionDays: 35 } }))
        .statusCode,
    ).toBe(200);
    await eventually(async () => {
      expect(await remaining('events', 'ins')).toEqual(['ins-short-10-1', 'ins-unknown-app-400-4']);
      expect(await remaining('profile_ops', 'ins')).toEqual(['ins-short-10-1', 'ins-unknown-app-400-4']);
    });
  });

  it('does not touch the table when the expression is unchanged', async () => {
    const before = await mutationCount();
    await syncRetentionTtl(stack.clickhouse, stack.metadata.pool);
    expect(await mutationCount()).toBe(before);
  });

  it('applies shortened periods at once through the API, and audits it', async () => {
    await insertBackDated('now', [
      ['short', 10],
      ['short', 3],
      ['long', 20],
    ]);
    // Periods changed behind the API's back (e.g. by a migration): no TTL mutation has started,
    // so the explicit run must find and remove exactly these rows.
    await stack.metadata.pool.query("UPDATE apps SET retention_days = 7 WHERE id = 'short'");
    await stack.metadata.pool.query("UPDATE apps SET retention_days = 14 WHERE id = 'long'");
    const platform = await loginAs(stack.app, 'admin');
    const res = await platform.request({ method: 'POST', url: '/v1/apps/retention/apply' });
    expect(res.statusCode).toBe(200);
    const results = (res.json() as { results: Array<{ table: string; days: number; removedRows: number }> })
      .results;
    // short: the 10-day rows of both tags; long: its 20-day row.
    expect(results).toEqual([
      { table: 'events', days: 7, appIds: ['short'], removedRows: 2 },
      { table: 'profile_ops', days: 7, appIds: ['short'], removedRows: 2 },
      { table: 'events', days: 14, appIds: ['long'], removedRows: 1 },
      { table: 'profile_ops', days: 14, appIds: ['long'], removedRows: 1 },
    ]);
    expect(await remaining('events', 'now')).toEqual(['now-short-3-1']);
    expect(await remaining('profile_ops', 'now')).toEqual(['now-short-3-1']);
    expect(await remaining('events', 'ins')).toEqual(['ins-unknown-app-400-4']);
    const [audit] = await stack.metadata.pool.query(
      "SELECT action FROM audit_log WHERE action = 'data.retention_apply'",
    );
    expect(audit).toHaveLength(1);
  });
});
