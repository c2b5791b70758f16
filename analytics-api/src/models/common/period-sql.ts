// The period an event falls in, computed in the query's time zone by ClickHouse (the zone is a
// bound parameter), as the same text label time-range.ts gives in TypeScript, so SQL rows and the
// axis of empty periods line up. Weeks start on Monday.
import type { AnalysisContext } from './analysis-context.ts';
import type { Granularity } from './query-schema.ts';

export function periodSql(
  ctx: AnalysisContext,
  timeExpr: string,
  granularity: Granularity = ctx.granularity,
): string {
  switch (granularity) {
    case 'hour':
      return `formatDateTime(${timeExpr}, '%Y-%m-%d %H:00', {tz:String})`;
    case 'day':
      return `toString(toDate(${timeExpr}, {tz:String}))`;
    case 'week':
      return `toString(toMonday(toDate(${timeExpr}, {tz:String})))`;
    case 'month':
      return `toString(toStartOfMonth(toDate(${timeExpr}, {tz:String})))`;
    case 'total':
      return "'total'";
  }
}
