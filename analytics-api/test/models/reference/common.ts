// Shared pieces of the reference models: plain loops over a Dataset, written from the
// specification (../../../../../shared/analysis-models.md and models/README.md), not from the SQL.
// Persons are resolved through the overrides; property types follow the catalog rule (a property
// ever sent as a number is numeric); periods are cut in the query's zone with luxon.
import { DateTime } from 'luxon';
import type { Dataset, Profile, RawEvent } from '../support/dataset.ts';

export interface RefFilter {
  readonly source?: 'event' | 'user';
  readonly property: string;
  readonly op: string;
  readonly values?: readonly (string | number)[];
}
export interface RefGroupBy {
  readonly source?: 'event' | 'user';
  readonly property: string;
  readonly buckets?: readonly number[];
}
export interface RefScope {
  readonly bankCodes: readonly string[] | 'all';
}

const EVENT_COLUMNS: Record<string, (e: RawEvent) => string> = {
  $bank_code: (e) => e.bankCode,
  $branch_code: (e) => e.branchCode,
  $session_id: (e) => e.sessionId,
};
/** A profile's first/last seen time as the console shows it: seconds, in the query's zone. */
const seenText = (ms: number, zone: string) =>
  ms > 0 ? DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss') : '';
const USER_COLUMNS: Record<string, (p: Profile, zone: string) => string> = {
  $bank_code: (p) => p.bankCode,
  $branch_code: (p) => p.branchCode,
  $first_seen: (p, zone) => seenText(p.firstSeen, zone),
  $last_seen: (p, zone) => seenText(p.lastSeen, zone),
};

export class Reference {
  readonly persons = new Map<number, number>();
  readonly profiles = new Map<number, Profile>();
  readonly numericEvent = new Set<string>();
  readonly numericUser = new Set<string>();

  /** `timeZone`: the query's zone, in which date-valued properties are rendered. */
  constructor(
    readonly data: Dataset,
    readonly timeZone = 'UTC',
  ) {
    for (const [from, to] of data.overrides) this.persons.set(from, to);
    for (const p of data.profiles) this.profiles.set(p.personId, p);
    for (const e of data.events) for (const k of Object.keys(e.numProps)) this.numericEvent.add(k);
    for (const p of data.profiles) for (const k of Object.keys(p.numProps)) this.numericUser.add(k);
  }

  person(e: RawEvent): number {
    return this.persons.get(e.personId) ?? e.personId;
  }

  /** { set, text, num } of a property on an event (or on the event's person's profile). */
  value(
    e: RawEvent,
    source: 'event' | 'user',
    name: string,
  ): { set: boolean; text: string; num: number | null } {
    if (source === 'event') {
      const col = EVENT_COLUMNS[name];
      if (col) return { set: col(e) !== '', text: col(e), num: null };
      if (this.numericEvent.has(name)) {
        const v = e.numProps[name];
        return v === undefined ? { set: false, text: '', num: 0 } : { set: true, text: String(v), num: v };
      }
      const v = e.props[name];
      return { set: v !== undefined, text: v ?? '', num: null };
    }
    const profile = this.profiles.get(this.person(e));
    const col = USER_COLUMNS[name];
    if (col) {
      const text = profile ? col(profile, this.timeZone) : '';
      return { set: text !== '', text, num: null };
    }
    if (this.numericUser.has(name)) {
      const v = profile?.numProps[name];
      return v === undefined ? { set: false, text: '', num: 0 } : { set: true, text: String(v), num: v };
    }
    const v = profile?.props[name];
    return { set: v !== undefined, text: v ?? '', num: null };
  }

  matches(e: RawEvent, f: RefFilter): boolean {
    const v = this.value(e, f.source ?? 'event', f.property);
    const values = f.values ?? [];
    const equalsAny = () =>
      v.num !== null ? values.map(Number).includes(v.num) : values.map(String).includes(v.text);
    switch (f.op) {
      case 'is_set':
        return v.set;
      case 'not_set':
        return !v.set;
      case 'eq':
      case 'in':
        return v.set && equalsAny();
      case 'neq':
      case 'not_in':
        return !(v.set && equalsAny());
      case 'contains':
        return v.set && values.some((x) => v.text.includes(String(x)));
      case 'not_contains':
        return !(v.set && values.some((x) => v.text.includes(String(x))));
      case 'gt':
        return v.set && (v.num ?? 0) > Number(values[0]);
      case 'gte':
        return v.set && (v.num ?? 0) >= Number(values[0]);
      case 'lt':
        return v.set && (v.num ?? 0) < Number(values[0]);
      case 'lte':
        return v.set && (v.num ?? 0) <= Number(values[0]);
      case 'between':
        return v.set && (v.num ?? 0) >= Number(values[0]) && (v.num ?? 0) <= Number(values[1]);
      case 'before':
        return v.set && v.text < String(values[0]);
      case 'after': {
        // A date names its whole day (a month its month): "after" starts when it ends.
        const bound = String(values[0]);
        return v.set && v.text > bound && !v.text.startsWith(bound);
      }
      default:
        throw new Error(`reference: unknown op ${f.op}`);
    }
  }

  matchesAll(e: RawEvent, filters: readonly RefFilter[] | undefined): boolean {
    return (filters ?? []).every((f) => this.matches(e, f));
  }

  inScope(e: RawEvent, scope: RefScope): boolean {
    return scope.bankCodes === 'all' || scope.bankCodes.includes(e.bankCode);
  }

  /** Group values of an event (null where not set), or null without group-by. */
  groupOf(e: RawEvent, groupBy: readonly RefGroupBy[] | undefined): (string | null)[] | null {
    if (!groupBy?.length) return null;
    return groupBy.map((g) => {
      const v = this.value(e, g.source ?? 'event', g.property);
      if (!v.set) return null;
      if (g.buckets && v.num !== null)
        return bucketOf(
          [...g.buckets].sort((a, b) => a - b),
          v.num,
        );
      return v.text === '' ? null : v.text;
    });
  }
}

export function bucketOf(bounds: readonly number[], x: number): string {
  if (x < bounds[0]!) return `<${bounds[0]}`;
  for (let i = 0; i + 1 < bounds.length; i++)
    if (x < bounds[i + 1]!) return `[${bounds[i]},${bounds[i + 1]})`;
  return `>=${bounds[bounds.length - 1]}`;
}

/** [start, end) instants of a YYYY-MM-DD..YYYY-MM-DD range in a zone. */
export function rangeOf(from: string, to: string, zone: string): { start: number; end: number } {
  return {
    start: DateTime.fromISO(from, { zone }).toMillis(),
    end: DateTime.fromISO(to, { zone }).plus({ days: 1 }).toMillis(),
  };
}

export type RefGranularity = 'hour' | 'day' | 'week' | 'month' | 'total';

export function periodOf(ms: number, g: RefGranularity, zone: string): string {
  const t = DateTime.fromMillis(ms, { zone });
  if (g === 'total') return 'total';
  if (g === 'hour') return `${t.toISODate()} ${String(t.hour).padStart(2, '0')}:00`;
  if (g === 'day') return t.toISODate() as string;
  if (g === 'week') return t.minus({ days: t.weekday - 1 }).toISODate() as string;
  return t.set({ day: 1 }).toISODate() as string;
}

/** Every period label from start to end (exclusive), in order. */
export function periodsBetween(start: number, end: number, g: RefGranularity, zone: string): string[] {
  const out: string[] = [];
  for (let t = start; t < end; t += 15 * 60_000) {
    const label = periodOf(t, g, zone);
    if (out[out.length - 1] !== label) out.push(label);
  }
  return out;
}

/** Top N group keys by weight (desc), ties by key (asc); keys are group values joined by \u001f. */
export function topKeys(weights: Map<string, number>, n: number): string[] {
  return [...weights.entries()]
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([k]) => k);
}

export function keyOf(group: (string | null)[] | null): string {
  return group === null ? '' : group.map((v) => v ?? '').join('\u001f');
}

export const OTHERS = '$others';
export const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
