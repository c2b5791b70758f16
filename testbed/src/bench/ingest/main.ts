// `pnpm bench:ingest [--events N] [--mode embedded|kafka]`: sustained ingestion from HTTP batches
// to rows queryable in ClickHouse, through the real collector process (and in Kafka mode the
// librdkafka mock broker and an ingestion worker process), on this machine. Request bodies are
// generated before the clock starts, so the figure is the pipeline's, not the generator's.
// Last line: one JSON object {events_per_s, freshness_p50_ms, freshness_p99_ms, events, mode}.
import { cpus } from 'node:os';
import { generateDemoData, type WireEvent } from '../../demo-data/index.ts';
import { startEmbeddedStack } from '../../stack/index.ts';
import { parseIngestArgs } from './args.ts';
import { freshnessProbe, percentile } from './freshness-probe.ts';

const options = parseIngestArgs(process.argv.slice(2));
const log = (message: string) => console.error(`[bench:ingest] ${message}`);

log(`generating ${options.events.toLocaleString('en')} events ...`);
const bodies: Array<{ body: string; firstUuid: string; count: number }> = [];
let pending: WireEvent[] = [];
let total = 0;
const flushBody = () => {
  bodies.push({
    body: JSON.stringify({ sent_at: 0, events: pending }),
    firstUuid: pending[0]!.uuid,
    count: pending.length,
  });
  total += pending.length;
  pending = [];
};
for (const batch of generateDemoData({ events: options.events * 1.05, days: 30, seed: 4242 }).batches()) {
  for (const e of batch) {
    if (e.type !== 'track' || total + pending.length >= options.events) continue;
    pending.push(e);
    if (pending.length === options.batchSize) flushBody();
  }
  if (total + pending.length >= options.events) break;
}
if (pending.length > 0) flushBody();

log(`starting the ${options.mode} stack ...`);
const stack = await startEmbeddedStack({ mode: options.mode, partitions: 4 });
try {
  const probe = freshnessProbe(stack.clickhouse);
  let next = 0;
  let retries = 0;
  const started = Date.now();
  let lastReport = started;
  let sent = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      const item = bodies[index]!;
      const body = item.body.replace('"sent_at":0', `"sent_at":${Date.now()}`);
      for (;;) {
        const t = Date.now();
        const response = await fetch(`${stack.collectorUrl}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
          body,
        }).catch(() => null);
        if (response?.ok) {
          await response.arrayBuffer();
          if (index % 10 === 0) probe.track(item.firstUuid, t);
          break;
        }
        retries++;
        await new Promise((r) => setTimeout(r, 100));
      }
      sent += item.count;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        log(
          `${sent.toLocaleString('en')} sent, ${Math.round(sent / ((lastReport - started) / 1000)).toLocaleString('en')} events/s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  // Sustained rate: until every event is queryable, not just acknowledged.
  for (;;) {
    const result = await stack.clickhouse.query({
      query: 'SELECT count() AS c FROM events WHERE app_id = {app:String}',
      query_params: { app: stack.appId },
      format: 'JSONEachRow',
    });
    const [{ c }] = (await result.json<{ c: number }>()) as [{ c: number }];
    if (Number(c) >= total) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const elapsedS = (Date.now() - started) / 1000;
  const latencies = await probe.finish();
  const figures = {
    events_per_s: Math.round(total / elapsedS),
    freshness_p50_ms: percentile(latencies, 50),
    freshness_p99_ms: percentile(latencies, 99),
    events: total,
    mode: options.mode,
    batch_size: options.batchSize,
    concurrency: options.concurrency,
    retries,
    elapsed_s: Number(elapsedS.toFixed(1)),
    cpus: cpus().length,
  };
  log(
    `done: ${figures.events_per_s.toLocaleString('en')} events/s sustained, freshness p50 ${figures.freshness_p50_ms} ms, p99 ${figures.freshness_p99_ms} ms`,
  );
  console.log(JSON.stringify(figures));
} finally {
  await stack.stop();
}
