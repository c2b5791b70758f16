// The result cache and the data version it is keyed by, through the real API on the chdb engine:
// a repeat is served from the cache until the data changes (an ID-Mapping merge, new events, a
// rewrite in place), and a background merge of parts does not throw it away. The cluster form of
// the version query is checked as SQL (no cluster runs here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataVersionSql } from '../../../src/models/common/data-version.ts';
import { type Dataset, ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { loadDataset } from '../support/load-dataset.ts';

interface EventResult {
  series: { total: number | null }[];
  meta: { cached: boolean; dataVersion: string };
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const none: Dataset['overrides'] = [];

describe('result cache', () => {
  it('serves a repeated query from the cache until new data arrives', async () => {
    const appId = await stack.load({
      events: [ev(1, 'view', '2026-03-02T04:00:00Z'), ev(101, 'view', '2026-03-02T05:00:00Z')],
      overrides: none,
      profiles: [],
    });
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      metrics: [
        { event: 'view', aggregation: 'count' },
        { event: 'view', aggregation: 'users' },
      ],
    };
    const totals = (r: EventResult) => r.series.map((s) => s.total);
    // A repeat carries the same data version and comes from the cache.
    const expectCachedRepeat = async (previous: EventResult, query: object = body): Promise<void> => {
      const next = await stack.analyse<EventResult>('events', query);
      expect([next.meta.cached, next.meta.dataVersion]).toEqual([true, previous.meta.dataVersion]);
      expect(next.series).toEqual(previous.series);
    };
    const first = await stack.analyse<EventResult>('events', body);
    expect(first.meta.cached).toBe(false);
    expect(totals(first)).toEqual([2, 2]);
    await expectCachedRepeat(first);
    // The data version is shared for up to 2 s between requests (data-version.ts); past that, an
    // ID-Mapping merge (device 101 is customer 1's) and then a new event each give a new answer.
    const afterVersionTtl = () => new Promise((resolve) => setTimeout(resolve, 2_100));
    await loadDataset(stack.api.clickhouse, { events: [], overrides: [[101, 1]], profiles: [] }, appId);
    await afterVersionTtl();
    const merged = await stack.analyse<EventResult>('events', body);
    expect([merged.meta.cached, totals(merged)]).toEqual([false, [2, 1]]);
    await loadDataset(
      stack.api.clickhouse,
      {
        events: [ev(2, 'view', '2026-03-02T06:00:00Z', { props: { plan: 'silver' } })],
        overrides: none,
        profiles: [],
      },
      appId,
    );
    await afterVersionTtl();
    const more = await stack.analyse<EventResult>('events', body);
    expect([more.meta.cached, totals(more)]).toEqual([false, [3, 2]]);
    await expectCachedRepeat(more);
    // A merge of the parts leaves the data as it was: the cached answer stays in use.
    await stack.api.clickhouse.command({ query: 'OPTIMIZE TABLE events FINAL' });
    await stack.api.clickhouse.command({ query: 'OPTIMIZE TABLE person_overrides FINAL' });
    await afterVersionTtl();
    await expectCachedRepeat(more);
    // A rewrite of the rows in place (ALTER ... UPDATE, as key rotation does) keeps the blocks and
    // the row count, yet changes the answer: it moves the version.
    const gold = { ...body, filters: [{ property: 'plan', op: 'eq', values: ['gold'] }] };
    const beforeUpdate = await stack.analyse<EventResult>('events', gold);
    expect(totals(beforeUpdate)).toEqual([0, 0]);
    await expectCachedRepeat(beforeUpdate, gold);
    await stack.api.clickhouse.command({
      query: `ALTER TABLE events UPDATE props = mapUpdate(props, map('plan', 'gold'))
              WHERE app_id = {app:String} AND person_id = 2`,
      query_params: { app: appId },
      clickhouse_settings: { mutations_sync: '2' },
    });
    await afterVersionTtl();
    const afterUpdate = await stack.analyse<EventResult>('events', gold);
    expect([afterUpdate.meta.cached, totals(afterUpdate)]).toEqual([false, [1, 1]]);
  });
});

describe('data version on a cluster', () => {
  // No cluster runs here (the edge mocked): the cluster form is checked as SQL the engine parses,
  // reading every replica's local event table, not the Distributed `events` (which has no parts).
  it('reads events_local on every replica and refuses a cluster name it would have to escape', async () => {
    const sql = dataVersionSql('tally');
    expect(sql).toContain("clusterAllReplicas('tally', system.parts)");
    expect(sql).toContain("clusterAllReplicas('tally', system.mutations)");
    expect(sql).toMatch(/IN \('events_local', 'person_overrides', 'profiles'\)/);
    const parsed = await stack.api.clickhouse.query({
      query: 'SELECT formatQuery({q:String}) AS f',
      query_params: { q: sql },
      format: 'JSONEachRow',
    });
    expect((await parsed.json<{ f: string }>())[0]!.f).toContain('hostName() AS host');
    expect(() => dataVersionSql("tally') --")).toThrow(/cluster name/);
  });
});
