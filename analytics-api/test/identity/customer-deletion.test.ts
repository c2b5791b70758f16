// Data-subject deletion through the API on the real pipeline: after deleting customer DEL-A, no
// row anywhere (any ClickHouse table, the MySQL identity tables) still carries their login id,
// their devices' ids or their person ids; the other customer of a shared device keeps their own
// events; the audit log records who deleted which keyed hash; a later login starts afresh.
import { createHmac } from 'node:crypto';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../security/support/sessions.ts';
import { apiOn } from './support/api.ts';
import { personId, send, type WireEvent } from './support/pipeline.ts';

const T0 = Date.UTC(2026, 10, 22, 1, 0, 0);
const B001 = { $bank_code: 'B001' };
let stack: EmbeddedStack;
let app: FastifyInstance;
let as: (username: string) => Promise<Caller>;

const ev = (minute: number, d: string, login?: string): WireEvent => ({
  event: login ? 'transfer' : '$AppViewScreen',
  time: T0 + minute * 60_000,
  distinct_id: d,
  ...(login ? { login_id: login } : {}),
  properties: B001,
});

beforeAll(async () => {
  stack = await startEmbeddedStack();
  ({ app, as } = await apiOn(stack));
  await send(stack, [
    ev(1, 'del-dA1'),
    ev(2, 'del-dA1'),
    ev(3, 'del-dA1', 'DEL-A'),
    ev(4, 'del-dA2', 'DEL-A'),
    ev(5, 'del-dS', 'DEL-A'),
    ev(6, 'del-dS', 'DEL-B'),
    ev(7, 'del-dS', 'DEL-B'),
    ev(8, 'del-dS'),
    ev(9, 'del-dB', 'DEL-B'),
    {
      type: 'profile_set',
      time: T0,
      distinct_id: 'del-dA1',
      login_id: 'DEL-A',
      properties: { ...B001, level: 'gold' },
    },
    {
      type: 'profile_set',
      time: T0,
      distinct_id: 'del-dB',
      login_id: 'DEL-B',
      properties: { ...B001, level: 'std' },
    },
    { type: 'bind', time: T0, distinct_id: 'del-dA1', login_id: 'DEL-A', identities: { union_no: 'DEL-UA' } },
  ]);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

async function count(sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const r = await stack.clickhouse.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  return Number((await r.json<{ n: number }>())[0]!.n);
}

/** ClickHouse tables holding data (not views), and MySQL identity rows mentioning a value. */
async function mentions(needle: string): Promise<string[]> {
  const tables = await stack.clickhouse.query({
    query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree%'`,
    format: 'JSONEachRow',
  });
  const found: string[] = [];
  for (const { name } of await tables.json<{ name: string }>()) {
    const n = await count(
      `SELECT count() AS n FROM ${name} WHERE position(formatRow('TSV', *), {s:String}) > 0`,
      {
        s: needle,
      },
    );
    if (n > 0) found.push(`clickhouse ${name}: ${n}`);
  }
  for (const [table, column] of [
    ['persons', 'external_id'],
    ['device_first_logins', 'distinct_id'],
    ['person_identities', 'id_value'],
  ] as const) {
    const [rows] = await stack.metadata.pool.query(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} LIKE ?`,
      [`%${needle}%`],
    );
    const n = Number((rows as Array<{ n: number }>)[0]!.n);
    if (n > 0) found.push(`mysql ${table}: ${n}`);
  }
  return found;
}

describe('data-subject deletion', () => {
  it('refuses roles without data.delete and customers outside the scope', async () => {
    const analyst = await (await as('b001.analyst')).request({
      method: 'DELETE',
      url: '/v1/identity/customers/DEL-A?appId=mbank',
    });
    expect(analyst.statusCode).toBe(403);
    const foreign = await (await as('b002.admin')).request({
      method: 'DELETE',
      url: '/v1/identity/customers/DEL-A?appId=mbank',
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('removes the customer, their devices and all their rows; the other customer keeps theirs', async () => {
    const ids = [
      await personId(stack, 'customer', 'DEL-A'),
      await personId(stack, 'device', 'del-dA1'),
      await personId(stack, 'device', 'del-dA2'),
      await personId(stack, 'device', 'del-dS'),
    ];
    const customerB = await personId(stack, 'customer', 'DEL-B');
    // Before: the data is there (6 events of A incl. the shared device's anonymous one).
    expect(await mentions('DEL-A')).not.toEqual([]);
    // Union-wide customers and events of the day: answered from the events' daily projection
    // (persons_by_day), which the deletion must rebuild as well as the rows.
    const dailyTotals = async () => {
      const r = await (await as('union.analyst')).request({
        method: 'POST',
        url: '/v1/analysis/events',
        headers: { 'cache-control': 'no-cache' },
        payload: {
          appId: 'mbank',
          from: '2026-11-22',
          to: '2026-11-22',
          metrics: [
            { event: '$any', aggregation: 'users' },
            { event: '$any', aggregation: 'count' },
          ],
        },
      });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { series: { total: number }[] }).series.map((s) => s.total);
    };
    expect(await dailyTotals()).toEqual([2, 9]);
    const res = await (await as('b001.admin')).request({
      method: 'DELETE',
      url: '/v1/identity/customers/DEL-A?appId=mbank',
    });
    expect(res.statusCode, res.body).toBe(200);
    const expectedHash = createHmac('sha256', app.keyring.identifierKey)
      .update('mbank:customer\u0000DEL-A')
      .digest('hex');
    expect(res.json()).toEqual({ deleted: true, customerKeyHash: expectedHash, persons: 4, events: 6 });

    // Nothing left that names A, A's devices, or A's bound identity, in any table.
    for (const needle of ['DEL-A', 'del-dA1', 'del-dA2', 'DEL-UA'])
      expect(await mentions(needle)).toEqual([]);
    const params = { ids };
    for (const table of ['events', 'profile_ops', 'profiles', 'person_activity'])
      expect(
        await count(`SELECT count() AS n FROM ${table} WHERE person_id IN {ids:Array(UInt64)}`, params),
      ).toBe(0);
    expect(
      await count(
        'SELECT count() AS n FROM person_overrides WHERE old_person_id IN {ids:Array(UInt64)} OR new_person_id IN {ids:Array(UInt64)}',
        params,
      ),
    ).toBe(0);
    expect(await dailyTotals()).toEqual([1, 3]);
    // The shared device's id stays only on B's own logged-in events.
    expect(await count(`SELECT count() AS n FROM events WHERE distinct_id = 'del-dS'`)).toBe(2);
    expect(
      await count('SELECT count() AS n FROM events WHERE person_id = {b:UInt64}', { b: customerB }),
    ).toBe(3);
    const b = await (await as('b001.analyst')).request({
      method: 'GET',
      url: '/v1/identity/customers?appId=mbank&loginId=DEL-B',
    });
    expect(b.json().props.level).toBe('std');
    const a = await (await as('b001.analyst')).request({
      method: 'GET',
      url: '/v1/identity/customers?appId=mbank&loginId=DEL-A',
    });
    expect(a.statusCode).toBe(404);

    // The audit entry: who and which hash, no login id.
    const [audit] = await stack.metadata.pool.query(
      "SELECT actor_name, details FROM audit_log WHERE action = 'data.delete' ORDER BY id DESC LIMIT 1",
    );
    const entry = (audit as Array<{ actor_name: string; details: string | object }>)[0]!;
    expect(entry.actor_name).toBe('b001.admin');
    const details = JSON.stringify(entry.details);
    expect(details).toContain(expectedHash);
    expect(details).not.toContain('DEL-A');
  });

  it('starts a new, unrelated person when the deleted login id comes back', async () => {
    await send(stack, [ev(30, 'del-dA9', 'DEL-A')]);
    const fresh = await personId(stack, 'customer', 'DEL-A');
    expect(await count('SELECT count() AS n FROM events WHERE person_id = {p:UInt64}', { p: fresh })).toBe(1);
  });
});
