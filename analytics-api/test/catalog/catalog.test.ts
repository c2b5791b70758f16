// The metadata catalog on real ClickHouse + MariaDB: names and types discovered from ingested
// rows by materialized views, volumes within the caller's org scope, staff annotations with
// permission checks and audit, and the engine refusing names the catalog has never seen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../models/support/dataset.ts';
import { type EngineStack, startEngineStack } from '../models/support/engine-stack.ts';
import { loginAs } from '../security/support/sessions.ts';

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
