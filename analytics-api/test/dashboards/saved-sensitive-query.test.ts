// Saved dashboard queries and sensitive properties, on the real API, MariaDB, collector and chdb:
// an equality filter on a phone number is stored as its keyed-hash token (computed here from the
// stack's key, not by the code under test), never as the number the analyst typed; a refused use
// is refused at save time naming the field; the saved query still runs and finds the events
// (counts written by hand from the events sent).
import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { type EmbeddedStack, STACK_SECRET_KEY, startEmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markSensitive } from '../../src/masking/sensitive-fields.ts';
import { apiOn } from '../identity/support/api.ts';
import type { Caller } from '../security/support/sessions.ts';

let stack: EmbeddedStack;
let app: FastifyInstance;
let analyst: Caller;
const today = new Date().toISOString().slice(0, 10);

const identifierKey = Buffer.from(
  hkdfSync('sha256', STACK_SECRET_KEY, Buffer.alloc(0), 'tally:identifier-hash:v1', 32),
);
const token = (digits: string) =>
  `hid:v1:k1:${createHmac('sha256', identifierKey).update(`sensitive:phone\u0000${digits}`).digest('hex')}:`;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  let as: (username: string) => Promise<Caller>;
  ({ app, as } = await apiOn(stack));
  analyst = await as('b001.analyst');
  await markSensitive(stack.metadata.pool, stack.appId, 'phone', 'phone');
  // The collector caches the field list for up to 5 s.
  await new Promise((r) => setTimeout(r, 5_500));
  const event = (distinctId: string, phone: string) => ({
    event: 'transfer',
    uuid: randomUUID(),
    time: Date.now(),
    distinct_id: distinctId,
    properties: { phone, $bank_code: 'B001' },
  });
  const res = await fetch(`${stack.collectorUrl}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
    body: JSON.stringify({
      events: [event('ss-d1', '13812345678'), event('ss-d1', '13812345678'), event('ss-d2', '13900001111')],
    }),
  });
  expect(res.status, await res.text()).toBe(200);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const query = (filters: unknown[], extra: Record<string, unknown> = {}) => ({
  appId: stack.appId,
  from: today,
  to: today,
  timeZone: 'UTC',
  granularity: 'total',
  metrics: [{ event: 'transfer', aggregation: 'count' }],
  filters,
  ...extra,
});

async function run(saved: { query: Record<string, unknown> }): Promise<number> {
  const res = await analyst.request({ method: 'POST', url: '/v1/analysis/events', payload: saved.query });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { series: Array<{ total: number }> }).series[0]!.total;
}

async function storedQueryText(id: number): Promise<string> {
  const [rows] = await stack.metadata.pool.query('SELECT query_json FROM saved_analyses WHERE id = ?', [id]);
  return String((rows as Array<{ query_json: unknown }>)[0]!.query_json);
}

describe('saved queries with sensitive filters', () => {
  it('stores the hash token, not the number, and the saved query still runs', async () => {
    const created = await analyst.request({
      method: 'POST',
      url: '/v1/dashboards/analyses',
      payload: {
        name: 'one customer',
        model: 'events',
        query: query([{ property: 'phone', op: 'eq', values: ['138-1234-5678'] }]),
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const saved = created.json() as { id: number; query: Record<string, unknown> };
    expect(saved.query.filters).toEqual([{ property: 'phone', op: 'eq', values: [token('13812345678')] }]);
    const text = await storedQueryText(saved.id);
    expect(text).toContain(token('13812345678'));
    expect(text).not.toMatch(/13812345678|1234-5678/);

    const reread = await analyst.request({ method: 'GET', url: `/v1/dashboards/analyses/${saved.id}` });
    expect(reread.statusCode).toBe(200);
    expect(JSON.stringify(reread.json())).not.toContain('5678"');
    // Two transfers carry 138 1234 5678.
    expect(await run(reread.json())).toBe(2);

    const updated = await analyst.request({
      method: 'PUT',
      url: `/v1/dashboards/analyses/${saved.id}`,
      payload: {
        name: 'others',
        model: 'events',
        query: query([{ property: 'phone', op: 'not_in', values: ['13812345678'] }]),
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(await storedQueryText(saved.id)).not.toContain('13812345678');
    // Only the transfer of 139 0000 1111 is left.
    expect(await run(updated.json())).toBe(1);
  });

  it('refuses at save time what an analysis would refuse, naming the field', async () => {
    for (const [filters, extra, field] of [
      [[{ property: 'phone', op: 'contains', values: ['138'] }], {}, 'query.filters[0].op'],
      [[], { groupBy: [{ property: 'phone' }] }, 'query.groupBy[0].property'],
    ] as const) {
      const res = await analyst.request({
        method: 'POST',
        url: '/v1/dashboards/analyses',
        payload: { name: 'refused', model: 'events', query: query([...filters], extra) },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'SENSITIVE_PROPERTY', field } });
    }
  });
});
