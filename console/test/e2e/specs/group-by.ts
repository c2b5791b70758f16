// Group-by on the path and attribution pages: grouped by a property, the page shows the API's
// figures for every group, and the group picked on screen (kept in the address) draws that
// group's own diagram / credits; the customers behind a node of one group are the API's
// `listUsers` answer for that group; the comparison period still compares the overall figures.
// Expected figures are read from the API's own answers (asked by the test), never from the page.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openModel, runFromForm } from '../support/analysis-run.ts';
import { apiPost, numericRows, screenshot } from '../support/browser.ts';
import type { SuiteContext } from '../support/suite-context.ts';
import { previousRange } from './comparison.ts';

type Json = Record<string, unknown>;
type Group = { group: Array<string | null> } & Json;
const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
/** How the page names a group, written out from the brief: "$others" is 其他, null (未设置). */
const zhName = (group: Array<string | null>) =>
  group.map((g) => (g === null ? '(未设置)' : g === '$others' ? '其他' : g)).join(' / ');

const linkRows = (diagram: Json) => arr(diagram.links).map((l) => [n(l.sessions), n(l.users)]);
const nodeRows = (diagram: Json) => arr(diagram.nodes).map((x) => [n(x.sessions), n(x.users), n(x.dropOff)]);

/** Picks the group in the page's group picker (by its label) and checks the address holds it. */
async function pickGroup(page: Page, group: Group) {
  await page.getByTestId('group-picker').selectOption({ label: zhName(group.group) });
  await expect.poll(() => new URL(page.url()).searchParams.get('group')).toBe(JSON.stringify(group.group));
}

/** Runs the path page grouped by the event property $os; returns the body and the API's answer. */
async function groupedPath(page: Page) {
  await openModel(page, 'path');
  await page.getByRole('combobox', { name: '分组', exact: true }).selectOption('$os');
  const run = await runFromForm(page, 'path', (b) => Array.isArray(b.groupBy));
  expect(run.body.groupBy).toEqual([{ source: 'event', property: '$os' }]);
  const groups = arr(run.result.groups) as Group[];
  expect(groups.length).toBeGreaterThan(1);
  return { ...run, groups };
}

export function groupBySpecs(ctx: SuiteContext): void {
  describe('group-by on path and attribution', () => {
    it('path grouped by $os: per-group sessions, and a picked group draws its own diagram', async () => {
      const page = await ctx.as('union.analyst');
      const { result, groups } = await groupedPath(page);
      // Sessions and customers per group, after the overall diagram's.
      await expect
        .poll(() => numericRows(page, 'path-groups'))
        .toEqual([[n(result.sessions), n(result.users)], ...groups.map((g) => [n(g.sessions), n(g.users)])]);
      const options = await page.getByTestId('group-picker').locator('option').allTextContents();
      expect(options).toEqual(['整体', ...groups.map((g) => zhName(g.group))]);
      // Pick the second group (not the busiest): the links and nodes are that group's.
      const group = groups[1]!;
      await pickGroup(page, group);
      await expect.poll(() => numericRows(page, 'result-table')).toEqual(linkRows(group));
      await expect.poll(() => numericRows(page, 'path-nodes')).toEqual(nodeRows(group));
      expect(linkRows(group)).not.toEqual(linkRows(result));
      await screenshot(page, '80-path-grouped');
      // The link reproduces the view: grouped, the same group picked.
      await page.reload();
      await page.getByTestId('path-groups').waitFor({ timeout: 60_000 });
      await expect
        .poll(() => page.getByTestId('group-picker').locator('option:checked').textContent())
        .toBe(zhName(group.group));
      await expect.poll(() => numericRows(page, 'result-table')).toEqual(linkRows(group));
      // Back to 整体: the overall diagram, the address without a group.
      await page.getByTestId('group-picker').selectOption({ label: '整体' });
      await expect.poll(() => numericRows(page, 'result-table')).toEqual(linkRows(result));
      expect(new URL(page.url()).searchParams.get('group')).toBeNull();
    }, 240_000);

    it("path grouped: the customers behind a node of one group are the API's listUsers for that group", async () => {
      const page = await ctx.as('union.analyst');
      const { body, groups } = await groupedPath(page);
      const group = groups[0]!;
      await pickGroup(page, group);
      const picker = page.getByTestId('path-persons');
      // The node list is the group's diagram's, with the group's customer counts.
      const firstNode = arr(group.nodes)[0]!;
      const label = (await picker.getByLabel('节点').locator('option').first().textContent()) ?? '';
      expect(label).toContain(`(${n(firstNode.users)!.toLocaleString('zh-CN')} 人)`);
      const answered = page.waitForResponse(
        (r) =>
          r.url().endsWith('/v1/analysis/path') &&
          r.request().method() === 'POST' &&
          (r.request().postDataJSON() as Json).listUsers !== undefined,
        { timeout: 90_000 },
      );
      await picker.getByRole('button', { name: '查看用户' }).click();
      const sent = (await answered).request().postDataJSON() as Json;
      expect(sent.listUsers).toMatchObject({
        level: n(firstNode.level),
        node: firstNode.key,
        group: group.group,
      });
      expect({ ...sent, listUsers: undefined }).toEqual({ ...body, listUsers: undefined });
      const answer = (await apiPost(page, '/v1/analysis/path', sent)).json as { personIds: string[] };
      // Every customer the group's node counts (the demo data is far below the 10,000 cap).
      expect(answer.personIds.length).toBe(n(firstNode.users));
      await page.getByTestId('persons-table').waitFor();
      const shown = await page
        .getByTestId('persons-table')
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.children[1]?.textContent ?? ''));
      expect(shown).toEqual(answer.personIds.slice(0, 20));
      await expect(page.getByTestId('persons-range').textContent()).resolves.toContain(
        `共 ${answer.personIds.length.toLocaleString('zh-CN')} 位`,
      );
      await screenshot(page, '81-path-grouped-persons');
    }, 240_000);

    it('path grouped with a comparison period: the overall diagram, then a group against the same group', async () => {
      const page = await ctx.as('union.analyst');
      const { body } = await groupedPath(page);
      await page.getByTestId('date-preset').selectOption('last_7_days');
      const from = await page.getByLabel('开始日期').inputValue();
      const to = await page.getByLabel('结束日期').inputValue();
      const earlier = previousRange(from, to);
      await page.getByTestId('comparison').selectOption('previous');
      const earlierRun = page.waitForResponse(
        (r) =>
          r.url().endsWith('/v1/analysis/path') && (r.request().postDataJSON() as Json).from === earlier.from,
        { timeout: 90_000 },
      );
      await page.getByTestId('run').click();
      const earlierBody = (await earlierRun).request().postDataJSON() as Json;
      expect(earlierBody.groupBy).toEqual(body.groupBy);
      const now = (await apiPost(page, '/v1/analysis/path', { ...earlierBody, from, to })).json as Json;
      const before = (await apiPost(page, '/v1/analysis/path', earlierBody)).json as Json;
      const change = (a: number | null, b: number | null) =>
        a === null || b === null || b === 0 ? null : (a - b) / b;
      // Sessions per node of one diagram against the earlier diagram's same node ("–" when the
      // node is not among its top nodes; "其他" is never compared).
      const compared = (a: Json, b: Json | undefined) => {
        const earlierNodes = new Map(arr(b?.nodes).map((x) => [`${x.level}|${x.key}`, n(x.sessions)]));
        return arr(a.nodes).map((x) => {
          const was = x.key === '$others' ? null : (earlierNodes.get(`${x.level}|${x.key}`) ?? null);
          return [n(x.sessions), was, change(n(x.sessions), was)];
        });
      };
      // The earlier week holds demo data too: there is something to compare.
      expect(compared(now, before).some(([, was]) => was !== null)).toBe(true);
      await expect
        .poll(() => numericRows(page, 'comparison-table'), { timeout: 60_000 })
        .toEqual(compared(now, before));
      const group = (arr(now.groups) as Group[]).find(
        (g) =>
          !g.group.includes('$others') &&
          arr(before.groups).some((x) => JSON.stringify(x.group) === JSON.stringify(g.group)),
      );
      expect(group).toBeDefined();
      await pickGroup(page, group!);
      const sameBefore = arr(before.groups).find(
        (x) => JSON.stringify(x.group) === JSON.stringify(group!.group),
      );
      await expect
        .poll(() => numericRows(page, 'comparison-table'), { timeout: 60_000 })
        .toEqual(compared(group!, sameBefore));
      await screenshot(page, '84-path-grouped-compared');
    }, 240_000);

    it('attribution grouped by customer level: per-group conversions and credits, CSV, comparison', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'attribution');
      await page.getByLabel('属性来源').selectOption('user');
      await page.getByRole('combobox', { name: '分组', exact: true }).selectOption('customer_level');
      // runFromForm checks the credit table: the overall touchpoints, then each group's.
      const { body, result } = await runFromForm(page, 'attribution', (b) => Array.isArray(b.groupBy));
      expect(body.groupBy).toEqual([{ source: 'user', property: 'customer_level' }]);
      const groups = arr(result.groups) as Group[];
      expect(groups.length).toBeGreaterThan(1);
      const counts = (x: Json) =>
        (['total', 'attributed', 'unattributed'] as const).map((k) => n((x[k] as Json).conversions));
      await expect
        .poll(() => numericRows(page, 'attribution-groups'))
        .toEqual([counts(result), ...groups.map(counts)]);
      // A conversion is in one group: the groups add up to the overall figures.
      expect(groups.reduce((sum, g) => sum + n((g.total as Json).conversions)!, 0)).toBe(
        n((result.total as Json).conversions),
      );
      await page.getByTestId('attribution-group-chart').locator('.recharts-bar').first().waitFor();
      const group = groups[0]!;
      await pickGroup(page, group);
      // The models chart now draws that group's credits (its label names the group).
      const chartNamed = `(${zhName(group.group)})`;
      await expect
        .poll(() =>
          page
            .locator('figure.chart')
            .evaluateAll(
              (figures, end) => figures.some((f) => f.getAttribute('aria-label')?.endsWith(end)),
              chartNamed,
            ),
        )
        .toBe(true);
      await screenshot(page, '82-attribution-grouped');
      // The CSV export of the credit table holds every group, by name, with the raw figures.
      const download = page.waitForEvent('download');
      await page
        .getByTestId('result-table')
        .locator('xpath=ancestor::section[1]')
        .getByTestId('csv-export')
        .click();
      const csv = readFileSync((await (await download).path())!, 'utf8').replace(/^\ufeff/, '');
      const lines = csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(','));
      const models = arr(result.models) as unknown as string[];
      const expectedLines = [result, ...groups].flatMap((block, b) =>
        arr(block.touchpoints).map((tp) => [
          b === 0 ? '整体' : zhName(groups[b - 1]!.group),
          String(n(tp.touchedConversions)),
          ...models.map((m) => String(n((tp.credits as Record<string, Json>)[m]?.conversions) ?? 0)),
        ]),
      );
      expect(lines.map((cells) => [cells[0], ...cells.slice(2)])).toEqual(expectedLines);

      // With a comparison period the overall figures of both periods are compared, as ungrouped.
      await page.getByTestId('date-preset').selectOption('last_7_days');
      const from = await page.getByLabel('开始日期').inputValue();
      const to = await page.getByLabel('结束日期').inputValue();
      const earlier = previousRange(from, to);
      await page.getByTestId('comparison').selectOption('previous');
      const earlierRun = page.waitForResponse(
        (r) =>
          r.url().endsWith('/v1/analysis/attribution') &&
          (r.request().postDataJSON() as Json).from === earlier.from,
        { timeout: 90_000 },
      );
      await page.getByTestId('run').click();
      const earlierBody = (await earlierRun).request().postDataJSON() as Json;
      expect(earlierBody.groupBy).toEqual(body.groupBy);
      const now = (await apiPost(page, '/v1/analysis/attribution', { ...earlierBody, from, to }))
        .json as Json;
      const before = (await apiPost(page, '/v1/analysis/attribution', earlierBody)).json as Json;
      const change = (a: number | null, b: number | null) =>
        a === null || b === null || b === 0 ? null : (a - b) / b;
      const expected = counts(now).map((a, i) => [a, counts(before)[i]!, change(a, counts(before)[i]!)]);
      await expect.poll(() => numericRows(page, 'comparison-table'), { timeout: 60_000 }).toEqual(expected);
      await expect
        .poll(() => numericRows(page, 'attribution-groups'))
        .toEqual([counts(now), ...(arr(now.groups) as Group[]).map(counts)]);
      await screenshot(page, '83-attribution-grouped-compared');
    }, 240_000);
  });
}
