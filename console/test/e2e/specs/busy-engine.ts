// A rush on the engine as staff see it: every analysis turn taken and every waiting place full
// (as when a province opens its boards at nine), a new question is refused with 503
// ANALYSIS_BUSY; the page keeps showing "running", asks again after the Retry-After by itself
// and fills in once a turn is free, with no error and no click on "retry". "Cancel query" on a
// question still waiting takes it out of the line.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_QUEUE } from '../../../../analytics-api/src/models/common/analysis-queue.ts';
import { openModel } from '../support/analysis-run.ts';
import { screenshot } from '../support/browser.ts';
import type { SuiteContext } from '../support/suite-context.ts';

/** Moves the page's start date `days` later: a question nobody asked before, so no cache serves it. */
async function startLater(page: Page, days: number): Promise<void> {
  const from = page.getByLabel('开始日期');
  const start = new Date(`${await from.inputValue()}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() + days);
  await from.fill(start.toISOString().slice(0, 10));
}

export function busyEngineSpecs(ctx: SuiteContext): void {
  describe('a busy engine', () => {
    // Turns a test holds, given back even when it fails, so the specs after it can run.
    const heldTurns: Array<() => void> = [];
    afterEach(() => {
      for (const release of heldTurns.splice(0)) release();
    });
    const limits = () => ctx.cs.api.config.analysisQueue ?? DEFAULT_ANALYSIS_QUEUE;
    /** Takes every running turn, as running analyses would; each test's afterEach gives them back. */
    const holdEveryTurn = async () => {
      const held = await Promise.all(
        Array.from({ length: limits().running }, () => ctx.cs.api.analysisQueue.acquire('e2e-rush')),
      );
      heldTurns.push(...held);
      return held;
    };
    it('a question asked while the queue is full is answered by itself once a turn is free', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'events');
      const queue = ctx.cs.api.analysisQueue;
      const { running, queued } = limits();
      const held = await holdEveryTurn();
      // The waiting places, each given back as soon as its turn comes.
      const waiters = Array.from({ length: queued }, () =>
        queue.acquire('e2e-rush').then((release) => release()),
      );
      expect(queue.stats).toEqual({ running, waiting: queued });
      const statuses: number[] = [];
      page.on('response', (r) => {
        if (r.url().endsWith('/v1/analysis/events')) statuses.push(r.status());
      });
      await startLater(page, 1);
      // Caught here so that a failure above it does not leave an unhandled rejection behind.
      const answered = page
        .waitForResponse((r) => r.url().endsWith('/v1/analysis/events') && r.status() === 200, {
          timeout: 60_000,
        })
        .catch((error: unknown) => error);
      await page.getByTestId('run').click();
      await expect.poll(() => statuses.includes(503), { timeout: 30_000 }).toBe(true);
      // Past React Query's own back-off (1 s) and short of the 5 s Retry-After: the console has
      // neither asked again nor given up, it waits and says so.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(statuses).toEqual([503]);
      await page.locator('.state[role=status]').filter({ hasText: '查询中' }).waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      await screenshot(page, '60-busy-engine-waiting');
      for (const release of held) release();
      await Promise.all(waiters);
      expect(await answered).not.toBeInstanceOf(Error);
      await page.getByTestId('result-table').first().waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(statuses).toEqual([503, 200]);
      expect(queue.stats).toEqual({ running: 0, waiting: 0 });
    }, 90_000);

    it('"cancel query" on a waiting question takes it out of the line', async () => {
      const page = await ctx.as('union.analyst');
      await openModel(page, 'events');
      const queue = ctx.cs.api.analysisQueue;
      const held = await holdEveryTurn();
      // Two days later: not the question the test above asked.
      await startLater(page, 2);
      await page.getByTestId('run').click();
      await expect.poll(() => queue.stats.waiting, { timeout: 30_000 }).toBe(1);
      // The browser aborts the request, the console server the upstream one, the API the wait.
      await page.getByRole('button', { name: '取消查询' }).click();
      await page.getByText('查询已取消').waitFor();
      // Well inside the queue's own 30 s limit, which would also empty the line, only later.
      expect(limits().maxWaitMs).toBeGreaterThanOrEqual(30_000);
      await expect.poll(() => queue.stats.waiting, { timeout: 10_000 }).toBe(0);
      for (const release of held) release();
      expect(queue.stats).toEqual({ running: 0, waiting: 0 });
    }, 90_000);
  });
}
