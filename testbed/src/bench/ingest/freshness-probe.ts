// Measures receive-to-queryable latency: a sample of sent batches is remembered with the time
// its request started, and a poller asks ClickHouse every 100 ms which of their first uuids are
// visible yet. The poll interval bounds the resolution (figures are up to 100 ms pessimistic).
import type { ClickHouseClient } from '@tally/infra/clickhouse';

export function freshnessProbe(clickhouse: ClickHouseClient) {
  const waiting = new Map<string, number>();
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running || waiting.size > 0) {
      await new Promise((r) => setTimeout(r, 100));
      if (waiting.size === 0) continue;
      const ids = [...waiting.keys()].slice(0, 2000);
      const result = await clickhouse.query({
        query: 'SELECT toString(uuid) AS id FROM events WHERE uuid IN {ids:Array(UUID)}',
        query_params: { ids },
        format: 'JSONEachRow',
      });
      const now = Date.now();
      for (const { id } of await result.json<{ id: string }>()) {
        const sentAt = waiting.get(id);
        if (sentAt !== undefined) {
          latencies.push(now - sentAt);
          waiting.delete(id);
        }
      }
    }
  })();
  return {
    track(uuid: string, sentAt: number) {
      waiting.set(uuid, sentAt);
    },
    async finish(): Promise<number[]> {
      running = false;
      await loop;
      return latencies.sort((a, b) => a - b);
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
