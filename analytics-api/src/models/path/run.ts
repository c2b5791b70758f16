// Runs path analysis and shapes the aggregated rows into Sankey nodes and links, ordered by level
// then weight; with listUsers, also the person ids behind the requested node or link.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import type { PathLink, PathNode, PathQuery, PathResult } from './schema.ts';
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

export async function runPath(ctx: AnalysisContext<PathQuery>): Promise<Omit<PathResult, 'meta'>> {
  const sql = pathSql(ctx);
  const rows = await ctx.rows<Row>(sql.diagram);
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
  const result: Omit<PathResult, 'meta'> = {
    depth: ctx.query.depth ?? 5,
    anchor: ctx.query.anchor ?? 'all',
    sessions,
    users,
    nodes,
    links,
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
