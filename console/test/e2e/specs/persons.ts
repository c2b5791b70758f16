// "Show the customers" behind a funnel step and a path node: the page lists exactly the persons
// the API's detail endpoints answer for the same query, paged by 20, customer numbers masked
// (first and last four characters kept); staff without analysis.export never see the control.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openModel } from '../support/analysis-run.ts';
import { apiPost, screenshot } from '../support/browser.ts';
import type { SuiteContext } from '../support/suite-context.ts';

type Json = Record<string, unknown>;

/** The masking rule written out by hand: keep 4 + 4 characters, star the middle. */
const masked = (id: string) =>
  id.length <= 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;

const tableTexts = (page: Page) =>
  page
    .getByTestId('persons-table')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent ?? '')));

/** Waits for the detail request the click sends, and returns its body. */
async function clickAndCapture(page: Page, path: string, click: () => Promise<void>): Promise<Json> {
  const answered = page.waitForResponse(
    (r) => r.url().endsWith(path) && r.request().method() === 'POST' && r.request().postData() !== null,
    { timeout: 90_000 },
  );
  await click();
  const response = await answered;
  expect(response.status()).toBe(200);
  return response.request().postDataJSON() as Json;
}

export function personSpecs(ctx: SuiteContext): void {
  describe('show the customers', () => {
    it('funnel: who reached step 1 and who dropped before step 2, paged and masked', async () => {
      const page = await ctx.as('union.analyst');
      const funnelBody = await (async () => {
        const first = page.waitForResponse((r) => r.url().endsWith('/v1/analysis/funnel'), {
          timeout: 90_000,
        });
        await openModel(page, 'funnel');
        return (await first).request().postDataJSON() as Json;
      })();
      const funnel = (await apiPost(page, '/v1/analysis/funnel', funnelBody)).json as {
        steps: Array<{ users: number; dropOff: number }>;
      };
      const picker = page.getByTestId('funnel-persons');
      const body = await clickAndCapture(page, '/v1/analysis/funnel/persons', () =>
        picker.getByRole('button', { name: /^到达 1\./ }).click(),
      );
      expect(body).toMatchObject({ step: 1, status: 'reached', offset: 0, limit: 20 });
      const answer = (await apiPost(page, '/v1/analysis/funnel/persons', body)).json as {
        total: number;
        persons: Array<{ personId: string; loginId: string | null }>;
      };
      // The list is the step's customers: as many as the funnel counts at step 1.
      expect(answer.total).toBe(funnel.steps[0]!.users);
      await page.getByTestId('persons-table').waitFor();
      const shown = await tableTexts(page);
      expect(shown.map((row) => row[2])).toEqual(answer.persons.map((p) => p.personId));
      for (const [i, p] of answer.persons.entries()) {
        if (p.loginId) {
          expect(shown[i]![1]).toBe(masked(p.loginId));
          expect(shown[i]![1]).not.toContain(p.loginId);
        }
      }
      await expect(page.getByTestId('persons-range').textContent()).resolves.toContain(
        `共 ${answer.total.toLocaleString('zh-CN')} 位`,
      );
      await screenshot(page, '60-funnel-persons');
      if (answer.total > 20) {
        const next = await clickAndCapture(page, '/v1/analysis/funnel/persons', () =>
          page.getByTestId('persons-next').click(),
        );
        expect(next).toMatchObject({ offset: 20, limit: 20 });
        const page2 = (await apiPost(page, '/v1/analysis/funnel/persons', next)).json as {
          persons: Array<{ personId: string }>;
        };
        await expect
          .poll(async () => (await tableTexts(page)).map((row) => row[2]))
          .toEqual(page2.persons.map((p) => p.personId));
      }

      const dropped = await clickAndCapture(page, '/v1/analysis/funnel/persons', () =>
        picker.getByRole('button', { name: /^流失于 2\./ }).click(),
      );
      expect(dropped).toMatchObject({ step: 2, status: 'dropped', offset: 0 });
      const droppedAnswer = (await apiPost(page, '/v1/analysis/funnel/persons', dropped)).json as {
        total: number;
      };
      expect(droppedAnswer.total).toBe(funnel.steps[1]!.dropOff);
    }, 180_000);

    it('path: the customers behind a node', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'path');
      const picker = page.getByTestId('path-persons');
      const node = picker.getByLabel('节点');
      // The first node of level 1 (the busiest entry).
      const label = (await node.locator('option').first().textContent()) ?? '';
      const body = await clickAndCapture(page, '/v1/analysis/path', () =>
        picker.getByRole('button', { name: '查看用户' }).click(),
      );
      const list = body.listUsers as { level: number; node: string };
      expect(list.level).toBe(1);
      const answer = (await apiPost(page, '/v1/analysis/path', body)).json as {
        personIds: string[];
        nodes: Array<{ level: number; key: string; users: number }>;
      };
      const counted = answer.nodes.find((n) => n.level === 1 && n.key === list.node)!;
      // Every customer the node counts is listed (the demo data is far below the 10,000 cap).
      expect(answer.personIds.length).toBe(counted.users);
      expect(label).toContain(`(${counted.users.toLocaleString('zh-CN')} 人)`);
      await page.getByTestId('persons-table').waitFor();
      const shown = await tableTexts(page);
      expect(shown.map((row) => row[1])).toEqual(answer.personIds.slice(0, 20));
      await screenshot(page, '61-path-persons');
    }, 180_000);

    it('a viewer (no analysis.export) sees no such control, and the API refuses the list', async () => {
      const page = await ctx.as('b001.viewer');
      await openModel(page, 'funnel');
      expect(await page.getByTestId('funnel-persons').count()).toBe(0);
      await openModel(page, 'path');
      expect(await page.getByTestId('path-persons').count()).toBe(0);
      const refused = await apiPost(page, '/v1/analysis/funnel/persons', {
        appId: ctx.cs.appId,
        from: '2026-01-01',
        to: '2026-01-31',
        steps: [{ event: '$AppStart' }, { event: '$Login' }],
        step: 1,
        status: 'reached',
      });
      expect(refused.status).toBe(403);
      await screenshot(page, '62-funnel-as-viewer');
    }, 120_000);
  });
}
