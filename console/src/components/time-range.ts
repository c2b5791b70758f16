// Date-range presets resolved to YYYY-MM-DD in the user's time zone (the zone the analysis is
// cut in), e.g. "last 7 days" = the 7 calendar days ending today. Shared by analysis pages and
// dashboards (whose time range applies to every card).
import type { TimePreset, TimeRange } from '../api/types.ts';
import { userTimeZone } from '../i18n/format.ts';

export const PRESETS: readonly TimePreset[] = [
  'today',
  'yesterday',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'this_month',
  'last_month',
];

/** Today's date in the zone, as YYYY-MM-DD (en-CA formats dates that way). */
export function todayIn(zone = userTimeZone(), now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Calendar arithmetic on YYYY-MM-DD strings (UTC noon avoids any DST edge). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function resolveRange(range: TimeRange, today = todayIn()): { from: string; to: string } {
  if ('from' in range) return { from: range.from, to: range.to };
  const month = today.slice(0, 7);
  switch (range.preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'last_7_days':
      return { from: addDays(today, -6), to: today };
    case 'last_30_days':
      return { from: addDays(today, -29), to: today };
    case 'last_90_days':
      return { from: addDays(today, -89), to: today };
    case 'this_month':
      return { from: `${month}-01`, to: today };
    case 'last_month': {
      const lastDay = addDays(`${month}-01`, -1);
      return { from: `${lastDay.slice(0, 7)}-01`, to: lastDay };
    }
  }
}
