// The board the API ships: "手机银行概览 / mobile banking overview", owned by each union node and
// so visible to every prefecture, bank and branch below it. Made once per union (system_key), the
// first time anyone under that union lists boards (on `npm start` the org tree is seeded after the
// API is up, so "on first start" means "on first use"). The queries use the demo app's event names
// (testbed/src/demo-data/session-script.ts); cards run with the viewer's own app, org scope and the
// board's time range, so one board serves every bank.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { hasSystemDashboard, insertDashboard } from './dashboard-store.ts';
import { insertSavedAnalysis, type Owner } from './saved-analysis-store.ts';
import type { Card, SavableModel } from './schema.ts';

export const OVERVIEW_KEY = 'mobile-banking-overview';
export const OVERVIEW_NAME = '手机银行概览 / Mobile banking overview';

interface OverviewCard {
  readonly name: string;
  readonly model: SavableModel;
  readonly width: number;
  readonly query: Record<string, unknown>;
}

const day = { granularity: 'day' };

/** The cards in display order; `from`/`to` are placeholders the board's time range replaces. */
export function overviewCards(appId: string): OverviewCard[] {
  const base = { appId, from: '2026-01-01', to: '2026-01-07', timeZone: 'Asia/Shanghai' };
  const metric = (event: string, aggregation: string, extra: Record<string, unknown> = {}) => ({
    event,
    aggregation,
    ...extra,
  });
  return [
    {
      name: '日活跃用户 DAU',
      model: 'events',
      width: 2,
      query: { ...base, ...day, metrics: [metric('$any', 'users', { label: 'DAU' })] },
    },
    {
      name: '月活跃用户 MAU',
      model: 'events',
      width: 1,
      query: { ...base, granularity: 'month', metrics: [metric('$any', 'users', { label: 'MAU' })] },
    },
    { name: '实时在线 Online now', model: 'online-now', width: 1, query: { appId, minutes: 5 } },
    {
      name: '新增用户 New users',
      model: 'events',
      width: 2,
      query: {
        ...base,
        ...day,
        metrics: [
          metric('$AppStart', 'users', {
            label: '新增用户',
            filters: [{ source: 'event', property: '$is_first_time', op: 'eq', values: ['true'] }],
          }),
        ],
      },
    },
    {
      name: '登录 Logins',
      model: 'events',
      width: 2,
      query: {
        ...base,
        ...day,
        metrics: [
          metric('$Login', 'count', { label: '登录次数' }),
          metric('$Login', 'users', { label: '登录人数' }),
        ],
      },
    },
    {
      name: '转账金额 Transfer volume',
      model: 'events',
      width: 2,
      query: {
        ...base,
        ...day,
        metrics: [
          metric('transfer', 'sum', { property: 'amount', label: '转账金额' }),
          metric('transfer', 'count', { label: '转账笔数' }),
        ],
      },
    },
    {
      name: '热门页面 Top screens',
      model: 'events',
      width: 2,
      query: {
        ...base,
        granularity: 'total',
        metrics: [metric('$AppViewScreen', 'count', { label: '浏览次数' })],
        groupBy: [{ source: 'event', property: '$screen_name' }],
        groupLimit: 10,
      },
    },
    {
      name: '贷款申请漏斗 Loan application funnel',
      model: 'funnel',
      width: 4,
      query: {
        ...base,
        ...day,
        windowMinutes: 1440,
        steps: [
          { event: 'loan_view', label: '浏览贷款' },
          { event: 'loan_apply_start', label: '开始申请' },
          { event: 'loan_apply_submit', label: '提交申请' },
          { event: 'loan_approved', label: '审批通过' },
        ],
      },
    },
  ];
}

interface UnionRow extends RowDataPacket {
  code: string;
  path: string;
}

/** The app the overview's saved analyses name: the demo app if present, else the first app. */
async function defaultAppId(pool: Pool): Promise<string | null> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT id FROM apps ORDER BY id = 'mbank' DESC, created_at, id LIMIT 1",
  );
  return rows[0] ? String(rows[0].id) : null;
}

/**
 * Creates the overview board for the union at the root of `callerPath` unless it exists.
 * Returns false when there is nothing to do or nothing it can do yet (no union node, no app).
 */
export async function ensureOverviewBoard(pool: Pool, callerPath: string): Promise<boolean> {
  const rootCode = callerPath.split('/')[1];
  if (!rootCode) return false;
  const [unions] = await pool.query<UnionRow[]>(
    "SELECT code, path FROM orgs WHERE code = ? AND tier = 'union'",
    [rootCode],
  );
  const union = unions[0];
  if (!union || (await hasSystemDashboard(pool, OVERVIEW_KEY, union.code))) return false;
  const appId = await defaultAppId(pool);
  if (!appId) return false;
  const owner: Owner = { orgCode: union.code, orgPath: union.path, name: 'system' };
  const cards: Card[] = [];
  for (const card of overviewCards(appId)) {
    const analysisId = await insertSavedAnalysis(pool, owner, {
      name: card.name,
      model: card.model,
      query: card.query,
    });
    cards.push({ analysisId, width: card.width });
  }
  try {
    await insertDashboard(
      pool,
      owner,
      {
        name: OVERVIEW_NAME,
        description: '省联社共享概览：日活/月活、新增、登录、转账、实时在线、热门页面、贷款申请漏斗',
        cards,
        timeRange: { preset: 'last_30_days' },
        refreshSeconds: 300,
      },
      OVERVIEW_KEY,
    );
  } catch (error) {
    // Two first requests raced: the unique key kept one board; drop this attempt's analyses.
    if ((error as { code?: string }).code !== 'ER_DUP_ENTRY') throw error;
    await pool.query('DELETE FROM saved_analyses WHERE id IN (?)', [cards.map((c) => c.analysisId)]);
    return false;
  }
  return true;
}
