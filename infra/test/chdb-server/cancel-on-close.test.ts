// A read whose client hangs up is stopped in the engine when the client asked for it as a
// ClickHouse server wants it (`cancel_http_readonly_queries_on_client_close=1` on a read-only
// statement, `readonly` > 0), through the real @clickhouse/client and the real chdb engine;
// without either it runs on, as there.
// The statements would run for minutes: each check waits for an event (a statement leaving
// system.processes, a promise settling), never for a guessed time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngineLanes } from '../../src/chdb-server/engine-lanes.ts';
import { type ChdbServer, startChdbServer } from '../../src/chdb-server/index.ts';
import { type ClickHouseClient, connectClickHouse } from '../../src/clickhouse/index.ts';

type ClickHouseSettings = NonNullable<Parameters<ClickHouseClient['query']>[0]['clickhouse_settings']>;

/**
 * Minutes of work on one core, told apart by the number `tag` in system.processes, and with a
 * parameter, as every analysis has (the engine then shows the statement re-formatted, without
 * its comments: a statement found by a comment would never be found).
 */
const endless = (tag: number) =>
  `SELECT count() FROM numbers({n:UInt64}) WHERE sipHash64(number) % 7 = 3 AND number != ${tag} SETTINGS max_threads = 1`;
const ENDLESS_PARAMS = { n: 100_000_000_000 };

async function until(ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached in 30 s');
}

describe('chdb server: a hung-up client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chdb-cancel-'));
  let server: ChdbServer;
  let client: ClickHouseClient;
  beforeAll(async () => {
    server = await startChdbServer({ dataDir: dir, user: 'tally', password: 'secret' });
    client = connectClickHouse({ url: server.url, username: 'tally', password: 'secret', database: 'tally' });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const running = async (tag: number) => {
    const result = await client.query({
      query:
        'SELECT count() AS n FROM system.processes WHERE position(query, {tag:String}) > 0 AND query NOT LIKE {self:String}',
      query_params: { tag: `!= ${tag}`, self: '%system.processes%' },
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ n: number }>())[0]?.n) > 0;
  };
  const CANCEL_ON_CLOSE = { cancel_http_readonly_queries_on_client_close: 1, readonly: '2' } as const;
  const ask = (tag: number, settings: ClickHouseSettings) => {
    const hangUp = new AbortController();
    const answer = client
      .query({
        query: endless(tag),
        query_params: ENDLESS_PARAMS,
        abort_signal: hangUp.signal,
        clickhouse_settings: settings,
      })
      .then(
        () => 'answered',
        (error: Error) => error.message,
      );
    return { hangUp: () => hangUp.abort(), answer };
  };

  it('stops the statement in the engine, and the engine serves the next one', async () => {
    const q = ask(1001, CANCEL_ON_CLOSE);
    await until(() => running(1001));
    q.hangUp();
    expect(await q.answer).toMatch(/abort/i);
    await until(async () => !(await running(1001)));
    const next = await client.query({ query: 'SELECT 42 AS answer', format: 'JSONEachRow' });
    expect(await next.json()).toEqual([{ answer: 42 }]);
  }, 60_000);

  it('lets it run on without the setting, or when it is not read-only (a POST), as ClickHouse does', async () => {
    const cases: [number, ClickHouseSettings][] = [
      [1002, {}],
      [1004, { cancel_http_readonly_queries_on_client_close: 1 }],
    ];
    for (const [tag, settings] of cases) {
      const q = ask(tag, settings);
      await until(() => running(tag));
      q.hangUp();
      await q.answer;
      // Still there after a statement that queues behind nothing (its own read lane) has answered.
      const marker = await client.query({ query: 'SELECT 1', format: 'JSONEachRow' });
      await marker.json();
      expect(await running(tag)).toBe(true);
      await client.command({
        query: `KILL QUERY WHERE position(query, '!= ${tag}') > 0 AND query NOT LIKE '%KILL%' ASYNC`,
      });
      await until(async () => !(await running(tag)));
    }
  }, 60_000);

  it('refuses a write in a read-only statement, and not in the next one', async () => {
    const create = 'CREATE TABLE IF NOT EXISTS written (x UInt8) ENGINE = Memory';
    await expect(
      client.command({ query: create, clickhouse_settings: { readonly: '2' } }),
    ).rejects.toMatchObject({
      code: '164',
    });
    await client.command({ query: create });
  });

  it('answers a read given up while it waits for its lane QUERY_WAS_CANCELLED at once, never running it', async () => {
    // Lanes of their own on the same data (one engine directory per process): one session for
    // inserts, one read lane, held by a long statement.
    const lanes = openEngineLanes(dir, 2, 8);
    const read = (sql: string, cancelled: AbortSignal) =>
      lanes.run({
        sql,
        database: 'default',
        format: 'TabSeparated',
        settings: new Map(),
        params: new Map([['n', String(ENDLESS_PARAMS.n)]]),
        isInsert: false,
        cancelled,
      });

    const holder = new AbortController();
    const held = read(endless(1003), holder.signal).catch((error: { code?: number }) => error.code);
    const waiter = new AbortController();
    const waiting = read('SELECT 1', waiter.signal).catch((error: { code?: number }) => error.code);
    expect(lanes.load()).toBe(2);
    waiter.abort();
    // Answered while the holder still runs: it was not run after it.
    const first = await Promise.race([
      waiting.then((code) => ({ waiter: code })),
      held.then((code) => ({ holder: code })),
    ]);
    expect(first).toEqual({ waiter: 394 });
    holder.abort();
    expect(await held).toBe(394);
    await until(async () => lanes.load() === 0);
    await lanes.close();
  }, 60_000);
});
