// Reference distribution: per resolved person, the measured events of the range (scope, global
// filters, the event and its filters), their count / distinct zone days / distinct zone clock
// hours / property sum; the person's group from their earliest event (ties: smallest key). Buckets
// follow models/README.md (count ladder, nice steps, equal width, custom). Loops only.
import { DateTime } from 'luxon';
import type { Dataset, RawEvent } from '../support/dataset.ts';
import {
  keyOf,
  OTHERS,
  Reference,
  type RefFilter,
  type RefGroupBy,
  type RefScope,
  rangeOf,
  round6,
  topKeys,
} from './common.ts';

export interface RefDistributionQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly event: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly measure: 'times' | 'active_days' | 'active_hours' | 'sum';
  readonly property?: string;
  readonly bucketMode?: 'auto' | 'equal_width' | 'custom';
  readonly bucketCount?: number;
  readonly boundaries?: readonly number[];
}
export interface RefStats {
  users: number;
  min: number | null;
  max: number | null;
  average: number | null;
  median: number | null;
}
export interface RefBucket {
  label: string;
  lower: number | null;
  upper: number | null;
  users: number;
  share: number | null;
}
export interface RefDistributionResult {
  measure: string;
  stats: RefStats;
  buckets: RefBucket[];
  groups: { group: (string | null)[]; stats: RefStats; buckets: RefBucket[] }[];
}

const LADDER = [
  1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100, 150, 200, 300, 500, 1000, 1500, 2000, 3000, 5000, 10000,
];
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const clean = (x: number) => Number(x.toPrecision(12));

/** [lowers, has a "<first" bucket]. */
function plan(q: RefDistributionQuery, min: number, max: number): [number[], boolean] {
  const mode = q.bucketMode ?? 'auto';
  const integral = q.measure !== 'sum';
  if (mode === 'custom') return [[...q.boundaries!], true];
  if (mode === 'equal_width') {
    const n = q.bucketCount ?? 10;
    const w = integral ? Math.max(1, Math.ceil((max - min + 1) / n)) : (max - min) / n;
    if (w === 0) return [[min], false];
    const out = [min];
    for (let i = 1; i < n && clean(min + i * w) <= max; i++) out.push(clean(min + i * w));
    return [out, false];
  }
  if (integral) return [LADDER.filter((b) => b <= max), false];
  if (min === max) return [[min], false];
  const raw = (max - min) / 10;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = clean([1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!);
  const out: number[] = [];
  const first = Math.floor(min / step) * step;
  for (let i = 0; clean(first + i * step) <= max; i++) out.push(clean(first + i * step));
  return [out, false];
}

function stats(values: number[]): RefStats {
  if (values.length === 0) return { users: 0, min: null, max: null, average: null, median: null };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    users: values.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    average: round6(values.reduce((a, b) => a + b, 0) / values.length),
    median: sorted[Math.ceil(values.length / 2) - 1]!,
  };
}

/**
 * Every measured customer: person, value and group key (top N + others applied when grouped), and
 * the top keys in their order.
 */
export function referenceDistributionPeople(
  data: Dataset,
  q: RefDistributionQuery,
  scope: RefScope = { bankCodes: 'all' },
): { people: { person: number; value: number; key: string }[]; top: string[] } {
  const ref = new Reference(data, q.timeZone);
  const zone = q.timeZone;
  const { start, end } = rangeOf(q.from, q.to, zone);
  const byPerson = new Map<number, RawEvent[]>();
  for (const e of data.events) {
    if (e.time < start || e.time >= end || !ref.inScope(e, scope) || !ref.matchesAll(e, q.filters)) continue;
    if (q.event.event !== '$any' && e.event !== q.event.event) continue;
    if (!ref.matchesAll(e, q.event.filters)) continue;
    byPerson.set(ref.person(e), [...(byPerson.get(ref.person(e)) ?? []), e]);
  }
  const people: { person: number; value: number; key: string }[] = [];
  for (const [person, events] of byPerson) {
    let value: number;
    if (q.measure === 'times') value = events.length;
    else if (q.measure === 'sum') {
      value = events.reduce(
        (s, e) => s + (ref.value(e, 'event', q.property!).set ? ref.value(e, 'event', q.property!).num! : 0),
        0,
      );
    } else {
      const format = q.measure === 'active_days' ? 'yyyy-MM-dd' : 'yyyy-MM-dd HH';
      value = new Set(events.map((e) => DateTime.fromMillis(e.time, { zone }).toFormat(format))).size;
    }
    const firsts = events
      .map((e) => ({ t: e.time, key: keyOf(ref.groupOf(e, q.groupBy)) }))
      .sort((a, b) => a.t - b.t || bytes(a.key, b.key));
    people.push({ person, value, key: firsts[0]!.key });
  }
  if (!q.groupBy?.length) return { people, top: [] };
  const weights = new Map<string, number>();
  for (const p of people) weights.set(p.key, (weights.get(p.key) ?? 0) + 1);
  const top = topKeys(weights, q.groupLimit ?? 10);
  return { people: people.map((p) => ({ ...p, key: top.includes(p.key) ? p.key : OTHERS })), top };
}

export function referenceDistribution(
  data: Dataset,
  q: RefDistributionQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefDistributionResult {
  const { people, top } = referenceDistributionPeople(data, q, scope);
  if (people.length === 0) return { measure: q.measure, stats: stats([]), buckets: [], groups: [] };
  const all = people.map((p) => p.value);
  const [lowers, below] = plan(q, Math.min(...all), Math.max(...all));
  const bucketsOf = (values: number[]): RefBucket[] => {
    const out: RefBucket[] = [];
    const share = (n: number) => (values.length === 0 ? null : round6(n / values.length));
    if (below) {
      const n = values.filter((v) => v < lowers[0]!).length;
      out.push({ label: `<${lowers[0]}`, lower: null, upper: lowers[0]!, users: n, share: share(n) });
    }
    lowers.forEach((lo, i) => {
      const hi = lowers[i + 1];
      const n = values.filter((v) => v >= lo && (hi === undefined || v < hi)).length;
      out.push({
        label: hi === undefined ? `>=${lo}` : `[${lo},${hi})`,
        lower: lo,
        upper: hi ?? null,
        users: n,
        share: share(n),
      });
    });
    return out;
  };
  const groups: RefDistributionResult['groups'] = [];
  if (q.groupBy?.length) {
    const keys = [...top, ...(people.some((p) => p.key === OTHERS) ? [OTHERS] : [])];
    for (const key of keys) {
      const values = people.filter((p) => p.key === key).map((p) => p.value);
      groups.push({
        group:
          key === OTHERS
            ? q.groupBy.map(() => OTHERS)
            : key.split('\u001f').map((v) => (v === '' ? null : v)),
        stats: stats(values),
        buckets: bucketsOf(values),
      });
    }
  }
  return { measure: q.measure, stats: stats(all), buckets: bucketsOf(all), groups };
}
