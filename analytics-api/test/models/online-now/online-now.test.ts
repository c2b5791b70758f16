// "Online now" on the real engine: customers (after ID-Mapping) active in the last N minutes,
// by bank and branch within the caller's scope, and the minute series of the last hour; never
// cached; under the same time limit as every analysis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface OnlineNow {
  total: number;
  byBank: { bankCode: string; users: number }[];
  byBranch: { bankCode: string; branchCode: string; users: number }[];
  series: { minute: string; users: number }[];
}

describe('online now', () => {
  it('counts customers active in the last minutes, by bank, and moves as soon as events arrive', async () => {
    const now = Date.now();
    const appId = await stack.load({
      events: [
        ev(1, 'view', now - 60_000),
        ev(101, 'view', now - 60_000), // customer 1's phone, same instant: still one customer
        ev(2, 'view', now - 2 * 60_000, { bankCode: 'B002' }),
        ev(3, 'view', now - 10 * 60_000), // active this hour, not in the last 5 minutes
        ev(4, 'view', now - 2 * 3_600_000), // two hours ago: not counted anywhere
      ],
      overrides: [[101, 1]],
      profiles: [],
    });
    const get = async (caller = stack.union, query = '') =>
      (
        await caller.request({ method: 'GET', url: `/v1/analysis/online-now?appId=${appId}${query}` })
      ).json() as OnlineNow;
    const union = await get();
    expect(union.total).toBe(2);
    expect(union.byBank).toEqual([
      { bankCode: 'B001', users: 1 },
      { bankCode: 'B002', users: 1 },
    ]);
    expect(union.series).toHaveLength(60);
    expect(union.series.reduce((s, m) => s + m.users, 0)).toBe(3); // persons 1, 2, 3 once each
    expect((await get(stack.union, '&minutes=15')).total).toBe(3);
    const bank = await get(stack.bank);
    expect(bank.total).toBe(1);
    expect(bank.byBank).toEqual([{ bankCode: 'B001', users: 1 }]);
    await stack.api.clickhouse.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: [
        {
          app_id: appId,
          event: 'view',
          time: Date.now(),
          receive_time: Date.now(),
          uuid: crypto.randomUUID(),
          person_id: 5,
          bank_code: 'B001',
        },
      ],
    });
    expect((await get()).total).toBe(3);
    const badZone = await stack.union.request({
      method: 'GET',
      url: `/v1/analysis/online-now?appId=${appId}&timeZone=Mars/Olympus`,
    });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().error.field).toBe('timeZone');
  });

  it('breaks the active customers down by branch within each bank, and answers 422 over the time limit', async () => {
    const now = Date.now();
    const at = (bankCode: string, branchCode: string) => ({ bankCode, branchCode });
    const appId = await stack.load({
      events: [
        ev(1, 'view', now - 60_000, at('B001', 'B001-01')),
        ev(2, 'view', now - 60_000, at('B001', 'B001-01')),
        ev(2, 'view', now - 30_000, at('B001', 'B001-01')), // customer 2 twice: still one
        ev(3, 'view', now - 60_000, at('B001', '')), // a B001 event without a branch
        ev(4, 'view', now - 60_000, at('B002', 'B002-01')),
      ],
      overrides: [],
      profiles: [],
    });
    const url = `/v1/analysis/online-now?appId=${appId}`;
    const union = (await stack.union.request({ method: 'GET', url })).json() as OnlineNow;
    // Most users first, then by bank and branch.
    expect(union.byBranch).toEqual([
      { bankCode: 'B001', branchCode: 'B001-01', users: 2 },
      { bankCode: 'B001', branchCode: '', users: 1 },
      { bankCode: 'B002', branchCode: 'B002-01', users: 1 },
    ]);
    const bank = (await stack.bank.request({ method: 'GET', url })).json() as OnlineNow;
    expect(bank.byBranch.map((b) => [b.branchCode, b.users])).toEqual([
      ['B001-01', 2],
      ['', 1],
    ]);
    const limited = await stack.api.buildAnother({
      clickhouse: { ...stack.api.config.clickhouse, maxExecutionTimeS: 0.000001 },
    });
    const res = await (await loginAs(limited, 'union.analyst')).request({ method: 'GET', url });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: { code: 'QUERY_TOO_EXPENSIVE' } });
  });
});
