// What a model's SQL reads, from the engine's own plan: the tables (or projections) of every
// ReadFromMergeTree step of EXPLAIN, in plan order, so a test can require a plan to read a
// projection instead of the events.
import type { EngineStack } from './engine-stack.ts';

export async function planReads(
  stack: EngineStack,
  sql: string,
  params: Record<string, unknown>,
): Promise<string[]> {
  const explained = await stack.api.clickhouse.query({
    query: `EXPLAIN ${sql}`,
    query_params: params,
    format: 'TabSeparatedRaw',
  });
  return [...(await explained.text()).matchAll(/ReadFromMergeTree \(([^)]+)\)/g)].map((m) => m[1] ?? '');
}
