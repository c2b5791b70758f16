// runModelOnEngine, the benchmark's way of timing our statements alone: it must answer exactly
// what the API answers for the same query (the schema's defaults applied, persons resolved
// through ID-Mapping), or the benchmark would compare a different analysis with the reference
// products' shapes. It refuses an unknown model and a query its schema rejects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModelOnEngine } from '../../../src/models/engine-run.ts';
import { ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

interface FunnelAnswer {
  steps: { users: number }[];
  meta?: unknown;
}

describe('runModelOnEngine', () => {
  it('answers a funnel as the API does, device merges and defaults included', async () => {
    // Device 101 is customer 1's (an override): its purchase completes customer 1's funnel.
    // Customer 2 buys 2 days after viewing, outside the default 1-day window.
    const appId = await stack.load({
      events: [
        ev(1, 'view', '2026-03-02T10:00:00Z'),
        ev(101, 'buy', '2026-03-02T12:00:00Z'),
        ev(2, 'view', '2026-03-02T10:00:00Z'),
        ev(2, 'buy', '2026-03-04T10:00:00Z'),
        ev(3, 'buy', '2026-03-02T10:00:00Z'),
      ],
      overrides: [[101, 1]],
      profiles: [],
    });
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-04',
      steps: [{ event: 'view' }, { event: 'buy' }],
    };
    const alone = (await runModelOnEngine(
      stack.api.clickhouse,
      stack.api.config.clickhouse,
      'funnel',
      body,
    )) as FunnelAnswer;
    expect(alone.steps.map((s) => s.users)).toEqual([2, 1]);
    const { meta: _meta, ...viaApi } = await stack.analyse<FunnelAnswer>('funnel', body);
    expect(JSON.parse(JSON.stringify(alone))).toEqual(viaApi);
  });
  it('names an unknown model and the field a query breaks', async () => {
    const base = { appId: 'app', from: '2026-03-02', to: '2026-03-04' };
    await expect(
      runModelOnEngine(stack.api.clickhouse, stack.api.config.clickhouse, 'funnels', base),
    ).rejects.toThrow('no analysis model "funnels"');
    await expect(
      runModelOnEngine(stack.api.clickhouse, stack.api.config.clickhouse, 'funnel', {
        ...base,
        steps: [{ event: 'view' }],
      } as never),
    ).rejects.toThrow(/funnel: invalid query at \/steps/);
  });
});
