// `pnpm bench:query [--events N] [--runs R] [--only funnel,retention]`: every analysis model through the real API (auth,
// validation, scope, person resolution) on generated data of N events (default 10^7; 30 days,
// N/20 customers), on the embedded ClickHouse engine of this machine. Per model: the first run
// (cold), then R runs with the result cache bypassed (warm: p50/p95) and one cached dashboard
// reload. Then, for the models that read every customer's events, the per-customer floor (the
// cheapest pass over the same events: per-customer-floor.ts), and the reference products' query
// shapes on the same data, as ratios ours/theirs (ours through the API and as its bare statements).
// Data lives in .tally/bench-query/<N> and is reused by later runs. Last line: one JSON object.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { buildApp } from '@tally/analytics-api';
import type { ApiConfig } from '@tally/analytics-api/config';
import { runModelOnEngine } from '@tally/analytics-api/engine-run';
import { ANALYSIS_ENGINE_SETTINGS } from '@tally/analytics-api/engine-settings';
import { seedDemoOrgAndStaff } from '@tally/analytics-api/seed-demo';
import { spawnChdbServer } from '@tally/infra/chdb-server';
import { connectClickHouse, migrateClickHouse } from '@tally/infra/clickhouse';
import { startMariaDb } from '@tally/infra/mariadb';
import { connectMySql, migrateMySql } from '@tally/infra/mysql';
import { DateTime } from 'luxon';
import { freePort } from '../../stack/free-port.ts';
import type { BenchRange } from './bench-case.ts';
import { BENCH_APP, BENCH_DATA_VERSION, BENCH_FROM, BENCH_TO } from './bench-data-constants.ts';
import { FUNNEL_STEPS, FUNNEL_WINDOW_MINUTES } from './cases/funnel.ts';
import { BENCH_CASES } from './cases/index.ts';
import { RETENTION_EVENT, RETENTION_PERIODS } from './cases/retention.ts';
import { ensureBenchData } from './generate-data.ts';
import { type FloorCase, perCustomerFloorSql } from './per-customer-floor.ts';
import { openPanelFunnelSql, openPanelRetentionSql, postHogFunnelSql } from './reference-shapes.ts';
import { waitForMutations } from './wait-for-mutations.ts';

const say = (line: string) => console.error(`[bench:query] ${line}`);

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const events = argValue('events', 10_000_000);
// --only funnel,retention: run just these cases (and the comparisons of those models).
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((process.argv[onlyIndex + 1] ?? '').split(',')) : null;
const selected = (name: string) => !only || only.has(name);
const runs = argValue('runs', 5);
interface Figures {
  cold_ms: number;
  p50_ms: number;
  p95_ms: number;
  cpu_p50_ms: number;
}
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (v: number) => Math.round(v);

const home = resolve(
  process.cwd().replace(/\/testbed$/, ''),
  '.tally',
  'bench-query',
  `${events}-v${BENCH_DATA_VERSION}`,
);
mkdirSync(home, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'tally-bench-query-'));
const stops: Array<() => Promise<void>> = [];

try {
  say(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 1024 ** 3)} GiB`);
  const chdb = await spawnChdbServer({
    dataDir: join(home, 'clickhouse'),
    port: freePort,
    user: 'tally',
    password: 'bench',
  });
  stops.push(() => chdb.stop());
  const clickhouse = connectClickHouse({
    url: chdb.url,
    username: 'tally',
    password: 'bench',
    database: 'tally',
    requestTimeoutMs: 3_600_000,
  });
  stops.push(() => clickhouse.close());
  await migrateClickHouse(clickhouse);
  const mariadb = await startMariaDb({
    dataDir: join(scratch, 'mariadb'),
    // A fresh port again if another process takes this one before MariaDB binds it.
    port: freePort,
    password: 'bench',
  });
  stops.push(() => mariadb.stop());
  const metadata = connectMySql({ url: mariadb.url });
  stops.push(() => metadata.close());
  await migrateMySql(metadata.pool);
  await seedDemoOrgAndStaff(metadata);

  // CPU time of the engine process (user + system, /proc ticks of 10 ms): unlike wall time it
  // hardly moves when other work shares the machine, so it is reported next to every median.
  const engineCpuMs = () => {
    const fields = readFileSync(`/proc/${chdb.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  await ensureBenchData(clickhouse, events, say, engineCpuMs, join(home, 'complete.json'));
  await waitForMutations(clickhouse, say);

  const config: ApiConfig = {
    port: 0,
    host: '127.0.0.1',
    clickhouse: {
      url: chdb.url,
      username: 'tally',
      password: 'bench',
      database: 'tally',
      maxExecutionTimeS: 300,
      overridesReloadS: 10,
    },
    mysqlUrl: mariadb.url,
    secretKeys: [{ id: 'bench', key: Buffer.alloc(32, 7) }],
    identifierKeyId: 'bench',
    session: { ttlS: 86_400, idleTtlS: 86_400 },
    cookieSecure: false,
    trustProxy: false,
    tls: null,
    logLevel: 'silent',
  };
  // Errors only, on stderr: a model that fails with a 500 shows its engine error in the log, and
  // stdout keeps nothing but the final JSON line.
  const app = await buildApp({
    config,
    clickhouse,
    metadata,
    logger: { level: 'error', stream: process.stderr },
  });
  await app.ready();
  stops.push(() => app.close());
  const login = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username: 'union.analyst', password: 'Tally-demo-2026!' },
  });
  const cookie = login.cookies.find((c) => c.name.endsWith('tally_session'))!;
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  let lastCpuMs = 0;
  const withCpu = async (run: () => Promise<number>): Promise<number> => {
    const before = engineCpuMs();
    const wall = await run();
    lastCpuMs = engineCpuMs() - before;
    return wall;
  };
  const ask = async (model: string, body: object, cache: boolean): Promise<object> => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/analysis/${model}`,
      payload: body,
      cookies: { [cookie.name]: cookie.value },
      headers: { 'x-csrf-token': csrf, ...(cache ? {} : { 'cache-control': 'no-cache' }) },
    });
    if (res.statusCode !== 200) throw new Error(`${model}: ${res.statusCode} ${res.body.slice(0, 500)}`);
    return res.json();
  };
  const post = async (model: string, body: object, cache: boolean): Promise<number> => {
    const started = performance.now();
    await ask(model, body, cache);
    return performance.now() - started;
  };
  let lastRows: Record<string, unknown>[] = [];
  const timeSql = async (sql: string): Promise<number> => {
    const started = performance.now();
    // The engine settings the API runs ours with, so only the shapes differ.
    lastRows = await (
      await clickhouse.query({
        query: sql,
        format: 'JSONEachRow',
        query_params: { app: BENCH_APP },
        clickhouse_settings: ANALYSIS_ENGINE_SETTINGS,
      })
    ).json<Record<string, unknown>>();
    return performance.now() - started;
  };
  // Says every run's time as it ends: at 10^8 one model's runs take minutes.
  // Runs each query cold once, then `runs` warm rounds; several queries alternate within every
  // round, so drift of a shared machine between minutes falls on all of them alike.
  const measureAlternating = async (queries: { label: string; run: () => Promise<number> }[]) => {
    const series = queries.map(() => ({ cold: 0, warm: [] as number[], cpu: [] as number[] }));
    for (const [q, { label, run }] of queries.entries()) {
      series[q]!.cold = await withCpu(run);
      say(`${label}: cold ${round(series[q]!.cold)} ms (engine CPU ${lastCpuMs} ms)`);
    }
    for (let i = 0; i < runs; i++) {
      for (const [q, { label, run }] of queries.entries()) {
        const wall = await withCpu(run);
        series[q]!.warm.push(wall);
        series[q]!.cpu.push(lastCpuMs);
        say(`${label}: warm ${i + 1}/${runs} ${round(wall)} ms (engine CPU ${lastCpuMs} ms)`);
      }
    }
    return series.map(
      ({ cold, warm, cpu }): Figures => ({
        cold_ms: round(cold),
        p50_ms: round(percentile(warm, 50)),
        p95_ms: round(percentile(warm, 95)),
        cpu_p50_ms: round(percentile(cpu, 50)),
      }),
    );
  };
  const measure = async (label: string, run: () => Promise<number>) =>
    (await measureAlternating([{ label, run }]))[0]!;

  const range: BenchRange = { appId: BENCH_APP, from: BENCH_FROM, to: BENCH_TO, timeZone: 'Asia/Shanghai' };
  const models: Record<string, Record<string, number>> = {};
  // A model that fails (an engine limit, a timeout) is recorded with its error and the run goes on,
  // so one model cannot hide the figures of the others.
  const failures: Record<string, string> = {};
  for (const bench of BENCH_CASES.filter((c) => selected(c.name))) {
    const body = bench.body(range);
    say(`${bench.name}: running (cold, ${runs} warm, cached)`);
    try {
      const figures = await measure(bench.name, () => post(bench.model, body, false));
      const cached = await post(bench.model, body, true);
      models[bench.name] = { ...figures, cached_ms: round(cached) };
      say(
        `${bench.name.padEnd(22)} cold ${figures.cold_ms} ms, warm p50 ${figures.p50_ms} ms, p95 ${figures.p95_ms} ms, ` +
          `engine CPU p50 ${figures.cpu_p50_ms} ms, cached ${round(cached)} ms`,
      );
    } catch (error) {
      failures[bench.name] = (error as Error).message;
      say(`${bench.name.padEnd(22)} FAILED: ${(error as Error).message}; query: ${JSON.stringify(body)}`);
    }
  }

  const zone = range.timeZone;
  const startMs = DateTime.fromISO(BENCH_FROM, { zone }).toMillis();
  const endMs = DateTime.fromISO(BENCH_TO, { zone }).plus({ days: 1 }).toMillis();
  // The per-customer floor of the models that read each customer's events (per-customer-floor.ts).
  const day = 86_400_000;
  const floorCases: FloorCase[] = [
    { model: 'funnel', events: FUNNEL_STEPS, startMs, endMs: endMs + FUNNEL_WINDOW_MINUTES * 60_000 },
    { model: 'retention', events: [RETENTION_EVENT], startMs, endMs: endMs + RETENTION_PERIODS * day },
    { model: 'session', events: 'any', startMs, endMs },
    { model: 'path', events: 'any', startMs, endMs },
  ];
  const floors: Record<string, Record<string, number>> = {};
  for (const floor of floorCases.filter((f) => models[f.model])) {
    const figures = await measure(`${floor.model} floor`, () => timeSql(perCustomerFloorSql(floor)));
    const row = lastRows[0] as { customers: string; events: string };
    const modelP50 = models[floor.model]!.p50_ms!;
    floors[floor.model] = {
      p50_ms: figures.p50_ms,
      cpu_p50_ms: figures.cpu_p50_ms,
      customers: Number(row.customers),
      events: Number(row.events),
      model_over_floor: Math.round((modelP50 / figures.p50_ms) * 100) / 100,
    };
    say(
      `${`${floor.model} floor`.padEnd(22)} p50 ${figures.p50_ms} ms (CPU ${figures.cpu_p50_ms}) for ${row.events} events ` +
        `of ${row.customers} customers; the model takes ${floors[floor.model]!.model_over_floor}x that`,
    );
  }

  // Ours is timed twice: through the API (what a user waits for: HTTP, session, validation,
  // audit) and its statements alone on the engine, as theirs are; the second compares query shapes.
  const alone = (model: string, body: object) =>
    runModelOnEngine(clickhouse, config.clickhouse, model, body as Parameters<typeof runModelOnEngine>[3]);
  const onEngine = async (model: string, body: object): Promise<number> => {
    const started = performance.now();
    await alone(model, body);
    return performance.now() - started;
  };
  const comparisons: Record<string, Record<string, number>> = {};
  const compare = async (name: string, model: string, body: object, theirs: string) => {
    if (!selected(model) || failures[model]) return;
    // Both of ours must be the same analysis: the engine-alone run answers what the API answers.
    const { meta: _meta, ...viaApi } = (await ask(model, body, false)) as { meta: unknown };
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(await alone(model, body))), viaApi)) {
      throw new Error(`${name}: the engine-alone run of ${model} answers differently from the API`);
    }
    const [o, e, t] = (await measureAlternating([
      { label: `${name} (ours, API)`, run: () => post(model, body, false) },
      { label: `${name} (ours, engine)`, run: () => onEngine(model, body) },
      { label: `${name} (theirs)`, run: () => timeSql(theirs) },
    ])) as [Figures, Figures, Figures];
    const ratio = (a: number, b: number) => Math.round((a / Math.max(1, b)) * 100) / 100;
    comparisons[name] = {
      ours_p50_ms: o.p50_ms,
      theirs_p50_ms: t.p50_ms,
      ratio: ratio(o.p50_ms, t.p50_ms),
      ours_cpu_ms: o.cpu_p50_ms,
      theirs_cpu_ms: t.cpu_p50_ms,
      cpu_ratio: ratio(o.cpu_p50_ms, t.cpu_p50_ms),
      ours_engine_p50_ms: e.p50_ms,
      engine_ratio: ratio(e.p50_ms, t.p50_ms),
      ours_engine_cpu_ms: e.cpu_p50_ms,
      engine_cpu_ratio: ratio(e.cpu_p50_ms, t.cpu_p50_ms),
    };
    const c = comparisons[name]!;
    say(
      `${name.padEnd(34)} ours p50 ${o.p50_ms} ms (CPU ${o.cpu_p50_ms}) through the API, ${e.p50_ms} ms (CPU ` +
        `${e.cpu_p50_ms}) on the engine alone; theirs ${t.p50_ms} ms (CPU ${t.cpu_p50_ms}); ratio ${c.ratio} ` +
        `(CPU ${c.cpu_ratio}), engine alone ${c.engine_ratio} (CPU ${c.engine_cpu_ratio})`,
    );
  };
  const funnelBody = {
    ...range,
    steps: FUNNEL_STEPS.map((event) => ({ event })),
    windowMinutes: FUNNEL_WINDOW_MINUTES,
  };
  await compare(
    'funnel_vs_openpanel_windowFunnel',
    'funnel',
    funnelBody,
    openPanelFunnelSql(FUNNEL_STEPS, FUNNEL_WINDOW_MINUTES, startMs, endMs),
  );
  await compare(
    'funnel_vs_posthog_array_walk',
    'funnel',
    funnelBody,
    postHogFunnelSql(FUNNEL_STEPS, FUNNEL_WINDOW_MINUTES, startMs, endMs),
  );
  const retentionBody = {
    ...range,
    initial: { event: RETENTION_EVENT },
    returning: { event: RETENTION_EVENT },
    periods: RETENTION_PERIODS,
    mode: 'first_time',
  };
  await compare(
    'retention_vs_openpanel_cohort_join',
    'retention',
    retentionBody,
    openPanelRetentionSql(RETENTION_EVENT, RETENTION_EVENT, RETENTION_PERIODS, startMs, endMs, zone),
  );

  console.log(
    JSON.stringify({
      events,
      machine: { cores: cpus().length, memory_gib: Math.round(totalmem() / 1024 ** 3) },
      runs,
      models,
      reference_shapes: comparisons,
      per_customer_floor: floors,
      ...(Object.keys(failures).length ? { failures } : {}),
    }),
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}
