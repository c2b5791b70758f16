// The comparison period (对比周期) on pages whose model has no compare option of its own: the
// page runs the same query over the earlier range, and what it shows for both periods equals what
// the API answers when this test asks it for each range itself. The earlier range is worked out
// here by hand (UTC calendar arithmetic), not by the console's code.
import { readFileSync } from 'node:fs';
import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openModel } from '../support/analysis-run.ts';
import { apiPost, numericRows, screenshot } from '../support/browser.ts';
import type { SuiteContext } from '../support/suite-context.ts';

type Json = Record<string, unknown>;
type Row = Array<number | null>;
const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

const DAY = 86_400_000;
const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Same number of days, ending the day before `from`. */
export function previousRange(from: string, to: string) {
  const days = (utc(to) - utc(from)) / DAY + 1;
  return { from: iso(utc(from) - days * DAY), to: iso(utc(from) - DAY) };
}
/** The same date a month earlier; a day the earlier month lacks becomes its last day. */
function monthEarlier(day: string) {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const lastOfEarlier = new Date(Date.UTC(y, m - 1, 0)).getUTCDate();
  return iso(Date.UTC(y, m - 2, Math.min(d, lastOfEarlier)));
}
const change = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : (now - before) / before;

const isRun = (model: string, range: { from: string; to: string }) => (r: Response) => {
  if (!r.url().endsWith(`/v1/analysis/${model}`) || r.request().method() !== 'POST') return false;
  const body = r.request().postDataJSON() as Json | null;
  return body?.from === range.from && body?.to === range.to;
};

/** Picks "last 7 days" and a comparison, runs, and returns both bodies the page sent and the
 *  API's own answers to them (asked by the test from the same session). */
async function runCompared(page: Page, model: string, choice: 'previous' | 'month') {
  await page.getByTestId('date-preset').selectOption('last_7_days');
  const from = await page.getByLabel('开始日期').inputValue();
  const to = await page.getByLabel('结束日期').inputValue();
  expect((utc(to) - utc(from)) / DAY).toBe(6);
  const earlier =
    choice === 'previous' ? previousRange(from, to) : { from: monthEarlier(from), to: monthEarlier(to) };
  await page.getByTestId('comparison').selectOption(choice);
  // This period may already be cached (React Query) from an earlier run: only the earlier
  // period's request is certain, so this period's body is read from the address (?q=).
  const before = page.waitForResponse(isRun(model, earlier), { timeout: 90_000 });
  await page.getByTestId('run').click();
  const b = await before;
  expect(b.status()).toBe(200);
  const url = new URL(page.url());
  expect(url.searchParams.get('vs')).toBe(choice);
  const committed = JSON.parse(url.searchParams.get('q') ?? '{}') as Json;
  expect(committed).toMatchObject({ from, to });
  const earlierBody = b.request().postDataJSON() as Json;
  // Only the dates differ between the two runs (both periods are counted by the same rules):
  // the earlier run's body with this period's dates is exactly the query in the address.
  const body = { ...earlierBody, from, to };
  expect(body).toEqual(committed);
  const current = await apiPost(page, `/v1/analysis/${model}`, body);
  const previous = await apiPost(page, `/v1/analysis/${model}`, { ...body, ...earlier });
  expect(current.status).toBe(200);
  expect(previous.status).toBe(200);
  return { earlier, current: current.json as Json, previous: previous.json as Json };
}

/** The headline figures each page compares, read from the API's answers by the result schemas:
 *  per figure [this period, earlier period, change]. */
const HEADLINES: Record<string, (now: Json, before: Json, body: Json) => Row[]> = {
  interval: (a, b) => {
    const x = (r: Json) => ((r.overall as Json).total ?? {}) as Json;
    return pairs(x(a), x(b), ['starts', 'count', 'p25', 'median', 'p75', 'mean']);
  },
  session: (a, b) => {
    const x = (r: Json) => ((r.overall as Json).total ?? {}) as Json;
    return pairs(x(a), x(b), [
      'sessions',
      'users',
      'avgDurationSeconds',
      'medianDurationSeconds',
      'eventsPerSession',
      'screensPerSession',
      'bounceRate',
    ]);
  },
  ltv: (a, b) => {
    const avg = (r: Json) => (arr(r.groups)[0]?.average ?? {}) as Json;
    const days = n(a.days) ?? 0;
    const ltv = (r: Json, k: number) => n(arr(avg(r).ltv)[k]);
    return [
      [n(avg(a).users), n(avg(b).users)],
      [ltv(a, 0), ltv(b, 0)],
      ...(days > 1 ? [[ltv(a, days - 1), ltv(b, days - 1)]] : []),
    ].map(([x, y]) => [x ?? null, y ?? null, change(x ?? null, y ?? null)]);
  },
  attribution: (a, b, body) => [
    ...(['total', 'attributed', 'unattributed'] as const).map((k) => {
      const x = n((a[k] as Json).conversions);
      const y = n((b[k] as Json).conversions);
      return [x, y, change(x, y)];
    }),
    ...(typeof body.valueProperty === 'string'
      ? [[n((a.total as Json).value), n((b.total as Json).value)]].map(([x, y]) => [
          x ?? null,
          y ?? null,
          change(x ?? null, y ?? null),
        ])
      : []),
  ],
  'user-properties': (a, b, body) =>
    pairs(
      a.total as Json,
      b.total as Json,
      typeof body.measure === 'string' ? ['users', 'withValue', 'sum', 'average', 'median'] : ['users'],
    ),
  path: (a, b) => {
    const earlier = new Map(arr(b.nodes).map((x) => [`${x.level}|${x.key}`, n(x.sessions)]));
    return arr(a.nodes).map((x) => {
      const now = n(x.sessions);
      // "$others" lumps different events in each period: the page leaves it uncompared.
      const before = x.key === '$others' ? null : (earlier.get(`${x.level}|${x.key}`) ?? null);
      return [now, before, change(now, before)];
    });
  },
};

function pairs(a: Json, b: Json, keys: readonly string[]): Row[] {
  return keys.map((k) => [n(a[k]), n(b[k]), change(n(a[k]), n(b[k]))]);
}

export function comparisonSpecs(ctx: SuiteContext): void {
  describe('comparison period', () => {
    it('funnel: each step of both periods side by side, with the change, equals the API', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'funnel');
      const option = page.getByTestId('comparison').locator('option[value="previous"]');
      await expect(option.textContent()).resolves.toBe('对比上一周期');
      const { earlier, current, previous } = await runCompared(page, 'funnel', 'previous');
      const before = arr(previous.steps);
      expect(n(before[0]?.users)).toBeGreaterThan(0);
      const expected: Row[] = arr(current.steps).map((s, i) => {
        const p = before[i] ?? {};
        const convNow = n(s.conversionFromFirst);
        const convBefore = n(p.conversionFromFirst);
        return [
          n(s.users),
          n(s.conversionFromPrevious),
          convNow,
          n(s.dropOff),
          n(s.medianSecondsFromPrevious),
          n(p.users),
          convBefore,
          change(n(s.users), n(p.users)),
          convNow === null || convBefore === null ? null : convNow - convBefore,
        ];
      });
      await expect.poll(() => numericRows(page, 'result-table'), { timeout: 30_000 }).toEqual(expected);
      // Both periods are drawn: two bar series, the legend naming the earlier range.
      await expect
        .poll(() => page.locator('.recharts-legend-wrapper').first().textContent())
        .toContain(`${earlier.from}~${earlier.to}`);
      await screenshot(page, '70-compare-funnel');
      // The CSV export carries the comparison columns with the raw figures.
      const download = page.waitForEvent('download');
      await page.getByTestId('csv-export').first().click();
      const csv = readFileSync((await (await download).path())!, 'utf8').replace(/^\ufeff/, '');
      const [header, ...lines] = csv
        .trim()
        .split('\r\n')
        .map((line) => line.split(','));
      expect(header!.slice(6)).toEqual([
        `用户数 (对比期 ${earlier.from}~${earlier.to})`,
        `总体转化率 (对比期 ${earlier.from}~${earlier.to})`,
        '用户数 变化',
        '总体转化率 差值（百分点）',
      ]);
      expect(lines.map((cells) => cells.slice(1))).toEqual(
        expected.map((row) => row.map((v) => (v === null ? '' : String(v)))),
      );
      // English is one click away: the same choice, English labels.
      await page.getByLabel('语言').selectOption('en');
      await expect(
        page.getByLabel('Comparison period').locator('option:checked').textContent(),
      ).resolves.toBe('Previous period');
      await page.getByLabel('Language').selectOption('zh-CN');
      await page.getByLabel('对比周期').waitFor();
      // The link holds the choice: a reload shows the comparison again.
      await page.reload();
      await expect.poll(() => numericRows(page, 'result-table'), { timeout: 60_000 }).toEqual(expected);
    }, 240_000);

    it('retention: both periods average curves, and the earlier rows in the table, equal the API', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'retention');
      const { earlier, current, previous } = await runCompared(page, 'retention', 'previous');
      const rows = (r: Json) =>
        [...arr(r.average), ...arr(r.cohorts)].map((x) => [n(x.size), ...arr(x.retained).map((v) => n(v))]);
      expect(n(arr(previous.average)[0]?.size)).toBeGreaterThan(0);
      await expect
        .poll(() => numericRows(page, 'result-table'), { timeout: 30_000 })
        .toEqual([...rows(current), ...rows(previous)]);
      const curves = page.getByTestId('retention-curves');
      await curves.locator('.recharts-line').nth(1).waitFor();
      await expect(curves.locator('.recharts-line').count()).resolves.toBe(2);
      await expect(curves.getAttribute('aria-label')).resolves.toContain(`${earlier.from}~${earlier.to}`);
      await screenshot(page, '71-compare-retention');
    }, 240_000);

    it('distribution: headline figures of both periods and the change equal the API; last month too', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'distribution');
      const headline = (now: Json, before: Json): Row[] =>
        (['users', 'min', 'median', 'average', 'max'] as const).map((k) => {
          const a = n((now.stats as Json)[k]);
          const b = n((before.stats as Json)[k]);
          return [a, b, change(a, b)];
        });
      const { current, previous } = await runCompared(page, 'distribution', 'previous');
      expect(n((previous.stats as Json).users)).toBeGreaterThan(0);
      await expect
        .poll(() => numericRows(page, 'comparison-table'), { timeout: 30_000 })
        .toEqual(headline(current, previous));
      await screenshot(page, '72-compare-distribution');
      // The same dates a month earlier (before the demo data: the API's answer, whatever it is).
      const month = await runCompared(page, 'distribution', 'month');
      await expect
        .poll(() => numericRows(page, 'comparison-table'), { timeout: 30_000 })
        .toEqual(headline(month.current, month.previous));
    }, 240_000);

    for (const model of Object.keys(HEADLINES)) {
      it(`${model}: the comparison table of both periods equals the API`, async () => {
        const page = await ctx.as('union.analyst');
        await openModel(page, model);
        const { earlier, current, previous } = await runCompared(page, model, 'previous');
        const body = JSON.parse(new URL(page.url()).searchParams.get('q') ?? '{}') as Json;
        const expected = HEADLINES[model]!(current, previous, body);
        expect(expected.length).toBeGreaterThan(0);
        await expect.poll(() => numericRows(page, 'comparison-table'), { timeout: 30_000 }).toEqual(expected);
        await expect(page.getByTestId('comparison-table').locator('thead').textContent()).resolves.toContain(
          `${earlier.from}~${earlier.to}`,
        );
        await screenshot(page, `73-compare-${model}`);
      }, 240_000);
    }

    it('the earlier run has its own states: running with cancel, a failed network with retry', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'interval');
      await page.getByTestId('date-preset').selectOption('last_7_days');
      const earlier = previousRange(
        await page.getByLabel('开始日期').inputValue(),
        await page.getByLabel('结束日期').inputValue(),
      );
      const isEarlier = (body: Json | null) => body?.from === earlier.from && body?.to === earlier.to;
      // Hold the earlier period's request (this period's goes through) until the page cancels it.
      let mode: 'hold' | 'fail' = 'hold';
      const held: Array<() => void> = [];
      await page.route('**/v1/analysis/interval', async (route) => {
        if (!isEarlier(route.request().postDataJSON() as Json | null)) return route.continue();
        if (mode === 'fail') return route.abort('connectionreset');
        await new Promise<void>((resolve) => held.push(resolve));
        await route.continue().catch(() => undefined);
      });
      try {
        const aborted = page.waitForEvent('requestfailed', {
          predicate: (r) => isEarlier(r.postDataJSON() as Json | null),
          timeout: 60_000,
        });
        await page.getByTestId('comparison').selectOption('previous');
        await page.getByTestId('run').click();
        const running = page.getByTestId('comparison-running');
        await running.waitFor({ timeout: 60_000 });
        await expect(running.textContent()).resolves.toContain(`${earlier.from}~${earlier.to}`);
        // This period's result is on screen while the earlier one runs.
        await page.getByTestId('result-table').first().waitFor();
        await running.getByRole('button', { name: '取消查询' }).click();
        await aborted;
        await expect
          .poll(() => page.getByTestId('result').getByRole('status').first().textContent())
          .toContain('查询已取消');
        // A failing network: the error line names the period and offers Retry; once the
        // network is back, Retry shows the comparison.
        mode = 'fail';
        await page.getByTestId('result').getByRole('button', { name: '重试' }).click();
        const error = page.getByTestId('comparison-error');
        await error.waitFor({ timeout: 60_000 });
        await expect(error.textContent()).resolves.toContain('对比周期查询出错');
        await page.unroute('**/v1/analysis/interval');
        await error.getByRole('button', { name: '重试' }).click();
        await page.getByTestId('comparison-table').waitFor({ timeout: 60_000 });
      } finally {
        for (const release of held) release();
        await page.unroute('**/v1/analysis/interval').catch(() => undefined);
      }
    }, 240_000);
  });
}
