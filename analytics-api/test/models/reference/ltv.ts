// Reference LTV: for each resolved person, the first initial event in the range (ties: the smaller
// group key), then every value event from that instant to the end of calendar day N in the zone,
// summed per day offset; cohorts by the day (Monday of the week) of the initial event. Written
// from the specification, with loops and luxon; no SQL.
import { DateTime } from 'luxon';
import type { Dataset, RawEvent } from '../support/dataset.ts';
import {
  keyOf,
  OTHERS,
  periodOf,
  periodsBetween,
  Reference,
  type RefFilter,
  type RefGroupBy,
  type RefScope,
  rangeOf,
  round6,
} from './common.ts';

export interface RefLtvQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly initialEvent: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly valueEvent: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly valueProperty: string;
  readonly days?: number;
  readonly cohortPeriod?: 'day' | 'week';
}

export interface RefLtvCohort {
  cohort: string;
  users: number;
  ltv: (number | null)[];
  total: (number | null)[];
}
export interface RefLtvGroup {
  group: (string | null)[] | null;
  cohorts: RefLtvCohort[];
  average: RefLtvCohort;
}

const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export interface Member {
  person: number;
  cohort: string;
  key: string;
  group: (string | null)[] | null;
  /** Value per day offset 0..N-1. */
  daily: number[];
}

/** Every customer with an initial event in the range: person, cohort, group key and daily value. */
export function referenceLtvMembers(
  data: Dataset,
  q: RefLtvQuery,
  scope: RefScope = { bankCodes: 'all' },
): Member[] {
  const ref = new Reference(data, q.timeZone);
  const zone = q.timeZone;
  const days = q.days ?? 30;
  const { start, end } = rangeOf(q.from, q.to, zone);
  const valueEnd = DateTime.fromMillis(end, { zone }).plus({ days }).toMillis();
  const usable = (e: RawEvent) => ref.inScope(e, scope) && ref.matchesAll(e, q.filters);
  const byPerson = new Map<number, RawEvent[]>();
  for (const e of data.events) {
    if (!usable(e)) continue;
    const p = ref.person(e);
    byPerson.set(p, [...(byPerson.get(p) ?? []), e]);
  }
  const dayOf = (ms: number) => DateTime.fromMillis(ms, { zone }).startOf('day');
  const members: Member[] = [];
  for (const [person, events] of byPerson) {
    let first: { e: RawEvent; key: string } | null = null;
    for (const e of events) {
      if (e.event !== q.initialEvent.event || e.time < start || e.time >= end) continue;
      if (!ref.matchesAll(e, q.initialEvent.filters)) continue;
      const key = keyOf(ref.groupOf(e, q.groupBy));
      if (!first || e.time < first.e.time || (e.time === first.e.time && bytes(key, first.key) < 0))
        first = { e, key };
    }
    if (!first) continue;
    const t0 = first.e.time;
    const day0 = dayOf(t0);
    const daily = new Array(days).fill(0);
    // The engine's per-person bound: the earliest 5000 value events of the window.
    const values = events
      .filter((e) => e.event === q.valueEvent.event && e.time >= start && e.time < valueEnd)
      .filter((e) => ref.matchesAll(e, q.valueEvent.filters))
      .sort((a, b) => a.time - b.time)
      .slice(0, 5000);
    for (const e of values) {
      if (e.time < t0) continue;
      const offset = Math.round(dayOf(e.time).diff(day0, 'days').days);
      if (offset > days - 1) continue;
      const v = ref.value(e, 'event', q.valueProperty);
      daily[offset] += v.set ? (v.num ?? 0) : 0;
    }
    members.push({
      person,
      cohort: periodOf(t0, q.cohortPeriod ?? 'day', zone),
      key: first.key,
      group: ref.groupOf(first.e, q.groupBy),
      daily,
    });
  }
  return members;
}

/** The group keys shown (top N by customers, ties by key, then $others) and the top set. */
export function referenceLtvGroups(q: RefLtvQuery, members: readonly Member[]) {
  const grouped = (q.groupBy?.length ?? 0) > 0;
  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.key, (counts.get(m.key) ?? 0) + 1);
  const ranked = [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  const limit = q.groupLimit ?? 10;
  const top = new Set(ranked.slice(0, limit).map(([k]) => k));
  const groupKeys = grouped
    ? [...ranked.slice(0, limit).map(([k]) => k), ...(ranked.length > limit ? [OTHERS] : [])]
    : [''];
  return { grouped, top, groupKeys };
}

export function referenceLtv(
  data: Dataset,
  q: RefLtvQuery,
  now: number,
  scope: RefScope = { bankCodes: 'all' },
): RefLtvGroup[] {
  const zone = q.timeZone;
  const days = q.days ?? 30;
  const { start, end } = rangeOf(q.from, q.to, zone);
  const members = referenceLtvMembers(data, q, scope);
  const { grouped, top, groupKeys } = referenceLtvGroups(q, members);
  const periods = periodsBetween(start, end, q.cohortPeriod ?? 'day', zone);
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  return groupKeys.map((gkey) => {
    const inGroup = members.filter((m) => !grouped || (gkey === OTHERS ? !top.has(m.key) : m.key === gkey));
    const sample = inGroup[0];
    const group = !grouped ? null : gkey === OTHERS ? q.groupBy!.map(() => OTHERS) : (sample?.group ?? null);
    const cohorts = periods.map((cohort) => {
      const ms = inGroup.filter((m) => m.cohort === cohort);
      const first = DateTime.fromISO(cohort, { zone });
      let last = q.cohortPeriod === 'week' ? first.plus({ days: 6 }) : first;
      const rangeLast = DateTime.fromISO(q.to, { zone });
      if (last > rangeLast) last = rangeLast;
      // Day k (1-based) has begun for everyone when last + (k - 1) <= today.
      const begun = (k: number) => last.plus({ days: k - 1 }) <= today;
      const totals: (number | null)[] = [];
      const ltv: (number | null)[] = [];
      for (let k = 1; k <= days; k++) {
        let sum = 0;
        for (const m of ms) for (let d = 0; d < k; d++) sum += m.daily[d]!;
        totals.push(begun(k) ? round6(sum) : null);
        ltv.push(begun(k) && ms.length > 0 ? round6(sum / ms.length) : null);
      }
      return { cohort, users: ms.length, ltv, total: totals, sums: ms, begun };
    });
    const average: RefLtvCohort = { cohort: 'average', users: inGroup.length, ltv: [], total: [] };
    for (let k = 1; k <= days; k++) {
      const open = cohorts.filter((c) => c.begun(k));
      let sum = 0;
      let users = 0;
      for (const c of open) {
        users += c.users;
        for (const m of c.sums) for (let d = 0; d < k; d++) sum += m.daily[d]!;
      }
      average.total.push(open.length > 0 ? round6(sum) : null);
      average.ltv.push(users > 0 ? round6(sum / users) : null);
    }
    return {
      group,
      cohorts: cohorts.map(({ cohort, users, ltv, total }) => ({ cohort, users, ltv, total })),
      average,
    };
  });
}
