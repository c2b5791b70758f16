// The web SDK in real Chromium against the REAL collector (embedded stack, chdb-backed
// ClickHouse): what the browser sends must land in the events table exactly once.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPageServer } from './page-server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let stack: EmbeddedStack;
let browser: Browser;
let site: { url: string; close(): Promise<void> };

beforeAll(async () => {
  execFileSync('npx', ['tsup'], { cwd: ROOT, stdio: 'ignore' });
  stack = await startEmbeddedStack();
  const page = `<!doctype html><html><head><title>测试页</title></head><body>
<button id="buy" data-tally-event="buy_fund" data-tally-fund-code="F01">buy</button>
<script src="/tally.iife.js"></script>
<script>
  Tally.init({ appKey: ${JSON.stringify(stack.writeKey)}, serverUrl: ${JSON.stringify(stack.collectorUrl)},
    flushIntervalMs: 300, retryBaseMs: 200, maxRetryDelayMs: 1000, autoPageleave: true });
</script></body></html>`;
  site = await startPageServer(`${ROOT}dist/tally.iife.js`, page);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stack?.stop();
});

async function counts(): Promise<Record<string, number>> {
  const rs = await stack.clickhouse.query({
    query: 'SELECT event, count() AS n FROM events WHERE app_id = {app:String} GROUP BY event',
    query_params: { app: stack.appId },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ event: string; n: string | number }>();
  return Object.fromEntries(rows.map((r) => [r.event, Number(r.n)]));
}

async function eventually(check: (c: Record<string, number>) => boolean): Promise<Record<string, number>> {
  let last: Record<string, number> = {};
  for (let i = 0; i < 60; i++) {
    last = await counts();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}

const call = (page: Page, js: string) => page.evaluate(js);

it('sends nothing before consent, then auto and custom events after optIn, exactly once', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(site.url);
  await call(page, "Tally.track('BeforeConsent')");
  await page.waitForTimeout(800);
  expect(await call(page, "Object.keys(localStorage).filter(k => k.startsWith('tally'))")).toEqual([]);
  await call(page, "Tally.optIn().then(() => Tally.track('Consented', { amount: 5 }))");
  await page.click('#buy');
  // SPA navigation: pushState and hash changes are page views.
  await call(page, "history.pushState({}, '', '/transfer')");
  await call(page, "location.hash = '#step2'");
  await page.waitForTimeout(200);
  await call(page, 'Tally.flush()');
  const c = await eventually((x) => (x.$pageview ?? 0) >= 2 && x.Consented === 1 && x.$click === 1);
  expect(c.BeforeConsent).toBeUndefined();
  expect(c.Consented).toBe(1);
  expect(c.$click).toBe(1);
  expect(c.$pageview).toBe(2);
  expect(c.$pageleave).toBe(2);
  await ctx.close();
});

it('keeps events while offline and delivers them when back online; a reload resends the pending queue', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(site.url);
  await call(page, 'Tally.optIn()');
  await ctx.setOffline(true);
  await call(page, "Tally.track('OfflineA'); Tally.track('OfflineB')");
  await page.waitForTimeout(1000);
  const queued = await call(page, "JSON.parse(localStorage.getItem('tally_queue')).map(e => e.event)");
  expect(queued).toEqual(expect.arrayContaining(['OfflineA', 'OfflineB']));
  await ctx.setOffline(false);
  const c = await eventually((x) => x.OfflineA === 1 && x.OfflineB === 1);
  expect(c.OfflineA).toBe(1);

  // Reload with a pending queue: block the collector so the events stay queued, then reload.
  await ctx.setOffline(true);
  await call(page, "Tally.track('AcrossReload')");
  await page.waitForTimeout(300);
  await ctx.setOffline(false);
  await ctx.route(`${stack.collectorUrl}/**`, (route) => route.abort());
  await page.reload();
  await ctx.unroute(`${stack.collectorUrl}/**`);
  await page.reload();
  const after = await eventually((x) => x.AcrossReload === 1);
  expect(after.AcrossReload).toBe(1);
  await ctx.close();
});

it('delivers with sendBeacon when the page is hidden', async () => {
  const ctx = await browser.newContext();
  // Ordinary fetch deliveries are blocked, so only the beacon path (?key=, text/plain) can deliver.
  let blockedFetches = 0;
  await ctx.route(`${stack.collectorUrl}/v1/batch**`, (route) => {
    if (route.request().url().includes('key=')) return route.continue();
    blockedFetches += 1;
    return route.abort();
  });
  const page = await ctx.newPage();
  await page.goto(site.url);
  await call(page, "Tally.optIn().then(() => Tally.track('BeforeHide'))");
  await page.waitForTimeout(800);
  expect(blockedFetches).toBeGreaterThan(0);
  expect((await counts()).BeforeHide).toBeUndefined();
  await page.close({ runBeforeUnload: true });
  const c = await eventually((x) => x.BeforeHide === 1);
  expect(c.BeforeHide).toBe(1);
  await ctx.close();
});
