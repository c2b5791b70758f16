// Reference retention from the specification: cohort entries are the calendar periods (in the
// query's zone; weeks from Monday) of a person's initial events inside the range (recurring), or
// of their first initial event ever if it is inside the range (first-time); an entry is retained
// in period k when a return event falls in period c+k (or any period >= c+k), and in period 0
// only when it comes after the entry's first initial event.
import { DateTime } from 'luxon';
import type { Dataset } from '../support/dataset.ts';
import {
  keyOf,
  OTHERS,
  periodOf,
  Reference,
  type RefFilter,
  type RefGroupBy,
  type RefScope,
  rangeOf,
  topKeys,
} from './common.ts';

export interface RefRetentionQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly initial: { event: string; filters?: readonly RefFilter[] };
  readonly returning: { event: string; filters?: readonly RefFilter[] };
  readonly period: 'day' | 'week' | 'month';
  readonly periods: number;
  readonly mode: 'recurring' | 'first_time';
  readonly window: 'on' | 'on_or_after';
}
export interface RefRetentionRow {
  cohort: string;
  group: (string | null)[] | null;
  size: number;
  retained: number[];
}

function periodNumber(ms: number, period: RefRetentionQuery['period'], zone: string): number {
  const t = DateTime.fromMillis(ms, { zone });
  const dayNum = Date.UTC(t.year, t.month - 1, t.day) / 86_400_000;
  if (period === 'day') return dayNum;
  if (period === 'week') return (dayNum - (t.weekday - 1)) / 7;
  return t.year * 12 + t.month - 1;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A cohort entry: its person, cohort, group key (top N + others applied) and retained flags. */
export interface RefRetentionEntry {
  person: number;
  cohort: string;
  key: string;
  flags: number[];
}

export function referenceRetentionEntries(
  data: Dataset,
  q: RefRetentionQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefRetentionEntry[] {
  const ref = new Reference(data, q.timeZone);
  const { start, end } = rangeOf(q.from, q.to, q.timeZone);
  const matches = (e: Dataset['events'][number], s: RefRetentionQuery['initial']) =>
    (s.event === '$any' || e.event === s.event) && ref.matchesAll(e, s.filters);
  const perPerson = new Map<
    number,
    { inits: { t: number; p: number; key: string }[]; rets: { t: number; p: number }[] }
  >();
  for (const e of data.events) {
    if (!ref.inScope(e, scope) || !ref.matchesAll(e, q.filters)) continue;
    const person = ref.person(e);
    const entry = perPerson.get(person) ?? { inits: [], rets: [] };
    const p = periodNumber(e.time, q.period, q.timeZone);
    if (matches(e, q.initial) && (q.mode === 'first_time' || e.time >= start)) {
      entry.inits.push({ t: e.time, p, key: keyOf(ref.groupOf(e, q.groupBy)) });
    }
    if (matches(e, q.returning)) entry.rets.push({ t: e.time, p });
    perPerson.set(person, entry);
  }
  const entries: RefRetentionEntry[] = [];
  for (const [person, { inits, rets }] of perPerson) {
    inits.sort((a, b) => a.t - b.t || a.p - b.p || cmp(a.key, b.key));
    let chosen: typeof inits = [];
    if (q.mode === 'first_time') {
      const first = inits[0];
      if (first && first.t >= start && first.t < end) chosen = [first];
    } else {
      const seen = new Set<number>();
      for (const i of inits) {
        if (i.t < start || i.t >= end || seen.has(i.p)) continue;
        seen.add(i.p);
        chosen.push(i);
      }
    }
    for (const c of chosen) {
      const flags = Array.from({ length: q.periods + 1 }, (_, k) => {
        if (k === 0) return rets.some((r) => r.p === c.p && r.t > c.t) ? 1 : 0;
        return rets.some((r) => (q.window === 'on' ? r.p === c.p + k : r.p >= c.p + k)) ? 1 : 0;
      });
      entries.push({ person, cohort: periodOf(c.t, q.period, q.timeZone), key: c.key, flags });
    }
  }
  if (!q.groupBy?.length) return entries;
  const weights = new Map<string, number>();
  for (const e of entries) weights.set(e.key, (weights.get(e.key) ?? 0) + 1);
  const top = topKeys(weights, q.groupLimit ?? 10);
  return entries.map((e) => ({ ...e, key: top.includes(e.key) ? e.key : OTHERS }));
}

export function referenceRetention(
  data: Dataset,
  q: RefRetentionQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefRetentionRow[] {
  const rows = new Map<string, RefRetentionRow & { key: string }>();
  for (const e of referenceRetentionEntries(data, q, scope)) {
    const key = e.key;
    const id = `${e.cohort}\u0000${key}`;
    const row = rows.get(id) ?? {
      cohort: e.cohort,
      key,
      group: q.groupBy?.length
        ? key === OTHERS
          ? q.groupBy.map(() => OTHERS)
          : key.split('\u001f').map((v) => (v === '' ? null : v))
        : null,
      size: 0,
      retained: Array(q.periods + 1).fill(0),
    };
    row.size++;
    e.flags.forEach((f, k) => {
      row.retained[k]! += f;
    });
    rows.set(id, row);
  }
  return [...rows.values()]
    .sort((a, b) => cmp(a.cohort, b.cohort) || cmp(a.key, b.key))
    .map(({ cohort, group, size, retained }) => ({ cohort, group, size, retained }));
}
