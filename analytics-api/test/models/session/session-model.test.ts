// Session analysis through the real API on the real ClickHouse engine: hand-written scenarios for
// the documented edge cases (inactivity and midnight cuts, merged devices, bounce, entry / exit
// screens, counted events, session ids across midnight, timeout) and a property test against
// the reference implementation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../security/support/sessions.ts';
import { periodOf } from '../reference/common.ts';
import {
  type RefSessionQuery,
  referenceSession,
  referenceSessions,
  referenceSessionTop,
} from '../reference/session.ts';
import {
  arbBusyDayDataset,
  arbDataset,
  arbFilters,
  arbGroupBy,
  arbZone,
  RANGE,
} from '../support/arbitraries.ts';
import { type Dataset, ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { ids, keyOfGroup, type Persons } from '../support/person-lists.ts';

interface Stats {
  sessions: number;
  users: number;
  avgDurationSeconds: number | null;
  medianDurationSeconds: number | null;
  eventsPerSession: number | null;
  screensPerSession: number | null;
  bounces: number;
  bounceRate: number | null;
  countEventTotal: number;
  sessionsWithCountEvent: number;
  countEventPerSession: number | null;
}
interface Series {
  group: (string | null)[] | null;
  total: Stats;
  byPeriod: Stats[];
}
interface SessionResult {
  periods: string[];
  overall: Series;
  groups: Series[];
  entryScreens: { screen: string | null; sessions: number }[];
  exitScreens: { screen: string | null; sessions: number }[];
  meta: unknown;
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const screen = (person: number, time: string, name: string) =>
  ev(person, '$AppViewScreen', time, { props: { $screen_name: name } });

describe('session scenarios', () => {
  it('cuts sessions at 30 minutes of inactivity and at midnight in the zone, with merged devices, bounces and screens', async () => {
    const data: Dataset = {
      events: [
        // Customer 1 on 2026-03-02 (Shanghai 09:00-09:20, then 09:51 after a 31-minute gap).
        ev(1, '$AppStart', '2026-03-02T01:00:00Z'),
        screen(101, '2026-03-02T01:05:00Z', 'Home'), // customer 1's phone before login
        screen(1, '2026-03-02T01:10:00Z', 'Transfer'),
        ev(1, 'transfer', '2026-03-02T01:20:00Z'),
        screen(1, '2026-03-02T01:51:00Z', 'Home'),
        // Customer 2: 23:50 on the 2nd and 00:05 on the 3rd in Shanghai: 15 minutes, two days.
        screen(2, '2026-03-02T15:50:00Z', 'Home'),
        screen(2, '2026-03-02T16:05:00Z', 'Login'),
      ],
      overrides: [[101, 1]],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = { appId, from: '2026-03-02', to: '2026-03-03', countEvent: { event: 'transfer' } };
    const r = await stack.analyse<SessionResult>('session', body);
    expect(r.overall.total).toEqual({
      sessions: 4,
      users: 2,
      avgDurationSeconds: 300,
      medianDurationSeconds: 0,
      eventsPerSession: 1.75,
      screensPerSession: 1.25,
      bounces: 3,
      bounceRate: 0.75,
      countEventTotal: 1,
      sessionsWithCountEvent: 1,
      countEventPerSession: 0.25,
    });
    expect(r.overall.byPeriod.map((s) => [s.sessions, s.users])).toEqual([
      [3, 2],
      [1, 1],
    ]);
    expect(r.entryScreens).toEqual([
      { screen: 'Home', sessions: 3 },
      { screen: 'Login', sessions: 1 },
    ]);
    expect(r.exitScreens).toEqual([
      { screen: 'Home', sessions: 2 },
      { screen: 'Login', sessions: 1 },
      { screen: 'Transfer', sessions: 1 },
    ]);
    const top1 = await stack.analyse<SessionResult>('session', { ...body, screenLimit: 1 });
    expect(top1.entryScreens).toEqual([
      { screen: 'Home', sessions: 3 },
      { screen: '$others', sessions: 1 },
    ]);
  });

  it('takes the exact median of long sessions, and of sessions by id that run for weeks', async () => {
    const data: Dataset = {
      events: [
        // By inactivity: sessions of 10, 20 and 25 minutes.
        ev(1, 'view', '2026-03-02T01:00:00Z'),
        ev(1, 'view', '2026-03-02T01:10:00Z'),
        ev(2, 'view', '2026-03-02T02:00:00Z'),
        ev(2, 'view', '2026-03-02T02:20:00Z'),
        ev(3, 'view', '2026-03-02T03:00:00Z'),
        ev(3, 'view', '2026-03-02T03:25:00Z'),
        // By id: 51 and 52 days (more ms than 32 bits hold) and 5 minutes.
        ev(4, 'view', '2026-03-03T04:00:00Z', { sessionId: 'long' }),
        ev(4, 'view', '2026-04-23T04:00:00Z', { sessionId: 'long' }),
        ev(5, 'view', '2026-03-04T04:00:00Z', { sessionId: 'short' }),
        ev(5, 'view', '2026-03-04T04:05:00Z', { sessionId: 'short' }),
        ev(6, 'view', '2026-03-05T04:00:00Z', { sessionId: 'longer' }),
        ev(6, 'view', '2026-04-26T04:00:00Z', { sessionId: 'longer' }),
      ],
      overrides: [],
      profiles: [],
    };
    const body = { appId: await stack.load(data), from: '2026-03-02', granularity: 'total' };
    const byGap = await stack.analyse<SessionResult>('session', { ...body, to: '2026-03-02' });
    expect(byGap.overall.total).toMatchObject({
      sessions: 3,
      medianDurationSeconds: 1200,
      avgDurationSeconds: 1100,
    });
    const byId = await stack.analyse<SessionResult>('session', {
      ...body,
      to: '2026-04-30',
      sessionMode: 'session_id',
    });
    expect(byId.overall.total).toMatchObject({
      sessions: 3,
      medianDurationSeconds: 51 * 86_400,
      avgDurationSeconds: (51 * 86_400 + 52 * 86_400 + 300) / 3,
    });
  });

  it('keeps a session id across midnight, leaves out events without one, and honours a shorter timeout', async () => {
    const data: Dataset = {
      events: [
        ev(1, 'view', '2026-03-02T15:50:00Z', { sessionId: 'x' }), // 23:50 in Shanghai
        ev(1, 'view', '2026-03-02T15:55:00Z'), // no session id
        ev(1, 'view', '2026-03-02T16:10:00Z', { sessionId: 'x' }), // 00:10 the next day
        ev(2, 'view', '2026-03-02T02:00:00Z', { sessionId: 'y' }),
        ev(2, 'view', '2026-03-02T02:15:00Z', { sessionId: 'y' }),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = { appId, from: '2026-03-02', to: '2026-03-03', granularity: 'total' };
    const byId = await stack.analyse<SessionResult>('session', { ...body, sessionMode: 'session_id' });
    expect(byId.overall.total).toMatchObject({
      sessions: 2,
      users: 2,
      avgDurationSeconds: 1050,
      eventsPerSession: 2,
    });
    // By inactivity: customer 1's day ends at midnight (2 sessions), customer 2's 15 minutes are one.
    const byGap = await stack.analyse<SessionResult>('session', body);
    expect(byGap.overall.total).toMatchObject({ sessions: 3, eventsPerSession: 1.666667 });
    const short = await stack.analyse<SessionResult>('session', { ...body, sessionTimeoutMinutes: 10 });
    expect(short.overall.total.sessions).toBe(4);
  });

  it('cuts at midnight in a zone whose days change length inside the range (New York, DST on 2026-03-08)', async () => {
    const data: Dataset = {
      events: [
        // 23:50 on the 23-hour 8 March (EDT) and 00:05 on 9 March: 15 minutes, two days.
        ev(1, 'view', '2026-03-09T03:50:00Z'),
        ev(1, 'view', '2026-03-09T04:05:00Z'),
        // 23:50 and 23:59 on 7 March (EST): one session.
        ev(2, 'view', '2026-03-08T04:50:00Z'),
        ev(2, 'view', '2026-03-08T04:59:00Z'),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<SessionResult>('session', {
      appId,
      from: '2026-03-07',
      to: '2026-03-09',
      timeZone: 'America/New_York',
    });
    expect(r.periods).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(r.overall.byPeriod.map((s) => s.sessions)).toEqual([1, 1, 1]);
    expect(r.overall.total).toMatchObject({ sessions: 3, users: 2, avgDurationSeconds: 180 });
  });

  it('orders events of one instant non-screen first, then by screen name, then not counted first, then by group', async () => {
    const at = (hhmm: string) => `2026-03-02T${hhmm}:00Z`;
    const data: Dataset = {
      events: [
        // Customer 1: two screens at 09:00 Shanghai, inserted out of name order; two at 09:10.
        screen(1, at('01:00'), 'Transfer'),
        screen(1, at('01:00'), 'Home'),
        ev(1, 'transfer', at('01:05')),
        screen(1, at('01:10'), 'Login'),
        screen(1, at('01:10'), 'Account'),
        // Customer 2: a screen view and a click at one instant: the click comes first.
        ev(2, '$AppViewScreen', at('02:00'), { props: { $screen_name: 'Home', plan: 'b' } }),
        ev(2, 'click', at('02:00'), { props: { plan: 'a' } }),
        // Customer 3: a counted transfer after the clicks of the same instant; clicks by plan.
        ev(3, 'transfer', at('03:00'), { props: { plan: 'a' } }),
        ev(3, 'click', at('03:00'), { props: { plan: 'c' } }),
        ev(3, 'click', at('03:00'), { props: { plan: 'b' } }),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<SessionResult>('session', {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      granularity: 'total',
      countEvent: { event: 'transfer' },
      groupBy: [{ property: 'plan' }],
    });
    // Entry of customer 1: Home (before Transfer); exit: Login (after Account).
    expect(r.entryScreens).toEqual([{ screen: 'Home', sessions: 2 }]);
    expect(r.exitScreens).toEqual([
      { screen: 'Home', sessions: 1 },
      { screen: 'Login', sessions: 1 },
    ]);
    // Groups from the first events: customer 1's Home view (no plan), customer 2's click (a),
    // customer 3's click with plan b (uncounted before counted, then b before c).
    expect(r.groups.map((g) => [g.group, g.total.sessions, g.total.eventsPerSession])).toEqual([
      [[null], 1, 5],
      [['a'], 1, 2],
      [['b'], 1, 3],
    ]);
    // One bounce: customer 2's session with one screen view. Customer 3's session has none (no
    // screen landed on, not a bounce); customer 1's has four.
    expect(r.overall.total).toMatchObject({
      sessions: 3,
      bounces: 1,
      countEventTotal: 2,
      sessionsWithCountEvent: 2,
    });
  });

  it('groups sessions by the value on their first event and restricts a bank analyst to their bank', async () => {
    const data: Dataset = {
      events: [
        ev(1, 'view', '2026-03-02T02:00:00Z', { props: { plan: 'a' } }),
        ev(1, 'view', '2026-03-02T02:10:00Z', { props: { plan: 'b' } }), // same session: stays "a"
        ev(2, 'view', '2026-03-02T02:00:00Z', { props: { plan: 'b' } }),
        ev(3, 'view', '2026-03-02T02:00:00Z', { props: { plan: 'b' }, bankCode: 'B002' }),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      granularity: 'total',
      groupBy: [{ property: 'plan' }],
    };
    const all = await stack.analyse<SessionResult>('session', body);
    expect(all.groups.map((g) => [g.group, g.total.sessions, g.total.eventsPerSession])).toEqual([
      [['b'], 2, 1],
      [['a'], 1, 2],
    ]);
    const bank = await stack.analyse<SessionResult>('session', body, stack.bank);
    expect(bank.groups.map((g) => [g.group, g.total.sessions])).toEqual([
      [['a'], 1],
      [['b'], 1],
    ]);
    // The customers behind a group's sessions, within the caller's scope; a list is an export.
    const listed = (group: string[], caller = stack.union) =>
      stack.analyse<Persons>('session/persons', { ...body, group }, caller);
    expect(ids(await listed(['b']))).toEqual(['2', '3']);
    expect(ids(await listed(['b'], stack.bank))).toEqual(['2']);
    expect(ids(await listed(['a']))).toEqual(['1']);
    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    expect((await stack.post('session/persons', body, viewer)).statusCode).toBe(403);
  });
});

describe('session: included events and the counted event', () => {
  it('lets the counted event join the sessions only where its filters count it', async () => {
    // Customer 1 opens at 10:00 and 10:50 with a small transfer at 10:25 in between; customer 2
    // opens at 11:00 and makes a large transfer at 11:20. Sessions of opens plus counted large
    // transfers: the small transfer is neither included nor counted, so customer 1's opens are 50
    // minutes apart, two sessions; customer 2's large transfer is counted in their one session.
    const at = (hhmm: string) => `2026-03-02T${hhmm}:00Z`;
    const appId = await stack.load({
      events: [
        ev(1, 'open', at('10:00')),
        ev(1, 'transfer', at('10:25'), { numProps: { amount: 5 } }),
        ev(1, 'open', at('10:50')),
        ev(2, 'open', at('11:00')),
        ev(2, 'transfer', at('11:20'), { numProps: { amount: 500 } }),
      ],
      overrides: [],
      profiles: [],
    });
    const r = await stack.analyse<SessionResult>('session', {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      timeZone: 'UTC',
      granularity: 'total',
      includeEvents: ['open'],
      countEvent: { event: 'transfer', filters: [{ property: 'amount', op: 'gt', values: [100] }] },
    });
    expect(r.overall.total).toMatchObject({
      sessions: 3,
      users: 2,
      countEventTotal: 1,
      sessionsWithCountEvent: 1,
    });
    expect(r.overall.total.eventsPerSession).toBeCloseTo(4 / 3, 5); // (1 + 1 + 2) / 3
  });
});

describe('session equals the reference', () => {
  const equalsReference = (datasets: fc.Arbitrary<Dataset>, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(
        datasets,
        arbZone,
        arbFilters,
        arbGroupBy,
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'month' as const, 'total' as const),
        fc.constantFrom('inactivity' as const, 'session_id' as const),
        fc.constantFrom(30, 60, 240),
        fc.option(fc.constant(['click', 'login']), { nil: undefined }),
        fc.option(fc.constantFrom('buy', '$any'), { nil: undefined }),
        // The counted event's own filters: with includeEvents, they decide which of its events
        // join the sessions at all.
        fc.option(
          fc.constantFrom(
            [{ property: 'amount', op: 'gt', values: [50] }],
            [{ property: 'plan', op: 'eq', values: ['a'] }],
          ),
          {
            nil: undefined,
          },
        ),
        fc.integer({ min: 1, max: 3 }),
        async (
          data,
          timeZone,
          filters,
          groupBy,
          granularity,
          sessionMode,
          timeout,
          includeEvents,
          count,
          countFilters,
          screenLimit,
        ) => {
          const appId = await stack.load(data);
          const query: RefSessionQuery = {
            ...RANGE,
            timeZone,
            granularity,
            filters,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            sessionMode,
            sessionTimeoutMinutes: timeout,
            ...(includeEvents ? { includeEvents } : {}),
            screens: [{ event: 'view', property: 'plan' }],
            ...(count
              ? { countEvent: { event: count, ...(countFilters ? { filters: countFilters } : {}) } }
              : {}),
            screenLimit,
          };
          const { meta: _, ...r } = await stack.analyse<SessionResult>('session', { appId, ...query });
          expect(r).toEqual(referenceSession(data, query));
        },
      ),
      { numRuns },
    );
  it('on random data, modes, timeouts, screens, counted events, filters, group-by and zones', async () => {
    await equalsReference(arbDataset, 40);
  }, 240_000);
  it('on busy customers, with gaps of exactly the timeout', async () => {
    // Gaps of exactly the timeout, where a session must go on.
    await equalsReference(arbBusyDayDataset, 25);
  }, 240_000);
});

describe('session lists equal the reference', () => {
  // The total and some periods of the overall series and of each group: the customers listed are
  // the persons of the reference's sessions there, as many as the result's users.
  it('on random data, modes, group-by and zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbGroupBy,
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'month' as const),
        fc.constantFrom('inactivity' as const, 'session_id' as const),
        async (data, timeZone, groupBy, granularity, sessionMode) => {
          const appId = await stack.load(data);
          const query: RefSessionQuery = {
            ...RANGE,
            timeZone,
            granularity,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            sessionMode,
            screens: [{ event: 'view', property: 'plan' }],
          };
          const r = await stack.analyse<SessionResult>('session', { appId, ...query });
          const sessions = referenceSessions(data, query);
          const top = referenceSessionTop(query, sessions);
          for (const series of [r.overall, ...r.groups]) {
            const key = series.group ? keyOfGroup(series.group) : undefined;
            const mine = sessions.filter(
              (x) => key === undefined || (key === '$others' ? !top.includes(x.key) : x.key === key),
            );
            const points = [
              { period: undefined, users: series.total.users },
              ...r.periods
                .map((period, j) => ({ period, users: series.byPeriod[j]!.users }))
                .filter((p) => p.users > 0)
                .slice(0, 2),
            ];
            for (const { period, users } of points) {
              const expected = [
                ...new Set(
                  mine
                    .filter(
                      (x) => period === undefined || periodOf(x.start, granularity, timeZone) === period,
                    )
                    .map((x) => x.person),
                ),
              ]
                .sort((a, b) => a - b)
                .map(String);
              const listed = await stack.analyse<Persons>('session/persons', {
                appId,
                ...query,
                ...(period ? { period } : {}),
                ...(series.group ? { group: series.group } : {}),
                limit: 1000,
              });
              expect(ids(listed)).toEqual(expected);
              expect(listed.total).toBe(users);
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 240_000);
});
