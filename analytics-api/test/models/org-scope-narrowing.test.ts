// Narrowing with `orgCode` inside the caller's own subtree really restricts what a model counts.
// One hand-written data set holds customers of two branches of bank B001 (plus one B001 customer
// with no branch), of bank B002, of bank B003 and of no known bank. Union, prefecture (P01) and
// bank (B001) staff run event analysis, funnel, retention, attribution, LTV, session and online
// now without `orgCode` (their whole subtree) and narrowed to one bank or one branch; every
// expected figure is counted by hand from the data below. A bank's staff naming another bank is
// refused. The result cache stays on: a cache keyed without the scope would fail here too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOrgCsv } from '../../src/orgs/org-csv.ts';
import { type Caller, loginAs } from '../security/support/sessions.ts';
import { type Dataset, ev, type RawEvent } from './support/dataset.ts';
import { type EngineStack, startEngineStack } from './support/engine-stack.ts';

/** Where an event happened: its bank and branch codes. */
interface Org {
  readonly bankCode: string;
  readonly branchCode: string;
}
const B001_01: Org = { bankCode: 'B001', branchCode: 'B001-01' };
const B001_02: Org = { bankCode: 'B001', branchCode: 'B001-02' }; // a second branch, added below
const B001_NO_BRANCH: Org = { bankCode: 'B001', branchCode: '' };
const B002_01: Org = { bankCode: 'B002', branchCode: 'B002-01' };
const B003: Org = { bankCode: 'B003', branchCode: '' };
const NO_BANK: Org = { bankCode: '', branchCode: '' }; // seen by the union only

/** A wall-clock time in Shanghai (the default zone) on 2 or 3 March 2026. */
const at = (day: 2 | 3, hhmm: string) => `2026-03-0${day}T${hhmm}:00+08:00`;
const open = (person: number, org: Org, when: string) => ev(person, 'open', when, org);
const bannerClick = (person: number, org: Org, when: string) => ev(person, 'banner_click', when, org);
const buy = (person: number, org: Org, when: string, amount: number) =>
  ev(person, 'buy', when, { ...org, numProps: { amount } });

// Customer by customer (all times Shanghai). The expected figures below are counted from this.
const EVENTS: readonly RawEvent[] = [
  // 1 (B001-01): opens on the 2nd, clicks the banner, buys 100 five minutes later; opens again on the 3rd.
  open(1, B001_01, at(2, '10:00')),
  bannerClick(1, B001_01, at(2, '10:05')),
  buy(1, B001_01, at(2, '10:10'), 100),
  open(1, B001_01, at(3, '10:00')),
  // 2 (B001-01): opens and buys 50 twenty minutes later, no banner.
  open(2, B001_01, at(2, '11:00')),
  buy(2, B001_01, at(2, '11:20'), 50),
  // 3 (B001-02): opens and clicks the banner on the 2nd; opens on the 3rd and buys 40 ten minutes later.
  open(3, B001_02, at(2, '12:00')),
  bannerClick(3, B001_02, at(2, '12:01')),
  open(3, B001_02, at(3, '12:00')),
  buy(3, B001_02, at(3, '12:10'), 40),
  // 4 (B001, no branch): buys 30 ten minutes BEFORE opening, no banner.
  buy(4, B001_NO_BRANCH, at(2, '12:50'), 30),
  open(4, B001_NO_BRANCH, at(2, '13:00')),
  // 5 (B002-01): opens, clicks the banner, buys 200 on the 2nd; opens again on the 3rd.
  open(5, B002_01, at(2, '10:00')),
  bannerClick(5, B002_01, at(2, '10:02')),
  buy(5, B002_01, at(2, '10:05'), 200),
  open(5, B002_01, at(3, '10:00')),
  // 6 (B002-01): opens once.
  open(6, B002_01, at(2, '14:00')),
  // 7 (B003): opens and buys 70 twenty minutes later, no banner.
  open(7, B003, at(2, '09:00')),
  buy(7, B003, at(2, '09:20'), 70),
  // 8 (no bank): opens once.
  open(8, NO_BANK, at(2, '15:00')),
];
const DATA: Dataset = { events: EVENTS, overrides: [], profiles: [] };
const RANGE = { from: '2026-03-02', to: '2026-03-03' };

/** Whose events a request should see: everything, one bank, or one branch. */
type View = 'everything' | 'B001' | 'B001-01' | 'B001-02' | 'B002';
type Who = 'union' | 'prefecture' | 'bank';
interface ScopeCase {
  readonly who: Who;
  readonly orgCode?: string;
  readonly sees: View;
}
const SCOPE_CASES: readonly ScopeCase[] = [
  { who: 'union', sees: 'everything' }, // the union sees every bank, and rows of no known bank
  { who: 'union', orgCode: 'B001', sees: 'B001' },
  { who: 'union', orgCode: 'B002', sees: 'B002' },
  { who: 'union', orgCode: 'B001-01', sees: 'B001-01' },
  { who: 'prefecture', sees: 'B001' }, // P01's subtree holds bank B001 only
  { who: 'prefecture', orgCode: 'B001-02', sees: 'B001-02' },
  { who: 'bank', sees: 'B001' }, // B001 with its branches and its rows of no branch
  { who: 'bank', orgCode: 'B001-01', sees: 'B001-01' },
  { who: 'bank', orgCode: 'B001-02', sees: 'B001-02' },
];

let stack: EngineStack;
let callers: Record<Who, Caller>;
let appId: string;
beforeAll(async () => {
  stack = await startEngineStack();
  // The demo tree has one branch per bank; B001 gets a second one so branches can be told apart.
  await importOrgCsv(
    stack.api.metadata.pool,
    'code,name,tier,parent_code\nB001-02,东城农商银行二号网点,branch,B001\n',
  );
  callers = {
    union: stack.union,
    prefecture: await loginAs(stack.api.app, 'p01.admin'),
    bank: stack.bank,
  };
  appId = await stack.load(DATA);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const label = (c: ScopeCase) => `${c.who}${c.orgCode ? ` orgCode=${c.orgCode}` : ''} -> ${c.sees}`;

/**
 * Runs `model` once per scope case and compares the picked figures with the hand-counted ones for
 * the view that case should see; all cases in one comparison, so a failure lists every wrong scope.
 */
async function expectFiguresPerScope<R>(
  model: string,
  query: object,
  pick: (result: R) => unknown,
  expected: Record<View, unknown>,
): Promise<void> {
  const actual: [string, unknown][] = [];
  for (const c of SCOPE_CASES) {
    const body = { appId, ...RANGE, ...query, ...(c.orgCode ? { orgCode: c.orgCode } : {}) };
    actual.push([label(c), pick(await stack.analyse<R>(model, body, callers[c.who]))]);
  }
  expect(actual).toEqual(SCOPE_CASES.map((c) => [label(c), expected[c.sees]]));
}

interface EventResult {
  series: { key: string; total: number | null }[];
}
interface FunnelResult {
  steps: { users: number }[];
}
interface RetentionResult {
  cohorts: { cohort: string; size: number; retained: (number | null)[] }[];
}
interface Totals {
  conversions: number;
  value: number;
}
interface AttributionResult {
  total: Totals;
  attributed: Totals;
  unattributed: Totals;
  touchpoints: { event: string; touchedConversions: number }[];
}
interface LtvResult {
  groups: { cohorts: { cohort: string; users: number; total: (number | null)[] }[] }[];
}
interface SessionResult {
  overall: { total: { sessions: number; users: number; countEventTotal: number } };
}
interface OnlineNow {
  total: number;
  byBank: { bankCode: string; users: number }[];
  series: { minute: string; users: number }[];
}

describe('narrowing to an org inside the caller subtree', () => {
  it('event analysis counts only the events of the named bank or branch', async () => {
    // Totals over both days of: A = open events, B = customers who opened, C = sum of buy amounts.
    // Without orgCode the union reads customers from the daily projection, narrowed from the events.
    await expectFiguresPerScope<EventResult>(
      'events',
      {
        granularity: 'total',
        metrics: [
          { event: 'open', aggregation: 'count' },
          { event: 'open', aggregation: 'users' },
          { event: 'buy', aggregation: 'sum', property: 'amount' },
        ],
      },
      (r) => r.series.map((s) => s.total),
      {
        everything: [11, 8, 490], // opens 2+1+2+1+2+1+1+1 by customers 1-8; buys 100+50+40+30+200+70
        B001: [6, 4, 220], // customers 1-4: opens 2+1+2+1; buys 100+50+40+30
        'B001-01': [3, 2, 150], // customers 1, 2: opens 2+1; buys 100+50
        'B001-02': [2, 1, 40], // customer 3: two opens, one buy of 40
        B002: [3, 2, 200], // customers 5, 6: opens 2+1; customer 5's buy of 200
      },
    );
  });

  it('funnel enters and converts only the customers of the named bank or branch', async () => {
    // open -> buy within a day: everyone who opened enters; 1, 2, 3 (on the 3rd), 5 and 7 convert.
    await expectFiguresPerScope<FunnelResult>(
      'funnel',
      { steps: [{ event: 'open' }, { event: 'buy' }] },
      (r) => r.steps.map((s) => s.users),
      {
        everything: [8, 5], // all 8 enter; 4 bought before opening, 6 and 8 never bought
        B001: [4, 3], // 1-4 enter; 1, 2, 3 convert
        'B001-01': [2, 2], // 1 and 2 both convert
        'B001-02': [1, 1], // 3 converts on the 3rd (open 12:00, buy 12:10)
        B002: [2, 1], // 5 converts, 6 does not
      },
    );
  });

  it('retention cohorts and returns hold only the customers of the named bank or branch', async () => {
    // Daily cohorts of open -> open; [cohort, size, [returns the same day, returns the next day]].
    // Nobody opens twice on one day; 1, 3 and 5 open again on the 3rd; nobody opens on the 4th.
    // Without orgCode the union's returns come from per-day customer sets, narrowed from the events.
    await expectFiguresPerScope<RetentionResult>(
      'retention',
      { initial: { event: 'open' }, returning: { event: 'open' }, periods: 1 },
      (r) => r.cohorts.map((c) => [c.cohort, c.size, c.retained]),
      {
        everything: [
          ['2026-03-02', 8, [0, 3]], // all 8 opened on the 2nd; 1, 3, 5 came back
          ['2026-03-03', 3, [0, 0]], // 1, 3, 5
        ],
        B001: [
          ['2026-03-02', 4, [0, 2]], // 1-4; 1 and 3 came back
          ['2026-03-03', 2, [0, 0]], // 1, 3
        ],
        'B001-01': [
          ['2026-03-02', 2, [0, 1]], // 1, 2; 1 came back
          ['2026-03-03', 1, [0, 0]], // 1
        ],
        'B001-02': [
          ['2026-03-02', 1, [0, 1]], // 3 came back
          ['2026-03-03', 1, [0, 0]], // 3
        ],
        B002: [
          ['2026-03-02', 2, [0, 1]], // 5, 6; 5 came back
          ['2026-03-03', 1, [0, 0]], // 5
        ],
      },
    );
  });

  it('attribution credits only the conversions of the named bank or branch', async () => {
    // Every buy is a conversion; the banner (within 7 days before) touched the buys of 1, 3 and 5.
    await expectFiguresPerScope<AttributionResult>(
      'attribution',
      { targetEvent: { event: 'buy' }, touchpoints: [{ event: 'banner_click' }], valueProperty: 'amount' },
      (r) => ({
        total: r.total,
        attributed: r.attributed,
        unattributed: r.unattributed,
        touched: r.touchpoints.map((t) => [t.event, t.touchedConversions]),
      }),
      {
        everything: {
          total: { conversions: 6, value: 490 }, // buys of 1, 2, 3, 4, 5, 7
          attributed: { conversions: 3, value: 340 }, // 1 (100), 3 (40), 5 (200)
          unattributed: { conversions: 3, value: 150 }, // 2 (50), 4 (30), 7 (70)
          touched: [['banner_click', 3]],
        },
        B001: {
          total: { conversions: 4, value: 220 }, // 1, 2, 3, 4
          attributed: { conversions: 2, value: 140 }, // 1 (100), 3 (40)
          unattributed: { conversions: 2, value: 80 }, // 2 (50), 4 (30)
          touched: [['banner_click', 2]],
        },
        'B001-01': {
          total: { conversions: 2, value: 150 }, // 1, 2
          attributed: { conversions: 1, value: 100 }, // 1
          unattributed: { conversions: 1, value: 50 }, // 2
          touched: [['banner_click', 1]],
        },
        'B001-02': {
          total: { conversions: 1, value: 40 }, // 3, touched the day before
          attributed: { conversions: 1, value: 40 },
          unattributed: { conversions: 0, value: 0 },
          touched: [['banner_click', 1]],
        },
        B002: {
          total: { conversions: 1, value: 200 }, // 5
          attributed: { conversions: 1, value: 200 },
          unattributed: { conversions: 0, value: 0 },
          touched: [['banner_click', 1]],
        },
      },
    );
  });

  it('LTV cohorts and values hold only the customers of the named bank or branch', async () => {
    // Cohort = day of the first open in the range (everyone's is the 2nd, so the 3rd is empty);
    // [cohort, customers, [value by end of day 1, by end of day 2]]. 4's buy before opening counts not.
    await expectFiguresPerScope<LtvResult>(
      'ltv',
      { initialEvent: { event: 'open' }, valueEvent: { event: 'buy' }, valueProperty: 'amount', days: 2 },
      (r) => r.groups[0]!.cohorts.map((c) => [c.cohort, c.users, c.total]),
      {
        everything: [
          ['2026-03-02', 8, [420, 460]], // day 1: 100+50+200+70; day 2: + 3's 40
          ['2026-03-03', 0, [0, 0]],
        ],
        B001: [
          ['2026-03-02', 4, [150, 190]], // day 1: 100+50; day 2: + 40
          ['2026-03-03', 0, [0, 0]],
        ],
        'B001-01': [
          ['2026-03-02', 2, [150, 150]], // 1 and 2 buy on day 1
          ['2026-03-03', 0, [0, 0]],
        ],
        'B001-02': [
          ['2026-03-02', 1, [0, 40]], // 3 buys on day 2
          ['2026-03-03', 0, [0, 0]],
        ],
        B002: [
          ['2026-03-02', 2, [200, 200]], // 5 buys on day 1, 6 never
          ['2026-03-03', 0, [0, 0]],
        ],
      },
    );
  });

  it('session analysis cuts sessions of the named bank or branch only', async () => {
    // Each customer's events of one day lie within 30 minutes: one session per customer and day
    // (1, 3 and 5 have two days). Counted event: buy.
    await expectFiguresPerScope<SessionResult>(
      'session',
      { granularity: 'total', countEvent: { event: 'buy' } },
      (r) => r.overall.total,
      {
        everything: expect.objectContaining({ sessions: 11, users: 8, countEventTotal: 6 }), // 2+1+2+1+2+1+1+1
        B001: expect.objectContaining({ sessions: 6, users: 4, countEventTotal: 4 }), // 1-4: 2+1+2+1
        'B001-01': expect.objectContaining({ sessions: 3, users: 2, countEventTotal: 2 }), // 1, 2: 2+1
        'B001-02': expect.objectContaining({ sessions: 2, users: 1, countEventTotal: 1 }), // 3: two days
        B002: expect.objectContaining({ sessions: 3, users: 2, countEventTotal: 1 }), // 5, 6: 2+1
      },
    );
  });

  it('online now counts only the customers of the named bank or branch', async () => {
    const now = Date.now();
    const seen = (person: number, org: Org, minutesAgo: number) =>
      ev(person, 'view', now - minutesAgo * 60_000, org);
    const onlineApp = await stack.load({
      events: [
        seen(1, B001_01, 1),
        seen(2, B001_01, 2),
        seen(3, B001_02, 1),
        seen(4, B001_NO_BRANCH, 3),
        seen(5, B002_01, 1),
        seen(6, B002_01, 20), // this hour, not in the last 5 minutes
        seen(7, B003, 2),
        seen(8, NO_BANK, 1),
      ],
      overrides: [],
      profiles: [],
    });
    const actual: [string, unknown][] = [];
    for (const c of SCOPE_CASES) {
      const org = c.orgCode ? `&orgCode=${c.orgCode}` : '';
      const res = await callers[c.who].request({
        method: 'GET',
        url: `/v1/analysis/online-now?appId=${onlineApp}${org}`,
      });
      expect(res.statusCode, `${label(c)}: ${res.body}`).toBe(200);
      const r = res.json() as OnlineNow;
      const inHour = r.series.reduce((sum, m) => sum + m.users, 0); // one event each: one minute each
      actual.push([label(c), { total: r.total, byBank: r.byBank, inHour }]);
    }
    // [customers in the last 5 minutes, by bank (most first, then code), customers this hour]
    const expected: Record<View, unknown> = {
      everything: {
        total: 7, // all but 6
        byBank: [
          { bankCode: 'B001', users: 4 }, // 1-4
          { bankCode: '', users: 1 }, // 8
          { bankCode: 'B002', users: 1 }, // 5
          { bankCode: 'B003', users: 1 }, // 7
        ],
        inHour: 8,
      },
      B001: { total: 4, byBank: [{ bankCode: 'B001', users: 4 }], inHour: 4 }, // 1-4
      'B001-01': { total: 2, byBank: [{ bankCode: 'B001', users: 2 }], inHour: 2 }, // 1, 2
      'B001-02': { total: 1, byBank: [{ bankCode: 'B001', users: 1 }], inHour: 1 }, // 3
      B002: { total: 1, byBank: [{ bankCode: 'B002', users: 1 }], inHour: 2 }, // 5 now, 6 this hour
    };
    expect(actual).toEqual(SCOPE_CASES.map((c) => [label(c), expected[c.sees]]));
  });

  it("refuses a bank's or prefecture's staff naming another bank or its branch", async () => {
    const body = {
      appId,
      ...RANGE,
      granularity: 'total',
      metrics: [{ event: 'open', aggregation: 'count' }],
    };
    const refusals: [string, number, unknown][] = [];
    for (const [who, orgCode] of [
      ['bank', 'B002'],
      ['bank', 'B002-01'],
      ['prefecture', 'B002'],
    ] as const) {
      const res = await stack.post('events', { ...body, orgCode }, callers[who]);
      refusals.push([`${who} events orgCode=${orgCode}`, res.statusCode, res.json().error?.code]);
      const online = await callers[who].request({
        method: 'GET',
        url: `/v1/analysis/online-now?appId=${appId}&orgCode=${orgCode}`,
      });
      refusals.push([`${who} online-now orgCode=${orgCode}`, online.statusCode, online.json().error?.code]);
    }
    expect(refusals).toEqual(
      refusals.map(([what]) => [what, 403, 'ORG_OUT_OF_SCOPE']), // every one refused, nothing leaked
    );
  });
});
