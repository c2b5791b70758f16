// Bad and hostile input against the collector (fast-check generated): malformed JSON, random
// bytes, wrong types in every field, huge strings, deep nesting, bad gzip, wrong keys. Every
// answer must be a 4xx with an error code, or a 200 whose rejections carry codes, and the app
// must keep serving a good batch afterwards.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, WRITE_KEY } from './test-app.ts';

const GOOD = JSON.stringify({ events: [{ event: 'ok', time: Date.now(), distinct_id: 'd' }] });

describe('collector under hostile input', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => app.close());

  const send = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/batch',
      payload,
      headers: { 'content-type': 'application/json', 'x-tally-key': WRITE_KEY, ...headers },
    });

  const expectHandled = (res: Awaited<ReturnType<typeof send>>) => {
    expect(res.statusCode).toBeLessThan(500);
    const body = res.json();
    if (res.statusCode === 200) {
      for (const r of body.rejected) expect(r.code).toMatch(/^[A-Z_]+$/);
    } else {
      expect(body.error.code).toMatch(/^[A-Z_]+$/);
      expect(body.error.message.length).toBeGreaterThan(5);
    }
  };

  it('answers random bytes and random text with a clear 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
          fc.string({ maxLength: 2000 }),
        ),
        async (payload) => {
          expectHandled(await send(payload));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('handles any JSON value in any field of an event', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const hostileEvent = fc.record(
      {
        type: fc.oneof(anyJson, fc.constantFrom('track', 'profile_set', 'bind')),
        event: fc.oneof(anyJson, fc.string({ maxLength: 300 })),
        uuid: anyJson,
        time: fc.oneof(anyJson, fc.double(), fc.integer()),
        distinct_id: fc.oneof(anyJson, fc.string({ maxLength: 400 })),
        login_id: anyJson,
        properties: fc.oneof(anyJson, fc.dictionary(fc.string({ maxLength: 120 }), anyJson, { maxKeys: 40 })),
        identities: anyJson,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileEvent, { maxLength: 20 }),
        fc.option(anyJson),
        async (events, sentAt) => {
          expectHandled(await send(JSON.stringify({ sent_at: sentAt, events })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('survives deep nesting, huge strings, many keys and NaN-like numbers', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expectHandled(await send(`{"events":${deep}}`));
    expectHandled(
      await send(
        `{"events":[{"event":"x","time":1,"distinct_id":"d","properties":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}]}`,
      ),
    );
    const huge = 'x'.repeat(3 * 1024 * 1024);
    expectHandled(
      await send(
        JSON.stringify({
          events: [{ event: 'x', time: Date.now(), distinct_id: 'd', properties: { s: huge } }],
        }),
      ),
    );
    const manyKeys = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    const res = await send(
      JSON.stringify({ events: [{ event: 'x', time: Date.now(), distinct_id: 'd', properties: manyKeys }] }),
    );
    expect(res.json().rejected[0].code).toBe('TOO_MANY_PROPERTIES');
    expectHandled(await send('{"events":[{"event":"x","time":1e400,"distinct_id":"d"}]}'));
  });

  it('answers bad gzip, unsupported encodings and wrong keys with 4xx', async () => {
    expectHandled(await send(Buffer.from('not gzip'), { 'content-encoding': 'gzip' }));
    expectHandled(await send(gzipSync(GOOD).subarray(0, 20), { 'content-encoding': 'gzip' }));
    expectHandled(await send(GOOD, { 'content-encoding': 'br' }));
    expectHandled(await send(GOOD, { 'x-tally-key': "' OR 1=1 --" }));
    expectHandled(await send(GOOD, { 'x-tally-key': 'k'.repeat(10_000) }));
  });

  it('still accepts a good batch after all of that', async () => {
    const res = await send(GOOD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, rejected: [] });
  });
});
