// A running analysis that everyone who asked for it has left is stopped in ClickHouse, through
// the real API, the real chdb engine and a real socket: the engine counts the statement as
// QUERY_WAS_CANCELLED (its system.errors, the one record of a stopped statement it keeps; it has
// no query log) instead of running it to its end. Four million generated events make the
// session statement run long enough (~0.6 s here) to be caught running: it is watched for from
// before it starts, and stopped within tens of milliseconds.
import type { FastifyInstance } from 'fastify';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../security/support/sessions.ts';
import { ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { askOverSocket } from '../support/socket-question.ts';

let stack: EngineStack;
let appId: string;
const GENERATED = 4_000_000;

beforeAll(async () => {
  stack = await startEngineStack();
  appId = await stack.load({
    events: [ev(1, 'open', '2026-03-02T01:00:00Z'), ev(1, 'view', '2026-03-02T01:01:00Z')],
    overrides: [],
    profiles: [],
  });
  // Customer 2 + p (p < 50,000) has one event a day, at p * 1.7 s past midnight UTC, for 80 days.
  await stack.api.clickhouse.command({
    query: `INSERT INTO events (app_id, event, time, receive_time, uuid, distinct_id, person_id, bank_code)
      SELECT {app:String}, ['open', 'view', 'pay'][1 + number % 3],
             toDateTime64('2026-03-02 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 50000) * 86400000 + number % 50000 * 1700),
             now64(3), generateUUIDv4(), '', 2 + number % 50000, 'B001'
      FROM numbers({n:UInt64})`,
    query_params: { app: appId, n: GENERATED },
  });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

async function until(ready: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 3000 && !(await ready()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await ready()).toBe(true);
}

describe('an analysis everyone has left', () => {
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    app = await stack.api.buildAnother({});
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  const engineCount = async (sql: string) => {
    const result = await stack.api.clickhouse.query({ query: sql, format: 'JSONEachRow' });
    return Number((await result.json<{ n: number }>())[0]?.n ?? 0);
  };
  const cancelledInEngine = () =>
    engineCount("SELECT sum(value) AS n FROM system.errors WHERE name = 'QUERY_WAS_CANCELLED'");
  const analysesRunning = () =>
    engineCount(
      "SELECT count() AS n FROM system.processes WHERE position(query, 'FROM events') > 0 AND position(query, 'system.processes') = 0",
    );
  const question = () => ({
    appId,
    from: '2026-03-02',
    to: '2026-04-12',
    timeZone: 'UTC',
    granularity: 'day',
  });

  it('is answered in full when someone waits for it', async () => {
    const result = await stack.analyse<{ overall: { total: { sessions: number; users: number } } }>(
      'session',
      question(),
    );
    // 42 days of one lone event for each of 50,000 customers, plus customer 1's two events a
    // minute apart.
    expect(result.overall.total).toMatchObject({ sessions: 42 * 50_000 + 1, users: 50_001 });
  }, 120_000);

  it('is stopped in ClickHouse, not run to its end', async () => {
    const caller = await loginAs(app, 'union.analyst');
    const before = await cancelledInEngine();
    const asked = askOverSocket(url, caller, 'session', question());
    await until(async () => (await analysesRunning()) > 0);
    asked.hangUp();
    await until(async () => (await analysesRunning()) === 0);
    // The engine may count the error a moment after the statement has left its process list.
    await until(async () => (await cancelledInEngine()) > before);
    expect(await cancelledInEngine()).toBe(before + 1);
    await until(() => app.analysisQueue.stats.running === 0);
    // Counted once the stopped run is on record in the audit log (the request's last step).
    const cancelled = 'tally_api_analyses_total{model="session",outcome="cancelled"} 1\n';
    await until(async () => (await app.inject({ method: 'GET', url: '/metrics' })).body.includes(cancelled));
    // Stopped, and still on record as asked for (MariaDB's JSON_VALUE reads booleans as 0 / 1).
    const [audit] = await stack.api.metadata.pool.query<RowDataPacket[]>(
      `SELECT JSON_VALUE(details, '$.cancelled') AS cancelled FROM audit_log
       WHERE action = 'analysis.run' AND details LIKE ?`,
      [`%${appId}%`],
    );
    expect(audit.map((r) => String(r.cancelled))).toContain('1');
  }, 120_000);
});
