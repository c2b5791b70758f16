// Reference path analysis: per resolved person, the kept events (range, scope, filters, include /
// exclude, session id present in session-id mode) sorted by (time, node, anchor), cut into
// sessions per calendar day in the zone at gaps longer than the timeout (or by session id), each
// session's path cut at the anchor, collapsed, truncated to depth; nodes ranked per level by
// sessions (ties by name, bytewise), everything below the top N mapped to "$others". With group-by,
// a path's group is that of its level-1 event (session start or anchor) and every group (top N by
// sessions, then $others) gets its own diagram. Loops only.
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
  topKeys,
} from './common.ts';

export interface RefPathQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly filters?: readonly RefFilter[];
  readonly sessionMode?: 'inactivity' | 'session_id';
  readonly sessionTimeoutMinutes?: number;
  readonly anchor?: 'all' | 'start' | 'end';
  readonly anchorEvent?: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly depth?: number;
  readonly includeEvents?: readonly string[];
  readonly excludeEvents?: readonly string[];
  readonly collapseRepeats?: boolean;
  readonly splitBy?: readonly { readonly event: string; readonly property: string }[];
  readonly nodesPerLevel?: number;
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
}
export interface RefPathNode {
  level: number;
  key: string;
  sessions: number;
  users: number;
  dropOff: number;
}
export interface RefPathLink {
  level: number;
  source: string;
  target: string;
  sessions: number;
  users: number;
}
export interface RefPathDiagram {
  sessions: number;
  users: number;
  nodes: RefPathNode[];
  links: RefPathLink[];
  /** Persons behind (level, node) and (level, node, next), for listUsers checks. */
  personsOf(level: number, node: string, next?: string): number[];
}
export interface RefPathGroup extends RefPathDiagram {
  group: (string | null)[];
}
export interface RefPathResult extends RefPathDiagram {
  /** Only with groupBy: top N groups by sessions (ties by key), then $others. */
  groups?: RefPathGroup[];
}

export const MAX_SEQUENCE = 500;
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface Step {
  t: number;
  node: string;
  anchor: number;
  /** Group key and values of the event (event property or profile). */
  key: string;
  group: (string | null)[] | null;
}

interface Path {
  person: number;
  path: string[];
  /** The group of the path's level-1 event. */
  key: string;
  group: (string | null)[] | null;
}

export function referencePath(
  data: Dataset,
  q: RefPathQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefPathResult {
  const ref = new Reference(data, q.timeZone);
  const zone = q.timeZone;
  const depth = q.depth ?? 5;
  const anchor = q.anchor ?? 'all';
  const top = q.nodesPerLevel ?? 10;
  const timeout = (q.sessionTimeoutMinutes ?? 30) * 60_000;
  const { start, end } = rangeOf(q.from, q.to, zone);
  const included = q.includeEvents
    ? new Set([...q.includeEvents, ...(q.anchorEvent ? [q.anchorEvent.event] : [])])
    : null;
  const keep = (e: RawEvent) =>
    e.time >= start &&
    e.time < end &&
    ref.inScope(e, scope) &&
    ref.matchesAll(e, q.filters) &&
    (!included || included.has(e.event)) &&
    !(q.excludeEvents ?? []).includes(e.event) &&
    (q.sessionMode !== 'session_id' || e.sessionId !== '');
  const nodeOf = (e: RawEvent) => {
    const split = (q.splitBy ?? []).find((s) => s.event === e.event);
    return split ? `${e.event}\u001f${ref.value(e, 'event', split.property).text}` : e.event;
  };
  const isAnchor = (e: RawEvent) =>
    anchor !== 'all' && e.event === q.anchorEvent!.event && ref.matchesAll(e, q.anchorEvent!.filters) ? 1 : 0;

  // (person, day or session id) -> steps
  const sessionGroups = new Map<string, { person: number; steps: Step[] }>();
  for (const e of data.events) {
    if (!keep(e)) continue;
    const person = ref.person(e);
    const skey =
      q.sessionMode === 'session_id' ? e.sessionId : DateTime.fromMillis(e.time, { zone }).toISODate();
    const id = `${person}|${skey}`;
    const g = sessionGroups.get(id) ?? { person, steps: [] };
    const group = ref.groupOf(e, q.groupBy);
    g.steps.push({ t: e.time, node: nodeOf(e), anchor: isAnchor(e), key: keyOf(group), group });
    sessionGroups.set(id, g);
  }
  const paths: Path[] = [];
  for (const { person, steps } of sessionGroups.values()) {
    steps.sort((a, b) => a.t - b.t || bytes(a.node, b.node) || a.anchor - b.anchor || bytes(a.key, b.key));
    // The engine holds at most MAX_SEQUENCE events per group (which ones past that is unspecified;
    // generated data stays far below).
    const kept = steps.slice(0, MAX_SEQUENCE);
    const sessions: Step[][] = [];
    for (const s of kept) {
      const current = sessions[sessions.length - 1];
      const last = current?.[current.length - 1];
      if (!current || (q.sessionMode !== 'session_id' && s.t - last!.t > timeout)) sessions.push([s]);
      else current.push(s);
    }
    for (const s of sessions) {
      let cut = s;
      if (anchor === 'start') {
        const i = s.findIndex((x) => x.anchor === 1);
        if (i < 0) continue;
        cut = s.slice(i);
      } else if (anchor === 'end') {
        const i = s.map((x) => x.anchor).lastIndexOf(1);
        if (i < 0) continue;
        cut = s.slice(0, i + 1);
      }
      let nodes = cut.map((x) => x.node);
      if (q.collapseRepeats) nodes = nodes.filter((n, i) => i === 0 || n !== nodes[i - 1]);
      if (anchor === 'end') nodes.reverse();
      // The level-1 event: the session's first, the first anchor, or (anchor end) the last anchor.
      const first = anchor === 'end' ? cut[cut.length - 1]! : cut[0]!;
      paths.push({ person, path: nodes.slice(0, depth + 1), key: first.key, group: first.group });
    }
  }
  const overall = diagramOf(paths, depth, top);
  if (!q.groupBy?.length) return overall;
  // Groups: top N by sessions (ties by key), the rest as $others; each its own diagram.
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
  const kept = topKeys(counts, q.groupLimit ?? 10);
  const groups: RefPathGroup[] = kept.map((key) => {
    const members = paths.filter((p) => p.key === key);
    return { group: members[0]!.group!, ...diagramOf(members, depth, top) };
  });
  const rest = paths.filter((p) => !kept.includes(p.key));
  if (rest.length > 0) groups.push({ group: q.groupBy.map(() => OTHERS), ...diagramOf(rest, depth, top) });
  return { ...overall, groups };
}

/** The Sankey diagram of a set of paths: top N nodes per level, the rest as $others. */
function diagramOf(paths: readonly Path[], depth: number, top: number): RefPathDiagram {
  // Rank nodes per level by sessions reaching them.
  const weight = new Map<string, number>();
  for (const { path } of paths) {
    for (let k = 1; k <= Math.min(depth, path.length); k++) {
      const id = `${k}|${path[k - 1]}`;
      weight.set(id, (weight.get(id) ?? 0) + 1);
    }
  }
  const topAt = new Map<number, Set<string>>();
  for (let k = 1; k <= depth; k++) {
    const ranked = [...weight.entries()]
      .filter(([id]) => id.startsWith(`${k}|`))
      .map(([id, w]) => [id.slice(String(k).length + 1), w] as const)
      .sort((a, b) => b[1] - a[1] || bytes(a[0], b[0]));
    topAt.set(k, new Set(ranked.slice(0, top).map(([n]) => n)));
  }
  const mapped = (k: number, node: string) => (topAt.get(k)!.has(node) ? node : OTHERS);
  const nodeAcc = new Map<string, RefPathNode & { persons: Set<number> }>();
  const linkAcc = new Map<string, RefPathLink & { persons: Set<number> }>();
  const all = new Set<number>();
  for (const { person, path } of paths) {
    all.add(person);
    for (let k = 1; k <= Math.min(depth, path.length); k++) {
      const node = mapped(k, path[k - 1]!);
      const nid = `${k}|${node}`;
      const n = nodeAcc.get(nid) ?? {
        level: k,
        key: node,
        sessions: 0,
        users: 0,
        dropOff: 0,
        persons: new Set(),
      };
      n.sessions++;
      if (path.length === k) n.dropOff++;
      n.persons.add(person);
      nodeAcc.set(nid, n);
      if (k < depth && k < path.length) {
        const next = mapped(k + 1, path[k]!);
        const lid = `${k}|${node}|${next}`;
        const l = linkAcc.get(lid) ?? {
          level: k,
          source: node,
          target: next,
          sessions: 0,
          users: 0,
          persons: new Set(),
        };
        l.sessions++;
        l.persons.add(person);
        linkAcc.set(lid, l);
      }
    }
  }
  const nodes = [...nodeAcc.values()].map(({ persons, ...n }) => ({ ...n, users: persons.size }));
  const links = [...linkAcc.values()].map(({ persons, ...l }) => ({ ...l, users: persons.size }));
  return {
    sessions: nodes.filter((n) => n.level === 1).reduce((s, n) => s + n.sessions, 0),
    users: all.size,
    nodes,
    links,
    personsOf(level, node, next) {
      const acc =
        next === undefined ? nodeAcc.get(`${level}|${node}`) : linkAcc.get(`${level}|${node}|${next}`);
      return [...(acc?.persons ?? [])].sort((a, b) => a - b);
    },
  };
}
