// The comparison period of an analysis page: which earlier range to run the same analysis over
// (the API has no compare option outside event analysis, so the page runs the model twice), its
// place in the URL (`&vs=`), and the relative change between two figures. Pure functions only:
// it never runs a query and never decides what a model's figures are.
import { addDays } from '../../components/time-range.ts';

/** previous: same length, immediately before; month / year: the same dates one month / year earlier. */
export const COMPARISONS = ['previous', 'month', 'year'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface DateRange {
  readonly from: string;
  readonly to: string;
}

const isComparison = (v: string | null): v is Comparison =>
  v !== null && (COMPARISONS as readonly string[]).includes(v);

/** The URL's choice; anything unknown means no comparison (never an error on a pasted link). */
export const readComparison = (search: URLSearchParams): Comparison | null => {
  const v = search.get('vs');
  return isComparison(v) ? v : null;
};

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

/** Moves a YYYY-MM-DD back by whole months, keeping the day or the month's last day (03-31 -> 02-28). */
export function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The earlier range to compare with, or null when the dates are not a valid range. */
export function comparisonRange(range: DateRange, choice: Comparison): DateRange | null {
  const days = dayNumber(range.to) - dayNumber(range.from) + 1;
  if (!Number.isInteger(days) || days < 1) return null;
  switch (choice) {
    case 'previous':
      return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
    case 'month':
      return { from: monthsBefore(range.from, 1), to: monthsBefore(range.to, 1) };
    case 'year':
      return { from: monthsBefore(range.from, 12), to: monthsBefore(range.to, 12) };
  }
}

/** (current - previous) / previous; null when either is missing or the previous is 0. */
export function relativeChange(current: number | null | undefined, previous: number | null | undefined) {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  if (previous === 0) return null;
  return (current - previous) / previous;
}
