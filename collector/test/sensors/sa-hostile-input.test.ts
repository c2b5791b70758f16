// Hostile input against the Sensors Analytics endpoint (fast-check generated): random bytes in
// every transport slot (query data=, form data_list=, raw body, gzip body), valid base64 of
// random JSON, SA records with any JSON value in any field, bad gzip. Every answer must be a 4xx
// with an error code or a 200, never a 5xx, and a good record must still be taken afterwards.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordingSink, testApp, WRITE_KEY } from '../batch/test-app.ts';

const sink = recordingSink();
let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(sink);
});
afterAll(async () => app.close());

const url = (extra = '') => `/sa?token=${WRITE_KEY}${extra}`;
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function expectHandled(res: Awaited<ReturnType<FastifyInstance['inject']>>) {
  expect(res.statusCode).toBeLessThan(500);
  if (res.statusCode !== 200) {
    const body = res.json();
    expect(body.error.code).toMatch(/^[A-Z_]+$/);
    expect(body.error.message.length).toBeGreaterThan(5);
  } else if (res.body !== '') {
    for (const r of res.json().rejected) expect(r.code).toMatch(/^[A-Z_]+$/);
  }
}

it('never fails on random bytes in any transport slot', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 1500 }).map((a) => Buffer.from(a)),
      fc.constantFrom('query', 'form', 'form-gzip', 'raw', 'json', 'gzip-body'),
      async (bytes, slot) => {
        const text = bytes.toString('latin1');
        const res =
          slot === 'query'
            ? await app.inject({ method: 'GET', url: url(`&data=${encodeURIComponent(text)}`) })
            : slot === 'form'
              ? await app.inject({
                  method: 'POST',
                  url: url(),
                  payload: `data_list=${encodeURIComponent(b64(bytes))}`,
                })
              : slot === 'form-gzip'
                ? await app.inject({
                    method: 'POST',
                    url: url(),
                    payload: `data_list=${encodeURIComponent(b64(bytes))}&gzip=1`,
                  })
                : slot === 'raw'
                  ? await app.inject({ method: 'POST', url: url(), payload: bytes })
                  : slot === 'json'
                    ? await app.inject({
                        method: 'POST',
                        url: url(),
                        payload: bytes,
                        headers: { 'content-type': 'application/json' },
                      })
                    : await app.inject({
                        method: 'POST',
                        url: url(),
                        payload: Buffer.concat([Buffer.from([0x1f, 0x8b]), bytes]),
                      });
        await expectHandled(res);
      },
    ),
    { numRuns: 300 },
  );
});

it('handles any JSON value in any field of an SA record, in every encoding', async () => {
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const record = fc.record(
    {
      type: fc.oneof(
        anyJson,
        fc.constantFrom(
          'track',
          'track_signup',
          'track_id_bind',
          'track_id_unbind',
          'profile_set',
          'profile_delete',
          'item_set',
        ),
      ),
      event: fc.oneof(anyJson, fc.string({ maxLength: 150 })),
      distinct_id: fc.oneof(anyJson, fc.string({ maxLength: 300 })),
      original_id: anyJson,
      anonymous_id: anyJson,
      login_id: anyJson,
      time: fc.oneof(anyJson, fc.double(), fc.integer()),
      _flush_time: fc.oneof(anyJson, fc.double()),
      _track_id: anyJson,
      lib: anyJson,
      identities: fc.oneof(anyJson, fc.dictionary(fc.string({ maxLength: 30 }), anyJson)),
      properties: fc.oneof(
        anyJson,
        fc.dictionary(
          fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('__proto__', 'constructor', '$lib')),
          anyJson,
        ),
      ),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(record, { maxLength: 5 }), fc.nat(2), async (records, encoding) => {
      const json = JSON.stringify(records);
      const payload =
        encoding === 0
          ? `data_list=${encodeURIComponent(b64(json))}`
          : encoding === 1
            ? `data_list=${encodeURIComponent(b64(gzipSync(json)))}&gzip=1`
            : json;
      await expectHandled(await app.inject({ method: 'POST', url: url(), payload }));
    }),
    { numRuns: 300 },
  );
});

it('refuses a gzip bomb at the decompression limit and keeps serving', async () => {
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
  const res = await app.inject({
    method: 'POST',
    url: url(),
    payload: `data_list=${encodeURIComponent(b64(bomb))}&gzip=1`,
  });
  expect(res.statusCode).toBe(413);
  const before = sink.batches.length;
  const good = { type: 'track', event: 'StillOk', distinct_id: 'd', time: Date.now(), _track_id: 1 };
  const ok = await app.inject({
    method: 'GET',
    url: url(`&data=${encodeURIComponent(b64(JSON.stringify(good)))}`),
  });
  expect([ok.statusCode, ok.body]).toEqual([200, '']);
  expect(sink.batches.length).toBe(before + 1);
  expect(sink.batches.at(-1)!.events.map((e) => e.event)).toEqual(['StillOk']);
});
