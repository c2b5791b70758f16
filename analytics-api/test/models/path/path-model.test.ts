// Path analysis through the real API on the real ClickHouse engine: the documented edge cases by
// hand (sessions cut by inactivity and midnight, anchors, collapsed repeats, split nodes, top N +
// "$others", users behind a node, group-by), and a property test against the reference implementation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbBusyDataset, arbBusyDatasetWith, SESSION_HOURS } from '../attribution/arb-busy-dataset.ts';
import { arbGroupedBy, arbMaybeGroupedBy } from '../attribution/arb-group-by.ts';
import { type RefPathDiagram, type RefPathQuery, referencePath } from '../reference/path.ts';
import { arbDataset, arbFilters, arbZone, EVENT_NAMES, RANGE } from '../support/arbitraries.ts';
import { type Dataset, ev, profileOf } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';

interface Node {
  level: number;
  key: string;
  event: string;
  value: string | null;
  sessions: number;
  users: number;
  dropOff: number;
}
interface Link {
  level: number;
  source: string;
  target: string;
  sessions: number;
  users: number;
}
interface Diagram {
  sessions: number;
  users: number;
  nodes: Node[];
  links: Link[];
}
interface PathResult extends Diagram {
  groups?: (Diagram & { group: (string | null)[] })[];
  personIds?: string[];
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const day = { from: '2026-03-02', to: '2026-03-03', timeZone: 'UTC' };
const only = (events: Dataset['events'], overrides: Dataset['overrides'] = []): Dataset => ({
  events,
  overrides,
  profiles: [],
});
async function paths(data: Dataset, query: Record<string, unknown>): Promise<PathResult> {
  const appId = await stack.load(data);
  return stack.analyse<PathResult>('path', { appId, ...day, ...query });
}
const nodeTable = (r: Diagram) => r.nodes.map((n) => [n.level, n.key, n.sessions, n.users, n.dropOff]);
const linkTable = (r: Diagram) => r.links.map((l) => [l.level, l.source, l.target, l.sessions, l.users]);

describe('path scenarios', () => {
  it('cuts sessions at 30 minutes of inactivity and at midnight, after ID-Mapping', async () => {
    const r = await paths(
      only(
        [
          // Customer 1: device 101 opens the app, then the customer logs in 10 minutes later.
          ev(101, 'open', '2026-03-02T08:00:00Z'),
          ev(1, 'login', '2026-03-02T08:10:00Z'),
          ev(1, 'transfer', '2026-03-02T08:40:00Z'), // gap exactly 30 min: same session
          ev(1, 'open', '2026-03-02T09:10:01Z'), // gap 30 min 1 s: new session
          // Customer 2: one session across midnight UTC is two sessions.
          ev(2, 'open', '2026-03-02T23:50:00Z'),
          ev(2, 'login', '2026-03-03T00:05:00Z'),
        ],
        [[101, 1]],
      ),
      { depth: 3 },
    );
    // Sessions: [open, login, transfer], [open], [open], [login].
    expect(r.sessions).toBe(4);
    expect(r.users).toBe(2);
    expect(nodeTable(r)).toEqual([
      [1, 'open', 3, 2, 2],
      [1, 'login', 1, 1, 1],
      [2, 'login', 1, 1, 0],
      [3, 'transfer', 1, 1, 1],
    ]);
    expect(linkTable(r)).toEqual([
      [1, 'open', 'login', 1, 1],
      [2, 'login', 'transfer', 1, 1],
    ]);
  });

  it('cuts days in the query zone, not in UTC', async () => {
    const data = only([
      ev(1, 'open', '2026-03-02T15:50:00Z'), // 23:50 in Shanghai
      ev(1, 'login', '2026-03-02T16:05:00Z'), // 00:05 the next day in Shanghai
    ]);
    const shanghai = await paths(data, { timeZone: 'Asia/Shanghai' });
    expect(shanghai.sessions).toBe(2);
    const utc = await paths(data, { timeZone: 'UTC' });
    expect(utc.sessions).toBe(1);
    expect(linkTable(utc)).toEqual([[1, 'open', 'login', 1, 1]]);
  });

  it("cuts days at the zone's midnight across a DST change (a 23-hour day)", async () => {
    // Berlin moves to summer time on 2026-03-29: that day has 23 hours, so the next midnight is
    // 2026-03-29T22:00Z, not 24 h after the range's start plus whole days.
    const data = only([
      ev(1, 'open', '2026-03-29T21:50:00Z'), // 23:50 CEST on the 29th
      ev(1, 'login', '2026-03-29T22:05:00Z'), // 00:05 CEST on the 30th
    ]);
    const range = { from: '2026-03-28', to: '2026-03-30' };
    const berlin = await paths(data, { ...range, timeZone: 'Europe/Berlin' });
    expect(berlin.sessions).toBe(2);
    expect(linkTable(berlin)).toEqual([]);
    const utc = await paths(data, { ...range, timeZone: 'UTC' });
    expect(utc.sessions).toBe(1);
  });

  it('splits an event into one node per property value and orders ties by node', async () => {
    const r = await paths(
      only([
        ev(1, 'screen', '2026-03-02T08:00:00Z', { props: { name: 'home' } }),
        ev(1, 'screen', '2026-03-02T08:01:00Z', { props: { name: 'loans' } }),
        ev(1, 'apply', '2026-03-02T08:01:00Z'), // same instant as "loans": "apply" sorts first
        ev(2, 'screen', '2026-03-02T08:00:00Z', { props: { name: 'home' } }),
        ev(2, 'screen', '2026-03-02T08:02:00Z'), // no name
      ]),
      { splitBy: [{ event: 'screen', property: 'name' }], depth: 3 },
    );
    expect(linkTable(r)).toEqual([
      [1, 'screen\u001fhome', 'apply', 1, 1],
      [1, 'screen\u001fhome', 'screen\u001f', 1, 1],
      [2, 'apply', 'screen\u001floans', 1, 1],
    ]);
    const noName = r.nodes.find((n) => n.key === 'screen\u001f')!;
    expect([noName.event, noName.value]).toEqual(['screen', null]);
    const home = r.nodes.find((n) => n.key === 'screen\u001fhome')!;
    expect([home.event, home.value, home.sessions]).toEqual(['screen', 'home', 2]);
  });

  it('anchors paths at the first start event or back from the last end event, collapsing repeats', async () => {
    const data = only([
      ev(1, 'home', '2026-03-02T08:00:00Z'),
      ev(1, 'banner', '2026-03-02T08:01:00Z'),
      ev(1, 'product', '2026-03-02T08:02:00Z'),
      ev(1, 'product', '2026-03-02T08:03:00Z'),
      ev(1, 'banner', '2026-03-02T08:04:00Z'),
      ev(1, 'apply', '2026-03-02T08:05:00Z'),
      ev(2, 'home', '2026-03-02T08:00:00Z'), // no banner, no apply: not in anchored paths
    ]);
    const fromBanner = await paths(data, {
      anchor: 'start',
      anchorEvent: { event: 'banner' },
      depth: 4,
    });
    expect(fromBanner.sessions).toBe(1);
    expect(linkTable(fromBanner)).toEqual([
      [1, 'banner', 'product', 1, 1],
      [2, 'product', 'product', 1, 1],
      [3, 'product', 'banner', 1, 1],
    ]);
    const collapsed = await paths(data, {
      anchor: 'start',
      anchorEvent: { event: 'banner' },
      depth: 4,
      collapseRepeats: true,
    });
    expect(linkTable(collapsed)).toEqual([
      [1, 'banner', 'product', 1, 1],
      [2, 'product', 'banner', 1, 1],
      [3, 'banner', 'apply', 1, 1],
    ]);
    // Level 4 "apply" is the session's last event: a drop-off there.
    expect(nodeTable(collapsed).at(-1)).toEqual([4, 'apply', 1, 1, 1]);
    const toApply = await paths(data, {
      anchor: 'end',
      anchorEvent: { event: 'apply' },
      depth: 3,
      collapseRepeats: true,
    });
    // Backwards from apply: apply <- banner <- product (<- banner <- home, beyond depth 3).
    expect(linkTable(toApply)).toEqual([
      [1, 'apply', 'banner', 1, 1],
      [2, 'banner', 'product', 1, 1],
    ]);
    expect(nodeTable(toApply).at(-1)).toEqual([3, 'product', 1, 1, 0]);
  });

  it('keeps the top N nodes per level, merges the rest into $others with exact users, and lists them', async () => {
    // Level 1: open x3 sessions (persons 1,2,3), login x2 (persons 4,5), help x1 (person 5 again).
    const events = [
      ev(1, 'open', '2026-03-02T08:00:00Z'),
      ev(1, 'buy', '2026-03-02T08:01:00Z'),
      ev(2, 'open', '2026-03-02T08:00:00Z'),
      ev(2, 'buy', '2026-03-02T08:01:00Z'),
      ev(3, 'open', '2026-03-02T08:00:00Z'),
      ev(3, 'view', '2026-03-02T08:01:00Z'),
      ev(4, 'login', '2026-03-02T08:00:00Z'),
      ev(4, 'view', '2026-03-02T08:01:00Z'),
      ev(5, 'login', '2026-03-02T08:00:00Z'),
      ev(5, 'help', '2026-03-02T12:00:00Z'),
    ];
    const appId = await stack.load(only(events));
    const base = { appId, ...day, depth: 2, nodesPerLevel: 1 };
    const r = await stack.analyse<PathResult>('path', base);
    expect(nodeTable(r)).toEqual([
      // Equal weights list by key ("$" sorts before letters).
      [1, '$others', 3, 2, 2], // login (4, 5) and help (5): two customers, not three
      [1, 'open', 3, 3, 0],
      [2, '$others', 2, 2, 2], // view (3, 4)
      [2, 'buy', 2, 2, 2],
    ]);
    expect(linkTable(r)).toEqual([
      [1, 'open', 'buy', 2, 2],
      [1, '$others', '$others', 1, 1],
      [1, 'open', '$others', 1, 1],
    ]);
    const node = await stack.analyse<PathResult>('path', {
      ...base,
      listUsers: { level: 1, node: '$others' },
    });
    expect(node.personIds).toEqual(['4', '5']);
    const link = await stack.analyse<PathResult>('path', {
      ...base,
      listUsers: { level: 1, node: 'open', next: '$others' },
    });
    expect(link.personIds).toEqual(['3']);
  });

  it('uses the SDK session id when asked, and honours include and exclude lists', async () => {
    const data = only([
      ev(1, 'open', '2026-03-02T08:00:00Z', { sessionId: 'a' }),
      ev(1, 'heartbeat', '2026-03-02T08:30:00Z', { sessionId: 'a' }),
      ev(1, 'buy', '2026-03-02T10:00:00Z', { sessionId: 'a' }), // 2 h later, same SDK session
      ev(1, 'open', '2026-03-02T10:05:00Z'), // no session id: left out in session-id mode
    ]);
    const bySession = await paths(data, { sessionMode: 'session_id', excludeEvents: ['heartbeat'] });
    expect(linkTable(bySession)).toEqual([[1, 'open', 'buy', 1, 1]]);
    expect(bySession.sessions).toBe(1);
    const byGap = await paths(data, { includeEvents: ['open', 'buy'] });
    // Inactivity over the included events only: [open], [buy, open].
    expect(byGap.sessions).toBe(2);
    expect(linkTable(byGap)).toEqual([[1, 'buy', 'open', 1, 1]]);
  });

  it("restricts a bank analyst to their bank's events", async () => {
    const appId = await stack.load(
      only([
        ev(1, 'open', '2026-03-02T08:00:00Z'),
        ev(1, 'transfer', '2026-03-02T08:01:00Z', { bankCode: 'B002' }),
        ev(1, 'logout', '2026-03-02T08:02:00Z'),
      ]),
    );
    const body = { appId, ...day, depth: 3 };
    const union = await stack.analyse<PathResult>('path', body);
    expect(linkTable(union)).toEqual([
      [1, 'open', 'transfer', 1, 1],
      [2, 'transfer', 'logout', 1, 1],
    ]);
    const bank = await stack.analyse<PathResult>('path', body, stack.bank);
    expect(linkTable(bank)).toEqual([[1, 'open', 'logout', 1, 1]]);
  });

  it('splits paths by the level-1 event or the profile: one diagram per group, top N + $others', async () => {
    const app = { props: { channel: 'app' } };
    const web = { props: { channel: 'web' } };
    const data: Dataset = {
      events: [
        ev(1, 'open', '2026-03-02T08:00:00Z', app),
        ev(1, 'login', '2026-03-02T08:01:00Z'),
        ev(1, 'buy', '2026-03-02T08:02:00Z'),
        ev(1, 'open', '2026-03-02T14:00:00Z', web), // a second session of customer 1
        ev(2, 'open', '2026-03-02T09:00:00Z', app),
        ev(2, 'login', '2026-03-02T09:01:00Z'),
        ev(3, 'open', '2026-03-02T08:00:00Z', web),
        ev(3, 'help', '2026-03-02T08:05:00Z'),
        ev(4, 'login', '2026-03-02T08:00:00Z'), // first event without a channel: the null group
        ev(4, 'open', '2026-03-02T08:01:00Z', web),
      ],
      overrides: [],
      profiles: [
        {
          personId: 1,
          bankCode: 'B001',
          branchCode: '',
          props: { level: 'gold' },
          numProps: {},
          firstSeen: 0,
          lastSeen: 0,
        },
        {
          personId: 2,
          bankCode: 'B001',
          branchCode: '',
          props: { level: 'silver' },
          numProps: {},
          firstSeen: 0,
          lastSeen: 0,
        },
      ],
    };
    const appId = await stack.load(data);
    const base = { appId, ...day, depth: 3, nodesPerLevel: 1 };
    const r = await stack.analyse<PathResult>('path', {
      ...base,
      groupBy: [{ property: 'channel' }],
      groupLimit: 1,
    });
    // The overall diagram is the ungrouped one: [open login buy] [open login] [open help]
    // [login open] [open].
    const plain = await stack.analyse<PathResult>('path', base);
    expect(plain.groups).toBeUndefined();
    expect([r.sessions, r.users, nodeTable(r), linkTable(r)]).toEqual([
      plain.sessions,
      plain.users,
      nodeTable(plain),
      linkTable(plain),
    ]);
    expect(nodeTable(r)).toEqual([
      [1, 'open', 4, 3, 1],
      [1, '$others', 1, 1, 0],
      [2, '$others', 2, 2, 2],
      [2, 'login', 2, 2, 1],
      [3, 'buy', 1, 1, 1],
    ]);
    // app (2 sessions) ties web (2) and wins by value; web and the null group are $others.
    expect(r.groups!.map((g) => [g.group, g.sessions, g.users])).toEqual([
      [['app'], 2, 2],
      [['$others'], 3, 3],
    ]);
    const [appGroup, others] = r.groups!;
    expect(nodeTable(appGroup!)).toEqual([
      [1, 'open', 2, 2, 0],
      [2, 'login', 2, 2, 1],
      [3, 'buy', 1, 1, 1],
    ]);
    expect(linkTable(appGroup!)).toEqual([
      [1, 'open', 'login', 2, 2],
      [2, 'login', 'buy', 1, 1],
    ]);
    // Within $others the group's own top node per level: open (2) at level 1, help (tie with
    // open, by name) at level 2.
    expect(nodeTable(others!)).toEqual([
      [1, 'open', 2, 2, 1],
      [1, '$others', 1, 1, 0],
      [2, '$others', 1, 1, 1],
      [2, 'help', 1, 1, 1],
    ]);
    expect(linkTable(others!)).toEqual([
      [1, '$others', '$others', 1, 1],
      [1, 'open', 'help', 1, 1],
    ]);
    const listed = await stack.analyse<PathResult>('path', {
      ...base,
      groupBy: [{ property: 'channel' }],
      groupLimit: 1,
      listUsers: { level: 1, node: 'open', group: ['$others'] },
    });
    expect(listed.personIds).toEqual(['1', '3']);
    const inApp = await stack.analyse<PathResult>('path', {
      ...base,
      groupBy: [{ property: 'channel' }],
      listUsers: { level: 2, node: 'login', next: 'buy', group: ['app'] },
    });
    expect(inApp.personIds).toEqual(['1']);
    // Anchored at the last "open": the group comes from that anchor event (customer 4: web).
    const anchored = await stack.analyse<PathResult>('path', {
      ...base,
      anchor: 'end',
      anchorEvent: { event: 'open' },
      groupBy: [{ property: 'channel' }],
    });
    expect(anchored.groups!.map((g) => [g.group, g.sessions])).toEqual([
      [['web'], 3],
      [['app'], 2],
    ]);
    // By profile: customer 1's two sessions are gold; 3 and 4 have no profile (null); ties by value.
    const byLevel = await stack.analyse<PathResult>('path', {
      ...base,
      groupBy: [{ source: 'user', property: 'level' }],
    });
    expect(byLevel.groups!.map((g) => [g.group, g.sessions, g.users])).toEqual([
      [[null], 2, 2],
      [['gold'], 2, 1],
      [['silver'], 1, 1],
    ]);
  });

  it('documents the group-by results of path and attribution in /openapi.json', async () => {
    const res = await stack.api.app.inject({ method: 'GET', url: '/openapi.json' });
    type Op = {
      requestBody: { content: Record<string, { schema: Schema }> };
      responses: Record<string, { content: Record<string, { schema: Schema }> }>;
    };
    type Schema = { properties: Record<string, Schema & { items?: Schema }> };
    const paths = res.json().paths as Record<string, { post: Op }>;
    const answer = (model: string) =>
      paths[`/v1/analysis/${model}`]!.post.responses['200']!.content['application/json']!.schema;
    const pathGroups = answer('path').properties.groups!;
    expect(Object.keys(pathGroups.items!.properties)).toEqual([
      'group',
      'sessions',
      'users',
      'nodes',
      'links',
    ]);
    const attributionGroups = answer('attribution').properties.groups!;
    expect(Object.keys(attributionGroups.items!.properties)).toEqual([
      'group',
      'total',
      'attributed',
      'unattributed',
      'touchpoints',
    ]);
    const listUsers =
      paths['/v1/analysis/path']!.post.requestBody.content['application/json']!.schema.properties.listUsers!;
    expect(Object.keys(listUsers.properties)).toContain('group');
  });

  it('refuses an anchor without an event and a group to list without group-by, naming the field', async () => {
    const appId = await stack.load(only([ev(1, 'open', '2026-03-02T08:00:00Z')]));
    const noEvent = await stack.post('path', { appId, ...day, anchor: 'start' });
    expect(noEvent.statusCode).toBe(400);
    expect(noEvent.json().error.field).toBe('anchorEvent');
    const grouped = await stack.post('path', {
      appId,
      ...day,
      listUsers: { level: 1, node: 'open', group: ['app'] },
    });
    expect(grouped.statusCode).toBe(400);
    expect(grouped.json().error.field).toBe('listUsers.group');
    const tooDeep = await stack.post('path', { appId, ...day, depth: 11 });
    expect(tooDeep.statusCode).toBe(400);
  });
});

describe('path: the per-customer bound on events held', () => {
  // README "Path", memory bound: per customer at most 500 events per day of the range are held
  // (groupArray(500 x days)); which ones past that is unspecified. So the robot here does one
  // "tick" every 2 minutes (720 a day) and the session timeout is 1 minute: every tick is a
  // session of its own, whichever ticks are held, and the diagram counts exactly the ticks held.
  const TICK_MS = 2 * 60_000;
  const ticks = (person: number, fromIso: string, count: number, sessionIds = false) =>
    Array.from({ length: count }, (_, i) =>
      ev(
        person,
        'tick',
        Date.parse(fromIso) + i * TICK_MS,
        sessionIds ? { sessionId: `t${person}-${i}` } : {},
      ),
    );
  // A customer far below the bound: one session open -> buy (a gap of exactly the timeout stays).
  const human = [
    ev(2, 'open', '2026-03-02T08:00:00Z', { sessionId: 'h' }),
    ev(2, 'buy', '2026-03-02T08:01:00Z', { sessionId: 'h' }),
  ];
  const oneDay = { from: '2026-03-02', to: '2026-03-02', timeZone: 'UTC', sessionTimeoutMinutes: 1 };
  // 500 of the robot's 720 ticks held; the human's session whole.
  const capped: Diagram = {
    sessions: 501,
    users: 2,
    nodes: [
      { level: 1, key: 'tick', event: 'tick', value: null, sessions: 500, users: 1, dropOff: 500 },
      { level: 1, key: 'open', event: 'open', value: null, sessions: 1, users: 1, dropOff: 0 },
      { level: 2, key: 'buy', event: 'buy', value: null, sessions: 1, users: 1, dropOff: 1 },
    ],
    links: [{ level: 1, source: 'open', target: 'buy', sessions: 1, users: 1 }],
  };
  // A profile with a level for a customer without events: the catalog knows the property, and
  // grouping by it puts every path in the null group (the tuple plan, profile joined per customer).
  const withLevel = (events: Dataset['events']): Dataset => ({
    events,
    overrides: [],
    profiles: [profileOf(9, { props: { level: 'gold' } })],
  });
  const diagramOf = (r: Diagram): Diagram => ({
    sessions: r.sessions,
    users: r.users,
    nodes: r.nodes,
    links: r.links,
  });

  it('holds 500 events of a one-day range for a customer with 720 (packed and grouped plans)', async () => {
    const appId = await stack.load(withLevel([...ticks(1, '2026-03-02T00:00:00Z', 720), ...human]));
    const packed = await stack.analyse<PathResult>('path', { appId, ...oneDay });
    expect(diagramOf(packed)).toEqual(capped);
    const grouped = await stack.analyse<PathResult>('path', {
      appId,
      ...oneDay,
      groupBy: [{ source: 'user', property: 'level' }],
    });
    expect(diagramOf(grouped)).toEqual(capped);
    expect(grouped.groups!.map((g) => ({ group: g.group, ...diagramOf(g) }))).toEqual([
      { group: [null], ...capped },
    ]);
  });

  it('holds 500 events of a one-day range in session-id mode (one SDK session per tick)', async () => {
    const appId = await stack.load(only([...ticks(1, '2026-03-02T00:00:00Z', 720, true), ...human]));
    const r = await stack.analyse<PathResult>('path', { appId, ...oneDay, sessionMode: 'session_id' });
    expect(diagramOf(r)).toEqual(capped);
  });

  it('holds 500 x the days of the range per customer, wherever in the range the events fall', async () => {
    // Range of 2 days: at most 1,000 per customer. Customer 1: 1,440 ticks over both days (1,000
    // held); customer 3: 720 ticks on the first day only (all held, though over 500 that day).
    const appId = await stack.load(
      withLevel([
        ...ticks(1, '2026-03-02T00:00:00Z', 1440),
        ...ticks(3, '2026-03-02T00:00:00Z', 720),
        ...human,
      ]),
    );
    const twoDays = { ...oneDay, to: '2026-03-03' };
    const expected: Diagram = {
      ...capped,
      sessions: 1000 + 720 + 1,
      users: 3,
      nodes: [{ ...capped.nodes[0]!, sessions: 1720, users: 2, dropOff: 1720 }, ...capped.nodes.slice(1)],
    };
    expect(diagramOf(await stack.analyse<PathResult>('path', { appId, ...twoDays }))).toEqual(expected);
    const grouped = await stack.analyse<PathResult>('path', {
      appId,
      ...twoDays,
      groupBy: [{ source: 'user', property: 'level' }],
    });
    expect(diagramOf(grouped)).toEqual(expected);
  });
});

const arbQuery = fc.record({
  timeZone: arbZone,
  filters: arbFilters,
  sessionMode: fc.constantFrom('inactivity' as const, 'session_id' as const),
  sessionTimeoutMinutes: fc.constantFrom(20, 60, 240),
  anchor: fc.constantFrom('all' as const, 'start' as const, 'end' as const),
  anchorEvent: fc.record({
    event: fc.constantFrom(...EVENT_NAMES),
    filters: fc.constantFrom(undefined, [{ property: 'plan', op: 'eq', values: ['a'] }]),
  }),
  depth: fc.integer({ min: 2, max: 5 }),
  include: fc.option(fc.subarray([...EVENT_NAMES], { minLength: 1 }), { nil: undefined }),
  exclude: fc.option(fc.subarray([...EVENT_NAMES], { minLength: 1, maxLength: 1 }), { nil: undefined }),
  collapseRepeats: fc.boolean(),
  split: fc.boolean(),
  nodesPerLevel: fc.integer({ min: 1, max: 4 }),
  grouping: arbMaybeGroupedBy,
});

const sortNodes = (ns: { level: number; key: string; sessions: number; users: number; dropOff: number }[]) =>
  ns
    .map(({ level, key, sessions, users, dropOff }) => ({ level, key, sessions, users, dropOff }))
    .sort((x, y) => x.level - y.level || (x.key < y.key ? -1 : 1));
const sortLinks = (ls: Link[]) =>
  ls
    .map(({ level, source, target, sessions, users }) => ({ level, source, target, sessions, users }))
    .sort((x, y) => x.level - y.level || (`${x.source}|${x.target}` < `${y.source}|${y.target}` ? -1 : 1));

type ArbQuery = typeof arbQuery extends fc.Arbitrary<infer T> ? T : never;

/** The engine's diagram(s) for a random query equal the reference's, and so do listed users. */
async function matchesReference(data: Dataset, a: ArbQuery, pick: number): Promise<void> {
  const appId = await stack.load(data);
  const anchored = a.anchor !== 'all';
  const exclude = a.exclude?.filter((e) => !anchored || e !== a.anchorEvent.event);
  const query: RefPathQuery = {
    ...RANGE,
    timeZone: a.timeZone,
    filters: a.filters,
    sessionMode: a.sessionMode,
    sessionTimeoutMinutes: a.sessionTimeoutMinutes,
    anchor: a.anchor,
    ...(anchored
      ? { anchorEvent: a.anchorEvent.filters ? a.anchorEvent : { event: a.anchorEvent.event } }
      : {}),
    depth: a.depth,
    ...(a.include ? { includeEvents: a.include } : {}),
    ...(exclude?.length ? { excludeEvents: exclude } : {}),
    collapseRepeats: a.collapseRepeats,
    ...(a.split ? { splitBy: [{ event: 'view', property: 'plan' }] } : {}),
    nodesPerLevel: a.nodesPerLevel,
    ...(a.grouping ?? {}),
  };
  const expected = referencePath(data, query);
  const r = await stack.analyse<PathResult>('path', { appId, ...query });
  const same = (d: Diagram | RefPathDiagram) => ({
    sessions: d.sessions,
    users: d.users,
    nodes: sortNodes(d.nodes),
    links: sortLinks(d.links),
  });
  expect(same(r)).toEqual(same(expected));
  // Groups in order (top N by sessions, ties by value, $others last), each its own diagram.
  expect(r.groups?.map((g) => ({ group: g.group, ...same(g) }))).toEqual(
    expected.groups?.map((g) => ({ group: g.group, ...same(g) })),
  );
  // The users behind one node (and one of its links) of the diagram, or of one group's.
  const group = expected.groups?.[pick % expected.groups.length];
  const diagram: RefPathDiagram = group ?? expected;
  if (diagram.nodes.length > 0) {
    const node = diagram.nodes[pick % diagram.nodes.length]!;
    const link = diagram.links.find((l) => l.level === node.level && l.source === node.key);
    const listed = await stack.analyse<PathResult>('path', {
      appId,
      ...query,
      listUsers: {
        level: node.level,
        node: node.key,
        ...(link ? { next: link.target } : {}),
        ...(group ? { group: group.group } : {}),
      },
    });
    expect(listed.personIds).toEqual(diagram.personsOf(node.level, node.key, link?.target).map(String));
  }
}

describe('path equals the reference', () => {
  it('on random data, sessions, anchors, splits, filters, zones and group-by', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(arbDataset, arbBusyDataset), arbQuery, fc.nat(), matchesReference),
      { numRuns: 30 },
    );
  }, 240_000);

  it('without group-by in day sessions (the packed plan: events as numbers, node ranks)', async () => {
    const packed = arbQuery.map((a) => ({ ...a, sessionMode: 'inactivity' as const, grouping: undefined }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(arbDataset, arbBusyDataset), packed, fc.nat(), matchesReference),
      { numRuns: 30 },
    );
  }, 240_000);

  it('with group-by on busy sessions (groups from the level-1 event or the profile)', async () => {
    const grouped = arbQuery.chain((a) => arbGroupedBy.map((grouping) => ({ ...a, grouping })));
    const data = fc.oneof(arbBusyDatasetWith(SESSION_HOURS), arbBusyDataset);
    await fc.assert(fc.asyncProperty(data, grouped, fc.nat(), matchesReference), { numRuns: 25 });
  }, 240_000);
});
