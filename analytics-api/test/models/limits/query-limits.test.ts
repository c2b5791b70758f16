// An analysis that hits the engine's memory cap or time limit answers 422 QUERY_TOO_EXPENSIVE (never
// a 500), on the real chdb engine: the same query runs under the defaults and fails under a 1 MB cap
// or a microsecond's time limit.
// Seen at 10^8 events: the HTTP client reports the limit as `error.code = '241'` with "Code: 241"
// cut from the message, which a message-only check missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQueryLimitError } from '../../../src/models/common/query-limit-error.ts';
import { loginAs } from '../../security/support/sessions.ts';
import { ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('query limits', () => {
  it('recognises a limit error by its structured code, its type or its text', () => {
    expect(isQueryLimitError({ code: '241', type: '', message: 'Query memory limit exceeded' })).toBe(true);
    expect(isQueryLimitError({ code: '', type: 'TIMEOUT_EXCEEDED', message: 'Timeout exceeded' })).toBe(true);
    expect(isQueryLimitError(new Error('Code: 160. DB::Exception: Estimated query execution time'))).toBe(
      true,
    );
    expect(isQueryLimitError({ code: '62', type: 'SYNTAX_ERROR', message: 'Syntax error' })).toBe(false);
    expect(isQueryLimitError(null)).toBe(false);
  });

  it('answers 422 QUERY_TOO_EXPENSIVE when a query goes over the memory cap', async () => {
    const events = Array.from({ length: 400 }, (_, i) =>
      ev(1 + (i % 40), i % 2 ? 'buy' : 'view', Date.parse('2026-03-02T08:00:00Z') + i * 60_000),
    );
    const appId = await stack.load({ events, overrides: [], profiles: [] });
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      timeZone: 'UTC',
      steps: [{ event: 'view' }, { event: 'buy' }],
    };
    const fine = await stack.analyse<{ steps: { users: number }[] }>('funnel', body);
    // Event i belongs to customer 1 + i % 40 and is a view when i is even: customers 1, 3, .., 39.
    expect(fine.steps[0]?.users).toBe(20);

    const capped = await stack.api.buildAnother({
      clickhouse: { ...stack.api.config.clickhouse, maxMemoryBytes: 1_000_000 },
    });
    const analyst = await loginAs(capped, 'union.analyst');
    const res = await analyst.request({
      method: 'POST',
      url: '/v1/analysis/funnel',
      payload: body,
      headers: { 'cache-control': 'no-cache' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: { code: 'QUERY_TOO_EXPENSIVE' } });
  });

  it('answers 422 QUERY_TOO_EXPENSIVE when a query runs past the time limit', async () => {
    const appId = await stack.load({
      events: [ev(1, 'view', '2026-03-02T08:00:00Z'), ev(1, 'buy', '2026-03-02T08:05:00Z')],
      overrides: [],
      profiles: [],
    });
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      metrics: [{ event: 'view', aggregation: 'users' }],
    };
    expect((await stack.analyse<{ series: { total: number }[] }>('events', body)).series[0]?.total).toBe(1);
    // A microsecond: every statement is past it at the engine's first check.
    const hurried = await stack.api.buildAnother({
      clickhouse: { ...stack.api.config.clickhouse, maxExecutionTimeS: 0.000001 },
    });
    const analyst = await loginAs(hurried, 'union.analyst');
    for (const [model, query] of [
      ['events', body],
      [
        'funnel',
        { appId, from: '2026-03-02', to: '2026-03-02', steps: [{ event: 'view' }, { event: 'buy' }] },
      ],
    ] as const) {
      const res = await analyst.request({
        method: 'POST',
        url: `/v1/analysis/${model}`,
        payload: query,
        headers: { 'cache-control': 'no-cache' },
      });
      expect([model, res.statusCode, res.json().error?.code]).toEqual([model, 422, 'QUERY_TOO_EXPENSIVE']);
    }
  });
});
