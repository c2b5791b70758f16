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

    /** Opens a model, and returns the body its page sent and the result the API gives for it. */
    async function modelRun<T>(page: Page, model: string): Promise<{ body: Json; result: T }> {
      const first = page.waitForResponse((r) => r.url().endsWith(`/v1/analysis/${model}`), {
        timeout: 90_000,
      });
      await openModel(page, model);
      const body = (await first).request().postDataJSON() as Json;
      return { body, result: (await apiPost(page, `/v1/analysis/${model}`, body)).json as T };
    }

    /** Picks a choice (and an option) of a picker by label, lists, and checks the table and the total. */
    async function listFromPicker(
      page: Page,
      testId: string,
      path: string,
      pick: { choice: string; option?: string },
    ): Promise<{ body: Json; total: number }> {
      const picker = page.getByTestId(testId);
      const selects = picker.locator('select');
      // By the start of the label (labels end in the count).
      const chosen = (await selects.nth(0).locator('option').allTextContents()).find((t) =>
        t.startsWith(pick.choice),
      );
      expect(chosen, `${testId}: ${pick.choice}`).toBeDefined();
      await selects.nth(0).selectOption({ label: chosen! });
      if (pick.option) {
        const option = (await selects.nth(1).locator('option').allTextContents()).find((t) =>
          t.startsWith(pick.option!),
        );
        expect(option, `${testId}: ${pick.option}`).toBeDefined();
        await selects.nth(1).selectOption({ label: option! });
      }
      const body = await clickAndCapture(page, path, () =>
        picker.getByRole('button', { name: '查看用户' }).click(),
      );
      const answer = (await apiPost(page, path, body)).json as {
        total: number;
        persons: Array<{ personId: string }>;
      };
      await page.getByTestId('persons-table').waitFor();
      expect((await tableTexts(page)).map((row) => row[2])).toEqual(answer.persons.map((p) => p.personId));
      return { body, total: answer.total };
    }

    it('retention: the customers of a cohort, and those retained and lost in a period', async () => {
      const page = await ctx.as('union.analyst');
      const { result } = await modelRun<{
        cohorts: Array<{ cohort: string; size: number; retained: Array<number | null> }>;
      }>(page, 'retention');
      const cohort = result.cohorts.find((c) => c.retained[1] !== null && c.retained[1]! > 0)!;
      expect(cohort, 'a cohort retained on day 1').toBeDefined();
      const path = '/v1/analysis/retention/persons';
      const entered = await listFromPicker(page, 'retention-persons', path, {
        choice: cohort.cohort,
        option: '同期群',
      });
      expect(entered.body).toMatchObject({ cohort: cohort.cohort, status: 'entered', offset: 0, limit: 20 });
      expect(entered.total).toBe(cohort.size);
      const retained = await listFromPicker(page, 'retention-persons', path, {
        choice: cohort.cohort,
        option: '第 1 期留存',
      });
      expect(retained.body).toMatchObject({ status: 'retained', returnPeriod: 1 });
      expect(retained.total).toBe(cohort.retained[1]);
      const lost = await listFromPicker(page, 'retention-persons', path, {
        choice: cohort.cohort,
        option: '第 1 期流失',
      });
      expect(lost.total).toBe(cohort.size - cohort.retained[1]!);
      await screenshot(page, '63-retention-persons');
    }, 180_000);

    it('distribution: the customers of a bucket, sent as its bounds', async () => {
      const page = await ctx.as('union.analyst');
      const { result } = await modelRun<{
        buckets: Array<{ label: string; lower: number | null; upper: number | null; users: number }>;
      }>(page, 'distribution');
      const bucket = result.buckets.find((b) => b.users > 0)!;
      const listed = await listFromPicker(page, 'distribution-persons', '/v1/analysis/distribution/persons', {
        choice: `${bucket.label} (`,
      });
      expect(listed.body).toMatchObject({ lower: bucket.lower, upper: bucket.upper });
      expect(listed.total).toBe(bucket.users);
    }, 180_000);

    it('user properties: the customers of the total and of a value', async () => {
      const page = await ctx.as('union.analyst');
      const { result } = await modelRun<{
        total: { users: number };
        cells: Array<{ group: Array<string | null>; users: number }>;
      }>(page, 'user-properties');
      const path = '/v1/analysis/user-properties/persons';
      const all = await listFromPicker(page, 'user-properties-persons', path, { choice: '合计' });
      expect(all.total).toBe(result.total.users);
      const cell = result.cells.find((c) => c.group.every((v) => v !== null && v !== '$others'));
      if (cell) {
        const one = await listFromPicker(page, 'user-properties-persons', path, {
          choice: `${cell.group.join(' / ')} (`,
        });
        expect(one.body).toMatchObject({ cell: cell.group });
        expect(one.total).toBe(cell.users);
      }
    }, 180_000);

    it('events: the customers of a users metric over the range and on one day', async () => {
      const page = await ctx.as('union.analyst');
      const { result } = await modelRun<{
        periods: string[];
        series: Array<{ key: string; total: number; values: number[] }>;
      }>(page, 'events');
      const series = result.series[0]!;
      const path = '/v1/analysis/events/persons';
      const range = await listFromPicker(page, 'events-persons', path, {
        choice: '',
        option: '整个时间范围',
      });
      expect(range.body).toMatchObject({ metric: 'A' });
      expect(range.body.period).toBeUndefined();
      expect(range.total).toBe(series.total);
      const day = result.periods.findIndex((_, k) => series.values[k]! > 0);
      const oneDay = await listFromPicker(page, 'events-persons', path, {
        choice: '',
        option: `${result.periods[day]} (`,
      });
      expect(oneDay.body).toMatchObject({ metric: 'A', period: result.periods[day] });
      expect(oneDay.total).toBe(series.values[day]);
    }, 180_000);

    it('LTV and sessions: the customers of a cohort, and of the sessions of one day', async () => {
      const page = await ctx.as('union.analyst');
      const ltv = await modelRun<{ groups: Array<{ cohorts: Array<{ cohort: string; users: number }> }> }>(
        page,
        'ltv',
      );
      const cohort = ltv.result.groups[0]!.cohorts.find((c) => c.users > 0)!;
      const listed = await listFromPicker(page, 'ltv-persons', '/v1/analysis/ltv/persons', {
        choice: `${cohort.cohort} (`,
      });
      expect(listed.body).toMatchObject({ cohort: cohort.cohort });
      expect(listed.total).toBe(cohort.users);

      const sessions = await modelRun<{
        periods: string[];
        overall: { total: { users: number }; byPeriod: Array<{ users: number }> };
      }>(page, 'session');
      const path = '/v1/analysis/session/persons';
      const all = await listFromPicker(page, 'session-persons', path, { choice: '', option: '整个时间范围' });
      expect(all.total).toBe(sessions.result.overall.total.users);
      const day = sessions.result.overall.byPeriod.findIndex((p) => p.users > 0);
      const oneDay = await listFromPicker(page, 'session-persons', path, {
        choice: '',
        option: `${sessions.result.periods[day]} (`,
      });
      expect(oneDay.total).toBe(sessions.result.overall.byPeriod[day]!.users);
    }, 240_000);

    it('a viewer (no analysis.export) sees no such control, and the API refuses the list', async () => {
      const page = await ctx.as('b001.viewer');
      await openModel(page, 'funnel');
      expect(await page.getByTestId('funnel-persons').count()).toBe(0);
      await openModel(page, 'path');
      expect(await page.getByTestId('path-persons').count()).toBe(0);
      await openModel(page, 'retention');
      expect(await page.getByTestId('retention-persons').count()).toBe(0);
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
