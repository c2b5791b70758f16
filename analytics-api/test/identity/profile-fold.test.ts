// Profile folding through the real pipeline (collector -> writer -> person resolver -> profile
// folder -> ClickHouse `profiles`), read back with CURRENT_PROFILES_SQL as analyses do. Expected
// profiles are written by hand from the operation semantics in src/profiles/apply-ops.ts' header
// and the preset rules in build-profile.ts.
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personId, profilesOf, send, type WireEvent } from './support/pipeline.ts';

const T0 = Date.UTC(2026, 10, 20, 1, 0, 0);
const at = (minute: number) => T0 + minute * 60_000;

let stack: EmbeddedStack;
beforeAll(async () => {
  stack = await startEmbeddedStack();
});
afterAll(async () => {
  await stack?.stop();
});

let n = 0;
/** Ids unique to one test. */
function ids() {
  n++;
  return { dev: `pf${n}-dev`, dev2: `pf${n}-dev2`, cust: `pf${n}-C`, cust2: `pf${n}-D` };
}
const op = (
  type: string,
  t: number,
  d: string,
  login: string | undefined,
  properties: Record<string, unknown>,
) => ({ type, time: at(t), distinct_id: d, ...(login ? { login_id: login } : {}), properties }) as WireEvent;

async function profileOfCustomer(login: string) {
  const [p] = await profilesOf(stack, [await personId(stack, 'customer', login)]);
  return p!;
}

describe('profile fold', () => {
  it('set overwrites, also across string and number', async () => {
    const { dev, cust } = ids();
    await send(stack, [op('profile_set', 1, dev, cust, { level: 'silver', age: 30, city: 'A' })]);
    await send(stack, [op('profile_set', 2, dev, cust, { level: 'gold', age: 'thirty' })]);
    const p = await profileOfCustomer(cust);
    expect({ ...p.props }).toEqual({ level: 'gold', age: 'thirty', city: 'A' });
    expect({ ...p.num_props }).toEqual({});
  });

  it('set_once keeps the first value, and sets again after an unset', async () => {
    const { dev, cust } = ids();
    await send(stack, [
      op('profile_set_once', 1, dev, cust, { source: 'ad', score: 1 }),
      op('profile_set_once', 2, dev, cust, { source: 'branch', score: 2 }),
    ]);
    expect((await profileOfCustomer(cust)).props.source).toBe('ad');
    await send(stack, [
      op('profile_unset', 3, dev, cust, { source: true }),
      op('profile_set_once', 4, dev, cust, { source: 'web' }),
    ]);
    const p = await profileOfCustomer(cust);
    expect({ ...p.props }).toEqual({ source: 'web' });
    expect({ ...p.num_props }).toEqual({ score: 1 });
  });

  it('increment adds across requests, starting from zero', async () => {
    const { dev, cust } = ids();
    await send(stack, [op('profile_increment', 1, dev, cust, { logins: 1, points: 2.5 })]);
    await send(stack, [op('profile_increment', 2, dev, cust, { logins: 1 })]);
    await send(stack, [op('profile_increment', 3, dev, cust, { logins: 3, points: -0.5 })]);
    expect({ ...(await profileOfCustomer(cust)).num_props }).toEqual({ logins: 5, points: 2 });
  });

  it('append extends a list with arrays and single values', async () => {
    const { dev, cust } = ids();
    await send(stack, [op('profile_append', 1, dev, cust, { products: ['loan'] })]);
    await send(stack, [op('profile_append', 2, dev, cust, { products: ['wealth', 'card'] })]);
    await send(stack, [op('profile_append', 3, dev, cust, { products: 'loan' })]);
    expect(JSON.parse((await profileOfCustomer(cust)).props.products!)).toEqual([
      'loan',
      'wealth',
      'card',
      'loan',
    ]);
  });

  it('unset removes keys; delete clears the user properties and later sets apply', async () => {
    const { dev, cust } = ids();
    await send(stack, [op('profile_set', 1, dev, cust, { a: 'x', b: 'y', c: 3 })]);
    await send(stack, [op('profile_unset', 2, dev, cust, { a: '', c: 0 })]);
    expect({ ...(await profileOfCustomer(cust)).props }).toEqual({ b: 'y' });
    await send(stack, [op('profile_delete', 3, dev, cust, {}), op('profile_set', 4, dev, cust, { d: 'z' })]);
    const p = await profileOfCustomer(cust);
    expect({ ...p.props }).toEqual({ d: 'z' });
    expect({ ...p.num_props }).toEqual({});
  });

  it('applies operations in event-time order, not arrival order (late operations)', async () => {
    const { dev, cust } = ids();
    await send(stack, [op('profile_set', 10, dev, cust, { level: 'gold' })]);
    await send(stack, [op('profile_set', 5, dev, cust, { level: 'silver', tier: 'b' })]);
    await send(stack, [op('profile_set_once', 1, dev, cust, { tier: 'a' })]);
    // t1 set_once tier=a, t5 set level=silver tier=b, t10 set level=gold
    expect({ ...(await profileOfCustomer(cust)).props }).toEqual({ level: 'gold', tier: 'b' });
  });

  it('folds a device person into the customer who logs in on it, with the presets', async () => {
    const { dev, cust } = ids();
    // Anonymous browsing on the web with profile operations, then login in the app.
    await send(stack, [
      {
        event: '$pageview',
        time: at(1),
        distinct_id: dev,
        properties: { $channel: 'web', $bank_code: 'B001' },
      },
      op('profile_set_once', 2, dev, undefined, { utm_source: 'wechat' }),
      op('profile_increment', 2, dev, undefined, { visits: 1 }),
    ]);
    const device = await personId(stack, 'device', dev);
    const [anonymous] = await profilesOf(stack, [device]);
    expect(anonymous?.props.utm_source).toBe('wechat');
    expect(anonymous?.first_seen).toBe(at(1));
    await send(stack, [
      {
        event: '$Login',
        time: at(5),
        distinct_id: dev,
        login_id: cust,
        properties: { $channel: 'app', $bank_code: 'B002', $branch_code: 'B002-01' },
      },
      op('profile_increment', 6, dev, cust, { visits: 2 }),
      {
        event: 'transfer',
        time: at(9),
        distinct_id: dev,
        login_id: cust,
        properties: { $channel: 'app', $bank_code: 'B002', $branch_code: 'B002-01' },
      },
    ]);
    const customer = await personId(stack, 'customer', cust);
    const rows = await profilesOf(stack, [device, customer]);
    // The device's own profile is hidden; everything is on the customer.
    expect(rows.map((r) => r.person_id)).toEqual([customer]);
    const p = rows[0]!;
    expect(p.login_id).toBe(cust);
    expect({ ...p.props }).toEqual({ utm_source: 'wechat', $first_channel: 'web' });
    expect({ ...p.num_props }).toEqual({ visits: 3, $first_login_time: at(5) });
    expect([p.first_seen, p.last_seen]).toEqual([at(1), at(9)]);
    expect([p.bank_code, p.branch_code]).toEqual(['B002', 'B002-01']);
  });

  it('a late, earlier login moves the device and its properties to the other customer', async () => {
    const { dev, cust, cust2 } = ids();
    await send(stack, [
      op('profile_set', 1, dev, undefined, { device_pref: 'dark' }),
      { event: '$Login', time: at(30), distinct_id: dev, login_id: cust },
    ]);
    expect((await profileOfCustomer(cust)).props.device_pref).toBe('dark');
    // An offline phone reports that cust2 logged in on the device at minute 20.
    await send(stack, [{ event: '$Login', time: at(20), distinct_id: dev, login_id: cust2 }]);
    expect((await profileOfCustomer(cust2)).props.device_pref).toBe('dark');
    const first = await profileOfCustomer(cust);
    expect(first.props.device_pref).toBeUndefined();
    expect(first.first_seen).toBe(at(30));
  });
});
