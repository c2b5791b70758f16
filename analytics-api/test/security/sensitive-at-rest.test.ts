// Encryption at rest of sensitive properties, end to end on real parts: fields marked sensitive
// through the API, an event and a profile with a phone number, an ID card number and a name sent
// through the real collector process into the real chdb engine; the raw ClickHouse rows hold no
// plaintext; the API shows the values masked to an analyst and in clear to an org admin who asks
// (audited); analyses can match the phone number exactly but cannot group by it.
import { randomUUID } from 'node:crypto';
import { type EmbeddedStack, STACK_SECRET_KEY, startEmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { createPropertyProtector, SensitiveKeyMissingError } from '../../src/crypto/property-protector.ts';
import { seedDemoOrgAndStaff } from '../../src/staff/seed-demo.ts';
import { testConfig } from './support/api-stack.ts';
import { type Caller, loginAs } from './support/sessions.ts';

const KEY = { id: 'k1', key: STACK_SECRET_KEY };
const PHONE = '13812345678';
const ID_CARD = '22010219900101123X';
const NAME = '张三丰';
// Hand-written masks (mask-value.ts conventions), not computed by the code under test.
const MASKED = { phone: '138****5678', id_card: '2201**********123X', name: '张**' };

describe('sensitive properties at rest', () => {
  let stack: EmbeddedStack;
  let api: FastifyInstance;
  let admin: Caller;
  let analyst: Caller;
  let bankAdmin: Caller;
  // The UTC days the events fall on, taken from their own times (a run across midnight must
  // still query the day the events were sent on).
  let firstDay = '';
  let lastDay = '';

  beforeAll(async () => {
    // The stack gives its collector TALLY_SECRET_KEY (STACK_SECRET_KEY), as `npm start` passes the
    // API's key to every service.
    stack = await startEmbeddedStack();
    await seedDemoOrgAndStaff(stack.metadata);
    api = await buildApp({
      config: testConfig({ secretKeys: [KEY], identifierKeyId: 'k1' }),
      clickhouse: stack.clickhouse,
      metadata: stack.metadata,
      logger: false,
    });
    await api.ready();
    admin = await loginAs(api, 'admin');
    analyst = await loginAs(api, 'b001.analyst');
    bankAdmin = await loginAs(api, 'b001.admin');
    for (const [field, kind] of [
      ['phone', 'phone'],
      ['id_card', 'id_card'],
      ['name', 'name'],
    ]) {
      const res = await admin.request({
        method: 'PUT',
        url: `/v1/apps/${stack.appId}/sensitive-fields/${field}`,
        payload: { kind },
      });
      expect(res.statusCode, res.body).toBe(204);
    }
    // The collector caches the field list for up to 5 s; wait it out so it sees the marks.
    await new Promise((r) => setTimeout(r, 5_500));
    const now = Date.now();
    firstDay = new Date(now - 2000).toISOString().slice(0, 10);
    lastDay = new Date(now).toISOString().slice(0, 10);
    const res = await fetch(`${stack.collectorUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
      body: JSON.stringify({
        sent_at: now,
        events: [
          {
            event: 'transfer',
            uuid: randomUUID(),
            time: now - 2000,
            distinct_id: 'dev-s1',
            login_id: 'C-SENSITIVE-1',
            properties: { $bank_code: 'B001', phone: PHONE, id_card: ID_CARD, name: NAME, amount: 5000 },
          },
          {
            event: 'transfer',
            uuid: randomUUID(),
            time: now - 1000,
            distinct_id: 'dev-s2',
            login_id: 'C-SENSITIVE-2',
            // A phone typed as a JSON number must not reach the numeric map in clear either.
            properties: { $bank_code: 'B001', phone: 13900001111, amount: 10 },
          },
          {
            type: 'profile_set',
            uuid: randomUUID(),
            time: now - 500,
            distinct_id: 'dev-s1',
            login_id: 'C-SENSITIVE-1',
            properties: {
              $bank_code: 'B001',
              phone: Number(PHONE),
              id_card: ID_CARD,
              name: NAME,
              level: 'gold',
            },
          },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  it('stores no plaintext in events, profile operations or profiles', async () => {
    for (const table of ['events', 'profile_ops', 'profiles']) {
      const result = await stack.clickhouse.query({
        query: `SELECT props, num_props FROM ${table} WHERE app_id = {app:String}`,
        query_params: { app: stack.appId },
        format: 'JSONEachRow',
      });
      const rows = await result.json<{ props: Record<string, string>; num_props: Record<string, number> }>();
      expect(rows.length, table).toBeGreaterThan(0);
      const raw = JSON.stringify(rows);
      for (const secret of [PHONE, '13900001111', ID_CARD, '220102199001', NAME, '张三'])
        expect(raw, `${table} holds ${secret}`).not.toContain(secret);
      for (const row of rows) {
        expect(row.num_props, table).not.toHaveProperty('phone');
        if (row.props.phone) expect(row.props.phone).toMatch(/^hid:v1:k1:[0-9a-f]{64}:enc:v1:k1:[\w-]+$/);
        if (row.props.id_card) expect(row.props.id_card).toMatch(/^hid:v1:k1:[0-9a-f]{64}:enc:v1:k1:/);
        if (row.props.name) expect(row.props.name).toMatch(/^enc:v1:k1:[\w-]+$/);
      }
    }
    // Other properties stay as they were.
    const plain = await stack.clickhouse.query({
      query: "SELECT num_props['amount'] AS amount FROM events WHERE login_id = 'C-SENSITIVE-1'",
      format: 'JSONEachRow',
    });
    expect(await plain.json()).toEqual([{ amount: 5000 }]);
  });

  it('shows the values masked to an analyst, even when the analyst asks for clear values', async () => {
    for (const unmask of ['', '&unmask=true']) {
      const res = await analyst.request({
        method: 'GET',
        url: `/v1/identity/customers?appId=${stack.appId}&loginId=C-SENSITIVE-1${unmask}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const props = (res.json() as { props: Record<string, string> }).props;
      expect(props).toMatchObject({ ...MASKED, level: 'gold' });
    }
  });

  it('shows the plaintext to an org admin who asks, and audits the unmasking', async () => {
    const res = await bankAdmin.request({
      method: 'GET',
      url: `/v1/identity/customers?appId=${stack.appId}&loginId=C-SENSITIVE-1&unmask=true`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { props: Record<string, string> }).props).toMatchObject({
      phone: PHONE,
      id_card: ID_CARD,
      name: NAME,
    });
    const [entries] = await stack.metadata.pool.query(
      "SELECT details FROM audit_log WHERE action = 'data.unmask' AND actor_name = 'b001.admin'",
    );
    const details = (entries as Array<{ details: unknown }>).map((e) =>
      typeof e.details === 'string' ? JSON.parse(e.details) : e.details,
    );
    expect(details).toEqual([expect.objectContaining({ purpose: 'profile.read', rows: 1 })]);
    expect(JSON.stringify(details)).not.toContain(PHONE);
  });

  const eventQuery = (extra: Record<string, unknown>) => ({
    appId: stack.appId,
    from: firstDay,
    to: lastDay,
    timeZone: 'UTC',
    granularity: 'total',
    metrics: [{ event: 'transfer', aggregation: 'count' }],
    ...extra,
  });
  const total = (body: string) => (JSON.parse(body) as { series: { total: number }[] }).series[0]!.total;

  it('matches a phone number exactly through its keyed hash, however it is spelt', async () => {
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ property: 'phone', op: 'eq', values: ['138-1234-5678'] }, 1],
      [{ property: 'phone', op: 'in', values: [PHONE, '13900001111'] }, 2],
      [{ property: 'phone', op: 'neq', values: [PHONE] }, 1],
      [{ property: 'phone', op: 'eq', values: ['13812345679'] }, 0],
      [{ property: 'id_card', op: 'eq', values: ['22010219900101123x'] }, 1],
      [{ property: 'name', op: 'is_set' }, 1],
    ];
    for (const [filter, expected] of cases) {
      const res = await analyst.request({
        method: 'POST',
        url: '/v1/analysis/events',
        payload: eventQuery({ filters: [filter] }),
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(total(res.body), JSON.stringify(filter)).toBe(expected);
    }
    // The audit entry of the run holds the hash, never the number the analyst typed.
    const [runs] = await stack.metadata.pool.query(
      "SELECT details FROM audit_log WHERE action = 'analysis.run' AND actor_name = 'b001.analyst'",
    );
    const logged = JSON.stringify(runs);
    expect(logged).toContain('hid:v1:');
    expect(logged).not.toContain('1381234');
  });

  it('refuses grouping, measuring or comparing by a sensitive property with 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ groupBy: [{ property: 'phone' }] }, 'groupBy[0].property'],
      [
        { metrics: [{ event: 'transfer', aggregation: 'distinct', property: 'id_card' }] },
        'metrics[0].property',
      ],
      [{ filters: [{ property: 'phone', op: 'contains', values: ['138'] }] }, 'filters[0].op'],
      [{ filters: [{ property: 'name', op: 'eq', values: [NAME] }] }, 'filters[0].op'],
    ];
    for (const [extra, field] of cases) {
      const res = await analyst.request({
        method: 'POST',
        url: '/v1/analysis/events',
        payload: eventQuery(extra),
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'SENSITIVE_PROPERTY', field } });
    }
  });

  it('encrypts server-side profile operations and CSV imports the same way', async () => {
    const operator = await loginAs(api, 'b001.operator');
    const set = await operator.request({
      method: 'POST',
      url: '/v1/identity/profiles/ops',
      payload: {
        appId: stack.appId,
        loginId: 'C-SENSITIVE-3',
        op: 'set',
        properties: { phone: '13700002222', name: '李四' },
        bankCode: 'B001',
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    const imported = await operator.request({
      method: 'POST',
      url: `/v1/identity/profiles/import?appId=${stack.appId}`,
      headers: { 'content-type': 'text/csv' },
      payload: 'customer_id,bank_code,phone,id_card\nC-SENSITIVE-4,B001,13600003333,220102198002021111\n',
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ applied: 1 });
    for (const table of ['profile_ops', 'profiles']) {
      const result = await stack.clickhouse.query({
        query: `SELECT props FROM ${table} WHERE login_id IN ('C-SENSITIVE-3', 'C-SENSITIVE-4')`,
        format: 'JSONEachRow',
      });
      const raw = JSON.stringify(await result.json());
      expect(raw).toContain('hid:v1:');
      for (const secret of ['13700002222', '李四', '13600003333', '220102198002021111'])
        expect(raw, `${table} holds ${secret}`).not.toContain(secret);
    }
    const shown = await bankAdmin.request({
      method: 'GET',
      url: `/v1/identity/customers?appId=${stack.appId}&loginId=C-SENSITIVE-4&unmask=true`,
    });
    expect(shown.json()).toMatchObject({ props: { phone: '13600003333', id_card: '220102198002021111' } });
  });

  it('refuses to write a marked field when no key is configured, instead of storing it in clear', async () => {
    const withoutKey = createPropertyProtector({ pool: stack.metadata.pool, keyring: null });
    const row = { app_id: stack.appId, props: { phone: PHONE }, num_props: {} };
    await expect(withoutKey.protect([row])).rejects.toThrow(SensitiveKeyMissingError);
    // An app without marked fields needs no key.
    const other = { app_id: 'no-such-app', props: { phone: PHONE }, num_props: {} };
    expect(await withoutKey.protect([other])).toEqual([other]);
    // With a key, a value already protected is left alone (idempotent).
    const ring = createKeyring([KEY], 'k1');
    const [once] = await createPropertyProtector({ pool: stack.metadata.pool, keyring: ring }).protect([row]);
    const [twice] = await createPropertyProtector({ pool: stack.metadata.pool, keyring: ring }).protect([
      once!,
    ]);
    expect(twice!.props.phone).toBe(once!.props.phone);
  });
});
