// Person resolution through the overrides dictionary (ClickHouse migration 0006) on the real
// engine: a device's events count for its customer whether its override was loaded into the
// dictionary or written after the load (recomputed from the table by every query), later
// versions, unbinds and losing re-attributions written after the load are honoured, events with
// a login id skip the lookup, and data the dictionary cannot hold (one old person id in two apps)
// falls back to the join with the same answers. The property runs compare event analysis and
// funnels with the reference on random data (filters and groups on user properties too), each
// with its overrides split around a load; the keeper test checks the reload.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../src/config.ts';
import {
  keepOverridesDictionaryFresh,
  type PersonResolution,
  personResolution,
  refreshOverridesDictionary,
} from '../../src/identity/overrides-dictionary.ts';
import { OVERRIDES_DICTIONARY, OVERRIDES_DICTIONARY_LOADED } from '../../src/identity/resolved-person-sql.ts';
import { referenceEventAnalysis } from '../models/reference/event.ts';
import { type RefStep, referenceFunnel } from '../models/reference/funnel.ts';
import { arbDataset, arbFilters, arbGroupBy, RANGE } from '../models/support/arbitraries.ts';
import { type Dataset, ev } from '../models/support/dataset.ts';
import { type EngineStack, startEngineStack } from '../models/support/engine-stack.ts';
import { loadDataset } from '../models/support/load-dataset.ts';
import type { Persons } from '../models/support/person-lists.ts';

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

interface OverrideRow {
  readonly old: number;
  readonly next: number;
  readonly version: number;
  readonly deleted?: boolean;
}

async function insertOverrideRows(appId: string, rows: readonly OverrideRow[]): Promise<void> {
  if (rows.length === 0) return;
  await stack.api.clickhouse.insert({
    table: 'person_overrides',
    format: 'JSONEachRow',
    values: rows.map((r) => ({
      app_id: appId,
      old_person_id: r.old,
      new_person_id: r.next,
      version: r.version,
      is_deleted: r.deleted ? 1 : 0,
    })),
  });
}

/**
 * Loads `data` without its overrides as the only app with overrides (person ids are unique across
 * apps in production; the small test ids are not), writes `before`, loads the dictionary, writes
 * `after`; returns the app and the resolution the next analysis will use.
 */
async function loadAround(
  data: Dataset,
  before: readonly OverrideRow[],
  after: readonly OverrideRow[],
): Promise<{ appId: string; resolution: PersonResolution }> {
  await stack.api.clickhouse.command({ query: 'TRUNCATE TABLE person_overrides' });
  const appId = await stack.load({ ...data, overrides: [] });
  await insertOverrideRows(appId, before);
  // Reloaded even with nothing before it (the keeper's check would skip an empty table): the
  // load is the point between `before` and `after`.
  await stack.api.clickhouse.command({ query: `SYSTEM RELOAD DICTIONARY ${OVERRIDES_DICTIONARY}` });
  await insertOverrideRows(appId, after);
  return { appId, resolution: await personResolution(stack.api.clickhouse, appId) };
}

/** Override rows the dictionary's load has not seen (0 right after a reload). */
async function overridesNewerThanLoad(): Promise<number> {
  const rows = await stack.api.clickhouse.query({
    query: `SELECT count() AS n FROM person_overrides WHERE _block_number >= ${OVERRIDES_DICTIONARY_LOADED}`,
    format: 'JSONEachRow',
  });
  return Number((await rows.json<{ n: string }>())[0]?.n);
}

const usersOfView = (appId: string) => ({
  appId,
  from: '2026-03-02',
  to: '2026-03-02',
  metrics: [{ event: 'view', aggregation: 'users' }],
});

describe('person resolution through the overrides dictionary', () => {
  // Customers 1-3 log in (their events carry the login id); devices 101-105 are anonymous.
  const data: Dataset = {
    events: [
      ...[1, 2, 3].map((p) => ev(p, 'view', '2026-03-02T02:00:00Z', { loginId: `C00${p}` })),
      ...[101, 102, 103, 104, 105].map((p) => ev(p, 'view', '2026-03-02T03:00:00Z')),
      ev(105, 'tie', '2026-03-02T04:00:00Z'),
    ],
    overrides: [],
    profiles: [],
  };
  const loaded: OverrideRow[] = [
    { old: 101, next: 1, version: 10 },
    { old: 102, next: 2, version: 10 },
    { old: 105, next: 3, version: 10 },
  ];
  const written: OverrideRow[] = [
    { old: 103, next: 3, version: 10 }, // a new attribution
    { old: 102, next: 2, version: 20, deleted: true }, // an unbind: 102 is anonymous again
    { old: 101, next: 2, version: 5 }, // a later login on 101 loses to the earlier one
    { old: 104, next: 1, version: 10 },
    { old: 104, next: 3, version: 30 }, // a late-arriving earlier login takes 104 over
    { old: 105, next: 1, version: 10 }, // the same login time: the later row wins, as in FINAL
  ];
  // 1 (+101, +105), 2, 3 (+103, +104), 102.
  const expected = ['1', '102', '2', '3'];
  const tie = async (appId: string) =>
    (
      await stack.analyse<Persons>('events/persons', {
        ...usersOfView(appId),
        metrics: [{ event: 'tie', aggregation: 'users' }],
        metric: 'A',
      })
    ).persons.map((p) => p.personId);

  it('resolves overrides loaded into the dictionary and those written after the load', async () => {
    const { appId, resolution } = await loadAround(data, loaded, written);
    expect(resolution).toBe('dictionary');
    const r = await stack.analyse<{ series: { total: number }[] }>('events', usersOfView(appId));
    expect(r.series[0]?.total).toBe(4);
    const listed = await stack.analyse<Persons>('events/persons', { ...usersOfView(appId), metric: 'A' });
    expect(listed.persons.map((p) => p.personId).sort()).toEqual(expected);
    expect(await tie(appId)).toEqual(['1']);
  });

  it('gives the same persons once the written overrides are loaded too', async () => {
    const { appId } = await loadAround(data, loaded, written);
    expect(await refreshOverridesDictionary(stack.api.clickhouse)).toBe(true);
    expect(await personResolution(stack.api.clickhouse, appId)).toBe('dictionary');
    // Nothing newer than the load: the keeper leaves it alone.
    expect(await refreshOverridesDictionary(stack.api.clickhouse)).toBe(false);
    const listed = await stack.analyse<Persons>('events/persons', { ...usersOfView(appId), metric: 'A' });
    expect(listed.persons.map((p) => p.personId).sort()).toEqual(expected);
  });

  it('never looks up an event that carries a login id', async () => {
    // Hand-made data breaking rule 4 (an override of a logged-in person): the logged-in event
    // stays with its customer, the anonymous one follows the override.
    const { appId, resolution } = await loadAround(
      {
        events: [
          ev(7, 'view', '2026-03-02T02:00:00Z', { loginId: 'C007' }),
          ev(7, 'view', '2026-03-02T03:00:00Z'),
        ],
        overrides: [],
        profiles: [],
      },
      [{ old: 7, next: 8, version: 1 }],
      [],
    );
    expect(resolution).toBe('dictionary');
    const listed = await stack.analyse<Persons>('events/persons', { ...usersOfView(appId), metric: 'A' });
    expect(listed.persons.map((p) => p.personId).sort()).toEqual(['7', '8']);
  });

  it("never takes another app's entry for an id the app also uses", async () => {
    // Hand-made ids repeat across apps (production ids never do): app A's device 101 -> 1 is in
    // the dictionary; in app B, 101 is an anonymous device of its own.
    await loadAround(data, loaded, written);
    const other = await stack.load({
      events: [ev(101, 'view', '2026-03-02T03:00:00Z')],
      overrides: [],
      profiles: [],
    });
    expect(await personResolution(stack.api.clickhouse, other)).toBe('dictionary');
    const listed = await stack.analyse<Persons>('events/persons', { ...usersOfView(other), metric: 'A' });
    expect(listed.persons.map((p) => p.personId)).toEqual(['101']);
  });

  it('joins for the apps whose 24-bit tag another app holds, and answers the same', async () => {
    // cityHash64 of these two names share their top 24 bits (found by search): with overrides in
    // both, the tag is marked shared and both apps join; an app without overrides whose tag an
    // app with overrides holds joins too.
    await stack.api.clickhouse.command({ query: 'TRUNCATE TABLE person_overrides' });
    const twins = ['tagapp_425', 'tagapp_136999'];
    for (const [i, app] of twins.entries()) {
      const events = [ev(201, 'view', '2026-03-02T03:00:00Z')];
      await loadDataset(
        stack.api.clickhouse,
        { events, overrides: i === 0 ? [[201, 2]] : [], profiles: [] },
        app,
      );
    }
    await refreshOverridesDictionary(stack.api.clickhouse);
    expect(await personResolution(stack.api.clickhouse, twins[0]!)).toBe('dictionary');
    expect(await personResolution(stack.api.clickhouse, twins[1]!)).toBe('join');
    await insertOverrideRows(twins[1]!, [{ old: 202, next: 3, version: 1 }]);
    await refreshOverridesDictionary(stack.api.clickhouse);
    expect(await personResolution(stack.api.clickhouse, twins[0]!)).toBe('join');
    // Same answers on the join: app 0's device 201 is customer 2, app 1's stays itself.
    for (const [i, app] of twins.entries()) {
      const listed = await stack.analyse<Persons>('events/persons', { ...usersOfView(app), metric: 'A' });
      expect(listed.persons.map((p) => p.personId)).toEqual([i === 0 ? '2' : '201']);
    }
  });

  it('is reloaded by the keeper once overrides newer than its load exist', async () => {
    await loadAround(data, loaded, written);
    expect(await overridesNewerThanLoad()).toBeGreaterThan(0);
    const warnings: object[] = [];
    const stop = keepOverridesDictionaryFresh(stack.api.clickhouse, { warn: (d) => warnings.push(d) }, 50);
    try {
      const deadline = Date.now() + 10_000;
      while ((await overridesNewerThanLoad()) > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      stop();
    }
    expect(await overridesNewerThanLoad()).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('is kept by the API itself when CLICKHOUSE_OVERRIDES_RELOAD_S is set (tests run with it off)', async () => {
    await loadAround(data, loaded, written);
    expect(await overridesNewerThanLoad()).toBeGreaterThan(0);
    const env = { TALLY_SECRET_KEY: randomBytes(32).toString('base64') };
    expect(loadApiConfig(env).clickhouse.overridesReloadS).toBe(10);
    expect(loadApiConfig({ ...env, CLICKHOUSE_OVERRIDES_RELOAD_S: '0' }).clickhouse.overridesReloadS).toBe(0);
    expect(() => loadApiConfig({ ...env, CLICKHOUSE_OVERRIDES_RELOAD_S: '-1' })).toThrow(
      /CLICKHOUSE_OVERRIDES_RELOAD_S/,
    );
    const config = stack.api.config;
    const keeping = await stack.api.buildAnother({
      clickhouse: { ...config.clickhouse, overridesReloadS: 1 },
    });
    try {
      const deadline = Date.now() + 10_000;
      while ((await overridesNewerThanLoad()) > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
    } finally {
      await keeping.close();
    }
    expect(await overridesNewerThanLoad()).toBe(0);
  });

  it('serves apps while no override exists yet, and refuses an override of person 0', async () => {
    const { appId, resolution } = await loadAround(data, [], []);
    expect(resolution).toBe('dictionary');
    const listed = await stack.analyse<Persons>('events/persons', { ...usersOfView(appId), metric: 'A' });
    expect(listed.persons.map((p) => p.personId).sort()).toEqual([
      '1',
      '101',
      '102',
      '103',
      '104',
      '105',
      '2',
      '3',
    ]);
    const zero = await loadAround(data, [{ old: 0, next: 1, version: 1 }], []);
    expect(zero.resolution).toBe('join');
  });

  it('falls back to the join, with the same answers, when one old person id is in two apps', async () => {
    const { appId } = await loadAround(data, loaded, written);
    await insertOverrideRows(`${appId}_other`, [{ old: 101, next: 9, version: 1 }]);
    await refreshOverridesDictionary(stack.api.clickhouse);
    expect(await personResolution(stack.api.clickhouse, appId)).toBe('join');
    const listed = await stack.analyse<Persons>('events/persons', { ...usersOfView(appId), metric: 'A' });
    expect(listed.persons.map((p) => p.personId).sort()).toEqual(expected);
    expect(await tie(appId)).toEqual(['1']);
  });
});

/** Splits a dataset's overrides around the load; after it, noise that must not change them. */
const arbSplit = (data: Dataset) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: data.overrides.length, maxLength: data.overrides.length }),
      fc.boolean(),
    )
    .map(([afterLoad, noise]) => {
      const rows = data.overrides.map(([old, next]) => ({ old, next, version: 10 }));
      const before = rows.filter((_, i) => !afterLoad[i]);
      const after = rows.filter((_, i) => afterLoad[i]);
      // A losing re-attribution (lower version) and an unbind undone by a later version.
      const extra: OverrideRow[] = noise
        ? rows.flatMap((r) => [
            { old: r.old, next: r.next === 1 ? 2 : 1, version: 1 },
            { old: r.old, next: r.next, version: 15, deleted: true },
            { old: r.old, next: r.next, version: 20 },
          ])
        : [];
      return { before, after: [...after, ...extra] };
    });

/** Customers' events carry their login id, as the ingestion writes them; devices' do not. */
const withLogins = (data: Dataset): Dataset => {
  const devices = new Set(data.overrides.map(([old]) => old));
  return {
    ...data,
    events: data.events.map((e) =>
      devices.has(e.personId) || e.personId > 100 ? e : { ...e, loginId: `C${e.personId}` },
    ),
  };
};

describe('analyses through the dictionary equal the reference', () => {
  it('event analysis, with overrides written before and after the load', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset.map(withLogins).chain((data) => fc.tuple(fc.constant(data), arbSplit(data))),
        arbFilters,
        arbGroupBy,
        async ([data, { before, after }], filters, groupBy) => {
          const { appId, resolution } = await loadAround(data, before, after);
          expect(resolution).toBe('dictionary');
          // Group-by and filters may read the profile, joined on the resolved person.
          const query = {
            ...RANGE,
            timeZone: 'Asia/Shanghai',
            granularity: 'day' as const,
            filters,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            metrics: [
              { event: 'view', aggregation: 'users' as const },
              { event: 'buy', aggregation: 'per_user' as const },
            ],
          };
          const r = await stack.analyse<{ series: object[] }>('events', { appId, ...query });
          const got = (r.series as { key: string; group: unknown; values: unknown; total: unknown }[]).map(
            ({ key, group, values, total }) => ({ key, group, values, total }),
          );
          expect(got).toEqual(referenceEventAnalysis(data, query));
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);

  it('funnels, with overrides written before and after the load', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset.map(withLogins).chain((data) => fc.tuple(fc.constant(data), arbSplit(data))),
        async ([data, { before, after }]) => {
          const { appId, resolution } = await loadAround(data, before, after);
          expect(resolution).toBe('dictionary');
          const query = {
            ...RANGE,
            timeZone: 'Asia/Shanghai',
            granularity: 'day' as const,
            order: 'loose' as const,
            steps: [{ event: 'view' }, { event: 'buy' }],
            windowMinutes: 1440 * 3,
          };
          const r = await stack.analyse<{
            steps: Pick<RefStep, 'users' | 'medianSecondsFromPrevious' | 'avgSecondsFromPrevious'>[];
            trend: { period: string; entered: number; converted: number }[];
          }>('funnel', { appId, ...query });
          const expected = referenceFunnel(data, query);
          expect(
            r.steps.map(({ users, medianSecondsFromPrevious, avgSecondsFromPrevious }) => ({
              users,
              medianSecondsFromPrevious,
              avgSecondsFromPrevious,
            })),
          ).toEqual(expected.steps);
          expect(r.trend.map(({ period, entered, converted }) => ({ period, entered, converted }))).toEqual(
            expected.trend,
          );
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);
});
