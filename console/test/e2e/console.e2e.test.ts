// The console end to end, in Debian's chromium against the real stack with demo data: login,
// the shipped overview board (time to first chart), every analysis model (the numbers in each
// page's table equal what the API answers for the same query), online now, metadata, saving to
// a dashboard and opening it as staff of other tiers (each sees its own scope's numbers, checked
// against ClickHouse directly). Screenshots of every page go to console/test-artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../analytics-api/src/staff/seed-demo.ts';
import { MODEL_NAMES } from '../../src/app/model-names.ts';
import { CONSOLE_ROOT } from '../../src/server/config.ts';
import { busyEngineSpecs } from './specs/busy-engine.ts';
import { comparisonSpecs } from './specs/comparison.ts';
import { controlSpecs } from './specs/controls.ts';
import { forwardedAddressSpecs } from './specs/forwarded-address.ts';
import { groupBySpecs } from './specs/group-by.ts';
import { contractSpecs } from './specs/openapi-contract.ts';
import { personSpecs } from './specs/persons.ts';
import { ARTIFACTS, apiPost, launchBrowser, loginPage, numericRows, screenshot } from './support/browser.ts';
import { type ConsoleStack, startConsoleStack } from './support/console-stack.ts';
import { EXPECTED_ROWS } from './support/expected-rows.ts';
import { recordBodies, type SentBody, type SuiteContext } from './support/suite-context.ts';

// A range around the 14 days of demo data (the API allows at most two years).
const DAY = 86_400_000;
const WIDE = {
  from: new Date(Date.now() - 40 * DAY).toISOString().slice(0, 10),
  to: new Date(Date.now() + DAY).toISOString().slice(0, 10),
};

// The data set: small by default (fast); TALLY_E2E_EVENTS / TALLY_E2E_DAYS make it the size `npm
// start` loads (100000 / 30) to measure time to first chart on the full demo data.
const E2E_EVENTS = Number(process.env.TALLY_E2E_EVENTS ?? 6000);
const E2E_DAYS = Number(process.env.TALLY_E2E_DAYS ?? 14);

let cs: ConsoleStack;
let browser: Browser;
const pages: Record<string, Page> = {};
const metrics: Record<string, unknown> = {};
const sent: SentBody[] = [];
const as = async (user: string) => {
  if (!pages[user]) {
    pages[user] = await loginPage(browser, cs.console.url, user, DEMO_PASSWORD);
    recordBodies(pages[user], sent);
  }
  return pages[user];
};
const ctx: SuiteContext = {
  get cs() {
    return cs;
  },
  as,
  sent,
};

// Loading the data through the collector dominates the start: up to ~2 ms per event under load.
beforeAll(
  async () => {
    cs = await startConsoleStack({ events: E2E_EVENTS, days: E2E_DAYS });
    browser = await launchBrowser();
  },
  240_000 + E2E_EVENTS * 2,
);

afterAll(async () => {
  // .txt, not .json: the repository's formatter checks every .json file, artifacts included.
  metrics.events = cs?.events;
  metrics.days = E2E_DAYS;
  writeFileSync(join(ARTIFACTS, 'metrics.txt'), `${JSON.stringify(metrics, null, 2)}\n`);
  await browser?.close();
  await cs?.stop();
});

describe('login and shell', () => {
  it('refuses a wrong password, then shows the user, their org node and the app', async () => {
    const context = await browser.newContext({ baseURL: cs.console.url, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('用户名').waitFor();
    await screenshot(page, '01-login');
    await page.getByLabel('用户名').fill('union.analyst');
    await page.getByLabel('密码').fill('wrong-password-1A!');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('登录失败');
    await context.close();

    const page2 = await as('union.analyst');
    await expect(page2.getByTestId('whoami').textContent()).resolves.toContain('union.analyst');
    // The app list loads after the shell: the picker settles on the only app.
    await expect.poll(() => page2.getByTestId('app-picker').inputValue()).toBe(cs.appId);
    // The org picker lists the caller's whole subtree: the union, 12 offices, ~110 banks, branches.
    const options = await page2.getByTestId('org-picker').locator('option').count();
    expect(options).toBeGreaterThan(110);
  });
});

describe('the shipped overview board', () => {
  it('opens with its cards and draws the first chart', async () => {
    const page = await as('union.analyst');
    await page.goto('/dashboards');
    const link = page.getByTestId('board-list').getByRole('link', { name: /手机银行概览/ });
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    const started = Date.now();
    await page.goto(href);
    await page.locator('.recharts-surface').first().waitFor({ timeout: 60_000 });
    metrics.timeToFirstChartColdMs = Date.now() - started;
    await expect(page.getByTestId('dashboard-card').count()).resolves.toBe(8);
    // Every card settles: a chart/number or an explicit state, never a blank.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="dashboard-card"] [role="status"] .spinner').length === 0,
      null,
      {
        timeout: 90_000,
      },
    );
    await screenshot(page, '02-overview-board');
    // Warm: a fresh page load (assets cached by the browser, API answers by its cache), 3 times.
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await page.reload();
      await page.locator('.recharts-surface').first().waitFor({ timeout: 60_000 });
      warm.push(Date.now() - t0);
    }
    metrics.timeToFirstChartWarmMs = warm;
    metrics.timeToFirstChartWarmMedianMs = [...warm].sort((a, b) => a - b)[1];
  }, 120_000);
});

describe('every analysis model', () => {
  for (const model of MODEL_NAMES) {
    it(`${model}: the page's numbers equal the API's answer to the same query`, async () => {
      const page = await as('union.analyst');
      // Leave the previous page first, so no request of its (a board card) is taken for this one.
      await page.goto('about:blank');
      const answered = page.waitForResponse(
        (r) => r.url().endsWith(`/v1/analysis/${model}`) && r.request().method() === 'POST',
        { timeout: 90_000 },
      );
      await page.goto(`/analysis/${model}`);
      const response = await answered;
      const body = response.request().postDataJSON() as Record<string, unknown>;
      if (response.status() === 404) {
        // The engine does not serve this model yet: the page says so instead of failing silently.
        await page.getByText('该分析模型尚未上线').waitFor();
        await screenshot(page, `10-analysis-${model}`);
        return;
      }
      if (response.status() !== 200) expect.fail(`${response.status()}: ${await response.text()}`);
      const independent = await apiPost(page, `/v1/analysis/${model}`, body);
      expect(independent.status).toBe(200);
      const result = independent.json as Record<string, unknown>;
      const expectedRows = EXPECTED_ROWS[model];
      if (!expectedRows) expect.fail(`no expected rows written for ${model}`);
      const expected = expectedRows(result);
      const empty = page.getByTestId('empty-state');
      await Promise.race([page.getByTestId('result-table').first().waitFor(), empty.waitFor()]);
      if (await empty.isVisible()) {
        expect(expected.every((row) => row.every((v) => !v))).toBe(true);
      } else {
        expect(await numericRows(page, 'result-table')).toEqual(expected);
        expect(expected.length).toBeGreaterThan(0);
      }
      await screenshot(page, `10-analysis-${model}`);
    }, 120_000);
  }

  it('keeps the query in the URL: a copied link reproduces the view', async () => {
    const page = await as('union.analyst');
    const q = {
      ...WIDE,
      granularity: 'total',
      metrics: [{ event: '$Login', aggregation: 'count' }],
      appId: cs.appId,
    };
    await page.goto('about:blank');
    const answered = page.waitForResponse((r) => r.url().endsWith('/v1/analysis/events'));
    await page.goto(`/analysis/events?q=${encodeURIComponent(JSON.stringify(q))}`);
    const body = (await answered).request().postDataJSON() as typeof q;
    expect(body).toMatchObject({ ...WIDE, granularity: 'total' });
    const [row] = await cs.stack.clickhouse
      .query({
        query: "SELECT count() AS n FROM events WHERE app_id = {app:String} AND event = '$Login'",
        query_params: { app: cs.appId },
        format: 'JSONEachRow',
      })
      .then((r) => r.json<{ n: string }>());
    const logins = Number(row!.n);
    await page.getByTestId('result-table').waitFor();
    expect((await numericRows(page, 'result-table'))[0]!.at(-1)).toBe(Number(logins));
  }, 60_000);
});

describe('online now and metadata', () => {
  it('online now shows the API total and the by-bank and by-branch tables', async () => {
    const page = await as('union.analyst');
    await page.goto('about:blank');
    const answered = page.waitForResponse((r) => r.url().includes('/v1/analysis/online-now'));
    await page.goto('/online');
    const response = await answered;
    if (response.status() === 200) {
      const shown = page.getByTestId('online-total');
      await shown.waitFor();
      const total = Number(await shown.getAttribute('data-value'));
      // The page refetches every 5 s; the figure it shows is one the API gave (checked right after).
      const again = (await (
        await page.request.get(`/v1/analysis/online-now?appId=${cs.appId}&minutes=5`)
      ).json()) as { total: number };
      expect(Math.abs(again.total - total)).toBeLessThanOrEqual(Math.max(2, again.total * 0.2));
      // "By org" down to branches: a table of bank, branch and customers.
      const branches = page.getByTestId('online-by-branch');
      await branches.waitFor();
      expect(await branches.getByRole('columnheader').allTextContents()).toContain('网点');
    }
    await screenshot(page, '20-online-now');
  }, 60_000);

  it('metadata lists events with volumes (or says the catalog is not there yet)', async () => {
    const page = await as('union.analyst');
    await page.goto('/metadata');
    const table = page.getByTestId('metadata-table');
    const problem = page.getByRole('alert');
    await Promise.race([table.waitFor(), problem.waitFor()]);
    if (await table.isVisible()) {
      const names = await table.locator('tbody th').allTextContents();
      expect(names).toContain('$AppStart');
    }
    await screenshot(page, '21-metadata');
  }, 60_000);
});

describe('metadata management', () => {
  it('an admin gives an event a display name and hides one; pickers follow', async () => {
    const admin = await as('admin');
    await admin.goto('/metadata');
    const table = admin.getByTestId('metadata-table');
    await table.waitFor();
    await admin.getByRole('button', { name: '编辑 transfer', exact: true }).click();
    await admin.getByLabel('显示名 transfer').fill('转账（测试）');
    await admin.getByLabel('描述 transfer').fill('客户发起的转账');
    await admin.getByRole('button', { name: '保存' }).click();
    await table.locator('tr', { hasText: '转账（测试）' }).waitFor();
    await admin.getByRole('button', { name: '编辑 bill_pay', exact: true }).click();
    await admin.getByLabel('隐藏 bill_pay').check();
    await admin.getByRole('button', { name: '保存' }).click();
    await table.locator('tr.muted', { hasText: 'bill_pay' }).waitFor();
    await screenshot(admin, '22-metadata-edited');
    // The event analysis picker offers the display name and leaves the hidden event out.
    await admin.goto('/analysis/events');
    const picker = admin.getByLabel('事件 A');
    await picker.locator('option', { hasText: '转账（测试） (transfer)' }).waitFor({ state: 'attached' });
    expect(await picker.locator('option').allTextContents()).not.toContain('bill_pay');
    // A bank's admin holds metadata.manage too, but names show for every bank: no Edit buttons,
    // a note saying who may change them (the API refuses them with 403 METADATA_UNION_ONLY).
    const bankAdmin = await as('b001.admin');
    await bankAdmin.goto('/metadata');
    await bankAdmin.getByTestId('metadata-table').waitFor();
    await bankAdmin.getByText('仅联社（省级）管理员可修改', { exact: false }).waitFor();
    expect(await bankAdmin.getByRole('button', { name: '编辑 transfer', exact: true }).count()).toBe(0);
  }, 90_000);
});

describe('saved analyses and dashboards across tiers', () => {
  const appStarts = async (bankCode?: string) => {
    const rows = await cs.stack.clickhouse
      .query({
        query: `SELECT count() AS n FROM events WHERE app_id = {app:String} AND event = '$AppStart'${bankCode ? ' AND bank_code = {bank:String}' : ''}`,
        query_params: { app: cs.appId, bank: bankCode ?? '' },
        format: 'JSONEachRow',
      })
      .then((r) => r.json<{ n: string }>());
    return Number(rows[0]!.n);
  };
  const boardTotal = async (page: Page, boardName: string) => {
    await page.goto('/dashboards');
    await page.getByTestId('board-list').getByRole('link', { name: boardName }).click();
    const card = page.getByTestId('dashboard-card').filter({ hasText: '启动次数' });
    await card.getByTestId('result-table').waitFor({ timeout: 60_000 });
    const rows = await card
      .getByTestId('result-table')
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('td.num')].map((td) => Number(td.getAttribute('data-value'))),
        ),
      );
    return rows[0]!.at(-1)!;
  };

  it('a union board shows each tier its own numbers; a bank board stays in its bank', async () => {
    const union = await as('union.analyst');
    const q = {
      granularity: 'total',
      metrics: [{ event: '$AppStart', aggregation: 'count', label: '启动次数' }],
      appId: cs.appId,
    };
    await union.goto(`/analysis/events?q=${encodeURIComponent(JSON.stringify({ ...q, ...WIDE }))}`);
    await union.getByTestId('result-table').waitFor();
    await union.getByTestId('save-name').fill('启动次数');
    await union.getByTestId('save-board').selectOption('new');
    await union.getByTestId('save-new-board').fill('E2E 全省看板');
    await union.getByTestId('save').click();
    await union.getByTestId('saved').waitFor();
    await screenshot(union, '30-saved');

    // The board's range (last 30 days) covers the 14 days of demo data, so every event counts.
    const all = await appStarts();
    const b001 = await appStarts('B001');
    const b002 = await appStarts('B002');
    expect(b001).toBeGreaterThan(0);
    expect(b001).toBeLessThan(all);
    expect(await boardTotal(union, 'E2E 全省看板')).toBe(all);
    await screenshot(union, '31-board-union');
    // The org picker narrows every card: the union looking at B001 sees B001's figure.
    await union.getByTestId('org-picker').selectOption('B001');
    const figure = union
      .getByTestId('dashboard-card')
      .filter({ hasText: '启动次数' })
      .getByTestId('result-table')
      .locator('tbody tr')
      .first()
      .locator('td.num')
      .last();
    await expect
      .poll(async () => Number(await figure.getAttribute('data-value')), { timeout: 60_000 })
      .toBe(b001);
    await union.getByTestId('org-picker').selectOption('U00');
    // Layout: the owner widens the card and saves; the board keeps it.
    await union.getByLabel('宽度').first().selectOption('4');
    await union.getByRole('button', { name: '保存看板设置' }).click();
    await union.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await union.reload();
    await union.locator('.grid > .span-4').first().waitFor();

    const bank = await as('b001.analyst');
    expect(await boardTotal(bank, 'E2E 全省看板')).toBe(b001);
    await screenshot(bank, '32-board-as-b001');
    const other = await as('b002.analyst');
    expect(await boardTotal(other, 'E2E 全省看板')).toBe(b002);

    // B001's own board: B001 and its branch see it, B002 and the union do not.
    await bank.goto(`/analysis/events?q=${encodeURIComponent(JSON.stringify({ ...q, ...WIDE }))}`);
    await bank.getByTestId('result-table').waitFor();
    await bank.getByTestId('save-name').fill('启动次数 B001');
    await bank.getByTestId('save-board').selectOption('new');
    await bank.getByTestId('save-new-board').fill('E2E B001 看板');
    await bank.getByTestId('save').click();
    await bank.getByTestId('saved').waitFor();
    const boardNames = async (page: Page) => {
      await page.goto('/dashboards');
      await page.getByTestId('board-list').waitFor();
      return page.getByTestId('board-list').getByRole('link').allTextContents();
    };
    expect(await boardNames(await as('b001-01.manager'))).toContain('E2E B001 看板');
    expect(await boardNames(other)).not.toContain('E2E B001 看板');
    expect(await boardNames(union)).not.toContain('E2E B001 看板');
    await screenshot(other, '33-boards-as-b002');
  }, 180_000);

  it('switches to English; Chinese shows large numbers in 万', async () => {
    const page = await as('union.analyst');
    await page.goto('/dashboards');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('link', { name: 'Dashboards' }).first().waitFor();
    await screenshot(page, '40-english');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('link', { name: '看板' }).first().waitFor();
  }, 60_000);
});

describe('accessible basics', () => {
  it('every control on the analysis and board pages has a name, and the keyboard reaches them', async () => {
    const page = await as('union.analyst');
    // Every model page, and the pages again with their repeatable rows present (an exclusion, a
    // split, a behaviour condition, custom buckets), so the labels of those rows are checked too.
    const withRows = (model: string, q: Record<string, unknown>) =>
      `/analysis/${model}?q=${encodeURIComponent(JSON.stringify({ ...WIDE, appId: cs.appId, ...q }))}`;
    const steps = [{ event: 'loan_view' }, { event: 'loan_apply_start' }, { event: 'loan_apply_submit' }];
    const paths = [
      ...MODEL_NAMES.map((m) => `/analysis/${m}`),
      withRows('funnel', { steps, exclusions: [{ event: '$AppEnd', fromStep: 1, toStep: 3 }] }),
      withRows('path', { splitBy: [{ event: '$AppViewScreen', property: '$screen_name' }] }),
      // Grouped: the group picker, the groups tables, the attribution groups chart's model choice.
      withRows('path', { groupBy: [{ source: 'event', property: '$os' }] }),
      withRows('attribution', {
        targetEvent: { event: 'loan_apply_submit' },
        touchpoints: [{ event: 'banner_click', splitBy: 'banner_id' }, { event: 'loan_view' }],
        groupBy: [{ source: 'user', property: 'customer_level' }],
      }),
      withRows('distribution', {
        event: { event: '$AppStart' },
        measure: 'times',
        bucketMode: 'custom',
        boundaries: [2, 5],
      }),
      withRows('user-properties', {
        granularity: 'total',
        groupBy: [{ source: 'user', property: 'customer_level' }],
        behaviours: [{ event: { event: 'transfer' }, did: false }],
        filters: [{ source: 'user', property: 'age_band', op: 'eq', values: ['26-35'] }],
      }),
      '/dashboards',
      '/online',
      '/metadata',
    ];
    for (const path of paths) {
      await page.goto(path);
      await page.getByRole('main').locator('h1').waitFor();
      await page.waitForLoadState('networkidle');
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea, button')]
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length ?? 0;
            const name =
              el.getAttribute('aria-label') || (el.tagName === 'BUTTON' ? el.textContent?.trim() : '');
            return labelled === 0 && !name;
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      expect(unnamed, path).toEqual([]);
    }
    // The first Tab lands on the skip link, which moves focus past the navigation.
    await page.goto('/analysis/events');
    await page.getByRole('main').locator('h1').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');

    // The new controls are in the tab order: from the top of the funnel page, Tab reaches the
    // exclusion button and the first "show the customers" button, and Enter opens the list.
    await page.goto('/analysis/funnel');
    await page.getByTestId('funnel-persons').waitFor({ timeout: 60_000 });
    const reached: string[] = [];
    for (let i = 0; i < 200 && !reached.some((t) => t.startsWith('到达 1.')); i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(reached).toContain('添加排除事件');
    expect(reached.some((t) => t.startsWith('到达 1.'))).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('persons-table').waitFor();
  }, 150_000);
});

describe('bundle', () => {
  it('reports the gzip size of the initial bundle (entry script + CSS)', () => {
    const dist = join(CONSOLE_ROOT, 'dist');
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    const gzipBytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f))).length, 0);
    metrics.initialBundleGzipBytes = gzipBytes;
    metrics.initialBundleFiles = files;
    expect(files.length).toBeGreaterThan(0);
    // The production build (development JSX in a production React renders a blank page).
    for (const f of files) expect(readFileSync(join(dist, f), 'utf8')).not.toContain('jsxDEV');
    // Budget: React, React Query and the shell; charts and pages load per route.
    expect(gzipBytes).toBeLessThan(120 * 1024);
  });
});

controlSpecs(ctx);
personSpecs(ctx);
comparisonSpecs(ctx);
groupBySpecs(ctx);
forwardedAddressSpecs(ctx);
busyEngineSpecs(ctx);
// Last: checks the bodies every spec above sent.
contractSpecs(ctx);
