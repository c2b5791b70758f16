// The profile operations' semantics, as a pure function: a person's operations (already sorted
// in event-time order) folded into their user properties. String values live in `props`, numbers
// in `num_props`, lists as JSON array strings in `props` (the shape of the events table).
// Never reads storage and never looks at wall-clock time, so a fold is reproducible from the log.
import type { ProfileOp } from '@tally/infra/clickhouse';

export interface StoredOp {
  readonly op: ProfileOp;
  /** ms since epoch (event time). */
  readonly time: number;
  readonly uuid: string;
  readonly props: Readonly<Record<string, string>>;
  readonly num_props: Readonly<Record<string, number>>;
}

export interface UserProperties {
  props: Record<string, string>;
  num_props: Record<string, number>;
}

/** Event-time order; ties broken by uuid so every worker folds equal times the same way. */
export function compareOps(a: StoredOp, b: StoredOp): number {
  return a.time - b.time || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
}

/** A list property's items: a JSON array of strings (what SDKs send for arrays) or one value. */
export function listItems(value: string | number | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return [String(value)];
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    } catch {
      // not JSON: an ordinary string that happens to start with '['
    }
  }
  return [value];
}

export function applyOps(ops: readonly StoredOp[]): UserProperties {
  // Null-prototype maps: property names come from clients.
  let props: Record<string, string> = Object.create(null);
  let num: Record<string, number> = Object.create(null);
  const has = (key: string) => key in props || key in num;
  const setString = (key: string, value: string) => {
    delete num[key];
    props[key] = value;
  };
  const setNumber = (key: string, value: number) => {
    delete props[key];
    num[key] = value;
  };
  for (const op of ops) {
    switch (op.op) {
      case 'profile_set':
        for (const [k, v] of Object.entries(op.props)) setString(k, v);
        for (const [k, v] of Object.entries(op.num_props)) setNumber(k, v);
        break;
      case 'profile_set_once':
        for (const [k, v] of Object.entries(op.props)) if (!has(k)) setString(k, v);
        for (const [k, v] of Object.entries(op.num_props)) if (!has(k)) setNumber(k, v);
        break;
      case 'profile_increment':
        // Only numbers increment; a string value in an increment is ignored (the SDK contract).
        for (const [k, v] of Object.entries(op.num_props)) setNumber(k, (num[k] ?? 0) + v);
        break;
      case 'profile_append':
        for (const [k, v] of [...Object.entries(op.props), ...Object.entries(op.num_props)]) {
          const existing = k in props ? listItems(props[k]) : [];
          setString(k, JSON.stringify([...existing, ...listItems(v)]));
        }
        break;
      case 'profile_unset':
        for (const k of [...Object.keys(op.props), ...Object.keys(op.num_props)]) {
          delete props[k];
          delete num[k];
        }
        break;
      case 'profile_delete':
        props = Object.create(null);
        num = Object.create(null);
        break;
    }
  }
  return { props, num_props: num };
}
