// The batch import end to end: the CLI (`pnpm run import`) streaming files to POST /v1/import of
// the REAL collector (embedded stack, MariaDB + chdb ClickHouse). A file imported twice counts
// once; history older than the live 2-year limit is accepted with its original times; Tally and
// Sensors-style lines mix; bad lines come back with line number, field and rule; CSV profiles.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DAY = 86_400_000;
let stack: EmbeddedStack;
let dir: string;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  dir = mkdtempSync(join(tmpdir(), 'tally-import-'));
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runCli(file: string, ...extra: string[]) {
  const result = spawnSync(
    'pnpm',
    [
      'run',
      '--silent',
      'import',
      '--',
      '--file',
      file,
      '--app',
      stack.appId,
      '--key',
      stack.writeKey,
      '--server',
      stack.collectorUrl,
      ...extra,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function query<T>(sql: string): Promise<T[]> {
  const rs = await stack.clickhouse.query({
    query: sql,
    query_params: { app: stack.appId },
    format: 'JSONEachRow',
  });
  return rs.json<T>();
}

describe('NDJSON import', () => {
  // Fixed historical times, written out by hand: 3 years back is past the live limit (2 years).
  const threeYearsAgo = Date.UTC(2023, 10, 1, 9, 30, 0);
  const lines = [
    /* 1 */ {
      event: 'OpenAccount',
      time: threeYearsAgo,
      distinct_id: 'imp-d1',
      properties: { src: 'import', branch: 'B01' },
    },
    /* 2 */ '{"event": "broken json"',
    /* 3 */ {
      event: 'Transfer',
      time: threeYearsAgo + DAY,
      distinct_id: 'imp-d1',
      login_id: 'IMP-C1',
      properties: { src: 'import', amount: 200 },
    },
    /* 4 */ { event: 'bad name!', time: threeYearsAgo, distinct_id: 'imp-d1' },
    /* 5 */ '',
    /* 6 */ {
      event: 'Transfer',
      time: threeYearsAgo + DAY,
      distinct_id: 'imp-d1',
      login_id: 'IMP-C1',
      properties: { src: 'import', amount: 200 },
    },
    /* 7 */ { event: 'TooOld', time: Date.UTC(2015, 0, 1), distinct_id: 'imp-d1' },
    /* 8 */ { event: 'NoDevice', time: threeYearsAgo },
    // Sensors-style lines (an SA export): local time strings in the app's zone (Asia/Shanghai).
    /* 9 */ {
      type: 'track',
      event: '$pageview',
      time: '2024-05-01 10:00:00',
      distinct_id: 'sa-anon',
      _track_id: 11,
      project: 'default',
      lib: { $lib: 'js' },
      properties: { src: 'import', $url: 'https://b/x' },
    },
    /* 10 */ {
      type: 'track_signup',
      event: '$SignUp',
      time: '2024-05-01 10:01:00.500',
      distinct_id: 'SA-C2',
      original_id: 'sa-anon',
      _track_id: 12,
      properties: { src: 'import' },
    },
    /* 11 */ {
      type: 'profile_set',
      time: '2024-05-01 10:02:00',
      distinct_id: 'SA-C2',
      login_id: 'SA-C2',
      anonymous_id: 'sa-anon',
      _track_id: 13,
      properties: { tier: 'vip' },
    },
    // A profile without a time takes the import time, yet a re-run must still not double it.
    /* 12 */ { type: 'profile_set', distinct_id: 'imp-d1', login_id: 'IMP-C1', properties: { risk: 'low' } },
    // An event without a time is refused (the import never invents event times).
    /* 13 */ { type: 'track', event: 'NoTime', distinct_id: 'sa-anon', _track_id: 14 },
  ];
  const text = `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;

  it('imports history once even when run twice, and lists the bad lines', async () => {
    const file = join(dir, 'history.ndjson');
    writeFileSync(file, text);
    const first = runCli(file);
    const second = runCli(file);
    for (const run of [first, second]) {
      expect(run.code).toBe(2); // some lines rejected
      expect(run.stdout).toContain('lines: 13  accepted: 7  rejected: 5');
      expect(run.stdout).toMatch(/line 2: LINE_NOT_JSON/);
      expect(run.stdout).toMatch(/line 4: EVENT_NAME_INVALID \[event\]/);
      expect(run.stdout).toMatch(/line 7: TIME_TOO_OLD \[time\]/);
      expect(run.stdout).toMatch(/line 8: DISTINCT_ID_INVALID \[distinct_id\]/);
      expect(run.stdout).toMatch(/line 13: TIME_INVALID \[time\]/);
      expect(run.stderr).toMatch(/100\.0% of .*history\.ndjson\s+13 lines/);
    }
    const events = await query<{
      event: string;
      t: string;
      distinct_id: string;
      login_id: string;
      lib: string;
    }>(
      `SELECT event, toString(toUnixTimestamp64Milli(time)) AS t, distinct_id, login_id, lib FROM events
       WHERE app_id = {app:String} AND props['src'] = 'import' ORDER BY time, event`,
    );
    // Lines 3 and 6 are identical and both kept (two real transfers); nothing doubled by the re-run.
    expect(events.map((e) => [e.event, Number(e.t), e.distinct_id, e.login_id])).toEqual([
      ['OpenAccount', threeYearsAgo, 'imp-d1', ''],
      ['Transfer', threeYearsAgo + DAY, 'imp-d1', 'IMP-C1'],
      ['Transfer', threeYearsAgo + DAY, 'imp-d1', 'IMP-C1'],
      // 2024-05-01 10:00 in Asia/Shanghai (UTC+8) is 02:00 UTC.
      ['$pageview', Date.UTC(2024, 4, 1, 2, 0, 0), 'sa-anon', ''],
      ['$Login', Date.UTC(2024, 4, 1, 2, 1, 0, 500), 'sa-anon', 'SA-C2'],
    ]);
    expect(events[3]!.lib).toBe('sa-js');
    const profiles = await query<{ op: string; login_id: string; distinct_id: string; tier: string }>(
      `SELECT op, login_id, distinct_id, props['tier'] AS tier FROM profile_ops WHERE app_id = {app:String} AND login_id = 'SA-C2'`,
    );
    expect(profiles).toEqual([{ op: 'profile_set', login_id: 'SA-C2', distinct_id: 'sa-anon', tier: 'vip' }]);
    const timeless = await query<{ risk: string }>(
      `SELECT props['risk'] AS risk FROM profile_ops WHERE app_id = {app:String} AND login_id = 'IMP-C1'`,
    );
    expect(timeless).toEqual([{ risk: 'low' }]);
  });

  it('the live endpoint refuses the same history, pointing to the import', async () => {
    const res = await fetch(`${stack.collectorUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
      body: JSON.stringify({ events: [lines[0]] }),
    });
    const body = (await res.json()) as {
      accepted: number;
      rejected: Array<{ code: string; message: string }>;
    };
    expect(body.accepted).toBe(0);
    expect(body.rejected[0]).toMatchObject({ code: 'TIME_TOO_OLD' });
    expect(body.rejected[0]!.message).toContain('batch import');
  });
});

describe('CSV import', () => {
  it('imports customer profiles from CSV once, typing numbers and keeping id-like text', async () => {
    const csv = [
      'login_id,distinct_id,name,level,balance,phone:string,time',
      'CSV-C1,csv-d1,张三,gold,12000.5,0138000,2024-01-02 09:00:00',
      'CSV-C2,csv-d2,"李, 四",silver,300,0139000,2024-01-02 09:00:00',
      'CSV-C3,"csv-d3,broken',
      '',
    ].join('\n');
    const file = join(dir, 'profiles.csv');
    writeFileSync(file, csv);
    const first = runCli(file, '--type', 'profile_set');
    const second = runCli(file, '--type', 'profile_set');
    for (const run of [first, second]) {
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('accepted: 2  rejected: 1');
      expect(run.stdout).toMatch(/line 4: CSV_RECORD_INVALID/);
    }
    const rows = await query<{
      login_id: string;
      name: string;
      level: string;
      phone: string;
      balance: number;
      t: string;
    }>(
      `SELECT login_id, props['name'] AS name, props['level'] AS level, props['phone'] AS phone,
              num_props['balance'] AS balance, toString(toUnixTimestamp64Milli(time)) AS t
       FROM profile_ops WHERE app_id = {app:String} AND op = 'profile_set' AND login_id LIKE 'CSV-%' ORDER BY login_id`,
    );
    expect(rows).toEqual([
      {
        login_id: 'CSV-C1',
        name: '张三',
        level: 'gold',
        phone: '0138000',
        balance: 12000.5,
        t: String(Date.UTC(2024, 0, 2, 1)),
      },
      {
        login_id: 'CSV-C2',
        name: '李, 四',
        level: 'silver',
        phone: '0139000',
        balance: 300,
        t: String(Date.UTC(2024, 0, 2, 1)),
      },
    ]);
  });
});

describe('POST /v1/import directly', () => {
  it('takes a gzipped NDJSON body and returns the summary; refuses a key of another app', async () => {
    const { gzipSync } = await import('node:zlib');
    const body = gzipSync(
      `${JSON.stringify({ event: 'ApiImport', time: Date.UTC(2025, 0, 1), distinct_id: 'api-d' })}\n`,
    );
    const res = await fetch(`${stack.collectorUrl}/v1/import?format=ndjson`, {
      method: 'POST',
      headers: {
        'x-tally-key': stack.writeKey,
        'content-encoding': 'gzip',
        'content-type': 'application/x-ndjson',
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ lines: 1, accepted: 1, rejected: 0, rejections: [] });
    const wrongApp = await fetch(`${stack.collectorUrl}/v1/import?app=other`, {
      method: 'POST',
      headers: { 'x-tally-key': stack.writeKey },
      body: 'x',
    });
    expect(wrongApp.status).toBe(400);
    expect(((await wrongApp.json()) as { error: { field: string } }).error.field).toBe('app');
  });
});
