// Shared by the pipeline guarantee tests: deterministic demo events, a counting query, and a
// wait-until helper. The events come from the demo generator, so every uuid is known up front and
// "exactly N stored" is checked against the generator, not against the pipeline's own output.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { generateDemoData, type PostSummary, postBatches, type WireEvent } from '@tally/testbed/demo-data';
import type { EmbeddedStack } from '@tally/testbed/stack';

export function demoEvents(count: number, seed: number): WireEvent[][] {
  const events: WireEvent[] = [];
  const data = generateDemoData({ events: count * 3, days: 3, seed, endTime: Date.UTC(2026, 10, 20) });
  for (const batch of data.batches()) {
    for (const e of batch) if (e.type === 'track' && events.length < count) events.push(e);
    if (events.length >= count) break;
  }
  if (events.length < count) throw new Error(`demo generator produced ${events.length} of ${count} events`);
  const batches: WireEvent[][] = [];
  for (let i = 0; i < events.length; i += 200) batches.push(events.slice(i, i + 200));
  return batches;
}

export async function storedCounts(
  clickhouse: ClickHouseClient,
  appId: string,
): Promise<{ rows: number; distinct: number }> {
  const result = await clickhouse.query({
    query: 'SELECT count() AS rows, uniqExact(uuid) AS distinct FROM events WHERE app_id = {app:String}',
    query_params: { app: appId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ rows: string | number; distinct: string | number }>();
  return { rows: Number(row?.rows ?? 0), distinct: Number(row?.distinct ?? 0) };
}

export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Sends batches through the collector like a retrying SDK, and once `crashAfter` events are
 * acknowledged runs `crash` (kill a process with SIGKILL and restart it) while sending goes on.
 */
export async function sendWithCrash(
  stack: EmbeddedStack,
  batches: WireEvent[][],
  crashAfter: number,
  crash: () => Promise<void>,
): Promise<PostSummary & { crashed: boolean }> {
  let crashed = false;
  const summary = await postBatches(batches, {
    collectorUrl: stack.collectorUrl,
    writeKey: stack.writeKey,
    batchSize: 200,
    concurrency: 4,
    onProgress: (accepted) => {
      if (!crashed && accepted >= crashAfter) {
        crashed = true;
        void crash();
      }
    },
  });
  return { ...summary, crashed };
}
