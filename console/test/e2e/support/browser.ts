// Debian's chromium driven by playwright-core (no browser download here), one context per staff
// login, screenshots written to console/test-artifacts/ (gitignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CONSOLE_ROOT } from '../../../src/server/config.ts';

export const ARTIFACTS = join(CONSOLE_ROOT, 'test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
}

/** A fresh browser context (own cookies) logged in through the login form. */
export async function loginPage(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1400, height: 1000 },
  });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The numeric cells of a table, row by row: data-value as a number, null where it shows '–'. */
export async function numericRows(page: Page, tableTestId: string): Promise<Array<Array<number | null>>> {
  return page
    .getByTestId(tableTestId)
    .first()
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        [...row.querySelectorAll('td.num')].map((cell) => {
          const value = cell.getAttribute('data-value');
          return value === null ? null : Number(value);
        }),
      ),
    );
}

/** Calls the API from the page's own session (cookie + CSRF header), like the console does. */
export async function apiPost(
  page: Page,
  path: string,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  const me = (await (await page.request.get('/v1/auth/whoami')).json()) as { csrfToken?: string };
  const response = await page.request.post(path, {
    data: body,
    headers: { 'x-csrf-token': me.csrfToken ?? '' },
  });
  return { status: response.status(), json: await response.json().catch(() => null) };
}
