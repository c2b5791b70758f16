// Reference event analysis: loops over the events of each metric in the range, per period and
// group; unique users are sets of resolved persons. Top N groups by metric A (event count, or
// users for a users metric); the rest merged into "$others".
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
  round6,
  topKeys,
} from './common.ts';

export interface RefMetric {
  readonly event: string;
  readonly filters?: readonly RefFilter[];
  readonly aggregation: 'count' | 'users' | 'per_user' | 'sum' | 'avg' | 'max' | 'min' | 'distinct';
  readonly property?: string;
}
export interface RefEventQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly granularity: RefGranularity;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly metrics: readonly RefMetric[];
}
export interface RefSeries {
  readonly key: string;
  readonly group: (string | null)[] | null;
  readonly values: (number | null)[];
  readonly total: number | null;
}

function aggregate(ref: Reference, metric: RefMetric, events: RawEvent[]): number | null {
  const users = new Set(events.map((e) => ref.person(e)));
  const vals = metric.property
    ? events.map((e) => ref.value(e, 'event', metric.property!)).filter((v) => v.set)
    : [];
  const nums = vals.map((v) => v.num ?? 0);
  switch (metric.aggregation) {
    case 'count':
      return events.length;
    case 'users':
      return users.size;
    case 'per_user':
      return users.size === 0 ? null : round6(events.length / users.size);
    case 'sum':
      return round6(nums.reduce((a, b) => a + b, 0));
    case 'avg':
      return nums.length === 0 ? null : round6(nums.reduce((a, b) => a + b, 0) / nums.length);
    case 'max':
      return nums.length === 0 ? null : Math.max(...nums);
    case 'min':
      return nums.length === 0 ? null : Math.min(...nums);
    case 'distinct':
      return new Set(vals.map((v) => v.text)).size;
  }
}

/** The events of each metric in range and scope, with each event's group key (top N + others). */
function metricEvents(data: Dataset, q: RefEventQuery, scope: RefScope) {
  const ref = new Reference(data, q.timeZone);
  const { start, end } = rangeOf(q.from, q.to, q.timeZone);
  const inRange = data.events.filter(
    (e) => e.time >= start && e.time < end && ref.inScope(e, scope) && ref.matchesAll(e, q.filters),
  );
  const ofMetric = (m: RefMetric) =>
    inRange.filter((e) => (m.event === '$any' || e.event === m.event) && ref.matchesAll(e, m.filters));
  const grouped = (q.groupBy?.length ?? 0) > 0;
  let keys = [''];
  let keyFor = (_e: RawEvent) => '';
  if (grouped) {
    const first = q.metrics[0]!;
    const weights = new Map<string, Set<number> | number>();
    for (const e of ofMetric(first)) {
      const k = keyOf(ref.groupOf(e, q.groupBy));
      if (first.aggregation === 'users') {
        const s = (weights.get(k) as Set<number> | undefined) ?? new Set<number>();
        s.add(ref.person(e));
        weights.set(k, s);
      } else weights.set(k, ((weights.get(k) as number | undefined) ?? 0) + 1);
    }
    const w = new Map([...weights].map(([k, v]) => [k, typeof v === 'number' ? v : v.size]));
    const top = topKeys(w, q.groupLimit ?? 10);
    keyFor = (e) => {
      const k = keyOf(ref.groupOf(e, q.groupBy));
      return top.includes(k) ? k : OTHERS;
    };
    const hasOthers = q.metrics.some((m) => ofMetric(m).some((e) => keyFor(e) === OTHERS));
    keys = [...top, ...(hasOthers ? [OTHERS] : [])];
  }
  return { ref, start, end, grouped, ofMetric, keyFor, keys };
}

/** The persons with an event of metric i in `period` (undefined: the range) and group `key`, ascending. */
export function referenceEventPersons(
  data: Dataset,
  q: RefEventQuery,
  i: number,
  period: string | undefined,
  key: string | undefined,
  scope: RefScope = { bankCodes: 'all' },
): number[] {
  const { ref, ofMetric, keyFor } = metricEvents(data, q, scope);
  const persons = ofMetric(q.metrics[i]!)
    .filter((e) => key === undefined || keyFor(e) === key)
    .filter((e) => period === undefined || periodOf(e.time, q.granularity, q.timeZone) === period)
    .map((e) => ref.person(e));
  return [...new Set(persons)].sort((a, b) => a - b);
}

export function referenceEventAnalysis(
  data: Dataset,
  q: RefEventQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefSeries[] {
  const { ref, start, end, grouped, ofMetric, keyFor, keys } = metricEvents(data, q, scope);
  const periods = periodsBetween(start, end, q.granularity, q.timeZone);
  const out: RefSeries[] = [];
  for (const key of keys) {
    q.metrics.forEach((m, i) => {
      const mine = ofMetric(m).filter((e) => keyFor(e) === key);
      out.push({
        key: String.fromCharCode(65 + i),
        group: grouped
          ? key === OTHERS
            ? q.groupBy!.map(() => OTHERS)
            : key.split('\u001f').map((v) => (v === '' ? null : v))
          : null,
        values: periods.map((p) =>
          aggregate(
            ref,
            m,
            mine.filter((e) => periodOf(e.time, q.granularity, q.timeZone) === p),
          ),
        ),
        total: aggregate(ref, m, mine),
      });
    });
  }
  return out;
}
