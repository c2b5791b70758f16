// Options that used to need the advanced JSON box, driven through their own controls: bucket
// modes of distribution, numeric group-by buckets, funnel order / linking property / exclusions,
// path event filters / split / collapse, and the user property cross table with a behaviour
// condition. Each run's body must carry the option, and the table must equal the API's answer.
import { describe, expect, it } from 'vitest';
import { openModel, runFromForm } from '../support/analysis-run.ts';
import { screenshot } from '../support/browser.ts';
import type { SuiteContext } from '../support/suite-context.ts';

export function controlSpecs(ctx: SuiteContext): void {
  describe('query builder controls (no JSON needed)', () => {
    it('distribution: custom bucket boundaries, then equal width', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'distribution');
      await page.getByTestId('bucket-mode').selectOption('custom');
      await page.getByTestId('bucket-boundaries').fill('2, 5, 10');
      const custom = await runFromForm(page, 'distribution', (b) => b.bucketMode === 'custom');
      expect(custom.body).toMatchObject({ bucketMode: 'custom', boundaries: [2, 5, 10] });
      // Three boundaries make four buckets: below the first, two ranges, from the last up.
      const labels = (custom.result.buckets as Array<{ label: string }>).map((b) => b.label);
      expect(labels).toEqual(['<2', '[2,5)', '[5,10)', '>=10']);
      await screenshot(page, '50-distribution-custom-buckets');

      // A descending list is refused next to the box and never sent.
      await page.getByTestId('bucket-boundaries').fill('5, 2');
      await page.getByRole('alert').filter({ hasText: '递增' }).waitFor();

      await page.getByTestId('bucket-mode').selectOption('equal_width');
      await page.getByRole('spinbutton', { name: '分桶数' }).fill('4');
      const equal = await runFromForm(page, 'distribution', (b) => b.bucketMode === 'equal_width');
      expect(equal.body).toMatchObject({ bucketMode: 'equal_width', bucketCount: 4 });
      expect(equal.body.boundaries).toBeUndefined();
    }, 150_000);

    it('events: a numeric group-by property cut into buckets', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'events');
      await page.getByLabel('事件 A').selectOption('transfer');
      await page.getByRole('combobox', { name: '分组', exact: true }).selectOption('amount');
      await page.getByTestId('group-buckets-0').fill('100, 1000, 10000');
      const run = await runFromForm(page, 'events', (b) => Array.isArray(b.groupBy));
      expect(run.body.groupBy).toEqual([
        { source: 'event', property: 'amount', buckets: [100, 1000, 10000] },
      ]);
      await screenshot(page, '51-events-group-buckets');
    }, 150_000);

    it('funnel: strict order, linking property and an exclusion', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'funnel');
      await page.getByLabel('步骤顺序').selectOption('strict');
      await page.getByLabel('关联属性（各步骤取值相同）').selectOption('product_id');
      await page.getByRole('button', { name: '添加排除事件' }).click();
      await page.getByLabel('排除事件 1').selectOption('$AppEnd');
      await page.getByLabel('到 (1)').selectOption('3');
      const run = await runFromForm(page, 'funnel', (b) => Array.isArray(b.exclusions));
      expect(run.body).toMatchObject({
        order: 'strict',
        linkProperty: 'product_id',
        exclusions: [{ event: '$AppEnd', fromStep: 1, toStep: 3 }],
      });
      await screenshot(page, '52-funnel-options');
    }, 150_000);

    it('path: leave out events, split a screen event, collapse repeats', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'path');
      await page.getByTestId('path-exclude').selectOption(['$AppEnd', 'banner_click']);
      await page.getByLabel('合并连续重复的节点').check();
      await page.getByRole('button', { name: '添加拆分' }).click();
      const run = await runFromForm(page, 'path', (b) => Array.isArray(b.splitBy));
      expect(run.body).toMatchObject({
        excludeEvents: ['$AppEnd', 'banner_click'],
        collapseRepeats: true,
        splitBy: [{ event: '$AppViewScreen', property: '$screen_name' }],
      });
      // Split nodes are "event<US>value": at least one screen shows up by name.
      const keys = (run.result.nodes as Array<{ key: string }>).map((n) => n.key);
      expect(keys.some((k) => k.startsWith('$AppViewScreen\u001f'))).toBe(true);
      expect(keys).not.toContain('banner_click');
      await screenshot(page, '53-path-options');
    }, 150_000);

    it('user properties: two properties as a cross table, with a behaviour condition', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'user-properties');
      await page.getByRole('combobox', { name: '分组 2', exact: true }).selectOption('age_band');
      await page.getByRole('button', { name: '添加行为条件' }).click();
      const run = await runFromForm(page, 'user-properties', (b) => Array.isArray(b.behaviours));
      expect(run.body).toMatchObject({
        groupBy: [
          { source: 'user', property: 'customer_level' },
          { source: 'user', property: 'age_band' },
        ],
        behaviours: [{ event: { event: 'transfer' }, did: true }],
      });
      // Stacked bars: one segment series per age band the API returned.
      const bands = (run.result.dimensions as Array<{ values: unknown[] }>)[1]!.values.length;
      await expect.poll(() => page.locator('.recharts-bar').count()).toBe(bands);
      await screenshot(page, '54-user-properties-cross');
    }, 150_000);

    it('events formula and top N groups; retention window; LTV weekly cohorts', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'events');
      await page.getByRole('button', { name: '添加指标' }).click();
      await page.getByLabel('事件 B').selectOption('transfer');
      await page.getByRole('button', { name: '添加公式' }).click();
      await page.getByLabel('表达式，例如 B/A*100 1').fill('b/a*100');
      await page.getByRole('combobox', { name: '分组', exact: true }).selectOption({ index: 1 });
      await page.getByRole('spinbutton', { name: /显示前 N 个分组/ }).fill('3');
      const events = await runFromForm(page, 'events', (b) => Array.isArray(b.formulas));
      expect(events.body).toMatchObject({
        formulas: [{ label: '比率', expression: 'B/A*100' }],
        groupLimit: 3,
      });

      await openModel(page, 'retention');
      await page.getByLabel('留存口径').selectOption('on_or_after');
      const retention = await runFromForm(page, 'retention', (b) => b.window === 'on_or_after');
      expect(retention.body.window).toBe('on_or_after');

      await openModel(page, 'ltv');
      await page.getByLabel('分组周期').selectOption('week');
      const ltv = await runFromForm(page, 'ltv', (b) => b.cohortPeriod === 'week');
      expect(ltv.result.cohortPeriod).toBe('week');
    }, 180_000);

    it('events and funnel: filters on one metric / one step', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'events');
      await page.getByLabel('事件 A').selectOption('transfer');
      const metricA = page.locator('details.event-filters').first();
      await metricA.locator('summary').click();
      await metricA.getByRole('button', { name: '添加筛选' }).click();
      await metricA.getByLabel('属性', { exact: true }).selectOption('amount');
      await metricA.getByLabel('条件').selectOption('gt');
      await metricA.getByLabel('值（多个用逗号分隔）').fill('5000');
      await metricA.getByLabel('值（多个用逗号分隔）').blur();
      const events = await runFromForm(page, 'events', (b) =>
        JSON.stringify(b.metrics).includes('"filters"'),
      );
      expect(events.body.metrics).toEqual([
        {
          event: 'transfer',
          aggregation: 'users',
          filters: [{ source: 'event', property: 'amount', op: 'gt', values: [5000] }],
        },
      ]);

      // A global date filter on the profile: "first seen after" a day, typed as the API reads it.
      const global = page.locator('fieldset.filters', { has: page.getByText('全局筛选', { exact: true }) });
      await global.getByRole('button', { name: '添加筛选' }).click();
      await global.getByLabel('属性来源').selectOption('user');
      await global.getByLabel('属性', { exact: true }).selectOption('$first_seen');
      await global.getByLabel('条件').selectOption('after');
      await expect
        .poll(() => global.getByLabel('值（多个用逗号分隔）').getAttribute('placeholder'))
        .toBe('YYYY-MM-DD [HH:MM:SS]');
      await global.getByLabel('值（多个用逗号分隔）').fill('2026-03-02');
      await global.getByLabel('值（多个用逗号分隔）').blur();
      const dated = await runFromForm(page, 'events', (b) =>
        JSON.stringify(b.filters ?? []).includes('after'),
      );
      expect(dated.body.filters).toEqual([
        { source: 'user', property: '$first_seen', op: 'after', values: ['2026-03-02'] },
      ]);

      await openModel(page, 'funnel');
      const step2 = page.locator('details.event-filters').nth(1);
      await step2.locator('summary').click();
      await step2.getByRole('button', { name: '添加筛选' }).click();
      await step2.getByLabel('属性', { exact: true }).selectOption('product_id');
      await step2.getByLabel('条件').selectOption('is_set');
      const funnel = await runFromForm(page, 'funnel', (b) => JSON.stringify(b.steps).includes('"filters"'));
      expect((funnel.body.steps as Array<Record<string, unknown>>)[1]).toEqual({
        event: 'loan_apply_start',
        filters: [{ source: 'event', property: 'product_id', op: 'is_set', values: [] }],
      });
    }, 180_000);

    it('interval, attribution, session: linking properties, histogram, key event, session mode', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'interval');
      await page.getByLabel('起始事件').selectOption('loan_view');
      await page.getByLabel('结束事件').selectOption('loan_apply_submit');
      await page.getByLabel('关联属性（起止事件取值相同）').selectOption('product_id');
      await page.getByTestId('interval-histogram').fill('60, 600, 3600');
      const interval = await runFromForm(page, 'interval', (b) => Array.isArray(b.histogramSeconds));
      expect(interval.body).toMatchObject({ linkProperty: 'product_id', histogramSeconds: [60, 600, 3600] });

      await openModel(page, 'attribution');
      await page.getByLabel('拆分属性 2').selectOption('product_id');
      await page.getByLabel('要求触点后发生关键事件').check();
      await page.getByLabel('关键事件', { exact: true }).selectOption('loan_apply_start');
      await page.getByLabel('关联属性（如产品 ID）').selectOption('product_id');
      const attribution = await runFromForm(page, 'attribution', (b) => b.keyEvent !== undefined);
      expect(attribution.body).toMatchObject({
        touchpoints: [
          { event: 'banner_click', splitBy: 'banner_id' },
          { event: 'loan_view', splitBy: 'product_id' },
        ],
        keyEvent: { event: 'loan_apply_start' },
        linkProperty: 'product_id',
      });
      await screenshot(page, '55-attribution-options');

      await openModel(page, 'session');
      await page.getByLabel('统计每会话的事件次数').check();
      await page.getByRole('spinbutton', { name: '入口/退出页面显示数' }).fill('3');
      const session = await runFromForm(page, 'session', (b) => b.countEvent !== undefined);
      expect(session.body).toMatchObject({ countEvent: { event: 'transfer' }, screenLimit: 3 });
      // Top 3 screens, plus at most one "$others" line for the rest and one for no named screen.
      expect((session.result.entryScreens as unknown[]).length).toBeLessThanOrEqual(5);
      await page.getByLabel('会话划分方式').selectOption('session_id');
      const answered = page.waitForResponse(
        (r) =>
          r.url().endsWith('/v1/analysis/session') &&
          r.request().postDataJSON()?.sessionMode === 'session_id',
      );
      await page.getByTestId('run').click();
      // The demo SDK events may carry no session id: the answer may be empty, but it is an answer.
      expect((await answered).status()).toBe(200);
    }, 180_000);
  });
}
