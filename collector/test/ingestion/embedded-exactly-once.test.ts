// The embedded pipeline's guarantees, end to end over HTTP against the real collector process,
// real MariaDB and the real chdb-backed ClickHouse server: a retried batch counts once; a
// collector killed with SIGKILL mid-stream loses nothing acknowledged and doubles nothing; a
// ClickHouse outage of 30 s turns into retryable 503s, never into silent loss.

import { postBatches } from '@tally/testbed/demo-data';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEvents, sendWithCrash, storedCounts } from './support.ts';

describe('embedded pipeline: exactly once', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startEmbeddedStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('stores a batch sent twice (a client retry after a lost ack) once', async () => {
    const [batch] = demoEvents(150, 11);
    const send = () =>
      fetch(`${stack.collectorUrl}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
        body: JSON.stringify({ sent_at: Date.now(), events: batch }),
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const counts = await storedCounts(stack.clickhouse, stack.appId);
    expect(counts).toEqual({ rows: 150, distinct: 150 });
  });

  it('loses and doubles nothing when the collector is killed with SIGKILL mid-stream', async () => {
    const before = await storedCounts(stack.clickhouse, stack.appId);
    const batches = demoEvents(20_000, 12);
    const summary = await sendWithCrash(stack, batches, 6_000, () =>
      stack
        .collector()
        .kill('SIGKILL')
        .then(() => stack.restartCollector()),
    );
    expect(summary.crashed).toBe(true);
    expect(summary.retries).toBeGreaterThan(0);
    const after = await storedCounts(stack.clickhouse, stack.appId);
    expect(after.rows - before.rows).toBe(20_000);
    expect(after.distinct - before.distinct).toBe(20_000);
  });

  it('answers 503 while ClickHouse is unreachable for 30 s, and stores everything once afterwards', async () => {
    const before = await storedCounts(stack.clickhouse, stack.appId);
    const batches = demoEvents(6_000, 13);
    await stack.stopClickHouse();
    const during = await fetch(`${stack.collectorUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
      body: JSON.stringify({ sent_at: Date.now(), events: batches[0] }),
    });
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).not.toBeNull();
    const outage = new Promise<void>((resolve) => setTimeout(resolve, 30_000)).then(() =>
      stack.startClickHouse(),
    );
    const summary = await postBatches(batches, {
      collectorUrl: stack.collectorUrl,
      writeKey: stack.writeKey,
      batchSize: 200,
      concurrency: 2,
    });
    await outage;
    expect(summary.retries).toBeGreaterThan(0);
    const after = await storedCounts(stack.clickhouse, stack.appId);
    expect(after.rows - before.rows).toBe(6_000);
    expect(after.distinct - before.distinct).toBe(6_000);
  }, 180_000);
});
