// Runs event analysis and shapes the rows into one series per (metric or formula, group) over the
// range's periods, zero-filled, with range totals; with `compare`, the same for the previous period.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { periodsOf, previousRange, type TimeRange } from '../common/time-range.ts';
import { checkFormulaLetters, evaluateFormula } from './formula.ts';
import { personsByDayMetrics, personsByDaySql } from './persons-by-day-sql.ts';
import type { EventPeriodResult, EventQuery, EventResult, EventSeries, Metric } from './schema.ts';
import { eventAnalysisSql } from './sql.ts';

type Row = Record<string, string | number | null>;
type Value = number | null;

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** A metric's value from its aggregates; null where undefined. */
function metricValue(metric: Metric, i: number, row: Row | undefined): Value {
  const n = (name: string) => Number(row?.[`${name}${i}`] ?? 0);
  switch (metric.aggregation) {
    case 'count':
      return n('cnt');
    case 'users':
      return n('usr');
    case 'per_user':
      return n('usr') === 0 ? null : round(n('cnt') / n('usr'));
    case 'sum':
      return round(n('sum'));
    case 'avg':
      return n('set') === 0 ? null : round(n('sum') / n('set'));
    case 'max':
      return n('set') === 0 ? null : n('max');
    case 'min':
      return n('set') === 0 ? null : n('min');
    case 'distinct':
      return n('dst');
  }
}

async function runForRange(ctx: AnalysisContext<EventQuery>, range: TimeRange): Promise<EventPeriodResult> {
  const rangedCtx = { ...ctx, range };
  // Counts of events and customers without filters come from the daily projection; the rest
  // (and every metric of a grouped, filtered or narrowed query) from the events. Both at once.
  const byDay = personsByDayMetrics(rangedCtx);
  const scanned = ctx.query.metrics.flatMap((_, i) => (byDay.includes(i) ? [] : [i]));
  const sql = eventAnalysisSql(rangedCtx, scanned);
  const byDaySql = byDay.length > 0 ? personsByDaySql(rangedCtx, byDay) : null;
  const topKeys = sql.topGroups ? (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey) : [''];
  const [rows, dayRows] = await Promise.all([
    scanned.length > 0 ? ctx.rows<Row>(sql.main(sql.topGroups ? topKeys : [])) : [],
    byDaySql ? ctx.rows<Row>(byDaySql) : [],
  ]);
  const periods = periodsOf(range, ctx.granularity);
  const byKey = new Map<string, Row>();
  // A group is shown when some metric counted an event in it: the scan also reads events that only
  // a metric's own filters leave out, and those alone must not make an "others" group of zeros.
  const groupsCounted = new Set<string>();
  const { metrics, formulas = [] } = ctx.query;
  for (const row of [...rows, ...dayRows]) {
    const key = `${row.period}\u0000${row.gkey}`;
    byKey.set(key, { ...byKey.get(key), ...row });
    if (metrics.some((_, i) => Number(row[`cnt${i}`] ?? 0) > 0)) groupsCounted.add(String(row.gkey));
  }
  const groups = sql.topGroups
    ? [...topKeys, ...(groupsCounted.has(OTHERS_GROUP) ? [OTHERS_GROUP] : [])]
    : [''];
  const series: EventSeries[] = [];
  for (const gkey of groups) {
    const at = (period: string) => byKey.get(`${period}\u0000${gkey}`);
    const metricValues = metrics.map((m, i) => ({
      values: periods.map((p) => metricValue(m, i, at(ctx.granularity === 'total' ? '' : p))),
      total: metricValue(m, i, at('')),
    }));
    metrics.forEach((m, i) => {
      const key = String.fromCharCode(65 + i);
      series.push({
        key,
        label: m.label ?? `${key}: ${m.event} ${m.aggregation}`,
        group: groupValue(ctx, gkey),
        ...metricValues[i]!,
      });
    });
    formulas.forEach((f, j) => {
      const field = `formulas[${j}].expression`;
      checkFormulaLetters(f.expression, metrics.length, field);
      const valueAt = (index: number | 'total') => (letter: string) => {
        const mv = metricValues[letter.charCodeAt(0) - 65]!;
        return index === 'total' ? mv.total : mv.values[index]!;
      };
      const calc = (index: number | 'total') => {
        const v = evaluateFormula(f.expression, valueAt(index), field);
        return v === null || !Number.isFinite(v) ? null : round(v);
      };
      series.push({
        key: `F${j + 1}`,
        label: f.label,
        group: groupValue(ctx, gkey),
        values: periods.map((_, index) => calc(index)),
        total: calc('total'),
      });
    });
  }
  return { from: range.fromDate, to: range.toDate, periods, series };
}

export async function runEventAnalysis(ctx: AnalysisContext<EventQuery>): Promise<Omit<EventResult, 'meta'>> {
  const current = await runForRange(ctx, ctx.range);
  if (!ctx.query.compare) return current;
  return { ...current, previous: await runForRange(ctx, previousRange(ctx.range)) };
}
