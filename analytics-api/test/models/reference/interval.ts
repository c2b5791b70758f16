// Reference interval analysis: per resolved person (and link value), the start events of the range
// and the end events up to maxInterval after it (scope and global filters on both); each start's
// interval is the time to the first end event strictly later than it, dropped past the maximum.
// Box-plot figures per start period and group, histogram over the intervals. Loops only.
import type { Dataset, RawEvent } from '../support/dataset.ts';
import {
  keyOf,
  OTHERS,
  periodOf,
  periodsBetween,
  Reference,
  type RefFilter,
  type RefGranularity,
  type RefGroupBy,
  type RefScope,
  rangeOf,
} from './common.ts';

export interface RefIntervalQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly granularity?: RefGranularity;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly start: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly end: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly linkProperty?: string;
  readonly maxIntervalMinutes?: number;
  readonly histogramSeconds?: readonly number[];
}
export interface RefIntervalStats {
  starts: number;
  count: number;
  min: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  max: number | null;
  mean: number | null;
}
export interface RefIntervalSeries {
  group: (string | null)[] | null;
  total: RefIntervalStats;
  byPeriod: RefIntervalStats[];
  histogram: { label: string; lower: number | null; upper: number | null; count: number }[];
}
export interface RefIntervalResult {
  periods: string[];
  overall: RefIntervalSeries;
  groups: RefIntervalSeries[];
}

const LADDER = [
  0, 60, 300, 600, 1800, 3600, 10800, 21600, 43200, 86400, 172800, 259200, 604800, 1209600, 2592000,
];
const CAP = 10_000;
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface Start {
  t: number;
  key: string;
  period: string;
  /** ms to the next end, or null. */
  d: number | null;
}

function stats(starts: Start[]): RefIntervalStats {
  const ds = starts.flatMap((s) => (s.d === null ? [] : [s.d])).sort((a, b) => a - b);
  const n = ds.length;
  if (n === 0)
    return {
      starts: starts.length,
      count: 0,
      min: null,
      p25: null,
      median: null,
      p75: null,
      max: null,
      mean: null,
    };
  const at = (p: number) => ds[Math.min(n - 1, Math.floor(p * n))]! / 1000;
  return {
    starts: starts.length,
    count: n,
    min: ds[0]! / 1000,
    p25: at(0.25),
    median: ds[Math.ceil(n / 2) - 1]! / 1000,
    p75: at(0.75),
    max: ds[n - 1]! / 1000,
    mean: Math.round(ds.reduce((a, b) => a + b, 0) / n) / 1000,
  };
}

export function referenceInterval(
  data: Dataset,
  q: RefIntervalQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefIntervalResult {
  const ref = new Reference(data, q.timeZone);
  const zone = q.timeZone;
  const g = q.granularity ?? 'day';
  const { start, end } = rangeOf(q.from, q.to, zone);
  const maxMs = q.maxIntervalMinutes === undefined ? null : q.maxIntervalMinutes * 60_000;
  const readEnd = end + (maxMs ?? 0);
  const is = (e: RawEvent, s: RefIntervalQuery['start']) =>
    (s.event === '$any' || e.event === s.event) && ref.matchesAll(e, s.filters);
  const byKey = new Map<string, { starts: RawEvent[]; ends: number[] }>();
  for (const e of data.events) {
    if (e.time < start || e.time >= readEnd || !ref.inScope(e, scope) || !ref.matchesAll(e, q.filters))
      continue;
    let link = '';
    if (q.linkProperty) {
      const v = ref.value(e, 'event', q.linkProperty);
      if (!v.set) continue;
      link = v.text;
    }
    const id = `${ref.person(e)}|${link}`;
    const acc = byKey.get(id) ?? { starts: [], ends: [] };
    if (is(e, q.start) && e.time < end) acc.starts.push(e);
    if (is(e, q.end)) acc.ends.push(e.time);
    byKey.set(id, acc);
  }
  const starts: Start[] = [];
  for (const acc of byKey.values()) {
    // Every start counts; only the first CAP starts and CAP ends of a key are paired (the engine
    // keeps the first ones it reads, unspecified past the cap: the data sets stay under it).
    const sorted = acc.starts
      .map((e) => ({ t: e.time, key: keyOf(ref.groupOf(e, q.groupBy)) }))
      .sort((a, b) => a.t - b.t || bytes(a.key, b.key));
    const ends = [...acc.ends].sort((a, b) => a - b).slice(0, CAP);
    sorted.forEach((s, i) => {
      const next = i < CAP ? ends.find((t) => t > s.t) : undefined;
      const d = next === undefined || (maxMs !== null && next - s.t > maxMs) ? null : next - s.t;
      starts.push({ t: s.t, key: s.key, period: periodOf(s.t, g, zone), d });
    });
  }
  const periods = periodsBetween(start, end, g, zone);
  const bounds = (q.histogramSeconds ?? LADDER).map((s) => Math.round(s * 1000));
  const series = (group: (string | null)[] | null, mine: Start[]): RefIntervalSeries => {
    const ds = mine.flatMap((s) => (s.d === null ? [] : [s.d]));
    const histogram: RefIntervalSeries['histogram'] = [];
    if (bounds[0]! > 0) {
      histogram.push({
        label: `<${bounds[0]! / 1000}`,
        lower: null,
        upper: bounds[0]! / 1000,
        count: ds.filter((d) => d < bounds[0]!).length,
      });
    }
    bounds.forEach((lo, i) => {
      const hi = bounds[i + 1];
      histogram.push({
        label: hi === undefined ? `>=${lo / 1000}` : `[${lo / 1000},${hi / 1000})`,
        lower: lo / 1000,
        upper: hi === undefined ? null : hi / 1000,
        count: ds.filter((d) => d >= lo && (hi === undefined || d < hi)).length,
      });
    });
    return {
      group,
      total: stats(mine),
      byPeriod: periods.map((p) => stats(mine.filter((s) => s.period === p))),
      histogram,
    };
  };
  const groups: RefIntervalSeries[] = [];
  if (q.groupBy?.length) {
    const weight = new Map<string, { n: number; starts: number }>();
    for (const s of starts) {
      const w = weight.get(s.key) ?? { n: 0, starts: 0 };
      w.starts++;
      if (s.d !== null) w.n++;
      weight.set(s.key, w);
    }
    const top = [...weight.entries()]
      .sort((a, b) => b[1].n - a[1].n || b[1].starts - a[1].starts || bytes(a[0], b[0]))
      .slice(0, q.groupLimit ?? 10)
      .map(([k]) => k);
    for (const key of top) {
      groups.push(
        series(
          key.split('\u001f').map((v) => (v === '' ? null : v)),
          starts.filter((s) => s.key === key),
        ),
      );
    }
    const rest = starts.filter((s) => !top.includes(s.key));
    if (rest.length)
      groups.push(
        series(
          q.groupBy.map(() => OTHERS),
          rest,
        ),
      );
  }
  return { periods, overall: series(null, starts), groups };
}
