// The analysis queue on its own: how many run at once, who goes next (bank by bank in turn), and
// when a caller is refused instead of waiting. The API's use of it: analysis-admission.test.ts.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors/catalogue.ts';
import { AnalysisQueue, analysisLane } from '../../../src/models/common/analysis-queue.ts';

/** Resolves once every pending promise callback has run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('analysis queue', () => {
  it('runs at most `running` at once and admits the next waiter when one finishes', async () => {
    const queue = new AnalysisQueue({ running: 2, queued: 10, maxWaitMs: 60_000 });
    const a = await queue.acquire('B001');
    const b = await queue.acquire('B001');
    let admitted = false;
    const c = queue.acquire('B002').then((release) => {
      admitted = true;
      return release;
    });
    await settle();
    expect([admitted, queue.stats]).toEqual([false, { running: 2, waiting: 1 }]);
    a();
    a(); // a second call of one release frees nothing more
    const releaseC = await c;
    expect([admitted, queue.stats]).toEqual([true, { running: 2, waiting: 0 }]);
    b();
    releaseC();
    expect(queue.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('serves the waiting banks in turn, each in its own arrival order', async () => {
    const queue = new AnalysisQueue({ running: 1, queued: 10, maxWaitMs: 60_000 });
    const held = await queue.acquire('U00');
    const order: string[] = [];
    const wait = (lane: string, label: string) =>
      queue.acquire(lane).then((release) => {
        order.push(label);
        release();
      });
    const all = [
      wait('B001', 'B001 #1'),
      wait('B001', 'B001 #2'),
      wait('B001', 'B001 #3'),
      wait('B002', 'B002 #1'),
      wait('P01', 'P01 #1'),
      wait('B002', 'B002 #2'),
    ];
    held();
    await Promise.all(all);
    expect(order).toEqual(['B001 #1', 'B002 #1', 'P01 #1', 'B001 #2', 'B002 #2', 'B001 #3']);
  });

  it('refuses a caller when the queue is full, and one that waited too long', async () => {
    const queue = new AnalysisQueue({ running: 1, queued: 1, maxWaitMs: 50 });
    const held = await queue.acquire('B001');
    const waiting = queue.acquire('B002');
    const full = await queue.acquire('B003').catch((e: unknown) => e);
    expect(full).toBeInstanceOf(ApiError);
    expect(full).toMatchObject({ code: 'ANALYSIS_BUSY', status: 503, headers: { 'retry-after': '5' } });
    expect((full as ApiError).message).toMatch(/1 analyses are running and 1 waiting/);
    const late = await waiting.catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'ANALYSIS_BUSY', status: 503 });
    expect((late as ApiError).message).toMatch(/no turn within 0 s/);
    // The refused waiter left the line: the freed turn is not given to it, and the next caller
    // runs at once.
    expect(queue.stats).toEqual({ running: 1, waiting: 0 });
    held();
    expect(queue.stats).toEqual({ running: 0, waiting: 0 });
    const next = await queue.acquire('B003');
    expect(queue.stats).toEqual({ running: 1, waiting: 0 });
    next();
  });

  it('lets a waiter whose callers left give up its place, and keeps an admitted one running', async () => {
    const queue = new AnalysisQueue({ running: 1, queued: 10, maxWaitMs: 60_000 });
    const held = await queue.acquire('B001');
    const leaving = new AbortController();
    const gone = queue.acquire('B002', leaving.signal).catch((e: unknown) => e);
    const staying = queue.acquire('B003');
    expect(queue.stats).toEqual({ running: 1, waiting: 2 });
    leaving.abort();
    expect(await gone).toMatchObject({ code: 'ANALYSIS_CANCELLED' });
    expect(queue.stats).toEqual({ running: 1, waiting: 1 });
    held();
    // The freed turn goes to the caller still waiting; leaving after admission changes nothing.
    const release = await staying;
    const late = new AbortController();
    const next = queue.acquire('B004', late.signal);
    release();
    const releaseNext = await next;
    late.abort();
    expect(queue.stats).toEqual({ running: 1, waiting: 0 });
    releaseNext();
    expect(queue.stats).toEqual({ running: 0, waiting: 0 });
    const already = new AbortController();
    already.abort();
    await expect(queue.acquire('B005', already.signal)).rejects.toMatchObject({ code: 'ANALYSIS_CANCELLED' });
  });

  it('does not let a newcomer pass those already waiting', async () => {
    const queue = new AnalysisQueue({ running: 1, queued: 10, maxWaitMs: 60_000 });
    const held = await queue.acquire('B001');
    const order: string[] = [];
    const first = queue.acquire('B002').then((release) => {
      order.push('waiting');
      return release;
    });
    held();
    // The turn went to the waiter as it was freed; a caller arriving now waits behind it.
    const second = queue.acquire('B003').then((release) => {
      order.push('newcomer');
      release();
    });
    (await first)();
    await second;
    expect(order).toEqual(['waiting', 'newcomer']);
  });
});

describe('analysisLane', () => {
  it('puts branch staff in their bank lane and everyone else in their own org node', () => {
    expect(analysisLane({ orgCode: 'B001-01', orgPath: '/U00/P01/B001/B001-01/', orgTier: 'branch' })).toBe(
      'B001',
    );
    expect(analysisLane({ orgCode: 'B001', orgPath: '/U00/P01/B001/', orgTier: 'bank' })).toBe('B001');
    expect(analysisLane({ orgCode: 'P01', orgPath: '/U00/P01/', orgTier: 'prefecture' })).toBe('P01');
    expect(analysisLane({ orgCode: 'U00', orgPath: '/U00/', orgTier: 'union' })).toBe('U00');
  });
});
