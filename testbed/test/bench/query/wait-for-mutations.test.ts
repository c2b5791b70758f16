// The query bench's wait for pending mutations, on the real chdb engine: it returns only once a
// slow mutation has finished (reporting it while it runs), and a mutation that fails is an error
// naming it instead of an endless wait.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForMutations } from '../../../src/bench/query/wait-for-mutations.ts';
import { type ScratchEngine, startScratchEngine } from '../../support/scratch-engine.ts';

describe('waitForMutations', () => {
  let engine: ScratchEngine;
  let client: ClickHouseClient;
  const pendingCount = async () => {
    const rows = await (
      await client.query({
        query: 'SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND NOT is_done',
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    return Number(rows[0]!.n);
  };

  beforeAll(async () => {
    engine = await startScratchEngine('bench_mutations');
    client = engine.client;
    await client.command({ query: 'CREATE TABLE t (k UInt32, x UInt32) ENGINE = MergeTree ORDER BY k' });
    await client.command({ query: 'INSERT INTO t SELECT number, number FROM numbers(4)' });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('returns only after a running mutation has finished, and says what it waits for', async () => {
    // Asynchronous on purpose (the engine's default waits): 4 rows x 0.5 s keep it running ~2 s.
    await client.command({
      query: 'ALTER TABLE t UPDATE x = x + 10 + sleepEachRow(0.5) WHERE 1',
      clickhouse_settings: { mutations_sync: '0' },
    });
    expect(await pendingCount()).toBe(1);
    const said: string[] = [];
    await waitForMutations(client, (line) => said.push(line), 100);
    expect(await pendingCount()).toBe(0);
    expect(said.length).toBeGreaterThanOrEqual(1);
    expect(said[0]).toMatch(/^waiting for t: UPDATE x = .*sleepEachRow\(0\.5\) WHERE 1 \(1 parts to do\)$/);
    const rows = await (
      await client.query({ query: 'SELECT sum(x) AS s FROM t', format: 'JSONEachRow' })
    ).json<{
      s: string;
    }>();
    expect(Number(rows[0]!.s)).toBe(0 + 1 + 2 + 3 + 40);
  });

  it('fails with the mutation and its reason when a mutation has failed, instead of waiting forever', async () => {
    await client.command({
      query: "ALTER TABLE t UPDATE x = throwIf(k = 1, 'stuck on purpose') WHERE 1",
      clickhouse_settings: { mutations_sync: '0' },
    });
    // The engine records the failure on its first attempt.
    for (let i = 0; i < 100; i++) {
      const rows = await (
        await client.query({
          query:
            "SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND latest_fail_reason != ''",
          format: 'JSONEachRow',
        })
      ).json<{ n: string }>();
      if (Number(rows[0]!.n) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await expect(waitForMutations(client, () => undefined, 100)).rejects.toThrow(
      /mutation on t failed: UPDATE x = throwIf\(k = 1, 'stuck on purpose'\) WHERE 1: .*stuck on purpose.*KILL MUTATION/,
    );
    await client.command({ query: 'KILL MUTATION WHERE database = currentDatabase()' });
    await waitForMutations(client, () => undefined, 100);
    expect(await pendingCount()).toBe(0);
  });
});
