// The metadata catalog on real ClickHouse + MariaDB: names and types discovered from ingested
// rows by materialized views, volumes and first/last seen within the caller's org scope, staff
// annotations (union-level admins only: they apply to every bank) with audit, hidden names still
// accepted by analyses, and the engine refusing names the catalog has never seen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/staff/seed-demo.ts';
import { createStaff } from '../../src/staff/staff-admin.ts';
import { ev, profileOf } from '../models/support/dataset.ts';
import { type EngineStack, startEngineStack } from '../models/support/engine-stack.ts';
import { type Caller, loginAs } from '../security/support/sessions.ts';

let stack: EngineStack;
let appId: string;
beforeAll(async () => {
  stack = await startEngineStack();
  appId = await stack.load({
    events: [
      ev(1, 'transfer', '2026-03-02T01:00:00Z', {
        numProps: { amount: 10 },
        props: { to_bank_type: 'same' },
      }),
      ev(2, 'transfer', '2026-03-03T01:00:00Z', { numProps: { amount: 20 }, bankCode: 'B002' }),
      ev(2, '$AppStart', '2026-03-01T01:00:00Z', { bankCode: 'B002' }),
    ],
    overrides: [],
    profiles: [
      {
        personId: 1,
        bankCode: 'B001',
        branchCode: '',
        props: { level: 'gold' },
        numProps: { age: 40 },
        firstSeen: 0,
        lastSeen: 0,
      },
    ],
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

interface EventEntry {
  name: string;
  displayName: string;
  description: string;
  hidden: boolean;
  volume: number;
  firstSeen: string;
  lastSeen: string;
}

describe('catalog', () => {
  it('lists events with volumes and first/last seen within the caller scope, with built-in Chinese names', async () => {
    const all = (
      await stack.union.request({ method: 'GET', url: `/v1/catalog/events?appId=${appId}` })
    ).json() as EventEntry[];
    expect(all.map((e) => [e.name, e.volume, e.displayName])).toEqual([
      ['transfer', 2, ''],
      ['$AppStart', 1, 'App 启动'],
    ]);
    expect(all[0]).toMatchObject({
      firstSeen: '2026-03-02T01:00:00.000Z',
      lastSeen: '2026-03-03T01:00:00.000Z',
    });
    const bank = (
      await stack.bank.request({ method: 'GET', url: `/v1/catalog/events?appId=${appId}` })
    ).json() as EventEntry[];
    expect(bank.map((e) => [e.name, e.volume])).toEqual([['transfer', 1]]);
  });

  it('types properties from the data and lists presets', async () => {
    const props = (
      await stack.union.request({ method: 'GET', url: `/v1/catalog/properties?appId=${appId}` })
    ).json() as {
      name: string;
      type: string;
      preset: boolean;
      events: string[];
    }[];
    const byName = Object.fromEntries(props.map((p) => [p.name, p]));
    expect(byName.amount).toMatchObject({ type: 'number', preset: false, events: ['transfer'] });
    expect(byName.to_bank_type).toMatchObject({ type: 'string' });
    expect(byName.$os).toMatchObject({ preset: true });
    const user = (
      await stack.union.request({ method: 'GET', url: `/v1/catalog/properties?appId=${appId}&source=user` })
    ).json() as {
      name: string;
      type: string;
    }[];
    expect(user.filter((p) => !p.name.startsWith('$')).map((p) => [p.name, p.type])).toEqual([
      ['age', 'number'],
      ['level', 'string'],
    ]);
  });

  it('lets a metadata manager annotate, refuses others and unknown names, and audits the change', async () => {
    const admin = await loginAs(stack.api.app, 'admin');
    const patch = (caller: typeof admin, url: string, payload: object) =>
      caller.request({ method: 'PATCH', url, payload });
    const ok = await patch(admin, '/v1/catalog/events/transfer', {
      appId,
      displayName: '转账',
      hidden: false,
    });
    expect(ok.statusCode).toBe(200);
    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    expect((await patch(viewer, '/v1/catalog/events/transfer', { appId, hidden: true })).statusCode).toBe(
      403,
    );
    const unknown = await patch(admin, '/v1/catalog/events/nope', { appId, displayName: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('UNKNOWN_EVENT');
    expect(
      (await patch(admin, '/v1/catalog/properties/event/amount', { appId, displayName: '金额' })).statusCode,
    ).toBe(200);
    // Only the sent fields change.
    await patch(admin, '/v1/catalog/events/transfer', { appId, hidden: true });
    const events = (
      await stack.union.request({ method: 'GET', url: `/v1/catalog/events?appId=${appId}` })
    ).json() as EventEntry[];
    expect(events.find((e) => e.name === 'transfer')).toMatchObject({ displayName: '转账', hidden: true });
    const [audit] = await stack.api.metadata.pool.query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'metadata.annotate'",
    );
    expect(Number((audit as { n: number }[])[0]!.n)).toBe(3);
  });

  it('makes a just-ingested event usable by the engine at once', async () => {
    const fresh = await stack.load({
      events: [ev(1, 'view', '2026-03-02T01:00:00Z')],
      overrides: [],
      profiles: [],
    });
    const body = {
      appId: fresh,
      from: '2026-03-02',
      to: '2026-03-02',
      metrics: [{ event: 'view', aggregation: 'count' }],
    };
    await stack.analyse('events', body);
    const { clickhouse } = stack.api;
    await clickhouse.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: [
        {
          app_id: fresh,
          event: 'brand_new',
          time: Date.parse('2026-03-02T02:00:00Z'),
          receive_time: 0,
          uuid: crypto.randomUUID(),
          person_id: 1,
          bank_code: 'B001',
        },
      ],
    });
    const r = await stack.analyse<{ series: { total: number }[] }>('events', {
      ...body,
      metrics: [{ event: 'brand_new', aggregation: 'count' }],
    });
    expect(r.series[0]!.total).toBe(1);
  });
});

interface PropertyEntry {
  name: string;
  type: string;
  preset: boolean;
  displayName: string;
  description: string;
  hidden: boolean;
  volume: number;
  events: string[];
  firstSeen?: string;
  lastSeen?: string;
}

const list = async <T>(caller: Caller, url: string): Promise<T[]> => {
  const res = await caller.request({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T[];
};
const patch = (caller: Caller, url: string, payload: object) =>
  caller.request({ method: 'PATCH', url, payload });

describe('catalog annotations are union-wide, so only union-level staff change them', () => {
  // The audit's case: an event (and its property) seen only at bank B002.
  let app: string;
  let unionAdmin: Caller;
  let platform: Caller;
  let lower: Caller[];
  beforeAll(async () => {
    app = await stack.load({
      events: [ev(7, 'loan_apply', '2026-04-01T01:00:00Z', { bankCode: 'B002', props: { product: 'agri' } })],
      overrides: [],
      profiles: [],
    });
    const pool = stack.api.metadata.pool;
    // The demo tree has org admins at P01, B001 and B002; a union and a branch one are added.
    for (const [username, orgCode] of [
      ['union.admin', 'U00'],
      ['b001-01.admin', 'B001-01'],
    ] as const)
      await createStaff(pool, { username, orgCode, roles: ['org_admin'], password: DEMO_PASSWORD });
    unionAdmin = await loginAs(stack.api.app, 'union.admin');
    platform = await loginAs(stack.api.app, 'admin');
    lower = [];
    for (const name of ['p01.admin', 'b001.admin', 'b001-01.admin', 'b002.admin'])
      lower.push(await loginAs(stack.api.app, name));
  });

  const snapshot = async () => ({
    events: await list<EventEntry>(stack.union, `/v1/catalog/events?appId=${app}`),
    props: await list<PropertyEntry>(stack.union, `/v1/catalog/properties?appId=${app}`),
  });
  const count = async (sql: string, params: unknown[]) => {
    const [rows] = await stack.api.metadata.pool.query(sql, params);
    return Number((rows as { n: number }[])[0]!.n);
  };

  it('refuses rename, describe and hide to prefecture, bank and branch org admins and changes nothing', async () => {
    const before = await snapshot();
    const annotatedBefore = await count(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'metadata.annotate'",
      [],
    );
    const failures: string[] = [];
    for (const caller of lower) {
      for (const [url, change] of [
        ['/v1/catalog/events/loan_apply', { displayName: '贷款申请' }],
        ['/v1/catalog/events/loan_apply', { description: '仅西山农商银行' }],
        ['/v1/catalog/events/loan_apply', { hidden: true }],
        ['/v1/catalog/properties/event/product', { displayName: '产品', description: 'x', hidden: true }],
        ['/v1/catalog/properties/user/$os', { hidden: true }],
        // Refused before the name is looked up, so nothing is learnt about which names exist.
        ['/v1/catalog/events/no_such_event', { displayName: 'x' }],
      ] as const) {
        const res = await patch(caller, url, { appId: app, ...change });
        const error = (res.json() as { error?: { code?: string; message?: string } }).error;
        if (
          res.statusCode !== 403 ||
          error?.code !== 'METADATA_UNION_ONLY' ||
          !error.message?.includes('union')
        )
          failures.push(
            `${caller.name} PATCH ${url} ${JSON.stringify(change)}: ${res.statusCode} ${res.body}`,
          );
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(before.events).toMatchObject([
      { name: 'loan_apply', displayName: '', description: '', hidden: false },
    ]);
    expect(await count('SELECT COUNT(*) AS n FROM catalog_annotations WHERE app_id = ?', [app])).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'metadata.annotate'", [])).toBe(
      annotatedBefore,
    );
    // Each refusal is on record: 4 callers x 6 attempts.
    expect(
      await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'access.denied' AND details LIKE ?", [
        '%metadata_union_only%',
      ]),
    ).toBe(24);
  });

  it('still lets prefecture, bank and branch staff read the catalog, each of their own bank', async () => {
    for (const caller of [...lower, stack.bank]) {
      const res = await caller.request({ method: 'GET', url: `/v1/catalog/events?appId=${app}` });
      expect(res.statusCode, `${caller.name}: ${res.body}`).toBe(200);
      const props = await caller.request({ method: 'GET', url: `/v1/catalog/properties?appId=${app}` });
      expect(props.statusCode, `${caller.name}: ${props.body}`).toBe(200);
    }
    // The one event was seen at bank B002 only: B002's admin sees it; B001's branch (the catalog
    // keeps figures per bank, so a branch reads its bank's) and B001 see nothing.
    const names = async (name: string) =>
      (await list<EventEntry>(lower.find((c) => c.name === name)!, `/v1/catalog/events?appId=${app}`)).map(
        (e) => [e.name, e.volume],
      );
    expect(await names('b002.admin')).toEqual([['loan_apply', 1]]);
    expect(await names('b001-01.admin')).toEqual([]);
    expect(await names('b001.admin')).toEqual([]);
  });

  it('lets a union org admin and a platform admin annotate, and every bank sees the result', async () => {
    expect(
      (await patch(unionAdmin, '/v1/catalog/events/loan_apply', { appId: app, displayName: '贷款申请' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await patch(platform, '/v1/catalog/properties/event/product', { appId: app, displayName: '产品' }))
        .statusCode,
    ).toBe(200);
    const events = await list<EventEntry>(stack.union, `/v1/catalog/events?appId=${app}`);
    expect(events).toMatchObject([{ name: 'loan_apply', displayName: '贷款申请' }]);
    const b002 = lower.find((c) => c.name === 'b002.admin')!;
    const props = await list<PropertyEntry>(b002, `/v1/catalog/properties?appId=${app}`);
    expect(props.find((p) => p.name === 'product')).toMatchObject({ displayName: '产品' });
  });
});

describe('catalog descriptions', () => {
  it('reads a description back from the lists of every tier, and clears it with an empty one', async () => {
    const app = await stack.load({
      events: [ev(1, 'transfer', '2026-04-01T01:00:00Z', { props: { channel: 'app' } })],
      overrides: [],
      profiles: [profileOf(1, { props: { level: 'gold' } })],
    });
    const admin = await loginAs(stack.api.app, 'admin');
    const described = '客户发起的行内或跨行转账';
    for (const url of ['/v1/catalog/events/transfer', '/v1/catalog/properties/event/channel']) {
      expect(
        (await patch(admin, url, { appId: app, displayName: '名', description: described })).statusCode,
      ).toBe(200);
    }
    expect(
      (await patch(admin, '/v1/catalog/properties/user/level', { appId: app, description: '客户等级' }))
        .statusCode,
    ).toBe(200);
    for (const reader of [stack.union, stack.bank]) {
      expect(await list<EventEntry>(reader, `/v1/catalog/events?appId=${app}`)).toMatchObject([
        { name: 'transfer', displayName: '名', description: described },
      ]);
      const props = await list<PropertyEntry>(reader, `/v1/catalog/properties?appId=${app}`);
      expect(props.find((p) => p.name === 'channel')).toMatchObject({
        displayName: '名',
        description: described,
      });
      const user = await list<PropertyEntry>(reader, `/v1/catalog/properties?appId=${app}&source=user`);
      expect(user.find((p) => p.name === 'level')).toMatchObject({
        displayName: '',
        description: '客户等级',
      });
    }
    // An empty description clears it; the display name is left as it was.
    expect(
      (await patch(admin, '/v1/catalog/events/transfer', { appId: app, description: '' })).statusCode,
    ).toBe(200);
    expect(await list<EventEntry>(stack.union, `/v1/catalog/events?appId=${app}`)).toMatchObject([
      { name: 'transfer', displayName: '名', description: '' },
    ]);
  });
});

describe('catalog property first/last seen', () => {
  it('gives custom properties volume and first/last seen within the caller scope (by hand)', async () => {
    const app = await stack.load({
      events: [
        ev(1, 'login', '2026-04-01T08:00:00Z', { props: { channel: 'app' } }),
        ev(2, 'login', '2026-04-03T09:30:00Z', {
          bankCode: 'B002',
          props: { channel: 'web' },
          numProps: { score: 5 },
        }),
        ev(3, 'pay', '2026-04-02T12:00:00Z', { props: { channel: 'app' }, numProps: { score: 7 } }),
        ev(1, 'pay', '2026-04-05T23:59:59Z', { numProps: { amount: 100 } }),
        // tier: text at B002, a number at B001 (typed number, one volume over both).
        ev(4, 'login', '2026-04-04T00:00:00Z', { bankCode: 'B002', props: { tier: 'gold' } }),
        ev(4, 'pay', '2026-04-06T00:00:00Z', { numProps: { tier: 3 } }),
      ],
      overrides: [],
      profiles: [
        profileOf(1, { props: { level: 'gold' }, lastSeen: Date.parse('2026-04-02T10:00:00Z') }),
        profileOf(2, {
          bankCode: 'B002',
          props: { level: 'silver' },
          numProps: { age: 30 },
          lastSeen: Date.parse('2026-04-04T10:00:00Z'),
        }),
        profileOf(3, { numProps: { age: 50 }, lastSeen: Date.parse('2026-04-01T10:00:00Z') }),
      ],
    });
    const pick = (props: PropertyEntry[]) =>
      Object.fromEntries(
        props
          .filter((p) => !p.preset)
          .map((p) => [p.name, [p.type, p.volume, p.firstSeen, p.lastSeen, p.events.join(',')]]),
      );
    const url = `/v1/catalog/properties?appId=${app}`;
    expect(pick(await list<PropertyEntry>(stack.union, url))).toEqual({
      channel: ['string', 3, '2026-04-01T08:00:00.000Z', '2026-04-03T09:30:00.000Z', 'login,pay'],
      score: ['number', 2, '2026-04-02T12:00:00.000Z', '2026-04-03T09:30:00.000Z', 'login,pay'],
      amount: ['number', 1, '2026-04-05T23:59:59.000Z', '2026-04-05T23:59:59.000Z', 'pay'],
      tier: ['number', 2, '2026-04-04T00:00:00.000Z', '2026-04-06T00:00:00.000Z', 'login,pay'],
    });
    // Bank B001 only: events of persons 1, 3 and 4's pay.
    expect(pick(await list<PropertyEntry>(stack.bank, url))).toEqual({
      channel: ['string', 2, '2026-04-01T08:00:00.000Z', '2026-04-02T12:00:00.000Z', 'login,pay'],
      score: ['number', 1, '2026-04-02T12:00:00.000Z', '2026-04-02T12:00:00.000Z', 'pay'],
      amount: ['number', 1, '2026-04-05T23:59:59.000Z', '2026-04-05T23:59:59.000Z', 'pay'],
      tier: ['number', 1, '2026-04-06T00:00:00.000Z', '2026-04-06T00:00:00.000Z', 'pay'],
    });
    // User properties: profiles written with the property, first/last by the profiles' last seen.
    expect(pick(await list<PropertyEntry>(stack.union, `${url}&source=user`))).toEqual({
      level: ['string', 2, '2026-04-02T10:00:00.000Z', '2026-04-04T10:00:00.000Z', ''],
      age: ['number', 2, '2026-04-01T10:00:00.000Z', '2026-04-04T10:00:00.000Z', ''],
    });
    expect(pick(await list<PropertyEntry>(stack.bank, `${url}&source=user`))).toEqual({
      level: ['string', 1, '2026-04-02T10:00:00.000Z', '2026-04-02T10:00:00.000Z', ''],
      age: ['number', 1, '2026-04-01T10:00:00.000Z', '2026-04-01T10:00:00.000Z', ''],
    });
    // Presets are columns, not tracked: no first/last seen.
    const os = (await list<PropertyEntry>(stack.union, url)).find((p) => p.name === '$os')!;
    expect(os).toMatchObject({ preset: true, volume: 0 });
    expect(os.firstSeen).toBeUndefined();
    expect(os.lastSeen).toBeUndefined();
  });
});

describe('hidden names', () => {
  it('are flagged hidden in the catalog (for pickers) but still accepted by analyses', async () => {
    const app = await stack.load({
      events: [
        ev(1, 'bill_pay', '2026-05-01T02:00:00Z', { props: { channel: 'app' } }),
        ev(2, 'bill_pay', '2026-05-01T03:00:00Z', { props: { channel: 'web' } }),
        ev(2, 'bill_pay', '2026-05-01T04:00:00Z', { props: { channel: 'app' } }),
        ev(1, 'transfer', '2026-05-01T05:00:00Z'),
      ],
      overrides: [],
      profiles: [],
    });
    const admin = await loginAs(stack.api.app, 'admin');
    expect((await patch(admin, '/v1/catalog/events/bill_pay', { appId: app, hidden: true })).statusCode).toBe(
      200,
    );
    expect(
      (await patch(admin, '/v1/catalog/properties/event/channel', { appId: app, hidden: true })).statusCode,
    ).toBe(200);
    const events = await list<EventEntry>(stack.union, `/v1/catalog/events?appId=${app}`);
    expect(events.map((e) => [e.name, e.hidden])).toEqual([
      ['bill_pay', true],
      ['transfer', false],
    ]);
    const props = await list<PropertyEntry>(stack.union, `/v1/catalog/properties?appId=${app}`);
    expect(props.find((p) => p.name === 'channel')).toMatchObject({ hidden: true });
    // A saved board naming them keeps working: 3 bill_pay events, 2 of them on the app channel.
    const base = { appId: app, from: '2026-05-01', to: '2026-05-01', timeZone: 'UTC', granularity: 'total' };
    const filtered = await stack.post('events', {
      ...base,
      metrics: [
        {
          event: 'bill_pay',
          aggregation: 'count',
          filters: [{ property: 'channel', op: 'eq', values: ['app'] }],
        },
      ],
    });
    expect(filtered.statusCode, filtered.body).toBe(200);
    expect((filtered.json() as { series: { total: number }[] }).series.map((x) => x.total)).toEqual([2]);
    const grouped = await stack.post('events', {
      ...base,
      groupBy: [{ source: 'event', property: 'channel' }],
      metrics: [{ event: 'bill_pay', aggregation: 'count' }],
    });
    expect(grouped.statusCode, grouped.body).toBe(200);
    const series = (grouped.json() as { series: { group: unknown; total: number }[] }).series;
    expect(series.map((x) => [x.group, x.total])).toEqual([
      [['app'], 2],
      [['web'], 1],
    ]);
  });
});
