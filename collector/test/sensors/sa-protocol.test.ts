// The Sensors Analytics endpoint over HTTP against the real collector process, MariaDB and the
// chdb-backed ClickHouse (embedded stack): every encoding the SA SDKs use (GET image beacon,
// form data=, data_list= plain and gzip=1, raw JSON, gzipped body), every record type, the
// identities, retries counted once, clock-skew correction, and clear 4xx answers.
import { gzipSync } from 'node:zlib';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, eventsNamed, gzB64, personId, rows, saTrack } from './sa-support.ts';

let stack: EmbeddedStack;
let saUrl: string;
beforeAll(async () => {
  stack = await startEmbeddedStack();
  saUrl = `${stack.collectorUrl}/sa?project=${stack.appId}&token=${encodeURIComponent(stack.writeKey)}`;
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; field?: string } }).error;

const form = (body: string) =>
  fetch(saUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('SA encodings', () => {
  it('GET image beacon with data=<base64> on /sa.gif: 200 empty, presets mapped', async () => {
    const rec = saTrack('$pageview', {
      properties: { ...(saTrack('x').properties as object), marker: 'gif' },
    });
    const url = `${stack.collectorUrl}/sa.gif?project=${stack.appId}&token=${encodeURIComponent(stack.writeKey)}&data=${encodeURIComponent(b64(rec))}&ext=${encodeURIComponent('crc=123')}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [row, ...more] = await eventsNamed(stack, 'gif');
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      event: '$pageview',
      distinct_id: 'anon-1',
      login_id: '',
      lib: 'sa-js',
      channel: 'web',
      os: 'Windows',
      browser: 'Chrome',
    });
    expect(row!.props).toMatchObject({
      $url: 'https://bank.example/home',
      $title: '首页',
      $is_first_day: 'true',
    });
    expect(row!.num_props).toMatchObject({ $screen_width: 1920, $screen_height: 1080 });
  });

  it('POST form data=, data_list= (plain and gzip=1), raw JSON and a gzipped body: each stored once', async () => {
    const mk = (event: string) => saTrack(event, { properties: { marker: 'enc', n: 1 } });
    const single = mk('FormData');
    const list = [mk('ListA'), mk('ListB')];
    const gzList = [mk('GzA'), mk('GzB'), mk('GzC')];
    const raw = [mk('RawJson')];
    const gzBody = mk('GzBody');
    const results = [
      await form(`data=${encodeURIComponent(b64(single))}&ext=crc%3D1`),
      await form(`data_list=${encodeURIComponent(b64(list))}`),
      await form(`data_list=${encodeURIComponent(gzB64(gzList))}&gzip=1`),
      // The same gzip batch again: an SDK retry after a lost answer.
      await form(`data_list=${encodeURIComponent(gzB64(gzList))}&gzip=1`),
      await fetch(saUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(raw),
      }),
      await fetch(saUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify(gzBody)),
      }),
    ];
    for (const r of results) expect([r.status, await r.text()]).toEqual([200, '']);
    const names = (await eventsNamed(stack, 'enc')).map((r) => r.event).sort();
    expect(names).toEqual(['FormData', 'GzA', 'GzB', 'GzBody', 'GzC', 'ListA', 'ListB', 'RawJson']);
  });

  it('corrects the client clock by receive time - _flush_time', async () => {
    const hour = 3_600_000;
    const clientNow = Date.now() - hour; // the phone's clock is an hour behind
    const rec = saTrack('Skewed', {
      time: clientNow - 5000,
      _flush_time: clientNow,
      properties: { marker: 'skew' },
    });
    const before = Date.now();
    expect((await form(`data=${encodeURIComponent(b64(rec))}`)).status).toBe(200);
    const [row] = await eventsNamed(stack, 'skew');
    // True time = about 5 s before the request arrived.
    expect(Number(row!.time)).toBeGreaterThanOrEqual(before - 5000 - 50);
    expect(Number(row!.time)).toBeLessThanOrEqual(Date.now() - 5000 + 50);
  });
});

describe('SA record types and identities', () => {
  it('track_signup is a login: $Login with device = original_id, login = distinct_id; later events are the customer', async () => {
    const marker = { marker: 'login' };
    const anon = saTrack('BrowseFund', { distinct_id: 'dev-9', anonymous_id: 'dev-9', properties: marker });
    const signup = saTrack('$SignUp', {
      type: 'track_signup',
      distinct_id: 'C009',
      original_id: 'dev-9',
      login_id: 'C009',
      anonymous_id: 'dev-9',
      identities: { $identity_cookie_id: 'dev-9', $identity_login_id: 'C009' },
      time: (anon.time as number) + 10,
      properties: marker,
    });
    const after = saTrack('BuyFund', {
      distinct_id: 'C009',
      login_id: 'C009',
      anonymous_id: 'dev-9',
      identities: { $identity_cookie_id: 'dev-9', $identity_login_id: 'C009' },
      time: (anon.time as number) + 20,
      properties: { ...marker, amount: 5000 },
    });
    expect((await form(`data_list=${encodeURIComponent(b64([anon, signup, after]))}`)).status).toBe(200);
    const stored = await eventsNamed(stack, 'login');
    const customer = await personId(stack, 'customer', 'C009');
    const device = await personId(stack, 'device', 'dev-9');
    expect(customer).not.toBeNull();
    expect(stored.map((r) => [r.event, r.distinct_id, r.login_id, r.person_id])).toEqual([
      ['BrowseFund', 'dev-9', '', device],
      ['$Login', 'dev-9', 'C009', customer],
      ['BuyFund', 'dev-9', 'C009', customer],
    ]);
    expect(stored[2]!.num_props.amount).toBe(5000);
    // The device's anonymous browsing is attributed to the customer who logged in on it.
    const [firstLogin] = (await stack.metadata.pool.query(
      'SELECT customer_person_id FROM device_first_logins WHERE app_id = ? AND distinct_id = ?',
      [stack.appId, 'dev-9'],
    )) as unknown as [Array<{ customer_person_id: number | string }>];
    expect(firstLogin.map((r) => String(r.customer_person_id))).toEqual([customer]);
  });

  it('profile_set / set_once / increment / append / unset / delete arrive as profile operations of the customer', async () => {
    const who = {
      distinct_id: 'C010',
      login_id: 'C010',
      anonymous_id: 'dev-10',
      identities: { $identity_cookie_id: 'dev-10', $identity_login_id: 'C010' },
    };
    const ops = [
      saTrack('', { type: 'profile_set', ...who, properties: { level: 'gold', $lib: 'js' } }),
      saTrack('', { type: 'profile_set_once', ...who, properties: { first_channel: 'web' } }),
      saTrack('', { type: 'profile_increment', ...who, properties: { logins: 2 } }),
      saTrack('', { type: 'profile_append', ...who, properties: { products: ['fund', 'loan'] } }),
      saTrack('', { type: 'profile_unset', ...who, properties: { level: true } }),
      saTrack('', { type: 'profile_delete', ...who, properties: {} }),
    ].map(({ event: _e, ...rest }) => rest);
    expect((await form(`data_list=${encodeURIComponent(gzB64(ops))}&gzip=1`)).status).toBe(200);
    const stored = await rows<{
      op: string;
      distinct_id: string;
      login_id: string;
      person_id: string;
      props: Record<string, string>;
      num_props: Record<string, number>;
    }>(
      stack,
      `SELECT op, distinct_id, login_id, toString(person_id) AS person_id, props, num_props FROM profile_ops
       WHERE app_id = {app:String} AND login_id = 'C010' ORDER BY time`,
    );
    const customer = await personId(stack, 'customer', 'C010');
    expect(stored.map((r) => r.op)).toEqual([
      'profile_set',
      'profile_set_once',
      'profile_increment',
      'profile_append',
      'profile_unset',
      'profile_delete',
    ]);
    for (const r of stored) expect([r.distinct_id, r.person_id]).toEqual(['dev-10', customer]);
    expect(stored[0]!.props.level).toBe('gold');
    expect(stored[2]!.num_props.logins).toBe(2);
    expect(JSON.parse(stored[3]!.props.products!)).toEqual(['fund', 'loan']);
    expect(Object.keys(stored[4]!.props)).toEqual(['level']);
  });

  it('track_id_bind binds an extra identity to the customer; track_id_unbind removes it', async () => {
    const who = {
      distinct_id: 'C011',
      login_id: 'C011',
      anonymous_id: 'dev-11',
      identities: { $identity_cookie_id: 'dev-11', $identity_login_id: 'C011', $identity_mobile: 'h:13800' },
    };
    const bind = saTrack('$BindID', { type: 'track_id_bind', ...who, properties: {} });
    expect((await form(`data=${encodeURIComponent(b64(bind))}`)).status).toBe(200);
    const customer = await personId(stack, 'customer', 'C011');
    const bound = async () =>
      (
        (await stack.metadata.pool.query(
          'SELECT id_type, id_value, person_id FROM person_identities WHERE app_id = ? AND person_id = ?',
          [stack.appId, customer],
        )) as unknown as [Array<{ id_type: string; id_value: string; person_id: number | string }>]
      )[0].map((r) => [r.id_type, r.id_value, String(r.person_id)]);
    expect(await bound()).toEqual([['$identity_mobile', 'h:13800', customer]]);
    const unbind = saTrack('$UnbindID', {
      type: 'track_id_unbind',
      distinct_id: 'C011',
      login_id: 'C011',
      identities: { $identity_mobile: 'h:13800' },
      properties: {},
    });
    expect((await form(`data=${encodeURIComponent(b64(unbind))}`)).status).toBe(200);
    expect(await bound()).toEqual([]);
  });
});

describe('SA errors', () => {
  it('answers 4xx naming the field and the rule', async () => {
    const noToken = await fetch(
      `${stack.collectorUrl}/sa?project=${stack.appId}&data=${encodeURIComponent(b64(saTrack('A')))}`,
    );
    expect(noToken.status).toBe(401);
    expect((await errorOf(noToken)).code).toBe('WRITE_KEY_MISSING');

    const wrongProject = await fetch(
      `${stack.collectorUrl}/sa?project=other&token=${encodeURIComponent(stack.writeKey)}&data=${encodeURIComponent(b64(saTrack('A')))}`,
    );
    expect(wrongProject.status).toBe(401);
    expect(await errorOf(wrongProject)).toMatchObject({
      code: 'SA_PROJECT_MISMATCH',
      field: 'project',
    });

    const badBase64 = await form('data=%%%not-base64');
    expect(badBase64.status).toBe(400);
    expect(await errorOf(badBase64)).toMatchObject({ code: 'SA_PAYLOAD_INVALID', field: 'data' });

    const encrypted = await form(`data_list=${encodeURIComponent(b64([saTrack('A')]))}&gzip=9`);
    expect((await errorOf(encrypted)).code).toBe('SA_ENCRYPTED_UNSUPPORTED');

    const noData = await form('foo=bar');
    expect(await errorOf(noData)).toMatchObject({ code: 'SA_DATA_MISSING', field: 'data' });

    const itemSet = await form(
      `data=${encodeURIComponent(b64({ type: 'item_set', item_id: 'x', time: Date.now() }))}`,
    );
    expect(itemSet.status).toBe(400);
    expect(await errorOf(itemSet)).toMatchObject({
      code: 'SA_NO_RECORD_ACCEPTED',
      field: 'records[0].type',
    });

    // One bad record among good ones: 200 (the SDK must not resend the good one), reasons listed.
    const mixed = await form(
      `data_list=${encodeURIComponent(b64([saTrack('Good', { properties: { marker: 'mixed' } }), saTrack('bad name!')]))}`,
    );
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toMatchObject({
      accepted: 1,
      rejected: [{ index: 1, code: 'EVENT_NAME_INVALID', field: 'records[1].event' }],
    });
    expect((await eventsNamed(stack, 'mixed')).map((r) => r.event)).toEqual(['Good']);
  });
});
