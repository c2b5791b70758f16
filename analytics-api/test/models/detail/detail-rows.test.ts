// Detail rows (the customers behind a path node or a funnel step) are exports: the path route
// itself needs only analysis.run, so the runner must refuse `listUsers` to a caller without
// analysis.export (a viewer), audit the refusal, and still answer without `listUsers`; and the
// customers listed by funnel/persons leave masked when the app marks their login id sensitive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markSensitive } from '../../../src/masking/sensitive-fields.ts';
import { loginAs } from '../../security/support/sessions.ts';
import { ev, profileOf } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('path listUsers permission', () => {
  it('lists customers for an analyst, refuses a viewer with 403 and audits it', async () => {
    const appId = await stack.load({
      events: [ev(1, 'open', '2026-03-02T10:00:00Z'), ev(1, 'pay', '2026-03-02T10:01:00Z')],
      overrides: [],
      profiles: [],
    });
    const body = { appId, from: '2026-03-02', to: '2026-03-02', timeZone: 'UTC', depth: 2 };
    const listing = { ...body, listUsers: { level: 1, node: 'open' } };

    const analyst = await stack.analyse<{ users: number; personIds?: string[] }>('path', listing);
    expect(analyst.personIds).toEqual(['1']);

    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    const refused = await stack.post('path', listing, viewer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
    const [audit] = await stack.api.metadata.pool.query(
      "SELECT details FROM audit_log WHERE action = 'access.denied' ORDER BY id DESC LIMIT 1",
    );
    expect(JSON.stringify((audit as { details: unknown }[])[0]?.details)).toContain('analysis.export');

    const diagram = await stack.post('path', body, viewer);
    expect(diagram.statusCode).toBe(200);
  });

  it('masks the login ids of funnel/persons when the app marks loginId sensitive', async () => {
    const events = [
      ev(1, 'view', '2026-03-02T10:00:00Z', { loginId: 'C2026000123' }),
      ev(1, 'buy', '2026-03-02T10:05:00Z', { loginId: 'C2026000123' }),
    ];
    const appId = await stack.load({ events, overrides: [], profiles: [] });
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      timeZone: 'UTC',
      steps: [{ event: 'view' }, { event: 'buy' }],
      step: 2,
      status: 'reached',
    };
    const clear = await stack.analyse<{ persons: { loginId: string }[] }>('funnel/persons', body);
    expect(clear.persons).toEqual([{ personId: '1', loginId: 'C2026000123' }]);
    await markSensitive(stack.api.metadata.pool, appId, 'loginId', 'id_card');
    // The cached result must not bypass the masking either: same query, now served from cache.
    const masked = await stack.analyse<{ persons: { loginId: string }[] }>('funnel/persons', body);
    expect(masked.persons[0]?.loginId).not.toBe('C2026000123');
    expect(masked.persons[0]?.loginId).toMatch(/^C202\*+0123$/);
  });
  it('masks the login ids of every other customer list the same way', async () => {
    const events = [
      ev(1, 'view', '2026-03-02T10:00:00Z', { loginId: 'C2026000456' }),
      ev(1, 'view', '2026-03-03T10:00:00Z', { loginId: 'C2026000456' }),
    ];
    const appId = await stack.load({
      events,
      overrides: [],
      profiles: [profileOf(1, { loginId: 'C2026000456' })],
    });
    const range = { appId, from: '2026-03-02', to: '2026-03-03', timeZone: 'UTC' };
    const lists: Array<[string, object]> = [
      ['events/persons', { ...range, metrics: [{ event: 'view', aggregation: 'users' }], metric: 'A' }],
      [
        'retention/persons',
        {
          ...range,
          initial: { event: 'view' },
          returning: { event: 'view' },
          cohort: '2026-03-02',
          status: 'entered',
        },
      ],
      ['distribution/persons', { ...range, event: { event: 'view' }, measure: 'times', lower: 2, upper: 3 }],
      ['user-properties/persons', range],
    ];
    await markSensitive(stack.api.metadata.pool, appId, 'loginId', 'id_card');
    for (const [model, body] of lists) {
      const listed = await stack.analyse<{ total: number; persons: { loginId: string }[] }>(model, body);
      expect(listed.total, model).toBe(1);
      expect(listed.persons[0]?.loginId, model).toMatch(/^C202\*+0456$/);
    }
  });
});
