// Reference user property analysis: the current profiles of the dataset minus device persons
// merged into a customer, in scope by the profile's bank, matching user filters and behaviours
// (events of the range per resolved person, in scope, with the event's filters); values per
// dimension ranked by customers (ties bytewise), the rest "$others"; cells, margins, totals with
// sum / average / lower median / min / max of a numeric user property. Loops only.
import type { Dataset, Profile, RawEvent } from '../support/dataset.ts';
import {
  OTHERS,
  Reference,
  type RefFilter,
  type RefGroupBy,
  type RefScope,
  rangeOf,
  round6,
} from './common.ts';

export interface RefBehaviour {
  readonly event: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly did?: boolean;
  readonly minTimes?: number;
}
export interface RefUserPropertiesQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly behaviours?: readonly RefBehaviour[];
  readonly measure?: string;
}
export interface RefCellStats {
  users: number;
  share: number | null;
  withValue: number;
  sum: number | null;
  average: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}
export type RefCell = { group: (string | null)[] } & RefCellStats;
export interface RefUserPropertiesResult {
  total: RefCellStats;
  dimensions: { property: string; values: (string | null)[] }[];
  cells: RefCell[];
  margins: RefCell[][];
}

const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const shown = (k: string) => (k === '' ? null : k);

interface Customer {
  person: number;
  keys: string[];
  value: number | null;
}

function statsOf(list: Customer[], all: number, measured: boolean): RefCellStats {
  const values = list.flatMap((c) => (c.value === null ? [] : [c.value])).sort((a, b) => a - b);
  const has = measured && values.length > 0;
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    users: list.length,
    share: all === 0 ? null : round6(list.length / all),
    withValue: measured ? values.length : 0,
    sum: has ? round6(sum) : null,
    average: has ? round6(sum / values.length) : null,
    median: has ? values[Math.ceil(values.length / 2) - 1]! : null,
    min: has ? values[0]! : null,
    max: has ? values[values.length - 1]! : null,
  };
}

/** The matching customers (person, dimension keys with top N + others applied) and each dimension's values. */
export function referenceUserPropertiesCustomers(
  data: Dataset,
  q: RefUserPropertiesQuery,
  scope: RefScope = { bankCodes: 'all' },
): { customers: Customer[]; values: string[][] } {
  const ref = new Reference(data, q.timeZone);
  const { start, end } = rangeOf(q.from, q.to, q.timeZone);
  const merged = new Set(data.overrides.map(([from]) => from));
  // A stand-in event of the customer, so user filters and dimensions read their profile.
  const asEvent = (p: Profile): RawEvent => ({
    event: '',
    time: 0,
    personId: p.personId,
    bankCode: p.bankCode,
    branchCode: p.branchCode,
    sessionId: '',
    props: {},
    numProps: {},
  });
  const times = (b: RefBehaviour) => {
    const n = new Map<number, number>();
    for (const e of data.events) {
      if (e.time < start || e.time >= end || !ref.inScope(e, scope)) continue;
      if (b.event.event !== '$any' && e.event !== b.event.event) continue;
      if (!ref.matchesAll(e, b.event.filters)) continue;
      n.set(ref.person(e), (n.get(ref.person(e)) ?? 0) + 1);
    }
    return n;
  };
  const behaviours = (q.behaviours ?? []).map((b) => ({ b, n: times(b) }));
  const dims = q.groupBy ?? [];
  const customers: Customer[] = [];
  for (const p of data.profiles) {
    if (merged.has(p.personId)) continue;
    if (scope.bankCodes !== 'all' && !scope.bankCodes.includes(p.bankCode)) continue;
    const e = asEvent(p);
    if (
      !ref.matchesAll(
        { ...e },
        (q.filters ?? []).map((f) => ({ ...f, source: 'user' as const })),
      )
    )
      continue;
    const ok = behaviours.every(({ b, n }) => {
      const did = (n.get(p.personId) ?? 0) >= (b.minTimes ?? 1);
      return b.did === false ? !did : did;
    });
    if (!ok) continue;
    const keys = dims.map((g) => ref.groupOf(e, [g])![0] ?? '');
    const v = q.measure ? ref.value(e, 'user', q.measure) : null;
    customers.push({ person: p.personId, keys, value: v?.set ? v.num : null });
  }
  const values = dims.map((_, d) => {
    const counts = new Map<string, number>();
    for (const c of customers) counts.set(c.keys[d]!, (counts.get(c.keys[d]!) ?? 0) + 1);
    const top = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || bytes(a[0], b[0]))
      .slice(0, q.groupLimit ?? 10)
      .map(([k]) => k);
    for (const c of customers) if (!top.includes(c.keys[d]!)) c.keys[d] = OTHERS;
    return customers.some((c) => c.keys[d] === OTHERS) ? [...top, OTHERS] : top;
  });
  return { customers, values };
}

export function referenceUserProperties(
  data: Dataset,
  q: RefUserPropertiesQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefUserPropertiesResult {
  const { customers, values } = referenceUserPropertiesCustomers(data, q, scope);
  const dims = q.groupBy ?? [];
  const all = customers.length;
  const measured = q.measure !== undefined;
  const cell = (group: string[], list: Customer[]): RefCell => ({
    group: group.map(shown),
    ...statsOf(list, all, measured),
  });
  let cells: RefCell[] = [];
  let margins: RefCell[][] = [];
  if (dims.length === 1) {
    cells = values[0]!.map((v) =>
      cell(
        [v],
        customers.filter((c) => c.keys[0] === v),
      ),
    );
  } else if (dims.length === 2) {
    for (const a of values[0]!) {
      for (const b of values[1]!) {
        const list = customers.filter((c) => c.keys[0] === a && c.keys[1] === b);
        if (list.length) cells.push(cell([a, b], list));
      }
    }
    margins = values.map((vs, d) =>
      vs.map((v) =>
        cell(
          [v],
          customers.filter((c) => c.keys[d] === v),
        ),
      ),
    );
  }
  return {
    total: statsOf(customers, all, measured),
    dimensions: dims.map((g, d) => ({ property: g.property, values: values[d]!.map(shown) })),
    cells,
    margins,
  };
}
