// How analyses reach ClickHouse through the real API (real MariaDB, the chdb engine): the same
// question asked by several people at once runs once; at most ANALYSIS_MAX_RUNNING run at once,
// the rest wait bank by bank in turn; a full queue answers 503 ANALYSIS_BUSY with Retry-After.
// The engine is observed by counting, in a wrapper that passes every call on, the model queries
// the API sends it (the engine keeps no query log here).

import { Value } from '@sinclair/typebox/value';
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { FastifyInstance } from 'fastify';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisErrorResponses } from '../../../src/errors/error-body-schema.ts';
import { callersWaitingForAnalyses } from '../../../src/models/common/run-analysis.ts';
import { loginAs } from '../../security/support/sessions.ts';
import { ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { askOverSocket } from '../support/socket-question.ts';

let stack: EngineStack;
let appId: string;
/** String parameters of every model query the API sent the engine, in order. */
const modelQueries: string[][] = [];

beforeAll(async () => {
  stack = await startEngineStack();
  appId = await stack.load({
    events: [
      ev(1, 'view', '2026-03-02T01:00:00Z'),
      ev(1, 'buy', '2026-03-02T02:00:00Z'),
      ev(2, 'open', '2026-03-02T03:00:00Z', { bankCode: 'B002' }),
      ev(2, 'pay', '2026-03-02T04:00:00Z', { bankCode: 'B002' }),
    ],
    overrides: [],
    profiles: [],
  });
  const client: ClickHouseClient = stack.api.clickhouse;
  const query = client.query.bind(client);
  // Model queries are the ones sent with the analysis limits (run-analysis.ts `execute`).
  client.query = ((params: Parameters<ClickHouseClient['query']>[0]) => {
    const settings = (params.clickhouse_settings ?? {}) as Record<string, unknown>;
    if ('output_format_json_quote_64bit_floats' in settings) {
      const values = Object.values(params.query_params ?? {}).filter((v) => typeof v === 'string');
      modelQueries.push(values as string[]);
    }
    return query(params);
  }) as ClickHouseClient['query'];
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const body = (event: string) => ({
  appId,
  from: '2026-03-02',
  to: '2026-03-02',
  granularity: 'total',
  metrics: [{ event, aggregation: 'count' }],
});

/** Polls until `ready` holds (the queue is observed, not slept on). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(ready()).toBe(true);
}

describe('analysis admission', () => {
  it('runs one question asked by four people at once a single time', async () => {
    modelQueries.length = 0;
    const question = { ...body('view'), from: '2026-03-01' };
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        stack.analyse<{ series: { total: number }[]; meta: { cached: boolean } }>('events', question),
      ),
    );
    expect(answers.map((a) => a.series[0]!.total)).toEqual([1, 1, 1, 1]);
    expect(answers.filter((a) => !a.meta.cached)).toHaveLength(1);
    const runs = modelQueries.filter((values) => values.includes(appId));
    expect(runs.length).toBeGreaterThan(0);
    // Every model query of the one computation: a second run would repeat them.
    expect(new Set(runs.map((values) => JSON.stringify(values))).size).toBe(runs.length);
    const [audit] = await stack.api.metadata.pool.query<RowDataPacket[]>(
      `SELECT JSON_VALUE(details, '$.cached') AS cached, COUNT(*) AS n FROM audit_log
       WHERE action = 'analysis.run' AND details LIKE ? GROUP BY cached ORDER BY cached`,
      [`%${appId}%2026-03-01%`],
    );
    // MariaDB's JSON_VALUE reads the booleans as 0 / 1.
    expect(audit.map((r) => [String(r.cached), Number(r.n)])).toEqual([
      ['0', 1],
      ['1', 3],
    ]);
  });

  it('counts analyses by model and outcome in /metrics, with no bank or app in a label', async () => {
    const scrape = async () => (await stack.api.app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line ? Number(line.split(' ')[1]) : 0;
    };
    const computed = 'tally_api_analyses_total{model="events",outcome="computed"}';
    const cached = 'tally_api_analyses_total{model="events",outcome="cached"}';
    const refused = 'tally_api_analyses_total{model="events",outcome="refused"}';
    const timed = 'tally_api_analysis_compute_seconds_count{model="events"}';
    const before = await scrape();
    const question = { ...body('pay'), from: '2026-02-27' };
    await stack.analyse('events', question);
    await stack.analyse('events', question);
    expect(
      (await stack.post('events', { ...question, metrics: [{ event: 'no_such', aggregation: 'count' }] }))
        .statusCode,
    ).toBe(400);
    const after = await scrape();
    // The refused question took its turn too (its names are checked inside it): two timed.
    expect([computed, cached, refused, timed].map((s) => value(after, s) - value(before, s))).toEqual([
      1, 1, 1, 2,
    ]);
    expect(after).toMatch(/^tally_api_analyses_running 0$/m);
    expect(after).toMatch(/^tally_api_analyses_waiting 0$/m);
    expect(after).not.toContain(appId);
    expect(after).not.toMatch(/B00[12]/);
  });

  it('documents every refusal in /openapi.json as the body the API sends', async () => {
    const spec = (await stack.api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const responses = spec.paths['/v1/analysis/events'].post.responses as Record<
      string,
      { content: Record<string, { schema: { properties: { error: { properties: { code: unknown } } } } }> }
    >;
    const codes = (status: string) =>
      JSON.stringify(responses[status]!.content['application/json']!.schema.properties.error.properties.code);
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '403', '422', '503']);
    expect(codes('400')).toContain('UNKNOWN_EVENT');
    expect(codes('422')).toContain('QUERY_TOO_EXPENSIVE');
    expect(codes('503')).toContain('ANALYSIS_BUSY');
    const unknown = await stack.post('events', body('no_such_event'));
    expect(unknown.statusCode).toBe(400);
    expect(Value.Check(analysisErrorResponses()[400]!, unknown.json())).toBe(true);
    expect(unknown.json().error).toMatchObject({ code: 'UNKNOWN_EVENT', field: 'metrics[0].event' });
  });

  describe('with one analysis at a time and room for four to wait', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await stack.api.buildAnother({ analysisQueue: { running: 1, queued: 4, maxWaitMs: 30_000 } });
    });

    it('serves the waiting banks in turn and refuses a fifth waiter with 503 and Retry-After', async () => {
      const b001 = await loginAs(app, 'b001.analyst');
      const b002 = await loginAs(app, 'b002.analyst');
      const post = (caller: typeof b001, event: string) =>
        caller.request({
          method: 'POST',
          url: '/v1/analysis/events',
          payload: body(event),
          headers: { 'cache-control': 'no-cache' },
        });
      // A turn held as a running analysis holds it, so the requests below queue up in a known order.
      const release = await app.analysisQueue.acquire('U00');
      modelQueries.length = 0;
      const pending = [];
      for (const [caller, event] of [
        [b001, 'view'],
        [b001, 'buy'],
        [b001, 'open'],
        [b002, 'pay'],
      ] as const) {
        const waitingBefore = app.analysisQueue.stats.waiting;
        pending.push(post(caller, event));
        await until(() => app.analysisQueue.stats.waiting === waitingBefore + 1);
      }
      const refused = await post(b002, 'view');
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json().error).toMatchObject({ code: 'ANALYSIS_BUSY' });
      expect(Value.Check(analysisErrorResponses()[503]!, refused.json())).toBe(true);
      expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain(
        'tally_api_analyses_total{model="events",outcome="busy"} 1\n',
      );
      expect(modelQueries).toEqual([]);
      release();
      const answers = await Promise.all(pending);
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
      // Bank B002's one question ran second, not behind all of B001's.
      const ranFor = modelQueries
        .map((values) => ['view', 'buy', 'open', 'pay'].find((e) => values.includes(e)))
        .filter((e, i, all) => e !== undefined && all.indexOf(e) === i);
      expect(ranFor).toEqual(['view', 'pay', 'buy', 'open']);
      expect(app.analysisQueue.stats).toEqual({ running: 0, waiting: 0 });
    });

    it('drops a waiting question once everyone who asked it has hung up, not while one still waits', async () => {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const b001 = await loginAs(app, 'b001.analyst');
      const ask = (question: object) => askOverSocket(url, b001, 'events', question);
      const release = await app.analysisQueue.acquire('U00');
      modelQueries.length = 0;
      const alone = ask(body('open'));
      await until(() => app.analysisQueue.stats.waiting === 1);
      alone.hangUp();
      await until(() => app.analysisQueue.stats.waiting === 0);
      // Counted once the dropped question is on record in the audit log (the request's last step).
      const cancelled = 'tally_api_analyses_total{model="events",outcome="cancelled"} 1\n';
      const counted = async () =>
        (await app.inject({ method: 'GET', url: '/metrics' })).body.includes(cancelled);
      for (let i = 0; i < 500 && !(await counted()); i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await counted()).toBe(true);

      const first = ask({ ...body('buy'), from: '2026-02-28' });
      await until(() => app.analysisQueue.stats.waiting === 1);
      const second = ask({ ...body('buy'), from: '2026-02-28' });
      await until(() => callersWaitingForAnalyses() === 2);
      first.hangUp();
      await until(() => callersWaitingForAnalyses() === 1);
      expect(app.analysisQueue.stats).toEqual({ running: 1, waiting: 1 });
      release();
      expect(await second.status).toBe(200);
      // Only the question someone still waited for reached the engine.
      expect(modelQueries.some((values) => values.includes('buy'))).toBe(true);
      expect(modelQueries.some((values) => values.includes('open'))).toBe(false);
      expect(app.analysisQueue.stats).toEqual({ running: 0, waiting: 0 });
    });
  });
});
