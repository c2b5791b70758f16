// Runs path analysis and shapes the aggregated rows into Sankey nodes and links, ordered by level
// then weight; with group-by, also one diagram per group; with listUsers, also the person ids
// behind the requested node or link.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import type { PathGroup, PathLink, PathNode, PathQuery, PathResult } from './schema.ts';
import { NODE_SEPARATOR, pathSql } from './sql.ts';

interface Row {
  level: number;
  node: string;
  next: string;
  sessions: number;
  ended: number;
  users: number;
  /** grouping() bitmask: 0 = (level, node, next), 1 = (level, node), 7 = all paths. */
  g: number;
  /** With group-by: 0 = the overall diagram, 1 = the diagram of group `grp`. */
  part?: number;
  grp: string;
}

/** Event and split value of a node key. */
export function parseNodeKey(key: string): { event: string; value: string | null } {
  if (key === OTHERS_GROUP) return { event: OTHERS_GROUP, value: null };
  const at = key.indexOf(NODE_SEPARATOR);
  if (at < 0) return { event: key, value: null };
  const value = key.slice(at + 1);
  return { event: key.slice(0, at), value: value === '' ? null : value };
}

const byWeight =
  <T extends { level: number; sessions: number }>(key: (x: T) => string) =>
  (a: T, b: T) =>
    a.level - b.level || b.sessions - a.sessions || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

type Diagram = Omit<PathGroup, 'group'>;

/** Nodes, links, sessions and customers of one diagram's rows. */
function diagramOf(rows: readonly Row[]): Diagram {
  const nodes: PathNode[] = [];
  const links: PathLink[] = [];
  let sessions = 0;
  let users = 0;
  for (const r of rows) {
    const g = Number(r.g);
    if (g === 0 && r.next !== '') {
      links.push({
        level: Number(r.level),
        source: r.node,
        target: r.next,
        sessions: Number(r.sessions),
        users: Number(r.users),
      });
    } else if (g === 1) {
      const level = Number(r.level);
      nodes.push({
        level,
        key: r.node,
        ...parseNodeKey(r.node),
        sessions: Number(r.sessions),
        users: Number(r.users),
        dropOff: Number(r.ended),
      });
      if (level === 1) sessions += Number(r.sessions);
    } else if (g !== 0) {
      users = Number(r.users);
    }
  }
  nodes.sort(byWeight((n) => n.key));
  links.sort(byWeight((l) => `${l.source}\u0000${l.target}`));
  return { sessions, users, nodes, links };
}

/** Grouped rows: part 0 is the overall diagram, part 1 one diagram per group (grp). Groups by
 *  sessions, ties by key bytewise (as the engine ranked them), "$others" last. */
function groupsOf(ctx: AnalysisContext<PathQuery>, rows: readonly Row[]): PathGroup[] {
  const byGroup = new Map<string, Row[]>();
  for (const r of rows) {
    if (Number(r.part) !== 1) continue;
    byGroup.set(r.grp, [...(byGroup.get(r.grp) ?? []), r]);
  }
  return [...byGroup.entries()]
    .map(([key, groupRows]) => ({ key, diagram: diagramOf(groupRows) }))
    .sort(
      (a, b) =>
        Number(a.key === OTHERS_GROUP) - Number(b.key === OTHERS_GROUP) ||
        b.diagram.sessions - a.diagram.sessions ||
        Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
    )
    .map(({ key, diagram }) => ({ group: groupValue(ctx, key) ?? [], ...diagram }));
}

export async function runPath(ctx: AnalysisContext<PathQuery>): Promise<Omit<PathResult, 'meta'>> {
  const sql = pathSql(ctx);
  const rows = await ctx.rows<Row>(sql.diagram);
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const result: Omit<PathResult, 'meta'> = {
    depth: ctx.query.depth ?? 5,
    anchor: ctx.query.anchor ?? 'all',
    ...diagramOf(grouped ? rows.filter((r) => Number(r.part) === 0) : rows),
    ...(grouped ? { groups: groupsOf(ctx, rows) } : {}),
  };
  const list = ctx.query.listUsers;
  if (list && sql.users) {
    const ids = await ctx.rows<{ person: string }>(
      sql.users(list.level, list.node, list.next, list.limit ?? 1000),
    );
    result.personIds = ids.map((r) => String(r.person));
  }
  return result;
}
