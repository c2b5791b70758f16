// The REAL Sensors Analytics web SDK (sa-sdk-javascript from npm) in Debian Chromium against the
// REAL collector (embedded stack): an app that changes only its server_url must see its page
// views, custom events, login, profile operations and identity binds land in ClickHouse and in
// ID-Mapping exactly once, with the right person — in the SDK's default image-beacon mode and
// its batch (ajax data_list), ajax and sendBeacon modes.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventsNamed, personId, rows } from './sa-support.ts';

const SDK = readFileSync(createRequire(import.meta.url).resolve('sa-sdk-javascript/dist/web/sensorsdata.js'));
let stack: EmbeddedStack;
let browser: Browser;
let site: Server;
let siteUrl: string;

function page(serverUrl: string, mode: string): string {
  const base = { server_url: serverUrl, show_log: false, is_track_single_page: false };
  const options =
    mode === 'batch' ? { ...base, batch_send: { send_interval: 300 } } : { ...base, send_type: mode }; // 'image' (the SDK default), 'ajax' or 'beacon'
  return `<!doctype html><html><head><title>理财首页</title></head><body>
<script src="/sensorsdata.js"></script>
<script>
  window.sensors = window.sensorsDataAnalytic201505;
  sensors.init(${JSON.stringify(options)});
  sensors.registerPage({ marker: ${JSON.stringify(`browser-${mode}`)} });
  sensors.quick('autoTrack');
</script></body></html>`;
}

beforeAll(async () => {
  stack = await startEmbeddedStack();
  // The only change an SA-instrumented app makes: server_url.
  const serverUrl = `${stack.collectorUrl}/sa?project=${stack.appId}&token=${encodeURIComponent(stack.writeKey)}`;
  site = createServer((req, res) => {
    if (req.url?.startsWith('/sensorsdata.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(SDK);
      return;
    }
    const mode = new URL(req.url ?? '/', 'http://x').searchParams.get('mode') ?? 'image';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(serverUrl, mode));
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r));
  await stack?.stop();
});

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let last = await read();
  for (let i = 0; i < 60 && !done(last); i++) {
    await new Promise((r) => setTimeout(r, 500));
    last = await read();
  }
  return last;
}

for (const mode of ['image', 'batch', 'ajax', 'beacon'] as const) {
  it(`${mode} mode: page view, events, login, profile and bind arrive exactly once with the right person`, async () => {
    const customerId = `C-${mode}`;
    const ctx = await browser.newContext();
    const tab = await ctx.newPage();
    // How the SDK really sent: image GETs with data=, or batched POSTs with data_list=.
    const sent: string[] = [];
    tab.on('request', (req) => {
      if (!req.url().startsWith(stack.collectorUrl)) return;
      const body = req.postData() ?? '';
      sent.push(
        req.method() === 'GET'
          ? `GET ${new URL(req.url()).pathname} ${req.url().includes('data=') ? 'data' : ''}`
          : `POST ${body.split('=')[0]}`,
      );
    });
    await tab.goto(`${siteUrl}/?mode=${mode}`);
    const anonymousId = (await tab.evaluate('sensors.quick("getAnonymousID")')) as string;
    expect(anonymousId.length).toBeGreaterThan(5);
    await tab.evaluate(`sensors.track('BrowseFund', { fund_code: 'F001' })`);
    await tab.evaluate(`sensors.login(${JSON.stringify(customerId)})`);
    await tab.evaluate(`sensors.track('BuyFund', { fund_code: 'F001', amount: 5000 })`);
    await tab.evaluate(`sensors.setProfile({ level: 'gold', marker: 'browser-${mode}' })`);
    await tab.evaluate(`sensors.incrementProfile({ purchases: 1 })`);
    await tab.evaluate(`sensors.bind('$identity_mobile', 'h:139-${mode}')`);

    const marker = `browser-${mode}`;
    const expected = ['$Login', '$pageview', 'BrowseFund', 'BuyFund'];
    const stored = await eventually(
      () => eventsNamed(stack, marker),
      (r) => expected.every((e) => r.some((x) => x.event === e)),
    );
    const customer = await personId(stack, 'customer', customerId);
    const device = await personId(stack, 'device', anonymousId);
    expect(customer).not.toBeNull();
    expect(device).not.toBeNull();
    // Each event exactly once, each on the browser's anonymous id, with the login from login() on.
    const byEvent = Object.fromEntries(stored.map((r) => [r.event, r]));
    expect(stored.map((r) => r.event).sort()).toEqual(expected.sort());
    for (const r of stored) expect(r.distinct_id).toBe(anonymousId);
    expect([byEvent.$pageview!.login_id, byEvent.$pageview!.person_id]).toEqual(['', device]);
    expect([byEvent.BrowseFund!.login_id, byEvent.BrowseFund!.person_id]).toEqual(['', device]);
    expect([byEvent.$Login!.login_id, byEvent.$Login!.person_id]).toEqual([customerId, customer]);
    expect([byEvent.BuyFund!.login_id, byEvent.BuyFund!.person_id]).toEqual([customerId, customer]);
    expect(byEvent.BuyFund!.num_props.amount).toBe(5000);
    expect(byEvent.BuyFund!.props.fund_code).toBe('F001');
    // SA presets land in Tally's columns and properties.
    expect(byEvent.$pageview).toMatchObject({ lib: 'sa-js', channel: 'web' });
    expect(byEvent.$pageview!.browser).toMatch(/^Chrome/);
    expect(byEvent.$pageview!.props.$url).toBe(`${siteUrl}/?mode=${mode}`);
    expect(byEvent.$pageview!.props.$title).toBe('理财首页');

    const profileOps = await eventually(
      () =>
        rows<{
          op: string;
          login_id: string;
          person_id: string;
          props: Record<string, string>;
          num_props: Record<string, number>;
        }>(
          stack,
          `SELECT op, login_id, toString(person_id) AS person_id, props, num_props FROM profile_ops
           WHERE app_id = {app:String} AND login_id = {login:String} ORDER BY op`,
          { login: customerId },
        ),
      (r) => r.length >= 2,
    );
    expect(profileOps.map((r) => [r.op, r.person_id])).toEqual([
      ['profile_increment', customer],
      ['profile_set', customer],
    ]);
    expect(profileOps[1]!.props.level).toBe('gold');
    expect(profileOps[0]!.num_props.purchases).toBe(1);

    const bound = await eventually(
      async () =>
        (
          (await stack.metadata.pool.query(
            'SELECT id_type, id_value, person_id FROM person_identities WHERE app_id = ? AND id_value = ?',
            [stack.appId, `h:139-${mode}`],
          )) as unknown as [Array<{ id_type: string; id_value: string; person_id: number | string }>]
        )[0],
      (r) => r.length > 0,
    );
    expect(bound.map((r) => [r.id_type, String(r.person_id)])).toEqual([['$identity_mobile', customer]]);

    const how = {
      image: 'GET /sa.gif data',
      batch: 'POST data_list',
      ajax: 'POST data',
      beacon: 'POST data',
    };
    expect(new Set(sent)).toEqual(new Set([how[mode]]));
    // Nothing more arrives later (no duplicate from a retry or a second sender).
    await tab.waitForTimeout(1500);
    expect((await eventsNamed(stack, marker)).length).toBe(expected.length);
    await ctx.close();
  });
}
