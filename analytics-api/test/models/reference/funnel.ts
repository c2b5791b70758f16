// Reference funnel, written from the specification with plain loops: per person, every step-1
// event inside the range starts an attempt; walking later events in (time, step) order, the next
// step advances the attempt within the window (t_k - t_1 <= window) and with an equal, set link
// value; in strict order any other step event ends it; one event fills one step. Attempts with an
// exclusion event between their steps are dropped; the person counts by the deepest remaining
// attempt (earliest on ties). Times from the previous step: lower median and mean.
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
  topKeys,
} from './common.ts';

export interface RefFunnelQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly granularity: RefGranularity;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly steps: readonly { event: string; filters?: readonly RefFilter[] }[];
  readonly windowMinutes: number;
  readonly order: 'loose' | 'strict';
  readonly linkProperty?: string;
  readonly exclusions?: readonly {
    event: string;
    filters?: readonly RefFilter[];
    fromStep: number;
    toStep: number;
  }[];
}

export interface RefStep {
  users: number;
  medianSecondsFromPrevious: number | null;
  avgSecondsFromPrevious: number | null;
}
export interface RefFunnelResult {
  steps: RefStep[];
  groups: { group: (string | null)[]; steps: RefStep[] }[];
  trend: { period: string; entered: number; converted: number }[];
}

interface Walked {
  t: number;
  mask: number;
  xmask: number;
  first: number;
  link: string;
  key: string;
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

export function referenceFunnel(
  data: Dataset,
  q: RefFunnelQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefFunnelResult {
  const ref = new Reference(data, q.timeZone);
  const { start, end } = rangeOf(q.from, q.to, q.timeZone);
  const W = q.windowMinutes * 60_000;
  const n = q.steps.length;
  const matches = (e: RawEvent, s: { event: string; filters?: readonly RefFilter[] }) =>
    e.event === s.event && ref.matchesAll(e, s.filters);
  const perPerson = new Map<number, Walked[]>();
  for (const e of data.events) {
    if (e.time < start || e.time >= end + W || !ref.inScope(e, scope) || !ref.matchesAll(e, q.filters))
      continue;
    let mask = 0;
    let xmask = 0;
    q.steps.forEach((s, k) => {
      if (matches(e, s)) mask |= 1 << k;
    });
    (q.exclusions ?? []).forEach((x, j) => {
      if (matches(e, x)) xmask |= 1 << j;
    });
    if (mask === 0 && xmask === 0) continue;
    let first = 99;
    for (let k = n - 1; k >= 0; k--) if (mask & (1 << k)) first = k;
    const link = q.linkProperty ? ref.value(e, 'event', q.linkProperty).text : '';
    const list = perPerson.get(ref.person(e)) ?? [];
    list.push({ t: e.time, mask, xmask, first, link, key: keyOf(ref.groupOf(e, q.groupBy)) });
    perPerson.set(ref.person(e), list);
  }
  const counted: { level: number; times: number[]; key: string }[] = [];
  for (const list of perPerson.values()) {
    list.sort(
      (a, b) =>
        a.t - b.t ||
        a.first - b.first ||
        cmp(a.key, b.key) ||
        cmp(a.link, b.link) ||
        a.mask - b.mask ||
        a.xmask - b.xmask,
    );
    const evs = list.slice(0, 1000);
    let best: { level: number; times: number[]; key: string } | null = null;
    evs.forEach((s, si) => {
      if (!(s.mask & 1) || s.t >= end) return;
      const times = [s.t];
      for (let i = si + 1; i < evs.length && times.length < n; i++) {
        const x = evs[i]!;
        if (x.t - s.t > W) break;
        const linkOk = !q.linkProperty || (x.link === s.link && s.link !== '');
        if (x.mask & (1 << times.length) && linkOk) times.push(x.t);
        else if (q.order === 'strict' && x.mask !== 0) break;
      }
      const level = times.length;
      const excluded = (q.exclusions ?? []).some(
        (x, j) =>
          level >= x.fromStep &&
          evs.some(
            (y) =>
              y.xmask & (1 << j) &&
              y.t > times[x.fromStep - 1]! &&
              (level >= x.toStep ? y.t < times[x.toStep - 1]! : y.t <= times[0]! + W),
          ),
      );
      if (excluded) return;
      if (!best || level > best.level) best = { level, times, key: s.key };
    });
    if (best) counted.push(best);
  }
  const stepsOf = (people: typeof counted): RefStep[] =>
    q.steps.map((_, k) => {
      const reached = people.filter((p) => p.level >= k + 1);
      if (k === 0 || reached.length === 0) {
        return { users: reached.length, medianSecondsFromPrevious: null, avgSecondsFromPrevious: null };
      }
      const deltas = reached.map((p) => p.times[k]! - p.times[k - 1]!).sort((a, b) => a - b);
      return {
        users: reached.length,
        medianSecondsFromPrevious: deltas[Math.floor((deltas.length - 1) / 2)]! / 1000,
        avgSecondsFromPrevious: Math.round(deltas.reduce((a, b) => a + b, 0) / deltas.length) / 1000,
      };
    });
  let groups: RefFunnelResult['groups'] = [];
  if (q.groupBy?.length) {
    const weights = new Map<string, number>();
    for (const p of counted) weights.set(p.key, (weights.get(p.key) ?? 0) + 1);
    const top = topKeys(weights, q.groupLimit ?? 10);
    const others = counted.filter((p) => !top.includes(p.key));
    groups = top.map((key) => ({
      group: key.split('\u001f').map((v) => (v === '' ? null : v)),
      steps: stepsOf(counted.filter((p) => p.key === key)),
    }));
    if (others.length) groups.push({ group: q.groupBy.map(() => OTHERS), steps: stepsOf(others) });
  }
  const trend = periodsBetween(start, end, q.granularity, q.timeZone).map((period) => {
    const mine = counted.filter((p) => periodOf(p.times[0]!, q.granularity, q.timeZone) === period);
    return { period, entered: mine.length, converted: mine.filter((p) => p.level === n).length };
  });
  return { steps: stepsOf(counted), groups, trend };
}
