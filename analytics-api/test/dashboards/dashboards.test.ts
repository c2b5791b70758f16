// Saved analyses and dashboards on the real API and MariaDB: the shipped overview board, who sees
// which board at each org tier (the rule: your own node's and your ancestors' boards), who may
// change them, and the checks on what a board may hold. Expected visibility comes from the demo
// org tree (U00 > P01 > B001 > B001-01; U00 > P02 > B002), not from the code under test.
import { createTestApp } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERVIEW_KEY } from '../../src/dashboards/overview-board.ts';
import { type ApiStack, startApiStack } from '../security/support/api-stack.ts';
import { loginAs } from '../security/support/sessions.ts';

let stack: ApiStack;
type Caller = Awaited<ReturnType<typeof loginAs>>;
const as: Record<string, Caller> = {};
const USERS = [
  'union.analyst',
  'p01.admin',
  'b001.analyst',
  'b001.viewer',
  'b001-01.manager',
  'b002.analyst',
];

beforeAll(async () => {
  stack = await startApiStack();
  await createTestApp(stack.metadata, { id: 'mbank' });
  for (const u of USERS) as[u] = await loginAs(stack.app, u);
});
afterAll(async () => stack?.stop());

const boardsOf = async (user: string) => {
  const res = await as[user]!.request({ method: 'GET', url: '/v1/dashboards' });
  expect(res.statusCode).toBe(200);
  return (
    res.json() as {
      dashboards: Array<{
        id: number;
        name: string;
        orgCode: string;
        orgName: string;
        editable: boolean;
        systemKey: string | null;
      }>;
    }
  ).dashboards;
};

const saveAnalysis = (user: string, name: string, query: Record<string, unknown> = {}) =>
  as[user]!.request({
    method: 'POST',
    url: '/v1/dashboards/analyses',
    payload: {
      name,
      model: 'events',
      query: {
        appId: 'mbank',
        from: '2026-01-01',
        to: '2026-01-07',
        metrics: [{ event: '$any', aggregation: 'users' }],
        ...query,
      },
    },
  });

const createBoard = (user: string, name: string, analysisIds: number[]) =>
  as[user]!.request({
    method: 'POST',
    url: '/v1/dashboards',
    payload: {
      name,
      cards: analysisIds.map((analysisId) => ({ analysisId, width: 2 })),
      timeRange: { preset: 'last_7_days' },
    },
  });

describe('the mobile banking overview board', () => {
  it('is made once for the union and every tier below sees it, read-only', async () => {
    for (const user of USERS) {
      const overview = (await boardsOf(user)).filter((b) => b.systemKey === OVERVIEW_KEY);
      expect(overview, user).toHaveLength(1);
      expect(overview[0]!.orgCode).toBe('U00');
      // The owner's name reaches staff whose own org list does not hold the union (seed-demo.ts).
      expect(overview[0]!.orgName).toBe('示范省农村信用社联合社');
      expect(overview[0]!.editable).toBe(user === 'union.analyst');
    }
    const id = (await boardsOf('b002.analyst'))[0]!.id;
    const res = await as['b002.analyst']!.request({ method: 'GET', url: `/v1/dashboards/${id}` });
    const board = res.json() as {
      cards: Array<{ analysisId: number }>;
      analyses: Array<{ id: number; model: string }>;
    };
    // DAU, MAU, online now, new users, logins, transfers, top screens, loan funnel.
    expect(board.cards).toHaveLength(8);
    expect(board.analyses.map((a) => a.id).sort()).toEqual(board.cards.map((c) => c.analysisId).sort());
    expect(board.analyses.filter((a) => a.model === 'funnel')).toHaveLength(1);
    expect(board.analyses.filter((a) => a.model === 'online-now')).toHaveLength(1);
  });
});

describe('visibility by org tier', () => {
  it('a bank board reaches that bank and its branches only; a union board reaches everyone', async () => {
    const bankAnalysis = (await saveAnalysis('b001.analyst', 'B001 活跃')).json() as { id: number };
    expect((await createBoard('b001.analyst', 'B001 看板', [bankAnalysis.id])).statusCode).toBe(201);
    const unionAnalysis = (await saveAnalysis('union.analyst', '全省活跃')).json() as { id: number };
    expect((await createBoard('union.analyst', '全省看板', [unionAnalysis.id])).statusCode).toBe(201);

    const sees = async (user: string) => (await boardsOf(user)).map((b) => b.name);
    expect(await sees('b001.viewer')).toEqual(expect.arrayContaining(['B001 看板', '全省看板']));
    expect(await sees('b001-01.manager')).toEqual(expect.arrayContaining(['B001 看板', '全省看板']));
    for (const outsider of ['b002.analyst', 'p01.admin', 'union.analyst']) {
      expect(await sees(outsider), outsider).not.toContain('B001 看板');
      expect(await sees(outsider), outsider).toContain('全省看板');
    }
    // The bank's board cannot be opened by id from another bank either.
    const bankBoard = (await boardsOf('b001.analyst')).find((b) => b.name === 'B001 看板')!;
    const peek = await as['b002.analyst']!.request({ method: 'GET', url: `/v1/dashboards/${bankBoard.id}` });
    expect(peek.statusCode).toBe(404);
    expect(peek.json().error.code).toBe('DASHBOARD_NOT_FOUND');
    const peekAnalysis = await as['b002.analyst']!.request({
      method: 'GET',
      url: `/v1/dashboards/analyses/${bankAnalysis.id}`,
    });
    expect(peekAnalysis.statusCode).toBe(404);
  });

  it('only the owning node changes a board; a board cannot show an analysis its owner cannot see', async () => {
    const unionBoard = (await boardsOf('b001.analyst')).find((b) => b.name === '全省看板')!;
    const change = await as['b001.analyst']!.request({
      method: 'PUT',
      url: `/v1/dashboards/${unionBoard.id}`,
      payload: { name: '改名', cards: [], timeRange: { preset: 'today' } },
    });
    expect(change.statusCode).toBe(404);
    const del = await as['b001.analyst']!.request({
      method: 'DELETE',
      url: `/v1/dashboards/${unionBoard.id}`,
    });
    expect(del.statusCode).toBe(404);
    expect((await boardsOf('union.analyst')).map((b) => b.name)).toContain('全省看板');

    const b002 = (await saveAnalysis('b002.analyst', 'B002 私有')).json() as { id: number };
    const smuggle = await createBoard('b001.analyst', '借用', [b002.id]);
    expect(smuggle.statusCode).toBe(404);
    expect(smuggle.json().error.code).toBe('SAVED_ANALYSIS_NOT_FOUND');

    const rename = await as['union.analyst']!.request({
      method: 'PUT',
      url: `/v1/dashboards/${unionBoard.id}`,
      payload: {
        name: '全省看板 v2',
        cards: [],
        timeRange: { from: '2026-01-01', to: '2026-01-31' },
        refreshSeconds: 60,
      },
    });
    expect(rename.statusCode).toBe(200);
    expect(rename.json()).toMatchObject({
      name: '全省看板 v2',
      refreshSeconds: 60,
      timeRange: { from: '2026-01-01' },
    });
  });

  it('viewers read boards but cannot save; bad queries are refused before they are stored', async () => {
    expect((await saveAnalysis('b001.viewer', 'x')).statusCode).toBe(403);
    const bad = await saveAnalysis('b001.analyst', 'bad', { metrics: [] });
    expect(bad.statusCode).toBe(400);
    const noApp = await saveAnalysis('b001.analyst', 'bad', { appId: 'nope' });
    expect(noApp.statusCode).toBe(404);
    const tooOften = await as['b001.analyst']!.request({
      method: 'POST',
      url: '/v1/dashboards',
      payload: { name: 'x', cards: [], timeRange: { preset: 'today' }, refreshSeconds: 5 },
    });
    expect(tooOften.statusCode).toBe(400);
  });
});
