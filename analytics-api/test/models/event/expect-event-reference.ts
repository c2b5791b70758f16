// The step every random run of event analysis repeats: load the data set into a fresh app, run
// the query through the real API and require the reference implementation's series exactly.
import { expect } from 'vitest';
import { type RefEventQuery, referenceEventAnalysis } from '../reference/event.ts';
import type { Dataset } from '../support/dataset.ts';
import type { EngineStack } from '../support/engine-stack.ts';

interface SeriesAnswer {
  series: { key: string; group: (string | null)[] | null; values: (number | null)[]; total: number | null }[];
}

export async function expectEventReference(
  stack: EngineStack,
  data: Dataset,
  query: RefEventQuery,
): Promise<void> {
  const appId = await stack.load(data);
  const r = await stack.analyse<SeriesAnswer>('events', { appId, ...query });
  expect(r.series.map(({ key, group, values, total }) => ({ key, group, values, total }))).toEqual(
    referenceEventAnalysis(data, query),
  );
}
