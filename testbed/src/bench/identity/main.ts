// `pnpm bench:identity [--events N] [--batch B]`: ID-Mapping throughput on this machine, on the
// embedded stack (real MariaDB, chdb ClickHouse). Resolves the same batches of event rows three
// times: first sight (every person created in MySQL), cold cache (a restarted worker: persons
// exist, cache empty) and warm cache; then ingests fresh copies of the batches the way the
// ingestion writer does (resolve, insert, fold profiles) and reports the identity steps' extra
// cost per event next to the insert's own cost. Progress on stderr; the LAST line on stdout is
// one JSON object with the figures.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createPersonResolver, createProfileFolder } from '@tally/analytics-api/identity';
import type { IngestBatch } from '@tally/infra/clickhouse';
import { startEmbeddedStack } from '../../stack/index.ts';
import { fresh, identityWorkload } from './workload.ts';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '100000' }, batch: { type: 'string', default: '1000' } },
});
const events = Number(values.events);
const batchSize = Number(values.batch);
const log = (message: string) => console.error(`[bench:identity] ${message}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

log('starting the embedded stack ...');
const stack = await startEmbeddedStack();
try {
  const devices = Math.max(100, Math.round(events / 5));
  const customers = Math.max(20, Math.round(devices / 5));
  const batches = identityWorkload(stack.appId, { events, batchSize, devices, customers });
  log(
    `${events.toLocaleString('en')} events in ${batches.length} batches, ${devices} devices, ${customers} customers`,
  );

  /** Distinct identities a batch asks about: each login id and each device. */
  const lookupsOf = (b: IngestBatch) =>
    new Set(
      b.events.flatMap((e) => (e.login_id ? [`c${e.login_id}`, `d${e.distinct_id}`] : [`d${e.distinct_id}`])),
    ).size;
  const lookups = batches.reduce((n, b) => n + lookupsOf(b), 0);

  async function resolvePass(label: string, resolver: ReturnType<typeof createPersonResolver>) {
    const started = performance.now();
    for (const [i, b] of batches.entries()) {
      await resolver.resolveBatch(fresh(b));
      if ((i + 1) % 20 === 0) log(`${label}: ${i + 1}/${batches.length} batches`);
    }
    const s = (performance.now() - started) / 1000;
    const figures = {
      events_per_s: Math.round(events / s),
      lookups_per_s: Math.round(lookups / s),
      seconds: s,
    };
    log(`${label}: ${figures.events_per_s} events/s, ${figures.lookups_per_s} identity lookups/s`);
    return figures;
  }

  const deps = { metadata: stack.metadata, clickhouse: stack.clickhouse };
  const firstSight = await resolvePass('first sight', createPersonResolver(deps));
  const cold = await resolvePass('cold cache', createPersonResolver(deps));
  const resolver = createPersonResolver(deps);
  await resolvePass('warming', resolver);
  const warm = await resolvePass('warm cache', resolver);

  // The writer's path per batch, timed step by step (warm cache, as in steady state).
  const folder = createProfileFolder({ ...deps, takeRefolds: () => resolver.takeRefolds() });
  const resolveMs: number[] = [];
  const insertMs: number[] = [];
  const foldMs: number[] = [];
  let t = 0;
  for (const [i, b] of batches.entries()) {
    const batch = fresh(b);
    t = performance.now();
    await resolver.resolveBatch(batch);
    resolveMs.push(performance.now() - t);
    t = performance.now();
    await stack.clickhouse.insert({ table: 'events', values: batch.events, format: 'JSONEachRow' });
    insertMs.push(performance.now() - t);
    t = performance.now();
    await folder.foldBatch(batch);
    foldMs.push(performance.now() - t);
    if ((i + 1) % 20 === 0) log(`ingest: ${i + 1}/${batches.length} batches`);
  }
  // Persons seen again within the refresh interval are folded by the folder's timer: flush it
  // and count that time too.
  t = performance.now();
  await folder.close();
  const flushMs = performance.now() - t;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const perEvent = (ms: number) => Math.round((ms / batchSize) * 1000 * 10) / 10;
  const meanPerEvent = (ms: number) => Math.round((ms / events) * 1000 * 10) / 10;
  const result = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '' },
    events,
    batch_size: batchSize,
    devices,
    customers,
    identity_lookups_per_pass: lookups,
    first_sight_events_per_s: firstSight.events_per_s,
    first_sight_lookups_per_s: firstSight.lookups_per_s,
    cold_cache_events_per_s: cold.events_per_s,
    cold_cache_lookups_per_s: cold.lookups_per_s,
    warm_cache_events_per_s: warm.events_per_s,
    warm_cache_lookups_per_s: warm.lookups_per_s,
    median_batch_ms: {
      resolve: Math.round(median(resolveMs) * 10) / 10,
      insert: Math.round(median(insertMs) * 10) / 10,
      profile_fold: Math.round(median(foldMs) * 10) / 10,
    },
    // Means over the whole run (incl. the deferred folds), in microseconds per ingested event.
    extra_us_per_event: {
      resolve: meanPerEvent(sum(resolveMs)),
      profile_fold: meanPerEvent(sum(foldMs) + flushMs),
      total: meanPerEvent(sum(resolveMs) + sum(foldMs) + flushMs),
    },
    insert_us_per_event: meanPerEvent(sum(insertMs)),
    median_batch_us_per_event: {
      resolve: perEvent(median(resolveMs)),
      profile_fold: perEvent(median(foldMs)),
      insert: perEvent(median(insertMs)),
    },
  };
  console.log(JSON.stringify(result));
} finally {
  await stack.stop();
}
