// The identity API (/v1/identity) on the real pipeline: customers ingested through the collector,
// looked up by login id, device and bound identity, with masking and org scope; server-side
// profile operations; bind/unbind; the CSV import with its rejection summary and idempotency.
// Staff come from the demo tree: B001 and B002 are sibling banks that must not see each other.

import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markSensitive } from '../../src/masking/sensitive-fields.ts';
import type { Caller } from '../security/support/sessions.ts';
import { apiOn } from './support/api.ts';
import { send } from './support/pipeline.ts';

const T0 = Date.UTC(2026, 10, 21, 1, 0, 0);
let stack: EmbeddedStack;
let app: FastifyInstance;
let as: (username: string) => Promise<Caller>;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  ({ app, as } = await apiOn(stack));
  await markSensitive(stack.metadata.pool, stack.appId, 'phone', 'phone');
  // API-C1 of bank B001: anonymous on device api-d1, then logged in; a profile with a phone.
  await send(stack, [
    {
      event: '$AppStart',
      time: T0,
      distinct_id: 'api-d1',
      properties: { $bank_code: 'B001', $channel: 'app' },
    },
    {
      event: '$Login',
      time: T0 + 60_000,
      distinct_id: 'api-d1',
      login_id: 'API-C1',
      properties: { $bank_code: 'B001', $branch_code: 'B001-01' },
    },
    {
      type: 'profile_set',
      time: T0 + 61_000,
      distinct_id: 'api-d1',
      login_id: 'API-C1',
      properties: { phone: '13812345678', level: 'silver', $bank_code: 'B001', $branch_code: 'B001-01' },
    },
    // API-C2 of bank B002.
    {
      event: '$Login',
      time: T0,
      distinct_id: 'api-d2',
      login_id: 'API-C2',
      properties: { $bank_code: 'B002' },
    },
  ]);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const get = async (username: string, query: string) =>
  (await as(username)).request({ method: 'GET', url: `/v1/identity/customers?appId=mbank&${query}` });
const post = async (username: string, url: string, payload: unknown) =>
  (await as(username)).request({ method: 'POST', url, payload: payload as Record<string, unknown> });

describe('identity API', () => {
  it('finds a customer by login id and by device, with devices, presets and a masked phone', async () => {
    const byLogin = await get('b001.analyst', 'loginId=API-C1');
    expect(byLogin.statusCode, byLogin.body).toBe(200);
    const c = byLogin.json();
    expect(c).toMatchObject({
      kind: 'customer',
      loginId: 'API-C1',
      bankCode: 'B001',
      branchCode: 'B001-01',
      firstSeen: new Date(T0).toISOString(),
      devices: [{ distinctId: 'api-d1', firstLoginTime: new Date(T0 + 60_000).toISOString() }],
    });
    expect(c.props).toEqual({ phone: '138****5678', level: 'silver', $first_channel: 'app' });
    expect(c.numProps).toEqual({ $first_login_time: T0 + 60_000 });
    const byDevice = await get('b001.analyst', 'distinctId=api-d1');
    expect(byDevice.json().personId).toBe(c.personId);
  });

  it('reveals the phone only to data.unmask holders who ask', async () => {
    expect((await get('b001.analyst', 'loginId=API-C1&unmask=true')).json().props.phone).toBe('138****5678');
    expect((await get('b001.admin', 'loginId=API-C1&unmask=true')).json().props.phone).toBe('13812345678');
    expect((await get('b001.admin', 'loginId=API-C1')).json().props.phone).toBe('138****5678');
  });

  it('keeps customers of another bank out of sight, and refuses roles without profile.read', async () => {
    const other = await get('b002.admin', 'loginId=API-C1');
    expect([other.statusCode, other.json().error.code]).toEqual([404, 'CUSTOMER_NOT_FOUND']);
    expect((await get('b002.admin', 'loginId=API-C2')).statusCode).toBe(200);
    expect((await get('b001.admin', 'loginId=API-C2')).statusCode).toBe(404);
    const viewer = await get('b001.viewer', 'loginId=API-C1');
    expect([viewer.statusCode, viewer.json().error.code]).toEqual([403, 'PERMISSION_DENIED']);
  });

  it('applies server-side profile operations inside the scope only', async () => {
    const set = await post('b001.operator', '/v1/identity/profiles/ops', {
      appId: 'mbank',
      loginId: 'API-C1',
      op: 'increment',
      properties: { points: 5 },
    });
    expect(set.statusCode, set.body).toBe(200);
    await post('b001.operator', '/v1/identity/profiles/ops', {
      appId: 'mbank',
      loginId: 'API-C1',
      op: 'append',
      properties: { tags: ['vip'] },
    });
    const c = (await get('b001.analyst', 'loginId=API-C1')).json();
    expect(c.numProps.points).toBe(5);
    expect(c.props.tags).toBe('["vip"]');
    const foreign = await post('b002.admin', '/v1/identity/profiles/ops', {
      appId: 'mbank',
      loginId: 'API-C1',
      op: 'set',
      properties: { level: 'x' },
    });
    expect(foreign.statusCode).toBe(404);
    const analyst = await post('b001.analyst', '/v1/identity/profiles/ops', {
      appId: 'mbank',
      loginId: 'API-C1',
      op: 'set',
      properties: { level: 'x' },
    });
    expect(analyst.statusCode).toBe(403);
    expect((await get('b001.analyst', 'loginId=API-C1')).json().props.level).toBe('silver');
    const bad = await post('b001.operator', '/v1/identity/profiles/ops', {
      appId: 'mbank',
      loginId: 'API-C1',
      op: 'set',
      properties: { nested: { a: 1 } },
    });
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'properties.nested']);
  });

  it('binds an identity, finds the customer by it, refuses it to another, and unbinds it', async () => {
    const bind = { appId: 'mbank', loginId: 'API-C1', idType: 'union_no', idValue: 'U-0001' };
    expect((await post('admin', '/v1/identity/identities/bind', bind)).statusCode).toBe(200);
    expect((await get('b001.analyst', 'idType=union_no&idValue=U-0001')).json().loginId).toBe('API-C1');
    const taken = await post('admin', '/v1/identity/identities/bind', { ...bind, loginId: 'API-C2' });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'IDENTITY_TAKEN']);
    expect((await post('b001.operator', '/v1/identity/identities/bind', bind)).statusCode).toBe(403);
    const unbind = await post('admin', '/v1/identity/identities/unbind', bind);
    expect(unbind.json()).toEqual({ unbound: true });
    expect((await get('b001.analyst', 'idType=union_no&idValue=U-0001')).statusCode).toBe(404);
  });

  it('imports a profile CSV: applies good lines, names each rejected line, is idempotent', async () => {
    const csv = [
      'customer_id,bank_code,branch_code,age_band,level:number,opening_branch',
      'API-C1,,,30-39,3,B001-01',
      'API-C9,B001,B001-01,40-49,,B001-01',
      ',B001,,20-29,1,x',
      'API-C8,B001,,20-29,high,x',
      'API-C7,B002,,50-59,2,B002-01',
      'API-C6,B001,,60+',
    ].join('\n');
    const importCsv = async () =>
      (await as('b001.admin')).request({
        method: 'POST',
        url: '/v1/identity/profiles/import?appId=mbank',
        headers: { 'content-type': 'text/csv' },
        payload: csv,
      });
    const first = await importCsv();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({
      lines: 6,
      applied: 2,
      unchanged: 0,
      rejectedCount: 4,
      rejected: [
        { line: 4, field: 'customer_id', rule: 'required, 1-200 characters' },
        { line: 5, field: 'level:number', rule: 'must be a number' },
        { line: 6, field: 'bank_code', rule: 'the customer is outside your part of the org tree' },
        { line: 7, field: '*', rule: 'has 4 fields, the header has 6' },
      ],
    });
    const c1 = (await get('b001.analyst', 'loginId=API-C1')).json();
    expect(c1.props).toMatchObject({ age_band: '30-39', opening_branch: 'B001-01' });
    // `level` was text from the SDK; the CSV's numeric level replaces it.
    expect(c1.props.level).toBeUndefined();
    expect(c1.numProps.level).toBe(3);
    const c9 = (await get('b001.analyst', 'loginId=API-C9')).json();
    expect([c9.bankCode, c9.branchCode, c9.props.age_band]).toEqual(['B001', 'B001-01', '40-49']);
    const again = await importCsv();
    expect(again.json()).toMatchObject({ lines: 6, applied: 0, unchanged: 2, rejectedCount: 4 });
    const stored = await stack.clickhouse.query({
      query:
        "SELECT count() AS n FROM profile_ops WHERE app_id = 'mbank' AND login_id IN ('API-C1', 'API-C9') AND op = 'profile_set' AND distinct_id = ''",
      format: 'JSONEachRow',
    });
    expect(Number((await stored.json<{ n: number }>())[0]!.n)).toBe(2);
  });
});
