// POST /v1/batch at the HTTP boundary: encodings (JSON, text/plain from sendBeacon, gzip with and
// without a header), write-key placement, per-event rejection with index and reason, limits,
// clock-skew correction and enrichment, and 503 + Retry-After when storage is down.
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordingSink, recordingSink, testApp, WRITE_KEY } from './test-app.ts';

const NOW = Date.now();
const event = (over: Record<string, unknown> = {}) => ({
  type: 'track',
  event: '$AppStart',
  uuid: '0193a5d2-8f5e-4c3a-9d1e-2b4f6a8c0e12',
  time: NOW - 1000,
  distinct_id: 'dev-1',
  properties: {
    $screen_name: '首页',
    amount: 12.5,
    vip: true,
    tags: ['a', 'b'],
    $bank_code: 'B001',
    $os: 'Android',
  },
  ...over,
});

describe('POST /v1/batch', () => {
  let app: FastifyInstance;
  let sink: RecordingSink;
  beforeEach(async () => {
    sink = recordingSink();
    app = await testApp(sink);
  });
  afterEach(async () => app.close());

  const post = (payload: string | Buffer, headers: Record<string, string> = {}, url = '/v1/batch') =>
    app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json', 'x-tally-key': WRITE_KEY, ...headers },
    });

  it('accepts JSON and builds enriched rows', async () => {
    const res = await post(JSON.stringify({ events: [event()] }), {
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, rejected: [] });
    const row = sink.batches[0]!.events[0]!;
    expect(row).toMatchObject({
      app_id: 'mbank',
      event: '$AppStart',
      uuid: '0193a5d2-8f5e-4c3a-9d1e-2b4f6a8c0e12',
      distinct_id: 'dev-1',
      bank_code: 'B001',
      os: 'Android', // the SDK's $os wins over the User-Agent's Windows
      browser: 'Chrome',
      person_id: 0,
    });
    expect(row.props).toEqual({ $screen_name: '首页', vip: 'true', tags: '["a","b"]' });
    expect(row.num_props).toEqual({ amount: 12.5 });
  });

  it('falls back to the app default bank when the event names none', async () => {
    await post(JSON.stringify({ events: [event({ properties: {} })] }));
    expect(sink.batches[0]!.events[0]!.bank_code).toBe('B000');
  });

  it('accepts text/plain bodies with the key in the query string (sendBeacon)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/batch?key=${WRITE_KEY}`,
      payload: JSON.stringify({ events: [event()] }),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(res.json()).toEqual({ accepted: 1, rejected: [] });
  });

  it('accepts gzip with Content-Encoding and gzip recognised by magic bytes', async () => {
    const body = gzipSync(JSON.stringify({ events: [event()] }));
    expect((await post(body, { 'content-encoding': 'gzip' })).json().accepted).toBe(1);
    expect((await post(body)).json().accepted).toBe(1);
  });

  it('takes the write key from the body too, and refuses a missing or unknown key with 401', async () => {
    const withBodyKey = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      payload: { write_key: WRITE_KEY, events: [event()] },
    });
    expect(withBodyKey.statusCode).toBe(200);
    const missing = await app.inject({ method: 'POST', url: '/v1/batch', payload: { events: [event()] } });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('WRITE_KEY_MISSING');
    const wrong = await post(JSON.stringify({ events: [event()] }), { 'x-tally-key': 'nope' });
    expect(wrong.json().error.code).toBe('WRITE_KEY_INVALID');
    expect(sink.batches).toHaveLength(1);
  });

  it('accepts the good events of a batch and names each bad one with index, field and rule', async () => {
    const res = await post(
      JSON.stringify({
        events: [
          event(),
          event({ event: '9starts-with-digit' }),
          event({ uuid: 'not-a-uuid' }),
          event({ properties: { nested: { a: 1 } } }),
          event({ distinct_id: '' }),
          event({ time: NOW + 2 * 3600_000 }),
          event({ type: 'explode' }),
        ],
      }),
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(1);
    expect(
      body.rejected.map((r: { index: number; code: string; field: string }) => [r.index, r.code, r.field]),
    ).toEqual([
      [1, 'EVENT_NAME_INVALID', 'events[1].event'],
      [2, 'UUID_INVALID', 'events[2].uuid'],
      [3, 'PROPERTY_VALUE_INVALID', 'events[3].properties.nested'],
      [4, 'DISTINCT_ID_INVALID', 'events[4].distinct_id'],
      [5, 'TIME_IN_FUTURE', 'events[5].time'],
      [6, 'EVENT_TYPE_INVALID', 'events[6].type'],
    ]);
  });

  it('refuses a __proto__ property name instead of touching a prototype', async () => {
    const res = await post(
      '{"events":[{"event":"x","time":' +
        (NOW - 1) +
        ',"distinct_id":"d","properties":{"__proto__":{"polluted":1}}}]}',
    );
    expect(res.json().rejected[0].code).toBe('PROPERTY_NAME_INVALID');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('corrects event time by the client clock skew (receive time - sent_at)', async () => {
    // The client clock runs 10 minutes behind: its "now" is NOW - 10 min.
    const skew = 10 * 60_000;
    await post(
      JSON.stringify({ sent_at: Date.now() - skew, events: [event({ time: Date.now() - skew - 5_000 })] }),
    );
    const row = sink.batches[0]!.events[0]!;
    expect(Math.abs(row.time - (row.receive_time - 5_000))).toBeLessThan(1_000);
  });

  it('routes profile operations and identity binds to their own rows', async () => {
    await post(
      JSON.stringify({
        events: [
          {
            type: 'profile_set',
            time: NOW,
            distinct_id: 'd',
            login_id: 'C1',
            properties: { age_band: '26-35', score: 3 },
          },
          {
            type: 'bind',
            time: NOW,
            distinct_id: 'd',
            login_id: 'C1',
            identities: { union_customer_no: 'U1' },
          },
        ],
      }),
    );
    const batch = sink.batches[0]!;
    expect(batch.profileOps[0]).toMatchObject({
      op: 'profile_set',
      login_id: 'C1',
      props: { age_band: '26-35' },
      num_props: { score: 3 },
    });
    expect(batch.identityOps[0]).toMatchObject({ op: 'bind', identities: { union_customer_no: 'U1' } });
    expect(batch.events).toHaveLength(0);
  });

  it('refuses an unreadable request whole, with a code naming the problem', async () => {
    expect((await post('{not json')).json().error.code).toBe('BODY_NOT_JSON');
    expect((await post('[1,2]')).json().error.code).toBe('BATCH_NOT_OBJECT');
    expect((await post('{"events": 3}')).json().error.code).toBe('BATCH_EVENTS_MISSING');
    expect(
      (await post(Buffer.from([0x1f, 0x8b, 1, 2, 3]), { 'content-encoding': 'gzip' })).json().error.code,
    ).toBe('BODY_NOT_GZIP');
    const tooMany = await post(JSON.stringify({ events: Array.from({ length: 1001 }, () => event()) }));
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error.code).toBe('BATCH_TOO_MANY_EVENTS');
  });

  it('stops a gzip bomb at the decompressed-size limit', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    const res = await post(bomb, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('BODY_DECOMPRESSED_TOO_LARGE');
  });

  it('answers 503 with Retry-After when storage is unavailable, and acknowledges nothing', async () => {
    sink.failNext = true;
    const res = await post(JSON.stringify({ events: [event()] }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json().error.code).toBe('STORAGE_UNAVAILABLE');
    expect(sink.batches).toHaveLength(0);
  });

  it('serves health, readiness, metrics and the OpenAPI description', async () => {
    await post(JSON.stringify({ events: [event(), event({ uuid: 'bad' })] }));
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/tally_collector_events_accepted_total\{app="mbank"\} 1/);
    expect(metrics).toMatch(/tally_collector_events_rejected_total\{reason="UUID_INVALID"\} 1/);
    const openapi = (await app.inject('/openapi.json')).json();
    expect(openapi.paths['/v1/batch'].post.requestBody).toBeDefined();
    expect(Object.keys(openapi.paths['/v1/batch'].post.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '413', '503']),
    );
  });

  it('answers CORS preflights for browser SDKs', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: {
        origin: 'https://bank.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-tally-key,content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://bank.example');
  });
});
