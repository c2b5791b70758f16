// Turns a query's calendar dates in its time zone into UTC instants, lists the periods of a
// granularity in that zone (so empty periods show as zeros), and shifts a range back for the
// "previous period" comparison. Day/week/month boundaries are the zone's (weeks start on Monday).
// Never does calendar arithmetic in UTC or in the server's own zone.
import { DateTime, IANAZone } from 'luxon';
import { ApiError } from '../../errors/catalogue.ts';
import type { Granularity } from './query-schema.ts';

export interface TimeRange {
  readonly timeZone: string;
  /** First day (YYYY-MM-DD) and last day, inclusive, in the zone. */
  readonly fromDate: string;
  readonly toDate: string;
  /** [startMs, endMs): UTC instants of the zone's midnight of fromDate and of the day after toDate. */
  readonly startMs: number;
  readonly endMs: number;
}

export const MAX_RANGE_DAYS = 732;

export function resolveTimeRange(from: string, to: string, timeZone: string): TimeRange {
  if (!IANAZone.isValidZone(timeZone)) {
    throw new ApiError('VALIDATION_FAILED', `timeZone "${timeZone}" is not an IANA time zone`, 'timeZone');
  }
  const start = DateTime.fromISO(from, { zone: timeZone });
  const last = DateTime.fromISO(to, { zone: timeZone });
  if (!start.isValid) throw new ApiError('VALIDATION_FAILED', `from "${from}" is not a date`, 'from');
  if (!last.isValid) throw new ApiError('VALIDATION_FAILED', `to "${to}" is not a date`, 'to');
  if (last < start) throw new ApiError('VALIDATION_FAILED', 'to must not be before from', 'to');
  const days = Math.round(last.diff(start, 'days').days) + 1;
  if (days > MAX_RANGE_DAYS) {
    throw new ApiError('VALIDATION_FAILED', `the range may cover at most ${MAX_RANGE_DAYS} days`, 'to');
  }
  return {
    timeZone,
    fromDate: from,
    toDate: to,
    startMs: start.startOf('day').toMillis(),
    endMs: last.plus({ days: 1 }).startOf('day').toMillis(),
  };
}

/** The same number of days immediately before the range. */
export function previousRange(range: TimeRange): TimeRange {
  const start = DateTime.fromISO(range.fromDate, { zone: range.timeZone });
  const last = DateTime.fromISO(range.toDate, { zone: range.timeZone });
  const days = Math.round(last.diff(start, 'days').days) + 1;
  const prevFrom = start.minus({ days }).toISODate() as string;
  const prevTo = start.minus({ days: 1 }).toISODate() as string;
  return resolveTimeRange(prevFrom, prevTo, range.timeZone);
}

/** Label of the period holding instant `ms`: 'YYYY-MM-DD' (day/week/month start) or 'YYYY-MM-DD HH:00'. */
export function periodLabel(ms: number, granularity: Granularity, timeZone: string): string {
  const t = DateTime.fromMillis(ms, { zone: timeZone });
  switch (granularity) {
    case 'hour':
      return t.toFormat('yyyy-MM-dd HH:00');
    case 'day':
      return t.toISODate() as string;
    case 'week':
      return t.startOf('week').toISODate() as string;
    case 'month':
      return t.startOf('month').toISODate() as string;
    case 'total':
      return 'total';
  }
}

/** Every period label of the range in order (the axis of a chart). */
export function periodsOf(range: TimeRange, granularity: Granularity): string[] {
  if (granularity === 'total') return ['total'];
  const labels: string[] = [];
  const unit =
    granularity === 'hour'
      ? 'hours'
      : granularity === 'day'
        ? 'days'
        : granularity === 'week'
          ? 'weeks'
          : 'months';
  let t = DateTime.fromMillis(range.startMs, { zone: range.timeZone });
  if (granularity === 'week') t = t.startOf('week');
  if (granularity === 'month') t = t.startOf('month');
  while (t.toMillis() < range.endMs) {
    labels.push(periodLabel(t.toMillis(), granularity, range.timeZone));
    t = t.plus({ [unit]: 1 });
  }
  return labels;
}

/** 'YYYY-MM-DD HH:mm:ss.SSS' in UTC, the text form of a DateTime64(3, 'UTC') parameter. */
export function utcParam(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss.SSS');
}
