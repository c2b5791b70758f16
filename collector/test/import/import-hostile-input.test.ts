// Hostile files against POST /v1/import (fast-check generated): random bytes as NDJSON or CSV,
// JSON lines with any value in any field, Tally or Sensors dialect. Every answer is a 200 summary
// whose counts add up (each non-blank line accepted or rejected with a code and a line number)
// or a 4xx with a code; never a 5xx. Route-level: the sink records instead of storing (storage
// is covered end to end by import.test.ts).
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordingSink, testApp, WRITE_KEY } from '../batch/test-app.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(recordingSink());
});
afterAll(async () => app.close());

interface Summary {
  lines: number;
  accepted: number;
  rejected: number;
  rejections: Array<{ line: number; code: string }>;
}

const post = (payload: string | Buffer, query: string) =>
  app.inject({ method: 'POST', url: `/v1/import?${query}`, payload, headers: { 'x-tally-key': WRITE_KEY } });

function expectSummary(res: Awaited<ReturnType<typeof post>>, nonBlankLines?: number) {
  expect(res.statusCode).toBeLessThan(500);
  if (res.statusCode !== 200) {
    expect(res.json().error.code).toMatch(/^[A-Z_]+$/);
    return;
  }
  const s = res.json() as Summary;
  if (nonBlankLines !== undefined) expect(s.accepted + s.rejected).toBe(nonBlankLines);
  for (const r of s.rejections) {
    expect(r.code).toMatch(/^[A-Z_0-9]+$/);
    expect(r.line).toBeGreaterThanOrEqual(1);
    expect(r.line).toBeLessThanOrEqual(Math.max(s.lines, 1));
  }
}

it('answers random bytes as NDJSON or CSV with a summary or a 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
      fc.constantFrom(
        'format=ndjson',
        'format=csv',
        'format=ndjson&dialect=sensors',
        'format=csv&type=profile_set',
      ),
      async (bytes, query) => expectSummary(await post(bytes, query)),
    ),
    { numRuns: 200 },
  );
});

it('accounts for every JSON line, whatever its fields hold', async () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const line = fc.record(
    {
      type: fc.oneof(
        anyJson,
        fc.constantFrom('track', 'profile_set', 'track_signup', 'bind', 'track_id_bind'),
      ),
      event: fc.oneof(anyJson, fc.constantFrom('Ok', '$pageview', 'bad name')),
      time: fc.oneof(
        anyJson,
        fc.constantFrom(Date.now() - 86_400_000, '2024-05-01 10:00:00', '2024-05-01T00:00:00Z', 0),
      ),
      distinct_id: fc.oneof(anyJson, fc.constant('d1')),
      login_id: anyJson,
      uuid: anyJson,
      _track_id: anyJson,
      original_id: anyJson,
      identities: anyJson,
      properties: fc.oneof(anyJson, fc.dictionary(fc.string({ maxLength: 20 }), anyJson)),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          line.map((l) => JSON.stringify(l)),
          anyJson.map((v) => JSON.stringify(v)),
        ),
        { maxLength: 30 },
      ),
      fc.constantFrom('auto', 'tally', 'sensors'),
      async (lines, dialect) => {
        const nonBlank = lines.filter((l) => l.trim() !== '').length;
        expectSummary(await post(lines.join('\n'), `format=ndjson&dialect=${dialect}`), nonBlank);
      },
    ),
    { numRuns: 200 },
  );
});
