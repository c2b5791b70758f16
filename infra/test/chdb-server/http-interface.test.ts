// The embedded ClickHouse server through the real @clickhouse/client: statements, inserts,
// parameters with awkward values (quotes, backslashes, newlines, Chinese, arrays, large lists
// sent as multipart), ClickHouse error codes, authentication, and isolation of parameters and
// settings between requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseError } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChdbServer, startChdbServer } from '../../src/chdb-server/index.ts';
import { type ClickHouseClient, connectClickHouse } from '../../src/clickhouse/index.ts';

describe('chdb server: ClickHouse HTTP interface', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chdb-http-'));
  let server: ChdbServer;
  let client: ClickHouseClient;
  beforeAll(async () => {
    server = await startChdbServer({ dataDir: dir, user: 'tally', password: 'secret' });
    client = connectClickHouse({ url: server.url, username: 'tally', password: 'secret', database: 'tally' });
    await client.command({
      query:
        "CREATE TABLE t (id UInt64, name String, at DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY id",
    });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = async <T>(query: string, query_params: Record<string, unknown> = {}) =>
    (await client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();

  it('inserts JSONEachRow and reads it back', async () => {
    await client.insert({
      table: 't',
      format: 'JSONEachRow',
      values: [
        { id: 1, name: '张三', at: Date.UTC(2026, 0, 1) },
        { id: 2, name: "O'Brien\\", at: Date.UTC(2026, 0, 2) },
      ],
    });
    expect(await rows('SELECT id, name FROM t ORDER BY id')).toEqual([
      { id: 1, name: '张三' },
      { id: 2, name: "O'Brien\\" },
    ]);
  });

  it('binds parameters exactly, whatever they contain', async () => {
    const tricky = "it's a \\ back\nslash\t中文 '; DROP TABLE t; --";
    const [row] = await rows<{ s: string; n: number; a: string[] }>(
      'SELECT {s:String} AS s, {n:UInt64} AS n, {a:Array(String)} AS a',
      {
        s: tricky,
        n: 42,
        a: ["x'y", 'z\\'],
      },
    );
    expect(row).toEqual({ s: tricky, n: 42, a: ["x'y", 'z\\'] });
    expect(await rows('SELECT id FROM t WHERE name = {name:String}', { name: "O'Brien\\" })).toEqual([
      { id: 2 },
    ]);
    expect(await rows('SELECT count() AS c FROM t')).toEqual([{ c: 2 }]);
  });

  it('takes thousands of parameter values (sent as a multipart body)', async () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => i);
    expect(await rows('SELECT count() AS c FROM t WHERE id IN {ids:Array(UInt64)}', { ids })).toEqual([
      { c: 2 },
    ]);
  });

  it('never lets a request use a parameter an earlier request set', async () => {
    await rows('SELECT {leak:String} AS v', { leak: 'secret' });
    await expect(rows('SELECT {leak:String} AS v')).rejects.toMatchObject({ code: '456' });
  });

  it('reports ClickHouse error codes', async () => {
    await expect(rows('SELEC 1')).rejects.toBeInstanceOf(ClickHouseError);
    await expect(rows('SELEC 1')).rejects.toMatchObject({ code: '62' });
    await expect(rows('SELECT * FROM missing_table')).rejects.toMatchObject({ code: '60' });
  });

  it('honours per-query settings without leaking them to the next query', async () => {
    const limited = await client.query({
      query: "SELECT getSetting('max_execution_time') AS v",
      format: 'JSONEachRow',
      clickhouse_settings: { max_execution_time: 7 },
    });
    expect(await limited.json()).toEqual([{ v: 7 }]);
    expect(await rows("SELECT getSetting('max_execution_time') AS v")).toEqual([{ v: 0 }]);
  });

  it('refuses a bad setting value and leaks none of its other settings or parameters', async () => {
    // Settings and parameters reach the engine as one SET; when that fails, one at a time.
    const bad = client.query({
      query: 'SELECT {p:String} AS v',
      query_params: { p: 'x' },
      format: 'JSONEachRow',
      clickhouse_settings: { max_execution_time: 9, max_threads: 'many' as unknown as number },
    });
    await expect(bad).rejects.toBeInstanceOf(ClickHouseError);
    // Every engine session (requests go to the shortest queue) answers with the defaults.
    for (let i = 0; i < 4; i++) {
      expect(await rows("SELECT getSetting('max_execution_time') AS v")).toEqual([{ v: 0 }]);
    }
    await expect(rows('SELECT {p:String} AS v')).rejects.toMatchObject({ code: '456' });
  });

  it('refuses a wrong password', async () => {
    const intruder = connectClickHouse({
      url: server.url,
      username: 'tally',
      password: 'guess',
      database: 'tally',
    });
    await expect(intruder.query({ query: 'SELECT 1' })).rejects.toMatchObject({ code: '516' });
    await intruder.close();
  });

  it('completes an insert while a long query runs (inserts have their own engine session)', async () => {
    const long = rows(
      'SELECT count() FROM numbers(400000000) WHERE sipHash64(number) % 3 = 1 SETTINGS max_threads = 1',
    );
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await client.insert({
      table: 't',
      format: 'JSONEachRow',
      values: [{ id: 3, name: 'c', at: Date.now() }],
    });
    const insertMs = Date.now() - started;
    const longStillRunning = await Promise.race([
      long.then(() => false),
      new Promise((r) => setTimeout(() => r(true), 0)),
    ]);
    expect(longStillRunning).toBe(true);
    expect(insertMs).toBeLessThan(1_000);
    await long;
  }, 120_000);
});
