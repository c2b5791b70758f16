// Reference attribution: per resolved person, every target conversion in the range looks back
// lookbackDays x 24 h (inclusive at both ends) over the person's touchpoints, keeps those followed
// by a (linked) key event when one is asked for, orders them by (time, touchpoint key) and splits
// one conversion of credit under each model. With group-by, a conversion's group is the value on
// the conversion event (or the customer's profile); the same blocks per group, top N by
// conversions, the rest as $others. Loops only, written from the specification.
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

export interface RefAttributionQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly filters?: readonly RefFilter[];
  readonly targetEvent: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly touchpoints: readonly {
    readonly event: string;
    readonly filters?: readonly RefFilter[];
    readonly splitBy?: string;
  }[];
  readonly lookbackDays?: number;
  readonly keyEvent?: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly linkProperty?: string;
  readonly halfLifeDays?: number;
  readonly valueProperty?: string;
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
}

export const REF_MODELS = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] as const;
type Model = (typeof REF_MODELS)[number];

export interface RefTouchpointCredit {
  touchpoint: number;
  splitValue: string | null;
  touchedConversions: number;
  credits: Record<Model, { conversions: number; share: number | null; value: number }>;
}
export interface RefAttributionBlock {
  total: { conversions: number; value: number };
  attributed: { conversions: number; value: number };
  unattributed: { conversions: number; value: number };
  touchpoints: RefTouchpointCredit[];
}
export interface RefAttributionGroup extends RefAttributionBlock {
  group: (string | null)[];
}
export interface RefAttributionResult extends RefAttributionBlock {
  /** Only with groupBy: top N groups by conversions (ties by key), then $others. */
  groups?: RefAttributionGroup[];
}

interface Conversion {
  /** Group key (values joined by \u001f) and values, from the conversion event or the profile. */
  key: string;
  group: (string | null)[] | null;
  value: number;
  /** Keys of its valid touchpoints in (time, key) order, and their weights per model. */
  touches: string[];
  weights: Record<Model, number[]>;
}

const DAY = 86_400_000;
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Weights of n ordered touchpoints under each model (decay needs their ages). */
export function weights(model: Model, ages: readonly number[], halfLifeMs: number): number[] {
  const n = ages.length;
  switch (model) {
    case 'first_touch':
      return ages.map((_, i) => (i === 0 ? 1 : 0));
    case 'last_touch':
      return ages.map((_, i) => (i === n - 1 ? 1 : 0));
    case 'linear':
      return ages.map(() => 1 / n);
    case 'position_based':
      if (n === 1) return [1];
      if (n === 2) return [0.5, 0.5];
      return ages.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)));
    case 'time_decay': {
      const raw = ages.map((age) => 2 ** (-age / halfLifeMs));
      let sum = 0;
      for (const r of raw) sum += r;
      return raw.map((r) => r / sum);
    }
  }
}

interface Touch {
  t: number;
  key: string;
  link: string;
}

export function referenceAttribution(
  data: Dataset,
  q: RefAttributionQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefAttributionResult {
  const ref = new Reference(data, q.timeZone);
  const { start, end } = rangeOf(q.from, q.to, q.timeZone);
  const lookback = (q.lookbackDays ?? 7) * DAY;
  const halfLife = (q.halfLifeDays ?? 7) * DAY;
  const linkOf = (e: RawEvent) => (q.linkProperty ? ref.value(e, 'event', q.linkProperty).text : '');
  const conversionValue = (e: RawEvent) => {
    if (!q.valueProperty) return 0;
    const v = ref.value(e, 'event', q.valueProperty);
    return v.set ? (v.num ?? 0) : 0;
  };
  const persons = new Map<number, { convs: RawEvent[]; touches: Touch[]; keys: Touch[] }>();
  for (const e of data.events) {
    if (e.time < start - lookback || e.time >= end) continue;
    if (!ref.inScope(e, scope) || !ref.matchesAll(e, q.filters)) continue;
    const p = ref.person(e);
    const acc = persons.get(p) ?? { convs: [], touches: [], keys: [] };
    persons.set(p, acc);
    if (e.event === q.targetEvent.event && e.time >= start && ref.matchesAll(e, q.targetEvent.filters)) {
      acc.convs.push(e);
    }
    const i = q.touchpoints.findIndex((tp) => tp.event === e.event && ref.matchesAll(e, tp.filters));
    if (i >= 0) {
      const split = q.touchpoints[i]!.splitBy;
      const value = split ? ref.value(e, 'event', split).text : '';
      acc.touches.push({ t: e.time, key: `${i}\u001f${value}`, link: linkOf(e) });
    }
    if (q.keyEvent && e.event === q.keyEvent.event && ref.matchesAll(e, q.keyEvent.filters)) {
      acc.keys.push({ t: e.time, key: '', link: linkOf(e) });
    }
  }
  // Every conversion once: its group, value and the weights of its valid touchpoints.
  const conversions: Conversion[] = [];
  for (const person of persons.values()) {
    // The engine's per-person bound: the earliest 1000 conversions, 2000 touchpoints / key events.
    const byTime = (a: Touch, b: Touch) => a.t - b.t || bytes(a.key, b.key) || bytes(a.link, b.link);
    const touches = person.touches.sort(byTime).slice(0, 2000);
    const keys = person.keys.sort(byTime).slice(0, 2000);
    const groupKey = (e: RawEvent) => keyOf(ref.groupOf(e, q.groupBy));
    const convs = person.convs
      .sort(
        (a, b) =>
          a.time - b.time ||
          bytes(linkOf(a), linkOf(b)) ||
          conversionValue(a) - conversionValue(b) ||
          bytes(groupKey(a), groupKey(b)),
      )
      .slice(0, 1000);
    for (const c of convs) {
      const cLink = linkOf(c);
      const valid = touches.filter((x) => {
        if (x.t < c.time - lookback || x.t > c.time) return false;
        if (q.keyEvent) {
          return keys.some(
            (k) => k.t >= x.t && k.t <= c.time && (!q.linkProperty || (cLink !== '' && k.link === cLink)),
          );
        }
        return !q.linkProperty || (cLink !== '' && x.link === cLink);
      });
      const ages = valid.map((x) => c.time - x.t);
      conversions.push({
        key: groupKey(c),
        group: ref.groupOf(c, q.groupBy),
        value: conversionValue(c),
        touches: valid.map((x) => x.key),
        weights: Object.fromEntries(REF_MODELS.map((m) => [m, weights(m, ages, halfLife)])) as Record<
          Model,
          number[]
        >,
      });
    }
  }
  const overall = blockOf(conversions, q);
  if (!q.groupBy?.length) return overall;
  // Groups: top N by conversions (ties by key), the rest merged into $others.
  const counts = new Map<string, number>();
  for (const c of conversions) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
  const top = topKeys(counts, q.groupLimit ?? 10);
  const groups: RefAttributionGroup[] = top.map((key) => {
    const members = conversions.filter((c) => c.key === key);
    return { group: members[0]!.group!, ...blockOf(members, q) };
  });
  const rest = conversions.filter((c) => !top.includes(c.key));
  if (rest.length > 0) groups.push({ group: q.groupBy.map(() => OTHERS), ...blockOf(rest, q) });
  return { ...overall, groups };
}

/** total / attributed / unattributed and touchpoint credits over a set of conversions. */
function blockOf(conversions: readonly Conversion[], q: RefAttributionQuery): RefAttributionBlock {
  const credit = new Map<string, { touched: number; c: Record<Model, number>; v: Record<Model, number> }>();
  const attributed = { conversions: 0, value: 0 };
  const unattributed = { conversions: 0, value: 0 };
  for (const conv of conversions) {
    const v = conv.value;
    if (conv.touches.length === 0) {
      unattributed.conversions++;
      unattributed.value += v;
      continue;
    }
    attributed.conversions++;
    attributed.value += v;
    const seen = new Set<string>();
    conv.touches.forEach((key, i) => {
      const acc = credit.get(key) ?? {
        touched: 0,
        c: Object.fromEntries(REF_MODELS.map((m) => [m, 0])) as Record<Model, number>,
        v: Object.fromEntries(REF_MODELS.map((m) => [m, 0])) as Record<Model, number>,
      };
      if (!seen.has(key)) acc.touched++;
      seen.add(key);
      for (const m of REF_MODELS) {
        acc.c[m] += conv.weights[m][i]!;
        acc.v[m] += conv.weights[m][i]! * v;
      }
      credit.set(key, acc);
    });
  }
  const touchpoints = [...credit.entries()].map(([key, acc]): RefTouchpointCredit => {
    const [index, split] = key.split('\u001f') as [string, string];
    const i = Number(index);
    return {
      touchpoint: i,
      splitValue: q.touchpoints[i]!.splitBy && split !== '' ? split : null,
      touchedConversions: acc.touched,
      credits: Object.fromEntries(
        REF_MODELS.map((m) => [
          m,
          {
            conversions: round6(acc.c[m]),
            share: attributed.conversions === 0 ? null : round6(acc.c[m] / attributed.conversions),
            value: round6(acc.v[m]),
          },
        ]),
      ) as RefTouchpointCredit['credits'],
    };
  });
  return {
    total: {
      conversions: attributed.conversions + unattributed.conversions,
      value: round6(attributed.value + unattributed.value),
    },
    attributed: { conversions: attributed.conversions, value: round6(attributed.value) },
    unattributed: { conversions: unattributed.conversions, value: round6(unattributed.value) },
    touchpoints,
  };
}
