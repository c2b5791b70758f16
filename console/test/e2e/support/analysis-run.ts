// Runs an analysis from the page's form and checks the page against the API: waits for the POST
// the form sends (the one whose body passes `sent`), asks the API the same body from the same
// session, and compares the result table with rows derived from that independent answer.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { apiPost, numericRows } from './browser.ts';
import { EXPECTED_ROWS } from './expected-rows.ts';

type Json = Record<string, unknown>;

export async function runFromForm(
  page: Page,
  model: string,
  sent: (body: Json) => boolean,
): Promise<{ body: Json; result: Json }> {
  const answered = page.waitForResponse(
    (r) =>
      r.url().endsWith(`/v1/analysis/${model}`) &&
      r.request().method() === 'POST' &&
      sent(r.request().postDataJSON() as Json),
    { timeout: 90_000 },
  );
  await page.getByTestId('run').click();
  const response = await answered;
  if (response.status() !== 200) expect.fail(`${response.status()}: ${await response.text()}`);
  const body = response.request().postDataJSON() as Json;
  const independent = await apiPost(page, `/v1/analysis/${model}`, body);
  expect(independent.status).toBe(200);
  const result = independent.json as Json;
  const expected = EXPECTED_ROWS[model]!(result);
  await page.getByTestId('result-table').first().waitFor();
  await expect.poll(() => numericRows(page, 'result-table'), { timeout: 30_000 }).toEqual(expected);
  return { body, result };
}

/** Opens a model page on a fresh load and waits for its first result (or empty state). */
export async function openModel(page: Page, model: string): Promise<void> {
  await page.goto('about:blank');
  const first = page.waitForResponse(
    (r) => r.url().endsWith(`/v1/analysis/${model}`) && r.request().method() === 'POST',
    { timeout: 90_000 },
  );
  await page.goto(`/analysis/${model}`);
  await first;
  await Promise.race([
    page.getByTestId('result-table').first().waitFor(),
    page.getByTestId('empty-state').waitFor(),
  ]);
}
